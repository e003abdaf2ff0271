/// The base64 content transfer encoding of text (RFC 2045 §6.8): the
/// text's line breaks (CRLF, LF or a lone CR) made CRLF first, as the
/// canonical form of text requires, then encoded in lines of 76 characters
/// separated by CRLF, with no line break after the last.
enum Base64Body {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        var canonical: [UInt8] = []
        canonical.reserveCapacity(text.count + text.count / 32)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0x0A || byte == 0x0D {
                canonical.append(0x0D)
                canonical.append(0x0A)
                index += byte == 0x0D && index + 1 < text.count && text[index + 1] == 0x0A ? 2 : 1
            } else {
                canonical.append(byte)
                index += 1
            }
        }
        out.reserveCapacity(out.count + canonical.count / 3 * 4 + canonical.count / 57 * 2 + 8)
        var column = 0
        var at = 0
        while at < canonical.count {
            if column == 76 {
                out.append(0x0D)
                out.append(0x0A)
                column = 0
            }
            let remaining = canonical.count - at
            let first = UInt32(canonical[at])
            let second = remaining > 1 ? UInt32(canonical[at + 1]) : 0
            let third = remaining > 2 ? UInt32(canonical[at + 2]) : 0
            let group = first << 16 | second << 8 | third
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            column += 4
            at += 3
        }
    }
}
