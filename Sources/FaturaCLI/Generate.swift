import ArgumentParser
import Fatura
import Foundation

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic month of N bills (XML contract) for benchmarks and tests."
    )

    @Argument(help: "How many bills.")
    var count: Int

    @Option(name: .long, help: "The file to write ('-' for standard output).")
    var out: String = "-"

    @Option(name: .long, help: "The seed: the same seed gives the same month.")
    var seed: UInt64 = 2026

    func run() throws {
        guard count >= 0 else { throw ValidationError("N must not be negative") }
        let handle: FileHandle
        if out == "-" {
            handle = .standardOutput
        } else {
            guard FileManager.default.createFile(atPath: out, contents: nil), let file = FileHandle(forWritingAtPath: out) else {
                printError("fatura: cannot create \(out)")
                throw ExitStatus.cannotCreate
            }
            handle = file
        }
        var buffer = ""
        try MonthGenerator(count: count, seed: seed).generate { piece in
            buffer += piece
            if buffer.utf8.count > 1 << 16 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        if out != "-" { try handle.close() }
    }
}
