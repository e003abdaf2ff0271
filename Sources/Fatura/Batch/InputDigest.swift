import Crypto
import Foundation
import Synchronization

/// The SHA-256 of a file's content, read on a thread of its own from the
/// start of a `--shard` run (so that the share can name the export it was
/// rendered from, the same on every machine, for `fatura merge`). Nil for
/// what is not a regular file (a pipe can be read once only) or cannot be
/// read.
final class InputDigest: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let outcome = Mutex<String?>(nil)

    init(path: String) {
        Thread.start(named: "fatura digest") { [self] in
            let digest = Self.digest(path)
            outcome.withLock { $0 = digest }
            finished.signal()
        }
    }

    /// Waits for the digest.
    func wait() -> String? {
        finished.wait()
        finished.signal()
        return outcome.withLock { $0 }
    }

    static func digest(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        return hasher.finalize().hexString
    }
}
