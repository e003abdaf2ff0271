import Foundation

/// Header field values on folded lines (RFC 5322 §2.2.3), with RFC 2047
/// encoded-words for any text that cannot go as it is.
///
/// A value is a list of pieces, separated by one space. A line folds (CRLF,
/// then the space) before a piece or between two encoded-words when it would
/// otherwise pass 78 characters, never right after a fold or the field name,
/// so no line is ever blank. Every encoded-word is `=?UTF-8?B?…?=`, at most
/// 75 characters, and holds whole grapheme clusters; only a cluster longer
/// than one word (45 bytes) is cut, and then between its Unicode scalars, so
/// each word decodes to valid UTF-8 on its own.
enum EncodedWord {
    /// One unbreakable part of a header value.
    enum Piece {
        /// Printable ASCII, written as it is.
        case token(String)
        /// Any text, written as encoded-words.
        case text(String)
    }

    /// The longest encoded-word (RFC 2047 §2).
    static let maxLength = 75
    /// The line length to keep to where a piece allows it (RFC 5322 §2.1.1).
    static let lineLength = 78
    /// UTF-8 bytes that fit in a word of `length` characters:
    /// `=?UTF-8?B?` and `?=` take 12, base64 4 for every 3 bytes.
    static func byteCapacity(length: Int) -> Int { max(0, (length - 12) / 4 * 3) }

    /// Appends the lines of the field `name: pieces` to `out`, each ending in CRLF.
    static func fold(_ name: String, _ pieces: [Piece], into out: inout [UInt8]) {
        var folder = Folder(out: out)
        out = []
        folder.out.append(contentsOf: name.utf8)
        folder.out.append(UInt8(ascii: ":"))
        folder.length = name.utf8.count + 1
        for piece in pieces {
            switch piece {
            case .token(let token):
                folder.put(token)
            case .text(let text):
                folder.put(encoded: text)
            }
        }
        folder.out.append(0x0D)
        folder.out.append(0x0A)
        out = folder.out
    }

    /// The line being folded, written straight into the output.
    private struct Folder {
        var out: [UInt8]
        /// Bytes on the current line.
        var length = 0
        /// Whether the current line has a value after the field name or the fold.
        var lineHasValue = false

        /// Ends the line: the next piece goes on a continuation line.
        mutating func newLine() {
            out.append(0x0D)
            out.append(0x0A)
            length = 0
        }

        /// Room on this line for one more item of `count` bytes after its space;
        /// folds first when a value is already on the line and it would pass 78.
        mutating func makeRoom(_ count: Int) {
            if lineHasValue, length + 1 + count > lineLength { newLine() }
            out.append(0x20)
            length += 1 + count
            lineHasValue = true
        }

        mutating func put(_ token: String) {
            makeRoom(token.utf8.count)
            out.append(contentsOf: token.utf8)
        }

        /// `text` as encoded-words of whole units, each as long as the line allows.
        mutating func put(encoded text: String) {
            let units = units(of: text)
            // A text that fits one word is never split over two: some
            // parsers (Python's, in display names) keep the space between
            // adjacent encoded-words that RFC 2047 says to drop.
            let total = units.last?.upperBound ?? 0 // the units cover the text's UTF-8 from 0
            if lineHasValue, total <= byteCapacity(length: maxLength),
               total > byteCapacity(length: min(maxLength, lineLength - length - 1)) {
                newLine()
                lineHasValue = false
            }
            var next = 0
            while next < units.count {
                var capacity = byteCapacity(length: min(maxLength, lineLength - length - 1))
                if units[next].count > capacity {
                    if lineHasValue {
                        newLine()
                        lineHasValue = false
                    }
                    capacity = byteCapacity(length: maxLength)
                }
                // Units are consecutive ranges of the text's UTF-8: a word is one range of it.
                let first = units[next].lowerBound
                var end = first
                var size = 0
                while next < units.count, size + units[next].count <= capacity {
                    size += units[next].count
                    end = units[next].upperBound
                    next += 1
                }
                makeRoom(12 + (size + 2) / 3 * 4)
                out.append(contentsOf: "=?UTF-8?B?".utf8)
                // The units index the text's UTF-8 from 0.
                var utf8 = text
                utf8.withUTF8 { bytes in
                    Base64Body.appendLine(UnsafeBufferPointer(rebasing: bytes[first..<end]), to: &out)
                }
                out.append(UInt8(ascii: "?"))
                out.append(UInt8(ascii: "="))
            }
        }
    }

    /// Where the UTF-8 bytes of each grapheme cluster lie in the text's
    /// UTF-8, or of each scalar of a cluster too long for one word.
    static func units(of text: String) -> [Range<Int>] {
        scalarUnits(of: text) ?? clusterUnits(of: text)
    }

    /// The range of each scalar's UTF-8, when every scalar of `text` is one
    /// that stands alone in its cluster whatever its neighbours (printable
    /// ASCII, Latin letters and signs up to U+02FF, Arabic letters and
    /// digits, directional marks and isolates: no mark that joins the one
    /// before it): the clusters then without breaking the text into them.
    static func scalarUnits(of text: String) -> [Range<Int>]? {
        var units: [Range<Int>] = []
        units.reserveCapacity(text.utf8.count)
        var start = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0x2FF, 0x621...0x64A, 0x660...0x669, 0x200E, 0x200F, 0x2068, 0x2069: break
            default: return nil
            }
            let end = start + UTF8.width(scalar)
            units.append(start..<end)
            start = end
        }
        return units
    }

    /// The units by grapheme cluster, for any text.
    static func clusterUnits(of text: String) -> [Range<Int>] {
        let longest = byteCapacity(length: maxLength)
        var units: [Range<Int>] = []
        units.reserveCapacity(text.utf8.count)
        var start = 0
        for character in text {
            let end = start + character.utf8.count
            if end - start <= longest {
                units.append(start..<end)
            } else {
                var offset = start
                for scalar in character.unicodeScalars {
                    let width = UTF8.width(scalar)
                    units.append(offset..<offset + width)
                    offset += width
                }
            }
            start = end
        }
        return units
    }

    /// Unstructured text (a subject, an extra header's value): its words as
    /// they are when it is printable ASCII in words of at most 77 characters
    /// separated by single spaces, otherwise all of it as encoded-words.
    static func unstructured(_ text: String) -> [Piece] {
        let clean = withoutControls(text)
        // Non-ASCII text (every Arabic subject) is encoded whole: no need to split it into words first.
        var contiguous = clean
        if !contiguous.withUTF8({ bytes in bytes.allSatisfy { $0 < 0x80 } }) { return [.text(clean)] }
        // Split as bytes: only printable ASCII goes as words, and there a byte is a character.
        let words = clean.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
        let plain = !EncodedWord.hasMarker(clean) && words.allSatisfy { word in
            (1...lineLength - 1).contains(word.count) && word.allSatisfy { (0x21...0x7E).contains($0) }
        }
        if plain { return words.map { .token(String(Substring($0))) } }
        return clean.isEmpty ? [] : [.text(clean)]
    }

    /// Whether `text`'s UTF-8 holds a control character (C0, DEL or C1).
    static func hasControl(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var previous: UInt8 = 0
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { return true }
                previous = byte
            }
            return false
        }
    }

    /// Whether `text` holds `=?`, which could start an encoded-word.
    static func hasMarker(_ text: some StringProtocol) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
    }

    /// `text` without white space (Unicode's `White_Space`) at either end.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        // Most texts start and end with a letter, a digit or a sign: nothing
        // to trim, and for printable ASCII and the Arabic block (which has no
        // white space) no scalar properties to look up.
        if let first = scalars.first, let last = scalars.last, !isWhitespace(first), !isWhitespace(last) {
            return text
        }
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Unicode's `White_Space`, answered without a property lookup for
    /// ASCII (a subject template's last line break among it) and the Arabic
    /// block U+0600–U+06FF.
    @inline(__always)
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: true
        case 0...0x7F, 0x600...0x6FF: false
        default: scalar.properties.isWhitespace
        }
    }

    /// `text` with every run of control characters (C0, DEL, C1: CR, LF and
    /// tab among them) replaced by one space, so no value can end a header
    /// line or start another.
    static func withoutControls(_ text: String) -> String {
        // Most values have no control at all: C0 and DEL are single bytes,
        // C1 (U+0080–U+009F) is 0xC2 followed by 0x80–0x9F in UTF-8.
        if !hasControl(text) { return text }
        var scalars = String.UnicodeScalarView()
        var inRun = false
        for scalar in text.unicodeScalars {
            if TextRules.isControl(scalar) {
                if !inRun { scalars.append(" ") }
                inRun = true
            } else {
                scalars.append(scalar)
                inRun = false
            }
        }
        return String(scalars)
    }
}
