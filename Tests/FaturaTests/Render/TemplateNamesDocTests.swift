import FaturaMustache
import Foundation
import Testing
@testable import Fatura

/// `Templates/NAMES.md`, the designers' list of the names a template can
/// use, lists every name the program gives, and no other.
@Suite("The designers' list of template names")
struct TemplateNamesDocTests {
    /// The backquoted names in the first column of each table, by the
    /// heading above it (both columns in "The report", whose lists' own
    /// names are told beside them).
    static func documented() throws -> [String: Set<String>] {
        let text = try String(contentsOf: SampleBills.templates.appendingPathComponent("NAMES.md"), encoding: .utf8)
        var sections: [String: Set<String>] = [:]
        var heading = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                heading = line.drop { $0 == "#" || $0 == " " }.description
                continue
            }
            guard line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let scope = heading == "The report" ? cells.joined(separator: " ") : cells[0]
            let names = scope.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            sections[heading, default: []].formUnion(names)
        }
        return sections
    }

    @Test func everyNameIsListedAndNoOther() throws {
        let documented = try Self.documented()
        let set = try TemplateSet.load(directory: SampleBills.templates)
        guard case .dictionary(let utility) = set.resources[.en].utilityValue,
              case .list(let centres) = utility["centres"], case .dictionary(let centre) = centres.first
        else { Issue.record("the utility's details are not a dictionary with centres"); return }
        let expected: [String: Set<String>] = [
            "The bill (page and e-mail)": BillPage.keys,
            "addressParts": AddressPart.keys,
            "meters": MeterRow.keys,
            "charges": ChargeRow.keys,
            "charts": ChartView.keys,
            "bars": ChartView.BarView.keys,
            "utility": Set(utility.keys),
            "utility.centres": Set(centre.keys),
            "The SMS": SMSView.keys,
            "The report": ReportView.keys,
        ]
        #expect(Set(documented.keys) == Set(expected.keys))
        for (heading, names) in expected {
            let listed = documented[heading] ?? []
            #expect(names.subtracting(listed).isEmpty, "\(heading): not in NAMES.md: \(names.subtracting(listed).sorted())")
            #expect(listed.subtracting(names).isEmpty, "\(heading): in NAMES.md but not given: \(listed.subtracting(names).sorted())")
        }
    }
}

/// `fatura template context`: a sample bill's context as JSON, with which
/// the templates render what a run renders.
@Suite("A sample bill's context for template render")
struct TemplateContextTests {
    @Test func theContextRendersThePageAndTheEMailAsARunDoes() throws {
        let set = try TemplateSet.load(directory: SampleBills.templates)
        let samples = try SampleSet.load(SampleBills.file.deletingLastPathComponentURL)
        let library = try TemplateLibrary(directory: SampleBills.templates.path, options: .strict)
        #expect(samples.entries.count == 10)
        for entry in samples.entries {
            for language in Language.allCases {
                let context = try MustacheValue(json: SampleSet.context(entry, language: language, templates: set))
                for (template, output) in [("bill", SampleSet.Output.page), ("email.html", .emailHTML)] {
                    let expected = try SampleSet.render(output, entry, language: language, templates: set)
                    #expect(try library.render(template, context) == expected, "\(entry.bill.account) \(language) \(template)")
                }
            }
        }
    }

    @Test func theCommandPrintsItForTemplateRender() throws {
        let context = try FaturaBinary.run(["template", "context", "1002345679", "--language", "ar"])
        #expect(context.status == 0, "\(context.stderr)")
        let file = Fixture.temporaryFolder().appendingPathComponent("context.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try context.stdout.write(to: file, atomically: true, encoding: .utf8)
        let page = try FaturaBinary.run(["template", "render", "Templates", "bill", "--data", file.path, "--strict"])
        let snapshot = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("Samples/snapshots/bills-2026-10/1002345679.ar.html"), encoding: .utf8)
        #expect(page.status == 0 && page.stdout == snapshot, "\(page.stderr)")
        let missing = try FaturaBinary.run(["template", "context", "1999999999"])
        #expect(missing.status == 66 && missing.stderr.contains("no accepted sample bill of account 1999999999"), "\(missing.stderr)")
    }
}
