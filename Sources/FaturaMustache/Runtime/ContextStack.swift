/// One entry of the context stack: the value, and an unwrapped
/// `any MustacheObject` view of it for lookups (the view model itself, a
/// wrapper for dictionaries, or an object without keys for scalars and lists).
///
/// Both are `let`s of a class so that the renderer can call `value(for:)` on
/// the existential in place: the compiler knows the field cannot change during
/// the call and needs no defensive copy (which would cost a retain/release
/// pair per lookup).
final class ContextFrame {
    let value: MustacheValue
    let object: any MustacheObject

    init(_ value: MustacheValue) {
        self.value = value
        switch value {
        case .object(let viewModel): object = viewModel
        case .dictionary(let dictionary): object = DictionaryObject(dictionary: dictionary)
        default: object = NoKeys()
        }
    }
}

/// The context stack of one render: frames referenced without reference
/// counting (each is retained once on push and released on pop).
/// Owned by one render; ``free()`` must be called.
struct ContextStack {
    private var frames: UnsafeMutablePointer<Unmanaged<ContextFrame>>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        self.frames = .allocate(capacity: capacity)
    }

    /// Releases the remaining frames and the memory.
    mutating func free() {
        while count > 0 { pop() }
        frames.deallocate()
    }

    @inline(__always)
    subscript(level: Int) -> Unmanaged<ContextFrame> { frames[level] }

    @inline(__always)
    mutating func push(_ value: MustacheValue) {
        if _slowPath(count == capacity) { grow() }
        frames[count] = Unmanaged.passRetained(ContextFrame(value))
        count += 1
    }

    @inline(__always)
    mutating func pop() {
        count -= 1
        frames[count].release()
    }

    @inline(never)
    private mutating func grow() {
        let newCapacity = capacity * 2
        let newFrames = UnsafeMutablePointer<Unmanaged<ContextFrame>>.allocate(capacity: newCapacity)
        newFrames.initialize(from: frames, count: count)
        frames.deallocate()
        frames = newFrames
        capacity = newCapacity
    }
}

/// Lookup view of a dictionary context.
private struct DictionaryObject: MustacheObject {
    let dictionary: [String: MustacheValue]
    func value(for key: MustacheKey) -> MustacheValue? { dictionary[key.name] }
}

/// Lookup view of a scalar or list context: it has no keys.
private struct NoKeys: MustacheObject {
    func value(for key: MustacheKey) -> MustacheValue? { nil }
}
