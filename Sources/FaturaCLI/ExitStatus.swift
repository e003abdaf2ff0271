import Foundation
import ArgumentParser
import Fatura

/// The exit codes of `fatura`, decided only here at the command line.
enum ExitStatus {
    static let success = ExitCode(0)
    /// The run finished, but some bills were rejected.
    static let someRejected = ExitCode(3)
    /// `link verify`: the token does not verify.
    static let linkRefused = ExitCode(4)
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let software = ExitCode(70)
    static let cannotCreate = ExitCode(73)
    static let configuration = ExitCode(78)

    static func of(_ summary: BatchSummary) -> ExitCode {
        summary.rejected > 0 ? someRejected : success
    }

    static func of(_ error: BatchError) -> ExitCode {
        switch error {
        case .input(let input): input.kind == .unreadable ? noInput : dataError
        case .output: cannotCreate
        case .templates: configuration
        case .render: software
        case .resume: usage
        }
    }
}

/// Writes a line to standard error, after what was printed to standard
/// output (buffered when it is a file or pipe): `check 2>&1` lists the
/// rejects before the fault that stopped the run, as a terminal shows them.
func printError(_ text: String) {
    fflush(nil)  // every C stream: standard output is the one with anything in it
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.stderr(string)
    }
}
