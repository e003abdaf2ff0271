/// Per-render memo of lookups in the root context (the view model passed to
/// `render`), indexed by interned key id.
///
/// Templates ask the root for the same names again and again (`{{currency}}`,
/// the first segment of `{{totals.amountDue}}`, names climbing out of list
/// items); each memo hit saves a `value(for:)` call. This relies on
/// ``MustacheObject/value(for:)`` being a pure function of the key, as
/// documented. Values are kept in the memo's own memory (no allocation per
/// key) and read in place; a section over one copies it onto the context stack.
/// Owned by one render; ``free()`` must be called.
struct RootMemo {
    private static let unknown: UInt8 = 0
    private static let missing: UInt8 = 1
    private static let present: UInt8 = 2

    private let states: UnsafeMutablePointer<UInt8>
    private let values: UnsafeMutablePointer<MustacheValue>
    /// The ids of the values kept, in the order they were asked for, and
    /// how many: only those are released (a render asks for a few dozen of
    /// the program's hundreds of keys).
    private let kept: UnsafeMutablePointer<Int32>
    private let keptCount: UnsafeMutablePointer<Int>
    private let capacity: Int

    /// Bytes of memory needed for `keyCount` keys (to be 8-byte aligned).
    static func byteCount(keyCount: Int) -> Int {
        let capacity = max(keyCount, 1)
        return 8 + ((capacity + 7) & ~7) + capacity * MemoryLayout<MustacheValue>.stride + capacity * MemoryLayout<Int32>.stride
    }

    /// Uses `memory` (at least ``byteCount(keyCount:)`` bytes, 8-byte aligned),
    /// owned by the caller.
    init(keyCount: Int, memory: UnsafeMutableRawBufferPointer) {
        capacity = max(keyCount, 1)
        let base = memory.baseAddress!
        keptCount = base.bindMemory(to: Int.self, capacity: 1)
        keptCount.initialize(to: 0)
        states = (base + 8).bindMemory(to: UInt8.self, capacity: capacity)
        states.initialize(repeating: Self.unknown, count: capacity)
        let valuesOffset = 8 + ((capacity + 7) & ~7)
        values = (base + valuesOffset).bindMemory(to: MustacheValue.self, capacity: capacity)
        kept = (base + valuesOffset + capacity * MemoryLayout<MustacheValue>.stride).bindMemory(to: Int32.self, capacity: capacity)
    }

    /// Releases the memoized values.
    func free() {
        for index in 0..<keptCount.pointee {
            (values + Int(kept[index])).deinitialize(count: 1)
        }
        keptCount.pointee = 0
    }

    /// The value of `key` in `root`, asking `root` only the first time, to be
    /// read in place for the rest of the render; `nil` when the root has no such key.
    @inline(__always)
    func entry(_ key: Unmanaged<KeyBox>, in root: UnsafePointer<MustacheValue>) -> UnsafePointer<MustacheValue>? {
        let id = key._withUnsafeGuaranteedRef { $0.key.id }
        switch states[id] {
        case Self.present: return UnsafePointer(values + id)
        case Self.missing: return nil
        default: return fill(key, from: root)
        }
    }

    @inline(never)
    private func fill(_ key: Unmanaged<KeyBox>, from root: UnsafePointer<MustacheValue>) -> UnsafePointer<MustacheValue>? {
        let found = key._withUnsafeGuaranteedRef { root.pointee.child($0.key) }
        let id = key._withUnsafeGuaranteedRef { $0.key.id }
        guard let found else {
            states[id] = Self.missing
            return nil
        }
        (values + id).initialize(to: found)
        states[id] = Self.present
        kept[keptCount.pointee] = Int32(id)
        keptCount.pointee += 1
        return UnsafePointer(values + id)
    }
}
