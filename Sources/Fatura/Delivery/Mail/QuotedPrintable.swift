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
        let bound = text.count * 4 + 8
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { buffer in
            let written = text.withUnsafeBufferPointer { input in encode(input, into: buffer) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<written]))
        }
    }

    /// Whether every byte of `word` is printable ASCII or a space, and none is `=`.
    @inline(__always)
    static func isPlain(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let below = (word &- ones &* 0x20) & ~word & highs  // a byte under 0x20 (or from 0x80, below)
        return word & highs == 0 && below == 0 && !hasZero(word ^ (ones &* 0x7F)) && !hasZero(word ^ (ones &* 0x3D))
    }

    /// Writes the encoding of `input` into `output` (which has room for
    /// `4 × input.count + 8` bytes) and returns how many bytes it wrote.
    private static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let count = input.count
        var at = 0
        var column = 0
        var index = 0
        @inline(__always) func put(_ byte: UInt8) {
            output[at] = byte
            at += 1
        }
        let raw = UnsafeRawPointer(input.baseAddress!)
        let target = UnsafeMutableRawPointer(output.baseAddress!)
        let space = SIMD16<UInt8>(repeating: 0x20), tilde = SIMD16<UInt8>(repeating: 0x7E)
        let equals = SIMD16<UInt8>(repeating: UInt8(ascii: "="))
        while index < count {
            // Sixteen, then eight at a time: bytes written as they are (printable ASCII
            // or space, not `=`), up to column 75, the last not a space before a line break.
            if column <= lineLength - 17, index + 16 <= count {
                let bytes = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                if all((bytes .>= space) .& (bytes .<= tilde) .& (bytes .!= equals)),
                   bytes[15] != 0x20 || (index + 16 < count && input[index + 16] != 0x0A && input[index + 16] != 0x0D) {
                    target.storeBytes(of: bytes, toByteOffset: at, as: SIMD16<UInt8>.self)
                    at += 16
                    column += 16
                    index += 16
                    continue
                }
            }
            if column <= lineLength - 9, index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if Self.isPlain(word),
                   word >> 56 != 0x20 || (index + 8 < count && input[index + 8] != 0x0A && input[index + 8] != 0x0D) {
                    target.storeBytes(of: word, toByteOffset: at, as: UInt64.self)
                    at += 8
                    column += 8
                    index += 8
                    continue
                }
            }
            let byte = input[index]
            // The common case first: printable ASCII other than `=` is written as
            // it is wherever it stands, and below column 75 needs no soft break.
            if byte &- 0x21 < 0x5E, byte != UInt8(ascii: "="), column < lineLength - 1 {
                put(byte)
                column += 1
                index += 1
                continue
            }
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

    @inline(__always) private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x41 - 10 + nibble
    }
}
