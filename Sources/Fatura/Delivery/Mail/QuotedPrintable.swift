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
                    codes.withUnsafeBufferPointer { codes in
                        fastCodes.withUnsafeBufferPointer { fastCodes in encode(input, into: spare, codes: codes, fastCodes: fastCodes) }
                    }
                }
            }
        }
    }

    /// Writes the encoding of `input` into `output` (which has room for
    /// `4 × input.count + 8` bytes) and returns how many bytes it wrote.
    private static func encode(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>, codes: UnsafeBufferPointer<UInt32>,
        fastCodes: UnsafeBufferPointer<UInt32>
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
        let source = UnsafeRawPointer(input.baseAddress!)
        // Where the eight-byte path may next be tried: past the line break that stopped it.
        var fastFrom = 0
        // Encodes the `width` (8 or 4) bytes at `index` from the table when
        // neither they nor the byte after them is a line break: a space or
        // tab among them is then not the last of its line, so every byte's
        // encoding is a table's. Otherwise notes where to try again.
        @inline(__always) func window(_ width: Int) -> Bool {
            let word = width == 8 ? source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                : UInt64(source.loadUnaligned(fromByteOffset: index, as: UInt32.self)) | 0xFFFF_FFFF_0000_0000
            let breaks = ByteWords.equal(word, 0x0A) | ByteWords.equal(word, 0x0D)
            if breaks != 0 {
                fastFrom = index + breaks.trailingZeroBitCount / 8 + 1
                return false
            }
            let after = source.load(fromByteOffset: index + width, as: UInt8.self)
            if after == 0x0A || after == 0x0D {
                fastFrom = index + width + 1
                return false
            }
            if width == 8,
                ByteWords.below(word, 0x20) | ByteWords.equal(word, UInt8(ascii: "=")) | ByteWords.equal(word, 0x7F) == 0 {
                // Eight printable bytes (space included) other than `=`: as they are, in one store.
                target.storeBytes(of: word, toByteOffset: at, as: UInt64.self)
                at &+= 8
                column &+= 8
                index &+= 8
                return true
            }
            let start = at
            for shift in stride(from: 0, to: width * 8, by: 8) {
                let code = fastCodes[Int(truncatingIfNeeded: word &>> UInt64(shift)) & 0xFF]
                target.storeBytes(of: code.littleEndian, toByteOffset: at, as: UInt32.self)
                at &+= Int(code >> 24)
            }
            column &+= at &- start
            index &+= width
            return true
        }
        while index < count {
            // Eight bytes at once while the line has room for eight triplets
            // before its soft break, then four nearer its end.
            if index >= fastFrom {
                while index + 9 <= count, column <= lineLength - 1 - 24, window(8) {}
                if index + 5 <= count, column <= lineLength - 1 - 12, index >= fastFrom, window(4) { continue }
                guard index < count else { break }
            }
            // Byte by byte from a table, while the bytes are not white space or
            // line breaks (whose encoding depends on the next byte) and the line
            // has room without a soft break: printable ASCII as it is, every
            // other byte as `=XX`. (Copying runs of plain ASCII was slower on
            // HTML, where `=` comes every few bytes; the eight-byte path above
            // stores a word with no byte to escape as it is and sends any
            // other word through the table byte by byte, `=` included.)
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

    /// Each byte's encoding in the middle of a line (not followed by a line
    /// break): ``codes``, with a space and a tab as themselves.
    private static let fastCodes: [UInt32] = (0...255).map { (value: Int) -> UInt32 in
        value == 0x20 || value == 0x09 ? UInt32(value) | 1 << 24 : codes[value]
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
