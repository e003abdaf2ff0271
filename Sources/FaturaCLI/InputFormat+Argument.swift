// The conformance of a public type is public, so its protocol's module is imported publicly.
public import ArgumentParser
import Fatura
import Foundation

/// `--format xml|csv|jsonl`.
extension InputFormat: ExpressibleByArgument {}

extension InputFormat {
    /// A command line that names a pipe or device (`-`, `/dev/stdin`, a
    /// FIFO) without `--format` is wrong (64): its format cannot be told
    /// without reading it, and it can be read once only.
    static func checkNamed(_ format: InputFormat?, for path: String) throws {
        guard format == nil else { return }
        var status = stat()
        // A path that cannot be read is the reading's to report (66).
        guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG else { return }
        throw ValidationError("\(path) is a pipe or device, whose format cannot be detected: name it with --format xml, csv or jsonl")
    }
}
