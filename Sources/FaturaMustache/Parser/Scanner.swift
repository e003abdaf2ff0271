/// Splits template source into text and tags, following set-delimiter tags,
/// and records for each tag whether only whitespace surrounds it on its line.
struct Scanner {
    let source: SourceText
    private var position = 0
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)

    init(_ source: SourceText) { self.source = source }

    /// The next token, or `nil` at the end of the source.
    mutating func next() throws -> Token? {
        let count = source.bytes.count
        guard position < count else { return nil }
        let tagStart = find(open, from: position) ?? count
        if tagStart > position {
            defer { position = tagStart }
            return .text(position..<tagStart)
        }
        return .tag(try scanTag())
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        let bytes = source.bytes
        let count = bytes.count
        let length = needle.count
        guard length > 0, count >= length else { return nil }
        let first = needle[0]
        var i = start
        while i <= count - length {
            if bytes[i] == first {
                var j = 1
                while j < length && bytes[i + j] == needle[j] { j += 1 }
                if j == length { return i }
            }
            i += 1
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        let bytes = source.bytes
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && Self.isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower && Self.isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private var delimiters: (String, String) {
        (String(decoding: open, as: UTF8.self), String(decoding: close, as: UTF8.self))
    }

    /// A short excerpt of the tag's beginning, for messages.
    private func excerpt(from start: Int) -> String {
        let bytes = source.bytes
        var end = start
        while end < bytes.count && end - start < 24 && bytes[end] != UInt8(ascii: "\n")
            && bytes[end] != UInt8(ascii: "\r")
        {
            end += 1
        }
        // Do not cut a UTF-8 sequence in half.
        while end < bytes.count && end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return source.string(start..<end)
    }

    private mutating func scanTag() throws -> Tag {
        let bytes = source.bytes
        let count = bytes.count
        let start = position
        let afterOpen = start + open.count
        let sigil: UInt8? = afterOpen < count ? bytes[afterOpen] : nil
        let (openText, closeText) = delimiters

        let kind: TagKind
        var terminator = close
        var contentStart = afterOpen + 1
        switch sigil {
        case UInt8(ascii: "{"):
            kind = .variable(escaped: false)
            terminator = [UInt8(ascii: "}")] + close
        case UInt8(ascii: "&"): kind = .variable(escaped: false)
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .inverted
        case UInt8(ascii: "/"): kind = .close
        case UInt8(ascii: "!"): kind = .comment
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "<"): kind = .parent
        case UInt8(ascii: "$"): kind = .block
        case UInt8(ascii: "%"): kind = .pragma
        case UInt8(ascii: "="):
            kind = .setDelimiters
            terminator = [UInt8(ascii: "=")] + close
        default:
            kind = .variable(escaped: true)
            contentStart = afterOpen
        }
        contentStart = min(contentStart, count)

        guard let contentEnd = find(terminator, from: contentStart) else {
            let expected = String(decoding: terminator, as: UTF8.self)
            throw source.error(
                .unclosedTag, "unclosed tag '\(excerpt(from: start))', expected '\(expected)'", at: start)
        }
        let end = contentEnd + terminator.count
        let content = trimmed(contentStart..<contentEnd)

        var tag = Tag(
            kind: kind, name: source.string(content), start: start, end: end,
            lineStart: nil, lineEnd: nil, open: openText, close: closeText)

        switch kind {
        case .comment, .pragma:
            break
        case .setDelimiters:
            try applyDelimiters(content, tagStart: start, tagEnd: end)
        default:
            if content.isEmpty {
                throw source.error(.invalidTagName, "empty tag '\(source.string(start..<end))'", at: start)
            }
            if content.contains(where: { Self.isWhitespace(bytes[$0]) }) {
                let looksUnclosed =
                    content.contains(where: { bytes[$0] == UInt8(ascii: "\n") })
                    || find(open, from: content.lowerBound).map { $0 < content.upperBound } == true
                if looksUnclosed {
                    throw source.error(
                        .unclosedTag, "unclosed tag '\(excerpt(from: start))', expected '\(closeText)'", at: start)
                }
                throw source.error(
                    .invalidTagName, "invalid tag name '\(tag.name)': names cannot contain whitespace", at: start,
                    name: tag.name)
            }
        }

        // Standalone information: only spaces/tabs between the line start and the tag,
        // and between the tag and the end of its line.
        var lineStart = start
        while lineStart > 0 && Self.isSpace(bytes[lineStart - 1]) { lineStart -= 1 }
        if lineStart == 0 || bytes[lineStart - 1] == UInt8(ascii: "\n") { tag.lineStart = lineStart }
        var lineEnd = end
        while lineEnd < count && Self.isSpace(bytes[lineEnd]) { lineEnd += 1 }
        if lineEnd == count {
            tag.lineEnd = count
        } else if bytes[lineEnd] == UInt8(ascii: "\n") {
            tag.lineEnd = lineEnd + 1
        } else if bytes[lineEnd] == UInt8(ascii: "\r") && lineEnd + 1 < count
            && bytes[lineEnd + 1] == UInt8(ascii: "\n")
        {
            tag.lineEnd = lineEnd + 2
        }

        position = end
        return tag
    }

    /// Applies `{{=<% %>=}}`: two whitespace-separated delimiters, neither containing `=`.
    private mutating func applyDelimiters(_ content: Range<Int>, tagStart: Int, tagEnd: Int) throws {
        let bytes = source.bytes
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        for i in content {
            if Self.isWhitespace(bytes[i]) {
                if !current.isEmpty { parts.append(current) }
                current = []
            } else {
                current.append(bytes[i])
            }
        }
        if !current.isEmpty { parts.append(current) }
        guard parts.count == 2, !parts[0].contains(UInt8(ascii: "=")), !parts[1].contains(UInt8(ascii: "=")) else {
            throw source.error(
                .invalidDelimiters,
                "invalid set-delimiter tag '\(source.string(tagStart..<tagEnd))', "
                    + "expected two delimiters separated by whitespace, like {{=<% %>=}}",
                at: tagStart)
        }
        open = parts[0]
        close = parts[1]
    }
}
