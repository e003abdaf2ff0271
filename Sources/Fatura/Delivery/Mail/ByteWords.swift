// The scans that use these words load eight bytes as one word and take the
// first byte to be the lowest: true on x86-64 and arm64; a big-endian build
// is refused rather than left to find the wrong bytes.
#if _endian(big)
#error("ByteWords and the scans using it assume little-endian loads")
#endif

/// Tests on eight bytes at once, as a `UInt64` word: each result has the
/// high bit set in exactly the bytes that pass (no borrow runs from one byte
/// into the next), so results combine with `|` and count with
/// `nonzeroBitCount`, and the first byte that passes is
/// `trailingZeroBitCount / 8` (little-endian loads).
enum ByteWords {
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// `byte` in every byte of a word.
    @inline(__always)
    static func repeating(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// The bytes of `word` that are zero.
    @inline(__always)
    static func zero(_ word: UInt64) -> UInt64 { ~(((word & lows) &+ lows) | word | lows) }

    /// The bytes of `word` equal to `byte`.
    @inline(__always)
    static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 { zero(word ^ repeating(byte)) }

    /// The bytes of `word` from 0x80.
    @inline(__always)
    static func high(_ word: UInt64) -> UInt64 { word & ~lows }

    /// The bytes of `word` below `bound` or from 0x80 (`bound` at most 0x80).
    @inline(__always)
    static func below(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        // (x & 0x7F) + (0x80 - bound) reaches 0x80 exactly from x = bound.
        (~((word & lows) &+ repeating(0x80 &- bound)) & ~lows) | high(word)
    }

    /// The ASCII bytes of `word` below `bound` (high bytes never pass).
    @inline(__always)
    static func asciiBelow(_ word: UInt64, _ bound: UInt8) -> UInt64 {
        ~((word & lows) &+ repeating(0x80 &- bound)) & ~lows & ~word
    }
}
