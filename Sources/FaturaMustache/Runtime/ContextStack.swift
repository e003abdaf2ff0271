/// An immutable box around one context value.
///
/// The renderer reaches boxes through `Unmanaged` references and reads the
/// `let` field in place: the compiler knows it cannot change during a
/// `value(for:)` call, so no defensive copy (retain/release pair) is needed.
final class ContextFrame {
    let value: MustacheValue
    init(_ value: MustacheValue) { self.value = value }
}

/// An immutable box around one interned key, borrowed the same way.
final class KeyBox: Sendable {
    let key: MustacheKey
    init(_ key: MustacheKey) { self.key = key }
}

/// The context stack of one render: frames referenced without reference
/// counting (each is retained once on push and released on pop). It starts in
/// memory provided by the caller (usually on the machine stack) and moves to
/// the heap only when nesting gets deep.
/// Owned by one render; ``free()`` must be called to release the frames.
struct ContextStack {
    private var heap: ScratchMemory<Unmanaged<ContextFrame>>?
    private var frames: UnsafeMutablePointer<Unmanaged<ContextFrame>>
    private var capacity: Int
    private(set) var count = 0

    init(memory: UnsafeMutableBufferPointer<Unmanaged<ContextFrame>>) {
        frames = memory.baseAddress!
        capacity = memory.count
    }

    /// Releases the remaining frames.
    mutating func free() {
        while count > 0 { pop() }
    }

    @inline(__always)
    subscript(level: Int) -> Unmanaged<ContextFrame> { frames[level] }

    /// Pushes a new frame holding `value`.
    @inline(__always)
    mutating func push(_ value: MustacheValue) {
        push(retained: Unmanaged.passRetained(ContextFrame(value)))
    }

    /// Pushes an existing frame (shared, e.g. with the root memo).
    @inline(__always)
    mutating func push(shared frame: Unmanaged<ContextFrame>) {
        push(retained: frame.retain())
    }

    @inline(__always)
    private mutating func push(retained frame: Unmanaged<ContextFrame>) {
        if _slowPath(count == capacity) { grow() }
        frames[count] = frame
        count += 1
    }

    @inline(__always)
    mutating func pop() {
        count -= 1
        frames[count].release()
    }

    @inline(never)
    private mutating func grow() {
        let larger = ScratchMemory<Unmanaged<ContextFrame>>(capacity: capacity * 2)
        larger.base.initialize(from: frames, count: count)
        heap = larger
        frames = larger.base
        capacity = larger.capacity
    }
}
