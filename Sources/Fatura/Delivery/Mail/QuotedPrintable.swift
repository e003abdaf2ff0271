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

    /// The encoded text, lines separated by CRLF, with no line break after the last.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        encode(Array(text.utf8), into: &out)
        return out
    }

    /// Appends the encoding of the UTF-8 `text` to `out`: one pass over the
    /// bytes, no intermediate lines (an e-mail's HTML is tens of kilobytes,
    /// and this runs for half a million bills a month).
    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        // Each byte takes at most 3 characters, and a soft break (3 more)
        // comes at most once every 25 bytes.
        // Written straight into `out`'s spare capacity.
        out.append(addingCapacity: text.count * 4 + 8) { span in
            span.withUnsafeMutableBufferPointer { spare, initialized in
                initialized = text.withUnsafeBufferPointer { input in
                    codes.withUnsafeBufferPointer { codes in encode(input, into: spare, codes: codes) }
                }
            }
        }
    }

    /// Writes the encoding of `input` into `output` (which has room for
    /// `4 × input.count + 8` bytes) and returns how many bytes it wrote.
    private static func encode(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, codes: UnsafeBufferPointer<UInt32>
    ) -> Int {
        let count = input.count
        var at = 0
        var column = 0
        var index = 0
        @inline(__always) func put(_ byte: UInt8) {
            output[at] = byte
            at += 1
        }
        let target = UnsafeMutableRawPointer(output.baseAddress!)
        while index < count {
            // Byte by byte from a table, while the bytes are not white space or
            // line breaks (whose encoding depends on the next byte) and the line
            // has room without a soft break: printable ASCII as it is, every
            // other byte as `=XX`. One tight loop: reading eight bytes at a time
            // for runs of plain ASCII was slower on HTML, where `=` and line
            // breaks come every few bytes (1.7 against 0.9 ns a byte).
            let code = codes[Int(input[index])]
            let codeWidth = Int(code >> 24)
            if _fastPath(code != 0 && column + codeWidth <= lineLength - 1) {
                // Four bytes stored, `codeWidth` kept: the output has room to spare.
                target.storeBytes(of: code.littleEndian, toByteOffset: at, as: UInt32.self)
                at += codeWidth
                column += codeWidth
                index += 1
                continue
            }
            let byte = input[index]
            if byte == 0x0A || byte == 0x0D {
                put(0x0D)
                put(0x0A)
                column = 0
                index += byte == 0x0D && index + 1 < count && input[index + 1] == 0x0A ? 2 : 1
                continue
            }
            let next = index + 1
            let isLast = next == count || input[next] == 0x0A || input[next] == 0x0D
            let literal = byte == 0x20 || byte == 0x09
                ? !isLast
                : byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "=")
            let width = literal ? 1 : 3
            // Room for the `=` of a soft break, unless this ends the line.
            if column + width > (isLast ? lineLength : lineLength - 1) {
                put(UInt8(ascii: "="))
                put(0x0D)
                put(0x0A)
                column = 0
            }
            if literal {
                put(byte)
            } else {
                put(UInt8(ascii: "="))
                put(hexDigit(byte >> 4))
                put(hexDigit(byte & 0x0F))
            }
            column += width
            index = next
        }
        return at
    }

    /// Each byte's encoding where it needs no look at the next byte: the
    /// characters from the low byte up, and in the top byte how many (1 for
    /// printable ASCII other than `=`, 3 for `=XX`); 0 for space, tab, CR and
    /// LF, whose encoding depends on what follows them.
    private static let codes: [UInt32] = (0...255).map { (value: Int) -> UInt32 in
        let byte = UInt8(value)
        switch byte {
        case 0x09, 0x0A, 0x0D, 0x20: return 0
        case 0x21...0x7E where byte != UInt8(ascii: "="): return UInt32(byte) | 1 << 24
        default:
            return UInt32(UInt8(ascii: "=")) | UInt32(hexDigit(byte >> 4)) << 8 | UInt32(hexDigit(byte & 0x0F)) << 16 | 3 << 24
        }
    }

    @inline(__always) private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x41 - 10 + nibble
    }
}
