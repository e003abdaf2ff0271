#if canImport(Glibc)
import Glibc
#endif

/// A regular input file as it is at one moment: its device, inode, size and
/// modification time. A run reads a file twice (the first pass beside the
/// second), and both must read the same bytes: an export still being
/// written would give the second pass bills the first never saw, whose
/// repeats would then go unseen. Comparing the file with its snapshot when
/// reading ends tells.
struct InputSnapshot: Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: timespec

    /// The file at `path` now, or nil when there is none or it is not a
    /// regular file (a pipe or device is read once).
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = status.st_mtim
    }

    /// How `now` differs from this snapshot, in words; nil when it does not.
    func change(to now: InputSnapshot?) -> String? {
        guard let now else { return "it is gone, or no longer a regular file" }
        if now.device != device || now.inode != inode { return "another file took its name" }
        if now.size != size { return "its size went from \(size) to \(now.size) bytes" }
        if now.modified.tv_sec != modified.tv_sec || now.modified.tv_nsec != modified.tv_nsec { return "it was written to" }
        return nil
    }
}
