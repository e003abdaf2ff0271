/// One of N machines' share of a month: the bills whose account hashes to
/// it (FNV-1a, stable across machines and runs). A bill whose account is
/// not valid goes by its index. Every shard reads and checks the whole
/// file, so rules across the file (unique numbers and accounts) stay exact,
/// and renders only its own bills: the shards' outputs are disjoint and
/// their union is the single run's.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based: `--shard 1/4` … `--shard 4/4`.
    public let index: Int
    public let count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(account: String?, index position: Int) -> Bool {
        let key: UInt64
        if let account {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in account.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            key = hash
        } else {
            key = UInt64(position)
        }
        return Int(key % UInt64(count)) == index - 1
    }
}
