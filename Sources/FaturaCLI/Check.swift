import ArgumentParser
import Fatura

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and check every bill of an export without rendering; one line per rejected bill, and per bill sent another way for an address it cannot use."
    )

    @Argument(help: ArgumentHelp("The bill export: XML, CSV or JSON Lines (contract urn:fatura:bill-data:1); '-' for standard input, with --format.",
                                 valueName: "input"))
    var given: String

    /// The export's path, '-' being standard input.
    var input: String { given == "-" ? "/dev/stdin" : given }

    @Option(name: .long, help: "The input's format: xml, csv or jsonl (default: detected from the file).")
    var format: InputFormat?

    func validate() throws {
        try InputFormat.checkNamed(format, for: input, given: given)
    }

    func run() throws {
        do {
            let summary = try Batch.check(input: input, format: format,
                                          onReject: { print($0.diagnostic(file: input)) },
                                          onReroute: { print($0.diagnostic(file: input)) })
            printError(summary.line)
            throw ExitStatus.of(summary)
        } catch let error as BatchError {
            printError("fatura: \(error)")
            throw ExitStatus.of(error)
        }
    }
}
