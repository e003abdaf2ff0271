import ArgumentParser
import Fatura
import Foundation

/// `--templates DIR` and `--utility FILE`: what a command renders with.
struct TemplateOptions: ParsableArguments {
    @Option(name: .long, help: "The folder of templates and string catalogs.")
    var templates: String = "Templates"

    @Option(name: .long, help: "The utility's details: how to pay, contact, the links' base (default: TEMPLATES/utility.json).")
    var utility: String?

    var templatesURL: URL { URL(fileURLWithPath: templates) }
    var utilityURL: URL? { utility.map { URL(fileURLWithPath: $0) } }

    /// The templates, catalogs and utility details, checked.
    func load(arabicIndicDigits: Bool = false) throws(TemplateSetupError) -> TemplateSet {
        try TemplateSet.load(directory: templatesURL, utility: utilityURL, arabicIndicDigits: arabicIndicDigits)
    }
}
