import ArgumentParser
import Fatura
import FaturaMustache
import Foundation

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with Mustache templates.",
        subcommands: [TemplateRender.self, TemplateContext.self]
    )
}

struct TemplateRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one template of a folder with a JSON document as its context, to standard output.",
        discussion: """
        Every *.mustache file under DIR is compiled (names like partials/header). The JSON is the \
        context: objects, arrays, strings, numbers, booleans and null as Mustache expects. Without \
        --strict the official specification's rules apply (a missing variable renders nothing, a \
        missing partial renders nothing); with --strict both are errors.
        """
    )

    @Argument(help: "The template folder.")
    var directory: String

    @Argument(help: "The template's name, without .mustache (for example bill or partials/header).")
    var name: String

    @Option(name: .long, help: "The JSON file of the context ('-' for standard input).")
    var data: String

    @Flag(name: .long, help: "Refuse missing partials when loading and missing variables when rendering.")
    var strict = false

    func run() throws {
        let library: TemplateLibrary
        do {
            library = try TemplateLibrary(directory: directory, options: strict ? .strict : [])
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
        guard library.hasTemplate(name) else {
            printError("fatura: \(directory) has no template \(name) (.mustache); it has: \(library.templateNames.sorted().joined(separator: ", "))")
            throw ExitStatus.configuration
        }
        let json: Data
        do {
            json = data == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: data))
        } catch {
            printError("fatura: cannot read \(data): \(error.localizedDescription)")
            throw ExitStatus.noInput
        }
        let context: MustacheValue
        do {
            context = try MustacheValue(json: json)
        } catch {
            printError("fatura: \(data): \(error)")
            throw ExitStatus.dataError
        }
        var output: [UInt8] = []
        do {
            try library.render(name, context, into: &output)
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.dataError
        }
        FileHandle.standardOutput.write(Data(output))
    }
}

struct TemplateContext: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Print, as JSON, the context a sample bill's page and e-mail are rendered with.",
        discussion: """
        Every name a template can use (see Templates/NAMES.md), with the sample bill's values, formatted as a run \
        formats them (its link signed with the development key, as snapshot and preview sign it): give it to \
        `fatura template render DIR NAME --data FILE` to try one template or partial on a real bill. The bill is \
        the first of that account in the *.xml months of --samples.
        """
    )

    @Argument(help: "The sample bill's account.")
    var account: String

    @Option(name: .long, help: "The language of the page: ar or en (default: the bill's own).")
    var language: Language?

    @Option(name: .long, help: "The folder of sample months (*.xml).")
    var samples: String = "Samples"

    @OptionGroup var templateOptions: TemplateOptions

    @Flag(name: .long, help: "Arabic-Indic digits on Arabic pages, as render --arabic-digits writes them.")
    var arabicDigits = false

    func validate() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: samples, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("The samples folder \(samples) does not exist.")
        }
    }

    func run() throws {
        let set: TemplateSet
        let entries: SampleSet
        do {
            set = try templateOptions.load(arabicIndicDigits: arabicDigits)
            entries = try SampleSet.load(URL(fileURLWithPath: samples))
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
        guard let entry = entries.entries.first(where: { $0.bill.account == account }) else {
            printError("fatura: no accepted sample bill of account \(account) in \(samples)")
            throw ExitStatus.noInput
        }
        print(SampleSet.context(entry, language: language ?? entry.bill.customer.language, templates: set), terminator: "")
    }
}
