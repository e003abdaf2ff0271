import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends lines to a file through a buffer, knowing its length so that a
/// checkpoint can record it and a resumed run can cut the file back to it.
final class LineWriter {
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let name: String
    private let lineEnd: [UInt8]
    /// Bytes of the file, written or still in the buffer.
    private(set) var length: Int

    /// A new, empty file; `lineEnd` follows every line (a line feed unless told otherwise).
    /// With `resumeAt`, the existing file is cut back to that many bytes and appended to.
    init(_ url: URL, lineEnd: [UInt8] = [0x0A], resumeAt: Int? = nil) throws(OutputError) {
        self.lineEnd = lineEnd
        name = url.lastPathComponent
        let flags = resumeAt == nil ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_WRONLY | O_CLOEXEC
        descriptor = open(url.path, flags, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot open \(name): \(String(cString: strerror(errno)))") }
        length = resumeAt ?? 0
        if let resumeAt {
            guard ftruncate(descriptor, off_t(resumeAt)) == 0, lseek(descriptor, off_t(resumeAt), SEEK_SET) == off_t(resumeAt) else {
                let reason = String(cString: strerror(errno))
                Glibc.close(descriptor)
                throw OutputError("cannot cut \(name) back to its last checkpoint: \(reason)")
            }
        }
        buffer.reserveCapacity(1 << 16)
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    func line(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        try endLine(text.utf8.count)
    }

    /// A line given as UTF-8 bytes.
    func line(_ bytes: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        try endLine(bytes.count)
    }

    /// Ends a line of `count` bytes just buffered.
    private func endLine(_ count: Int) throws(OutputError) {
        buffer.append(contentsOf: lineEnd)
        length += count + lineEnd.count
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes out what is buffered.
    func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        try OutputFolder.writeAll(descriptor, buffer, name: name)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(OutputError) {
        try flush()
        // Some file systems (NFS) report a failed write only here.
        let closed = Glibc.close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw OutputError("cannot write \(name): \(String(cString: strerror(errno)))") }
    }
}
