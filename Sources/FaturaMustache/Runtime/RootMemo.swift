/// Per-render memo of lookups in the root context (the view model passed to
/// `render`), indexed by interned key id.
///
/// Templates ask the root for the same names again and again (`{{currency}}`,
/// the first segment of `{{totals.amountDue}}`, names climbing out of list
/// items); each memo hit saves a `value(for:)` call. This relies on
/// ``MustacheObject/value(for:)`` being a pure function of the key, as
/// documented. Values are kept boxed in ``ContextFrame``s, so that hits are
/// read in place and sections can push them without a new allocation.
/// Owned by one render; ``free()`` must be called.
struct RootMemo {
    private static let unknown: UInt8 = 0
    private static let missing: UInt8 = 1
    private static let present: UInt8 = 2

    private let states: UnsafeMutablePointer<UInt8>
    private let frames: UnsafeMutablePointer<Unmanaged<ContextFrame>>
    private let capacity: Int

    /// Bytes of memory needed for `keyCount` keys (to be 8-byte aligned).
    static func byteCount(keyCount: Int) -> Int {
        let capacity = max(keyCount, 1)
        return (capacity + 7) & ~7 + capacity * MemoryLayout<Unmanaged<ContextFrame>>.stride
    }

    /// Uses `memory` (at least ``byteCount(keyCount:)`` bytes, 8-byte aligned),
    /// owned by the caller.
    init(keyCount: Int, memory: UnsafeMutableRawBufferPointer) {
        capacity = max(keyCount, 1)
        let framesOffset = (capacity + 7) & ~7
        states = memory.baseAddress!.bindMemory(to: UInt8.self, capacity: capacity)
        states.initialize(repeating: Self.unknown, count: capacity)
        frames = (memory.baseAddress! + framesOffset).bindMemory(to: Unmanaged<ContextFrame>.self, capacity: capacity)
    }

    /// Releases the memoized frames.
    func free() {
        for index in 0..<capacity where states[index] == Self.present {
            frames[index].release()
        }
    }

    /// The boxed value of `key` in `root`, asking `root` only the first time;
    /// `nil` when the root has no such key.
    @inline(__always)
    func entry(_ key: Unmanaged<KeyBox>, in root: Unmanaged<ContextFrame>) -> Unmanaged<ContextFrame>? {
        let id = key._withUnsafeGuaranteedRef { $0.key.id }
        switch states[id] {
        case Self.present: return frames[id]
        case Self.missing: return nil
        default: return fill(key, from: root)
        }
    }

    @inline(never)
    private func fill(_ key: Unmanaged<KeyBox>, from root: Unmanaged<ContextFrame>) -> Unmanaged<ContextFrame>? {
        let found = root._withUnsafeGuaranteedRef { frame in
            key._withUnsafeGuaranteedRef { frame.value.child($0.key) }
        }
        let id = key._withUnsafeGuaranteedRef { $0.key.id }
        guard let found else {
            states[id] = Self.missing
            return nil
        }
        let box = Unmanaged.passRetained(ContextFrame(found))
        frames[id] = box
        states[id] = Self.present
        return box
    }
}
