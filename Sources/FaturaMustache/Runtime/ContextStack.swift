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
///
/// Beside each value it keeps the object the value holds, unretained (the
/// value keeps it alive), with its type: an object is asked to write a
/// field through that reference, where taking it out of the value would
/// retain and release it on every lookup.
/// Owned by one render; ``free()`` must be called to release the values.
struct ContextStack {
    /// An object of the stack, not retained (none beside a value that is not an object).
    struct ObjectRef {
        let object: UnsafeMutableRawPointer?
        let type: (any MustacheObject.Type)?

        init(_ object: any MustacheObject) {
            self.object = Unmanaged.passUnretained(object as AnyObject).toOpaque()
            type = Swift.type(of: object)
        }

        /// None: what is kept beside a value that is not an object.
        init() {
            object = nil
            type = nil
        }

        /// The object writes `key` (false: it has no such key, or there is
        /// no object), called as its own type: no retain, no release.
        @inline(__always)
        func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
            guard let object, let type else { return false }
            return Self.write(key, of: object, type, to: &output)
        }

        @inline(__always)
        private static func write(
            _ key: MustacheKey, of object: UnsafeMutableRawPointer, _ type: any MustacheObject.Type, to output: inout MustacheOutput
        ) -> Bool {
            func write<Object: MustacheObject>(_: Object.Type) -> Bool {
                Unmanaged<Object>.fromOpaque(object)._withUnsafeGuaranteedRef { $0.write(key, to: &output) }
            }
            return write(type)
        }
    }

    private var heap: ScratchMemory<MustacheValue>?
    private var objectHeap: ScratchMemory<ObjectRef>?
    private var values: UnsafeMutablePointer<MustacheValue>
    private var objects: UnsafeMutablePointer<ObjectRef>
    private var capacity: Int
    private(set) var count = 0

    init(memory: UnsafeMutableBufferPointer<MustacheValue>, objects: UnsafeMutableBufferPointer<ObjectRef>) {
        values = memory.baseAddress!
        self.objects = objects.baseAddress!
        capacity = min(memory.count, objects.count)
    }

    /// Releases the remaining values.
    mutating func free() {
        while count > 0 { pop() }
    }

    /// The value at `level` (0: the root), read in place.
    @inline(__always)
    subscript(level: Int) -> UnsafePointer<MustacheValue> { UnsafePointer(values + level) }

    /// The object held by the value at `level` (none when the value is not an object).
    @inline(__always)
    func object(_ level: Int) -> ObjectRef { objects[level] }

    @inline(__always)
    mutating func push(_ value: consuming MustacheValue) {
        if _slowPath(count == capacity) { grow() }
        if case .object(let object) = value {
            (objects + count).initialize(to: ObjectRef(object))
        } else {
            (objects + count).initialize(to: ObjectRef())
        }
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
        let largerObjects = ScratchMemory<ObjectRef>(capacity: capacity * 2)
        larger.base.moveInitialize(from: values, count: count)
        largerObjects.base.moveInitialize(from: objects, count: count)
        heap = larger
        objectHeap = largerObjects
        values = larger.base
        objects = largerObjects.base
        capacity = min(larger.capacity, largerObjects.capacity)
    }
}
