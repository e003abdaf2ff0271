import ArgumentParser
import FaturaMustache
import Foundation

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with Mustache templates.",
        subcommands: [TemplateRender.self]
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
