/// The quoted-printable content transfer encoding of text (RFC 2045 §6.7).
///
/// The text's UTF-8 is written line by line, and every line break of the
/// text (CRLF, LF or a lone CR) becomes a hard line break, CRLF. Printable
/// ASCII other than `=` goes as it is; `=`, bytes from 0x80, controls, and a
/// space or tab at the end of a line go as `=XX` (upper-case hex). Encoded
/// lines are at most 76 characters: a longer line continues after a soft
/// line break (`=` and CRLF), which never falls inside an `=XX` triplet.
enum QuotedPrintable {
    static let lineLength = 76
    static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// The encoded text, lines separated by CRLF, with no line break after the last.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for (index, line) in lines(of: text).enumerated() {
            if index > 0 { out += crlf }
            var column = 0
            for position in line.indices {
                let byte = line[position]
                let isLast = position == line.endIndex - 1
                let literal = byte == 0x20 || byte == 0x09
                    ? !isLast
                    : (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "=")
                let width = literal ? 1 : 3
                // Room for the `=` of a soft break, unless this ends the line.
                if column + width > (isLast ? lineLength : lineLength - 1) {
                    out += [UInt8(ascii: "=")] + crlf
                    column = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                column += width
            }
        }
        return out
    }

    /// The UTF-8 lines of `text`, split at CRLF, LF or a lone CR; also the
    /// canonical form of text for the base64 encoding.
    static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x0A || byte == 0x0D else {
                index += 1
                continue
            }
            lines.append(bytes[start..<index])
            index += byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
            start = index
        }
        lines.append(bytes[start...])
        return lines
    }
}
