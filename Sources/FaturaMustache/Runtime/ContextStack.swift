/// An immutable box around one interned key. The renderer reaches boxes
/// through `Unmanaged` references and reads the `let` field in place: no
/// retain/release pair per lookup.
final class KeyBox: Sendable {
    let key: MustacheKey
    init(_ key: MustacheKey) { self.key = key }
}

/// The context stack of one render: the values themselves, one after the
/// other (pushing a list item copies its reference, no box is allocated).
/// It starts in memory provided by the caller (usually on the machine stack)
/// and moves to the heap only when nesting gets deep, so a pointer to an
/// element is valid only until the next push.
/// Owned by one render; ``free()`` must be called to release the values.
struct ContextStack {
    private var heap: ScratchMemory<MustacheValue>?
    private var values: UnsafeMutablePointer<MustacheValue>
    private var capacity: Int
    private(set) var count = 0

    init(memory: UnsafeMutableBufferPointer<MustacheValue>) {
        values = memory.baseAddress!
        capacity = memory.count
    }

    /// Releases the remaining values.
    mutating func free() {
        while count > 0 { pop() }
    }

    /// The value at `level` (0: the root), read in place.
    @inline(__always)
    subscript(level: Int) -> UnsafePointer<MustacheValue> { UnsafePointer(values + level) }

    @inline(__always)
    mutating func push(_ value: consuming MustacheValue) {
        if _slowPath(count == capacity) { grow() }
        (values + count).initialize(to: value)
        count += 1
    }

    @inline(__always)
    mutating func pop() {
        count -= 1
        (values + count).deinitialize(count: 1)
    }

    @inline(never)
    private mutating func grow() {
        let larger = ScratchMemory<MustacheValue>(capacity: capacity * 2)
        larger.base.moveInitialize(from: values, count: count)
        heap = larger
        values = larger.base
        capacity = larger.capacity
    }
}
