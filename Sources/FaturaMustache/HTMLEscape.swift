/// Fast HTML escaping into a byte buffer.
///
/// Escapes exactly the five characters swift-mustache escapes, with the same
/// entities: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, `"` → `&quot;`,
/// `'` → `&#39;`. Every other byte (including all non-ASCII UTF-8) is copied
/// unchanged, in runs.
public enum HTMLEscape {
    /// Bit `b` is set for each byte value `b` (< 64) that needs escaping.
    @usableFromInline
    static var mask: UInt64 { (1 << 38) | (1 << 60) | (1 << 62) | (1 << 34) | (1 << 39) }

    @inlinable @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 64 && (mask >> UInt64(byte)) & 1 != 0
    }

    /// Whether any of the eight bytes of `word` needs escaping (`&`, `<`,
    /// `>`, `"`, `'`): for each, a byte of `word ^ c` is zero exactly where
    /// `c` is, and `(x - 0x01…) & ~x & 0x80…` is nonzero exactly when a byte
    /// of `x` is zero. Plain integer operations: Swift's SIMD comparisons
    /// and mask reductions here compiled to lane-by-lane loops or calls.
    @inline(__always)
    static func anyMatch(_ word: UInt64) -> Bool {
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 {
            (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        }
        @inline(__always) func has(_ byte: UInt8) -> UInt64 {
            zeroBytes(word ^ (0x0101_0101_0101_0101 &* UInt64(byte)))
        }
        return has(UInt8(ascii: "&")) | has(UInt8(ascii: "<")) | has(UInt8(ascii: ">"))
            | has(UInt8(ascii: "\"")) | has(UInt8(ascii: "'")) != 0
    }

    /// Appends `string` to `buffer`, HTML-escaped.
    @inlinable
    public static func append(_ string: String, to buffer: inout [UInt8]) {
        if let done: Void = string.utf8.withContiguousStorageIfAvailable({ append($0, to: &buffer) }) {
            return done
        }
        var copy = string
        copy.withUTF8 { append($0, to: &buffer) }
    }

    /// Appends `bytes` (UTF-8) to `buffer`, HTML-escaped.
    @inlinable
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var runStart = 0
        var i = 0
        while i < count {
            let byte = base[i]
            if _slowPath(needsEscape(byte)) {
                if i > runStart {
                    buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                }
                appendEntity(byte, to: &buffer)
                runStart = i + 1
            }
            i += 1
        }
        if runStart == 0 {
            buffer.append(contentsOf: bytes)
        } else if count > runStart {
            buffer.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
        }
    }

    /// The entity replacing `byte`, which must be one of the five escaped characters.
    @inlinable
    static func entity(for byte: UInt8) -> StaticString {
        switch byte {
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "\""): return "&quot;"
        default: return "&#39;"
        }
    }

    @usableFromInline
    static func appendEntity(_ byte: UInt8, to buffer: inout [UInt8]) {
        let entity = entity(for: byte)
        buffer.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
    }

    /// Returns `string` HTML-escaped.
    public static func escape(_ string: String) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(string.utf8.count + 16)
        append(string, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
