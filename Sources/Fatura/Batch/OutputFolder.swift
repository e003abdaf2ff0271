public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The output folder of a run, built under a hidden staging name beside the
/// destination (`.NAME.partial`) and moved into place only when the run has
/// finished, so a run that stops never leaves a folder that looks complete.
///
/// Files are written in place inside the staging folder (see `write`): the
/// folder's move into place is what makes the output appear whole. The
/// staging folder is locked (`flock`) while a run writes it;
/// a run that was killed leaves it behind for `fatura render --resume`.
/// Writing files is safe from several tasks at once.
public final class OutputFolder: Sendable {
    public let destination: URL
    public let staging: URL
    private let stagingPath: String
    /// The descriptor holding the staging folder's lock for this process.
    private let lockDescriptor: Int32
    /// The staging folder, open: files are created relative to it, so the
    /// kernel walks two or three names a path, not the whole path.
    private let folderDescriptor: Int32
    private let state = Mutex(State())

    private struct State {
        var published = false
        /// Leave the staging folder when the run stops without publishing (it can be resumed).
        var keep = false
        /// The staging folder was removed (the path may be another run's by now).
        var removed = false
    }

    /// Files every finished run writes; a folder holding one of them is a
    /// Fatura output that a new run may replace.
    static let markers = ["summary.json", "manifest.jsonl"]
    static let lockName = ".lock"

    /// Whether the staging folder was an interrupted run's, kept to be resumed.
    public let resumed: Bool
    /// Whether an interrupted run's staging folder was removed to start over.
    public let droppedInterrupted: Bool

    /// Opens the staging folder of `destination`. With `resume`, an
    /// interrupted run's staging folder is kept as it is (`resumed` tells
    /// whether there was one); otherwise any is removed and a new one made.
    /// Throws when another run holds the folder.
    public init(destination: URL, resume: Bool = false) throws(OutputError) {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial")
        stagingPath = staging.path
        try Self.checkReplaceable(self.destination)
        Self.removeReplacedOutputs(of: self.destination)
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create the output folder beside \(self.destination.path): \(error.localizedDescription)")
        }
        var dropped = false
        if manager.fileExists(atPath: stagingPath) {
            // Whoever made it must have stopped: its lock must be free.
            let probe = try Self.lock(stagingPath)
            if !resume {
                // Held until the folder is gone: no `--resume` can take it meanwhile.
                defer { close(probe) }
                do { try manager.removeItem(at: staging) } catch {
                    throw OutputError("cannot remove the interrupted run's folder \(stagingPath): \(error.localizedDescription)")
                }
                dropped = true
            } else {
                lockDescriptor = probe
                folderDescriptor = try Self.openFolder(stagingPath, lock: probe)
                resumed = true
                droppedInterrupted = false
                // An interrupted run's work is never thrown away by a resume that fails.
                state.withLock { $0.keep = true }
                return
            }
        }
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError("cannot create the output folder beside \(self.destination.path): \(error.localizedDescription)")
        }
        lockDescriptor = try Self.lock(stagingPath)
        folderDescriptor = try Self.openFolder(stagingPath, lock: lockDescriptor)
        resumed = false
        droppedInterrupted = dropped
    }

    private static func openFolder(_ path: String, lock: Int32) throws(OutputError) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            close(lock)
            throw OutputError("cannot open \(path): \(reason)")
        }
        return descriptor
    }

    /// Opens and locks `folder/.lock`, or throws when another process holds it.
    private static func lock(_ folder: String) throws(OutputError) -> Int32 {
        let descriptor = open(folder + "/" + lockName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError("cannot lock \(folder): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw OutputError("another fatura run is writing \(folder) (it is locked); wait for it or stop it first", heldByAnotherRun: true)
        }
        // The lock is the folder's only if its file is still there: a run
        // that was removing the folder meanwhile has made a new one of its own.
        var held = stat()
        var named = stat()
        guard fstat(descriptor, &held) == 0, stat(folder + "/" + lockName, &named) == 0,
              held.st_dev == named.st_dev, held.st_ino == named.st_ino else {
            close(descriptor)
            throw OutputError("another fatura run is writing \(folder) (it replaced it); wait for it or stop it first", heldByAnotherRun: true)
        }
        return descriptor
    }

    deinit {
        removeUnlessKept()
        close(folderDescriptor)
        close(lockDescriptor)
    }

    /// Removes the staging folder of a run that stopped with nothing to keep
    /// (not published, not kept for `--resume`), once: a later call, or the
    /// folder being let go, does nothing, since by then the path may be
    /// another run's staging folder. A run calls it as it ends: the last
    /// reference may be a finished task's, let go on a render thread only
    /// after the process has printed its error and exited.
    public func removeUnlessKept() {
        let remove = state.withLock { state in
            guard !state.published, !state.keep, !state.removed else { return false }
            state.removed = true
            return true
        }
        if remove { try? FileManager.default.removeItem(at: staging) }
    }

    /// From now on a run that stops leaves the staging folder for `--resume`.
    public func keepWhenStopped() {
        state.withLock { $0.keep = true }
    }

    /// A run stopped by a fault in its input leaves nothing behind, unless it
    /// went on from an interrupted run (whose work is never thrown away).
    public func dropWhenStopped() {
        guard !resumed else { return }
        state.withLock { $0.keep = false }
    }

    /// The hidden name an earlier output takes while a run puts its own in
    /// place, before it is removed.
    static func replacedName(of destination: URL, pid: Int32) -> String {
        ".\(destination.lastPathComponent).old-\(pid)"
    }

    /// Removes earlier outputs left beside `destination` by runs killed
    /// while they removed them (`.NAME.old-PID`, the process gone), once
    /// `destination` holds an output again: one killed between moving the
    /// earlier output aside and moving its own in left no other copy.
    static func removeReplacedOutputs(of destination: URL) {
        guard FileManager.default.fileExists(atPath: destination.path) else { return }
        let parent = destination.deletingLastPathComponent()
        let prefix = "." + destination.lastPathComponent + ".old-"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0 else { continue }
            // A run still removing it (kill with no signal: is the process there?) is left to it.
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// Refuses to replace a folder that is not empty and not a Fatura output.
    static func checkReplaceable(_ url: URL) throws(OutputError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw OutputError("\(url.path) exists and is not a folder")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        guard entries.isEmpty || markers.contains(where: entries.contains) else {
            throw OutputError("\(url.path) is not empty and is not a Fatura output folder; choose another --out")
        }
    }

    public func url(_ relative: String) -> URL {
        staging.appendingPathComponent(relative)
    }

    public func makeFolder(_ relative: String) throws(OutputError) {
        // One system call when the parent is there (a bill's subfolder, two
        // thousand times a run); the whole path otherwise.
        if mkdirat(folderDescriptor, relative, 0o777) == 0 || errno == EEXIST { return }  // less the umask, as FileManager makes them
        do {
            try FileManager.default.createDirectory(at: url(relative), withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create \(relative): \(error.localizedDescription)")
        }
    }

    public func write(_ relative: String, _ text: String) throws(OutputError) {
        try write(relative, Array(text.utf8))
    }

    /// Writes a file of the staging folder with plain system calls (open,
    /// write, close), under its own name: no temporary name and rename, and
    /// no fsync per file (Foundation's `Data.write` makes one, which costs
    /// more than everything else a bill needs). A missing subfolder is made
    /// on the way.
    ///
    /// Nothing in the staging folder is anyone's to read until `publish`
    /// syncs it and moves it into place whole, so a file cut short by a kill
    /// is never seen under the output's name; `--resume` trusts only the
    /// files its journal's last checkpoint covers (synced before the line was
    /// written) and writes every later one again. A rename per file would
    /// add a third of the kernel's cost per file (a second directory entry
    /// made and one removed) for no guarantee the folder's one rename does
    /// not already give.
    public func write(_ relative: String, _ bytes: [UInt8]) throws(OutputError) {
        let directory = folderDescriptor
        var descriptor = openat(directory, relative, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == ENOENT, let slash = relative.lastIndex(of: "/") {
            try makeFolder(String(relative[..<slash]))
            descriptor = openat(directory, relative, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else {
            throw OutputError("cannot create \(relative): \(String(cString: strerror(errno)))")
        }
        // A file cut short by a full disk is not left to look written.
        do {
            try Self.writeAll(descriptor, bytes, name: relative)
        } catch {
            close(descriptor)
            unlinkat(directory, relative, 0)
            throw error
        }
        // Some file systems (NFS) report a failed write only here.
        guard close(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlinkat(directory, relative, 0)
            throw OutputError("cannot write \(relative): \(reason)")
        }
    }

    /// Empties the staging folder of a run that left no journal to trust
    /// (stopped before its first line reached the disk, or killed while
    /// publishing, once the journal was removed), keeping its lock: what is
    /// in it may be another input's, and a run begun again in place would
    /// publish whatever it does not write again.
    public func empty() throws(OutputError) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: stagingPath)
        } catch {
            throw OutputError("cannot read \(stagingPath): \(error.localizedDescription)")
        }
        for entry in entries where entry != Self.lockName {
            do {
                try FileManager.default.removeItem(atPath: stagingPath + "/" + entry)
            } catch {
                throw OutputError("cannot empty \(stagingPath) to begin again: \(error.localizedDescription)")
            }
        }
    }

    /// `write(2)` until every byte is written.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], name: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Moves the finished folder into place, replacing an earlier output.
    /// The files named in `bookkeeping` (the journal) are removed first, and
    /// the lock right after the move: nothing of the run's own is published
    /// but, if the run is killed in the instant after the move, the empty
    /// lock file. (Killed between removing the journal and the move, the
    /// staging folder is complete but has no journal: `--resume` empties it
    /// and renders the month again from the start.) An earlier output is
    /// moved aside, then removed; a run killed meanwhile leaves it
    /// (`.NAME.old-PID`), and the first run to find an output in place again
    /// removes it.
    public func publish(removing bookkeeping: [String] = []) throws(OutputError) {
        let manager = FileManager.default
        // Everything written reaches the disk before the folder takes its
        // name, and a writeback error (EIO, a late ENOSPC) stops it.
        if let failure = Journal.syncFileSystem(folderDescriptor) {
            throw OutputError("cannot make \(stagingPath) durable before publishing it (syncfs): \(failure)")
        }
        do {
            try Self.checkReplaceable(destination)
            for name in bookkeeping { unlinkat(folderDescriptor, name, 0) }
            var replaced: URL?
            if manager.fileExists(atPath: destination.path) {
                let old = destination.deletingLastPathComponent()
                    .appendingPathComponent(Self.replacedName(of: destination, pid: getpid()))
                try manager.moveItem(at: destination, to: old)
                replaced = old
            }
            try manager.moveItem(at: staging, to: destination)
            state.withLock { $0.published = true }
            unlink(destination.path + "/" + Self.lockName)
            if let replaced { try? manager.removeItem(at: replaced) }
            Self.removeReplacedOutputs(of: destination)
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError("cannot move the finished output to \(destination.path): \(error.localizedDescription)")
        }
    }
}

/// The output cannot be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// Another run holds the output's staging folder: its work is that run's, not this one's to resume.
    public let heldByAnotherRun: Bool
    public init(_ message: String, heldByAnotherRun: Bool = false) {
        self.message = message
        self.heldByAnotherRun = heldByAnotherRun
    }
    public var description: String { message }
}
