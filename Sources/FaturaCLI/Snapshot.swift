import ArgumentParser
import Fatura
import Foundation

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render every sample through every template and compare with SAMPLES/snapshots/ (exit 1 on a difference).",
        discussion: "With --record the snapshot files are rewritten (and those no sample produces removed): review the change in a browser first."
    )

    @OptionGroup var templateOptions: TemplateOptions

    @Option(name: .long, help: "The folder of sample months (*.xml); snapshots live in its snapshots/ folder.")
    var samples: String = "Samples"

    @Flag(name: .long, help: "Rewrite the snapshots instead of comparing.")
    var record = false

    func run() throws {
        let report: Snapshots.Report
        do {
            let set = try templateOptions.load()
            report = try Snapshots.run(samples: URL(fileURLWithPath: samples), templates: set, record: record)
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
        for difference in report.differences { print(difference) }
        for name in report.missing { print("\(name): no snapshot yet (record it with fatura snapshot --record)") }
        for name in report.stale { print("\(name): no sample produces this snapshot any more (fatura snapshot --record removes it)") }
        for name in report.recorded { printError("recorded \(name)") }
        for name in report.removed { printError("removed \(name)") }
        printError(report.line)
        if !report.passed { throw ExitCode.failure }
    }
}
