/// The base64 content transfer encoding of text (RFC 2045 §6.8): the
/// text's line breaks (CRLF, LF or a lone CR) made CRLF first, as the
/// canonical form of text requires, then encoded in lines of 76 characters
/// separated by CRLF, with no line break after the last.
enum Base64Body {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        // The canonical text: at most twice as long (every byte a line break).
        let canonical = [UInt8](unsafeUninitializedCapacity: text.count * 2) { buffer, written in
            text.withUnsafeBufferPointer { input in
                var at = 0
                var index = 0
                while index < input.count {
                    let byte = input[index]
                    if byte == 0x0A || byte == 0x0D {
                        buffer[at] = 0x0D
                        buffer[at + 1] = 0x0A
                        at += 2
                        index += byte == 0x0D && index + 1 < input.count && input[index + 1] == 0x0A ? 2 : 1
                    } else {
                        buffer[at] = byte
                        at += 1
                        index += 1
                    }
                }
                written = at
            }
        }
        let groups = (canonical.count + 2) / 3
        let bound = groups * 4 + (groups / 19 + 1) * 2
        let encoded = [UInt8](unsafeUninitializedCapacity: bound) { buffer, written in
            canonical.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { alphabet in
                    var at = 0
                    var index = 0
                    let whole = input.count / 3 * 3
                    // Whole lines of 19 groups (76 characters), then what is left.
                    while index < whole {
                        if at > 0 {
                            buffer[at] = 0x0D
                            buffer[at + 1] = 0x0A
                            at += 2
                        }
                        let lineEnd = min(whole, index + 57)
                        while index < lineEnd {
                            let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                            buffer[at] = alphabet[Int(group >> 18)]
                            buffer[at + 1] = alphabet[Int(group >> 12 & 0x3F)]
                            buffer[at + 2] = alphabet[Int(group >> 6 & 0x3F)]
                            buffer[at + 3] = alphabet[Int(group & 0x3F)]
                            at += 4
                            index += 3
                        }
                    }
                    let remaining = input.count - whole
                    if remaining > 0 {
                        if whole > 0, whole % 57 == 0 {
                            buffer[at] = 0x0D
                            buffer[at + 1] = 0x0A
                            at += 2
                        }
                        let group = UInt32(input[whole]) << 16 | (remaining > 1 ? UInt32(input[whole + 1]) << 8 : 0)
                        buffer[at] = alphabet[Int(group >> 18)]
                        buffer[at + 1] = alphabet[Int(group >> 12 & 0x3F)]
                        buffer[at + 2] = remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
                        buffer[at + 3] = UInt8(ascii: "=")
                        at += 4
                    }
                    written = at
                }
            }
        }
        out.append(contentsOf: encoded)
    }
}
