/// Heap memory for one render's scratch structures.
///
/// Allocated as a Swift object (a plain `malloc`), not with
/// `UnsafeMutablePointer.allocate`, which on Linux takes the slower aligned
/// allocation path. The elements live inside `storage` and never move, so
/// `base` stays valid for as long as this value (and thus `storage`) is alive.
/// Elements are not destroyed automatically: owners store only trivial types
/// or clean up themselves.
struct ScratchMemory<Element> {
    private let storage: ManagedBuffer<Void, Element>
    let base: UnsafeMutablePointer<Element>
    let capacity: Int

    init(capacity: Int) {
        storage = ManagedBuffer<Void, Element>.create(minimumCapacity: max(capacity, 1)) { _ in () }
        base = storage.withUnsafeMutablePointerToElements { $0 }
        self.capacity = storage.capacity
    }
}
