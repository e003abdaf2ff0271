/// The first of two passes over a file that keep the file-wide uniqueness
/// rules exact in constant memory.
///
/// An exact set of every bill number and account grows with the file (tens
/// of megabytes at a million bills). Instead, a first pass puts every
/// number and account into a fixed-size Bloom filter (4 MiB, whatever the
/// file's size) and keeps only the keys the filter has seen before: every
/// real duplicate, and a few innocent keys the filter mistook (about one in
/// 5,000 at a million bills). The second pass, the real one, then tracks
/// exactly just those candidates (`BatchChecker`), so its verdicts and
/// messages are those of a full set.
struct DuplicateScan {
    /// The keys that may occur more than once, tagged: `#` numbers, `@` accounts.
    private(set) var candidates: Set<String> = []
    private var filter: BloomFilter

    /// 4 MiB by default; tests use small filters to see false positives.
    init(filterBits: Int = 1 << 25) {
        filter = BloomFilter(bits: filterBits)
    }

    static func numberKey(_ number: String) -> String { "#" + number }
    static func accountKey(_ account: String) -> String { "@" + account }

    mutating func add(number: String?, account: String?) {
        if let number { add(Self.numberKey(number)) }
        if let account { add(Self.accountKey(account)) }
    }

    private mutating func add(_ key: String) {
        if filter.insert(key) { candidates.insert(key) }
    }
}

/// A Bloom filter of a fixed number of bits with four probes per key,
/// derived from one 64-bit FNV-1a hash (Kirsch–Mitzenmacher double hashing).
/// Deterministic: the same keys give the same answers on every run.
struct BloomFilter {
    private var words: [UInt64]
    private let mask: UInt64

    /// `bits` must be a power of two.
    init(bits: Int) {
        precondition(bits >= 64 && bits & (bits - 1) == 0)
        words = [UInt64](repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
    }

    /// Adds `key`; returns whether it was (probably) there already.
    mutating func insert(_ key: String) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // Mix, so that keys differing in their last characters spread well.
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        let first = hash
        let second = (hash >> 32 | hash << 32) | 1
        var present = true
        for probe in 0..<4 as Range<UInt64> {
            let bit = (first &+ probe &* second) & mask
            let word = Int(bit >> 6)
            let flag: UInt64 = 1 << (bit & 63)
            if words[word] & flag == 0 {
                present = false
                words[word] |= flag
            }
        }
        return present
    }
}
