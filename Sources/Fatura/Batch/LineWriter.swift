import Foundation

/// Appends lines to a file through a buffer.
final class LineWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let path: String
    private let lineEnd: [UInt8]

    /// `lineEnd` follows every line (a line feed unless told otherwise).
    init(_ url: URL, lineEnd: [UInt8] = [0x0A]) throws(OutputError) {
        self.lineEnd = lineEnd
        path = url.lastPathComponent
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url)
        else { throw OutputError("cannot create \(path)") }
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    func line(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(contentsOf: lineEnd)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func close() throws(OutputError) {
        try flush()
        try? handle.close()
    }

    private func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw OutputError("cannot write \(path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
