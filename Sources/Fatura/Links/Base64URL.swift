/// base64url without padding (RFC 4648 §5), for tokens.
enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// Encodes a byte count divisible by 3 (tokens are 18 bytes).
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { encode($0) }
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        precondition(bytes.count % 3 == 0)
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: bytes.count / 3 * 4) { out in
                var at = 0
                for i in stride(from: 0, to: bytes.count, by: 3) {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[at] = alphabet[Int(n >> 18 & 63)]
                    out[at + 1] = alphabet[Int(n >> 12 & 63)]
                    out[at + 2] = alphabet[Int(n >> 6 & 63)]
                    out[at + 3] = alphabet[Int(n & 63)]
                    at += 4
                }
                return at
            }
        }
    }

    /// Decodes a length divisible by 4; nil on any other character.
    static func decode(_ text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        for i in stride(from: 0, to: chars.count, by: 4) {
            var n: UInt32 = 0
            for j in 0..<4 {
                let value = values[Int(chars[i + j])]
                guard value >= 0 else { return nil }
                n = n << 6 | UInt32(value)
            }
            out.append(UInt8(n >> 16 & 0xFF))
            out.append(UInt8(n >> 8 & 0xFF))
            out.append(UInt8(n & 0xFF))
        }
        return out
    }
}
