/// Builds the syntax tree of one template, applying the standalone-line rules
/// of the Mustache spec and the indentation rules of the inheritance module:
///
/// - A standalone tag (only whitespace around it on its line) removes its line.
/// - A `{{<parent}}...{{/parent}}` pair is standalone when only whitespace
///   precedes the opening tag and follows the closing tag on their lines.
/// - Inside a parent tag only `{{$block}}` definitions count; their content
///   starts on the next line when the opening tag ends its line, and is
///   de-indented by the indentation of its first line.
struct Parser {
    private let source: SourceText
    private var scanner: Scanner
    /// Text before this offset has been consumed by a standalone tag.
    private var skipUntil = 0
    /// Indentation removed from each line inside the current block definition.
    private var dedent: [UInt8] = []

    private enum Context {
        case template
        case section(Tag)
        case block(Tag)
        case definition(Tag)
    }

    private init(_ source: SourceText) {
        self.source = source
        self.scanner = Scanner(source)
    }

    /// Parses a whole template.
    static func parse(_ source: SourceText) throws -> [Node] {
        var parser = Parser(source)
        return try parser.parseBody(.template).nodes
    }

    // MARK: - Bodies

    private mutating func parseBody(_ context: Context) throws -> (nodes: [Node], close: Tag?) {
        var nodes: [Node] = []
        while let token = try scanner.next() {
            switch token {
            case .text(let range):
                appendText(range, to: &nodes)
            case .tag(let tag):
                switch tag.kind {
                case .comment, .setDelimiters:
                    removeLineIfStandalone(tag, from: &nodes)
                case .pragma:
                    let escape = try parsePragma(tag)
                    removeLineIfStandalone(tag, from: &nodes)
                    nodes.append(.pragma(escape: escape, standalone: tag.isStandalone, offset: tag.start))
                case .variable(let escaped):
                    nodes.append(.variable(try parseName(tag), escaped: escaped, offset: tag.start))
                case .section, .inverted:
                    nodes.append(try parseSection(tag, into: &nodes))
                case .close:
                    switch context {
                    case .template:
                        throw source.error(
                            .unexpectedClosingTag,
                            "unexpected closing tag \(tag.open)/\(tag.name)\(tag.close): no section is open",
                            at: tag.start, name: tag.name)
                    case .section(let open), .block(let open), .definition(let open):
                        try checkClose(tag, closes: open)
                        return (nodes, tag)
                    }
                case .partial:
                    var indent: [UInt8]?
                    if tag.isStandalone, let lineStart = tag.lineStart {
                        indent = dedented(lineStart..<tag.start)
                    }
                    removeLineIfStandalone(tag, from: &nodes)
                    nodes.append(.partial(tag.name, indent: indent, offset: tag.start))
                case .parent:
                    nodes.append(try parseParent(tag, into: &nodes))
                case .block:
                    nodes.append(try parseBlockSite(tag, into: &nodes))
                }
            }
        }
        switch context {
        case .template:
            return (nodes, nil)
        case .section(let open), .block(let open), .definition(let open):
            let what: String
            switch open.kind {
            case .block: what = "block"
            default: what = "section"
            }
            throw source.error(
                .unclosedSection, "unclosed \(what) '\(open.name)', expected \(open.expectedClose)",
                at: open.start, name: open.name)
        }
    }

    private func checkClose(_ tag: Tag, closes open: Tag) throws {
        guard tag.name != open.name else { return }
        let (line, column) = source.location(of: open.start)
        throw source.error(
            .mismatchedClosingTag,
            "mismatched closing tag \(tag.open)/\(tag.name)\(tag.close), expected \(open.expectedClose) "
                + "(opened at \(line):\(column))",
            at: tag.start, name: tag.name)
    }

    private mutating func parseSection(_ tag: Tag, into nodes: inout [Node]) throws -> Node {
        let name = try parseName(tag)
        removeLineIfStandalone(tag, from: &nodes)
        let (body, close) = try parseBody(.section(tag))
        var children = body
        if let close { removeLineIfStandalone(close, from: &children) }
        return .section(
            name, inverted: tag.kind == .inverted, children: children, openStandalone: tag.isStandalone,
            closeStandalone: close?.isStandalone ?? false, offset: tag.start)
    }

    /// `{{$name}}` outside a parent tag: a place that can be overridden.
    private mutating func parseBlockSite(_ tag: Tag, into nodes: inout [Node]) throws -> Node {
        let site: BlockSite
        let children: [Node]
        let close: Tag?
        if tag.isStandalone, let lineStart = tag.lineStart, let lineEnd = tag.lineEnd {
            let ownIndent = dedented(lineStart..<tag.start)
            removeLineIfStandalone(tag, from: &nodes)
            (children, close) = try parseBody(.block(tag))
            // Intrinsic indentation: that of the default content's first line,
            // or the tag's own when there is no default content.
            let bytes = source.bytes
            var firstText = lineEnd
            while firstText < bytes.count && (bytes[firstText] == 0x20 || bytes[firstText] == 0x09) {
                firstText += 1
            }
            if firstText >= bytes.count || close?.start == firstText {
                site = .standalone(indent: ownIndent)
            } else {
                site = .standalone(indent: dedented(lineEnd..<firstText))
            }
        } else {
            if let lineStart = tag.lineStart {
                site = .leading(indent: dedented(lineStart..<tag.start))
            } else {
                site = .inline
            }
            (children, close) = try parseBody(.block(tag))
        }
        var body = children
        if let close { removeLineIfStandalone(close, from: &body) }
        return .block(tag.name, site: site, children: body, closeStandalone: close?.isStandalone ?? false, offset: tag.start)
    }

    /// `{{<name}}...{{/name}}`: collects block definitions, ignores text.
    private mutating func parseParent(_ tag: Tag, into nodes: inout [Node]) throws -> Node {
        var definitions: [BlockDefinition] = []
        var closeTag: Tag?
        scan: while let token = try scanner.next() {
            guard case .tag(let inner) = token else { continue }  // text inside a parent is ignored
            switch inner.kind {
            case .comment, .setDelimiters:
                continue
            case .close:
                try checkClose(inner, closes: tag)
                closeTag = inner
                break scan
            case .block:
                definitions.append(try parseDefinition(inner))
            default:
                throw source.error(
                    .invalidParentContent,
                    "unexpected tag '\(source.string(inner.start..<inner.end))' inside \(tag.open)<\(tag.name)\(tag.close): "
                        + "only \(tag.open)$block\(tag.close) definitions, comments and text are allowed",
                    at: inner.start, name: inner.name)
            }
        }
        guard let close = closeTag else {
            throw source.error(
                .unclosedSection, "unclosed parent '\(tag.name)', expected \(tag.expectedClose)", at: tag.start,
                name: tag.name)
        }
        var indent: [UInt8]?
        if let lineStart = tag.lineStart, let lineEnd = close.lineEnd {
            indent = dedented(lineStart..<tag.start)
            trimLine(before: tag, from: &nodes)
            skipUntil = lineEnd
        }
        return .parent(tag.name, indent: indent, definitions: definitions, offset: tag.start)
    }

    /// `{{$name}}...{{/name}}` inside a parent tag: content that replaces a block.
    private mutating func parseDefinition(_ tag: Tag) throws -> BlockDefinition {
        let savedDedent = dedent
        defer { dedent = savedDedent }
        if let lineEnd = tag.lineEnd {
            // Content starts on the next line; its first line's indentation is removed from every line.
            skipUntil = lineEnd
            let bytes = source.bytes
            var end = lineEnd
            while end < bytes.count && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
            dedent = Array(bytes[lineEnd..<end])
        }
        let (body, close) = try parseBody(.definition(tag))
        var children = body
        if let close { trimLine(before: close, from: &children) }
        return BlockDefinition(name: tag.name, children: children, offset: tag.start)
    }

    // MARK: - Text and standalone lines

    private mutating func appendText(_ range: Range<Int>, to nodes: inout [Node]) {
        let lower = max(range.lowerBound, skipUntil)
        let upper = range.upperBound
        guard lower < upper else { return }
        if dedent.isEmpty {
            nodes.append(.text(lower..<upper))
            return
        }
        // Inside an indented block definition: drop the definition's indentation
        // from every line start.
        let bytes = source.bytes
        var pieceStart = lower
        while pieceStart < upper {
            var pieceEnd = pieceStart
            while pieceEnd < upper && bytes[pieceEnd] != UInt8(ascii: "\n") { pieceEnd += 1 }
            if pieceEnd < upper { pieceEnd += 1 }
            var textStart = pieceStart
            if textStart == 0 || bytes[textStart - 1] == UInt8(ascii: "\n") {
                var k = 0
                while k < dedent.count && textStart < pieceEnd && bytes[textStart] == dedent[k] {
                    textStart += 1
                    k += 1
                }
            }
            if textStart < pieceEnd { nodes.append(.text(textStart..<pieceEnd)) }
            pieceStart = pieceEnd
        }
    }

    /// The bytes of `range` (whitespace before a tag) without the current block-definition indentation.
    private func dedented(_ range: Range<Int>) -> [UInt8] {
        var bytes = Array(source.bytes[range])
        var k = 0
        while k < dedent.count && k < bytes.count && bytes[k] == dedent[k] { k += 1 }
        bytes.removeFirst(k)
        return bytes
    }

    /// Removes the whitespace between the start of `tag`'s line and the tag.
    private func trimLine(before tag: Tag, from nodes: inout [Node]) {
        guard let lineStart = tag.lineStart, case .text(let range)? = nodes.last, range.upperBound == tag.start else {
            return
        }
        let trimmed = range.lowerBound..<max(range.lowerBound, lineStart)
        if trimmed.isEmpty {
            nodes.removeLast()
        } else {
            nodes[nodes.count - 1] = .text(trimmed)
        }
    }

    /// For a standalone tag, removes its whole line: leading whitespace and the line end.
    private mutating func removeLineIfStandalone(_ tag: Tag, from nodes: inout [Node]) {
        guard tag.isStandalone, let lineEnd = tag.lineEnd else { return }
        trimLine(before: tag, from: &nodes)
        skipUntil = lineEnd
    }

    // MARK: - Names

    private func parseName(_ tag: Tag) throws -> TagName {
        let text = tag.name
        if text == "." { return TagName(mode: .implicit, segments: [], text: text) }
        var mode = TagName.Mode.climbing
        var body = Substring(text)
        if body.first == "." {
            mode = .anchored
            body = body.dropFirst()
        }
        let segments = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if segments.contains(where: \.isEmpty) {
            throw source.error(
                .invalidTagName, "invalid tag name '\(text)': empty segment in dotted name", at: tag.start, name: text)
        }
        return TagName(mode: mode, segments: segments, text: text)
    }

    /// `{{% CONTENT_TYPE: TEXT }}` (no HTML escaping) or `{{% CONTENT_TYPE: HTML }}`.
    private func parsePragma(_ tag: Tag) throws -> Bool {
        let parts = tag.name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            let key = parts[0].trimmedWhitespace()
            let value = parts[1].trimmedWhitespace()
            if key == "CONTENT_TYPE" {
                if value == "TEXT" { return false }
                if value == "HTML" { return true }
            }
        }
        throw source.error(
            .invalidPragma,
            "unknown pragma '\(source.string(tag.start..<tag.end))', expected \(tag.open)% CONTENT_TYPE: TEXT \(tag.close) "
                + "or \(tag.open)% CONTENT_TYPE: HTML \(tag.close)",
            at: tag.start, name: tag.name)
    }
}

extension Substring {
    fileprivate func trimmedWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        var result = self
        while let first = result.first, isSpace(first) { result = result.dropFirst() }
        while let last = result.last, isSpace(last) { result = result.dropLast() }
        return result
    }
}
