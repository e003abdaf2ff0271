// The conformance of a public type is public, so its protocol's module is imported publicly.
public import ArgumentParser
import Fatura
import Foundation

/// `--format xml|csv|jsonl`.
extension InputFormat: ExpressibleByArgument {}

/// `--language ar|en`.
extension Language: ExpressibleByArgument {}

extension InputFormat {
    /// A command line that gives a pipe, device or socket (`-`, a FIFO)
    /// without `--format` is wrong (64): its format cannot be told without
    /// reading it, and it can be read once only. `given` is the argument as
    /// typed (`-` is standard input).
    static func checkNamed(_ format: InputFormat?, for path: String, given: String) throws {
        guard format == nil else { return }
        var status = stat()
        // Anything else (a folder, a path that is not there) is the reading's to report (66).
        guard stat(path, &status) == 0, [S_IFIFO, S_IFCHR, S_IFSOCK].contains(status.st_mode & S_IFMT) else { return }
        let what = given == "-" ? "The format of standard input" : "\(given) is a pipe or device: its format"
        throw ValidationError("\(what) cannot be detected; name it with --format xml, csv or jsonl.")
    }
}
