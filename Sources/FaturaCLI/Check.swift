import ArgumentParser
import Fatura

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and check every bill of an export without rendering; one line per rejected bill."
    )

    @Argument(help: "The bill export: XML, CSV or JSON Lines (contract urn:fatura:bill-data:1).")
    var input: String

    @Option(name: .long, help: "The input's format: xml, csv or jsonl (default: detected from the file).")
    var format: InputFormat?

    func run() throws {
        do {
            let summary = try Batch.check(input: input, format: format) { print($0.diagnostic(file: input)) }
            printError(summary.line)
            throw ExitStatus.of(summary)
        } catch let error as BatchError {
            printError("fatura: \(error)")
            throw ExitStatus.of(error)
        }
    }
}
