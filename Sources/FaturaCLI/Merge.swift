import ArgumentParser
import Fatura
import Foundation

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the outputs of `render --shard K/N` runs into the manifest, rejects, SMS and paper lists, summary and report of one run.",
        discussion: "The bills' pages and e-mails stay in the shards' folders; the merged lists are in input order, byte-identical to a single run's, and so is report.html given the --templates, --utility and --arabic-digits of the renders."
    )

    @OptionGroup var templateOptions: TemplateOptions

    @Flag(name: .long, help: "Arabic-Indic digits in the report's Arabic, as the renders had them.")
    var arabicDigits = false

    @Option(name: .long, help: "The merged output folder.")
    var out: String

    @Argument(help: "The shard output folders.")
    var shards: [String]

    func run() throws {
        // The lists need no templates; the report does: without a templates folder, it is left out, with a word.
        var templates: TemplateSet?
        if FileManager.default.fileExists(atPath: templateOptions.templates) {
            do {
                templates = try templateOptions.load(arabicIndicDigits: arabicDigits)
            } catch {
                printError("fatura: \(error)")
                throw ExitStatus.configuration
            }
        } else {
            printError("fatura: WARNING: no templates folder \(templateOptions.templates): report.html is not written (give --templates)")
        }
        do {
            let look = ShardMerge.lookDigest(templates: templateOptions.templatesURL, utility: templateOptions.utilityURL, arabicIndicDigits: arabicDigits)
            let summary = try ShardMerge.merge(shards.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out),
                                               templates: templates, look: look) { why in
                printError("fatura: WARNING: report.html is not written: \(why)")
            }
            printError(summary.line + " → \(out)")
            throw ExitStatus.of(summary)
        } catch let error as ShardMerge.Failure {
            printError("fatura: \(error)")
            throw ExitStatus.dataError
        } catch let error as OutputError {
            printError("fatura: \(error)")
            throw ExitStatus.cannotCreate
        }
    }
}
