import FaturaMustache
import Foundation
import Testing
@testable import Fatura

/// A copy of `Templates/` that a test may break.
func templateCopy() throws -> URL {
    let copy = Fixture.temporaryFolder().appendingPathComponent("Templates")
    try FileManager.default.copyItem(at: SampleBills.templates, to: copy)
    return copy
}

@Suite("Templates are checked at start-up")
struct TemplateSetTests {
    func loadError(_ directory: URL) -> String? {
        do {
            _ = try TemplateSet.load(directory: directory)
            return nil
        } catch {
            return error.description
        }
    }

    /// Takes `key` out of the `language` catalog of the templates in `folder`.
    func removeKey(_ key: String, language: String, in folder: URL) throws {
        let catalog = folder.appendingPathComponent("strings/\(language).json")
        var strings = try JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as! [String: String]
        strings[key] = nil
        try JSONSerialization.data(withJSONObject: strings).write(to: catalog)
    }

    @Test func theShippedTemplatesLoad() throws {
        #expect(loadError(SampleBills.templates) == nil)
    }

    @Test func aFolderReachedThroughALinkIsReadWhereItLeads() throws {
        let copy = try templateCopy()
        let link = copy.deletingLastPathComponent().appendingPathComponent("linked")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: copy)
        // The walk does not follow a link: every template was "missing".
        #expect(loadError(link) == nil)
        // And the files behind the link are the ones checked.
        try removeKey("how_to_pay", language: "en", in: copy)
        let error = try #require(loadError(link))
        #expect(error.contains("how_to_pay"))
        #expect(error.contains("en.json"))
    }

    /// A designer's `{{{customerName}}}` would write a name from the export,
    /// markup and all, into every page: refused where it is written.
    @Test(arguments: ["{{{customerName}}}", "{{& customerName}}", "{{#charges}}{{{.}}}{{/charges}}"])
    func aValueWrittenWithoutEscapingIsRefused(_ tag: String) throws {
        let copy = try templateCopy()
        let footer = copy.appendingPathComponent("partials/footer.mustache")
        let lines = try String(contentsOf: footer, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
        try (String(contentsOf: footer, encoding: .utf8) + "<p>\(tag)</p>\n").write(to: footer, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("partials/footer.mustache:\(lines):"), "\(error)")
        #expect(error.contains("without HTML escaping"), "\(error)")
        #expect(error.contains("is written HTML-escaped, as {{name}}; only the plain-text templates"), "\(error)")
    }

    /// A misspelt `{name}` would reach every bill as written.
    @Test(arguments: [("en", "chart_more", "{percent}", "{percnt}", "it is filled with {percent}"),
                      ("ar", "relative_note", "{relation}", "{relationship}", "it is filled with {account}, {name}, {relation}"),
                      ("en", "how_to_pay", "", " {count}", "it is filled with no value")])
    func aPlaceholderTheKeyIsNotFilledWithIsRefused(_ language: String, _ key: String, _ old: String, _ new: String, _ offer: String) throws {
        let copy = try templateCopy()
        let catalog = copy.appendingPathComponent("strings/\(language).json")
        var strings = try JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as! [String: String]
        let text = try #require(strings[key])
        strings[key] = old.isEmpty ? text + new : text.replacingOccurrences(of: old, with: new)
        try JSONSerialization.data(withJSONObject: strings).write(to: catalog)
        let error = try #require(loadError(copy))
        #expect(error.contains("strings/\(language).json: \"\(key)\" has \(new.trimmingCharacters(in: .whitespaces)), which would show as written: \(offer)"), "\(error)")
    }

    @Test func aSentenceWithoutItsFigureIsRefused() throws {
        let copy = try templateCopy()
        let catalog = copy.appendingPathComponent("strings/en.json")
        var strings = try JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as! [String: String]
        strings["chart_more"] = "That is more than a year ago."
        try JSONSerialization.data(withJSONObject: strings).write(to: catalog)
        #expect(loadError(copy)?.contains("strings/en.json: \"chart_more\" has no {percent}: the sentence would leave out the figure") == true)
    }

    @Test func aCatalogKeyGivenTwiceIsNamed() throws {
        let copy = try templateCopy()
        let catalog = copy.appendingPathComponent("strings/ar.json")
        let text = try String(contentsOf: catalog, encoding: .utf8)
        // A designer adds a text that is there already, on a new second line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try ([lines[0], "  \"how_to_pay\": \"ادفع\","] + lines[1...]).joined(separator: "\n").write(to: catalog, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("strings/ar.json:"), "\(error)")
        #expect(error.contains("the key \"how_to_pay\" is given twice"), "\(error)")
    }

    @Test func aCatalogThatIsNotJSONIsNamedWithLineAndColumn() throws {
        let copy = try templateCopy()
        let catalog = copy.appendingPathComponent("strings/en.json")
        var text = try String(contentsOf: catalog, encoding: .utf8)
        // A quote left unescaped in a value on the third line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let third = lines[2]
        let colon = try #require(third.range(of: "\": \""))
        text = (lines[..<2] + [third[..<colon.upperBound] + "\"" + third[colon.upperBound...]] + lines[3...]).joined(separator: "\n")
        try text.write(to: catalog, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("strings/en.json:3:"), "\(error)")
        #expect(error.contains("invalid JSON"), "\(error)")
    }

    /// A key no catalog has is most likely misspelt where a template names it.
    @Test func aCatalogKeyNoCatalogHasIsNamedWhereATemplateUsesIt() throws {
        let copy = try templateCopy()
        let header = copy.appendingPathComponent("partials/header.mustache")
        let source = try String(contentsOf: header, encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains("{{") })
        try (lines[..<index] + ["\r", "  {{! a comment\nover two lines }} <b>{{l.bil_title}}</b>"] + lines[index...]).joined(separator: "\n")
            .write(to: header, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.hasPrefix("partials/header.mustache:\(index + 3):22: no string catalog has \"bil_title\""), "\(error)")
        #expect(TemplateSet.catalogKeyUses(inSource: "a\r\n  {{l.x}}\nب {{o.y}}").map { "\($0.key) \($0.line):\($0.column)" } == ["x 2:3", "y 3:3"])
    }

    /// Nor may an HTML template turn escaping off; the plain-text ones (SMS,
    /// the e-mail's text and subject) do, and load.
    /// (In the layout, before its blocks, the pragma would leave the bill's
    /// own filling of them unescaped: the pragma itself is refused.)
    @Test(arguments: ["partials/customer", "layout"])
    func onlyThePlainTextTemplatesMayTurnEscapingOff(_ name: String) throws {
        let copy = try templateCopy()
        let template = copy.appendingPathComponent("\(name).mustache")
        try ("{{% CONTENT_TYPE: TEXT }}\n" + String(contentsOf: template, encoding: .utf8)).write(to: template, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.hasPrefix("\(name).mustache:1:1: {{% CONTENT_TYPE: TEXT }} turns HTML escaping off"), "\(error)")
        #expect(error.contains("only the plain-text templates (email-subject, email.text, sms"), "\(error)")
    }

    /// A shared `partials/` linked in is read; a link back up does not loop.
    @Test func aFolderLinkedInsideIsReadAndALoopIsNot() throws {
        let copy = try templateCopy()
        let shared = copy.deletingLastPathComponent().appendingPathComponent("shared-partials")
        try FileManager.default.moveItem(at: copy.appendingPathComponent("partials"), to: shared)
        try FileManager.default.createSymbolicLink(at: copy.appendingPathComponent("partials"), withDestinationURL: shared)
        try FileManager.default.createSymbolicLink(at: shared.appendingPathComponent("loop"), withDestinationURL: copy)
        #expect(loadError(copy) == nil)
        let files = try FolderWalk.files(under: copy.path)
        #expect(files.contains("partials/header.mustache") && files.contains("strings/en.json"))
        #expect(!files.contains { $0.hasPrefix("partials/loop/") }, "a link back up is not followed")
        // A folder reached by two paths is read by both (a second name for partials/).
        try FileManager.default.createSymbolicLink(at: copy.appendingPathComponent("common"), withDestinationURL: shared)
        let twice = try FolderWalk.files(under: copy.path)
        #expect(twice.contains("common/header.mustache") && twice.contains("partials/header.mustache"))
        #expect(loadError(copy) == nil)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("common"))
        // The look of a run is the same through the links.
        let direct = try templateCopy()
        #expect(ShardMerge.lookDigest(templates: copy, utility: nil, arabicIndicDigits: false)
                == ShardMerge.lookDigest(templates: direct, utility: nil, arabicIndicDigits: false))
    }

    /// A plain-text template (escaping off) brought into an HTML one would
    /// write its values there unescaped.
    @Test func anHTMLTemplateMayNotIncludeAPlainTextOne() throws {
        let copy = try templateCopy()
        let mail = copy.appendingPathComponent("email.html.mustache")
        let text = try String(contentsOf: mail, encoding: .utf8)
        try text.replacingOccurrences(of: "<title>", with: "<title>{{> email-subject}} ").write(to: mail, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("email.html.mustache:6:8: email.html includes email-subject, a plain-text template"), "\(error)")
    }

    @Test func aMissingTemplateIsNamed() throws {
        let copy = try templateCopy()
        try FileManager.default.removeItem(at: copy.appendingPathComponent("layout.mustache"))
        #expect(loadError(copy)?.contains("layout") == true)
    }

    @Test func aMissingPartialIsNamed() throws {
        let copy = try templateCopy()
        try FileManager.default.removeItem(at: copy.appendingPathComponent("partials/meters.mustache"))
        let error = try #require(loadError(copy))
        #expect(error.contains("partials/meters"))
    }

    @Test func aNameNoViewProvidesIsNamedWithItsPlace() throws {
        let copy = try templateCopy()
        let footer = copy.appendingPathComponent("partials/footer.mustache")
        try (String(contentsOf: footer, encoding: .utf8) + "{{acount}}\n").write(to: footer, atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("acount"))
        #expect(error.contains("footer"))
    }

    @Test func aCatalogKeyMissingInOneLanguageIsNamed() throws {
        let copy = try templateCopy()
        try removeKey("how_to_pay", language: "ar", in: copy)
        let error = try #require(loadError(copy))
        #expect(error.contains("how_to_pay"))
        #expect(error.contains("ar.json"))
    }

    @Test func aCatalogKeyATemplateUsesButNoCatalogHasIsNamed() throws {
        let copy = try templateCopy()
        let footer = copy.appendingPathComponent("partials/footer.mustache")
        try (String(contentsOf: footer, encoding: .utf8) + "{{l.nowhere_key}}\n").write(to: footer, atomically: true, encoding: .utf8)
        #expect(loadError(copy)?.contains("nowhere_key") == true)
    }

    @Test func aMissingArabicPluralFormIsNamed() throws {
        let copy = try templateCopy()
        let catalog = copy.appendingPathComponent("strings/ar.json")
        var strings = try JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as! [String: String]
        strings["days_few"] = nil
        try JSONSerialization.data(withJSONObject: strings).write(to: catalog)
        #expect(loadError(copy)?.contains("days_few") == true)
    }

    @Test func aParseErrorNamesFileLineAndColumn() throws {
        let copy = try templateCopy()
        try "<p>\n{{#charges}}\n".write(to: copy.appendingPathComponent("partials/footer.mustache"), atomically: true, encoding: .utf8)
        let error = try #require(loadError(copy))
        #expect(error.contains("footer"))
        #expect(error.contains("charges"))
        #expect(error.contains("2"))
    }

    @Test func findsCatalogKeysInTags() {
        #expect(Set(TemplateSet.catalogKeyUses(inSource: "{{l.a}} {{ o.b }} {{#l.c}}x{{/l.c}} {{other.d}} {{{l.e}}}").map(\.key)) == ["a", "b", "c", "e"])
    }

    @Test func everyDeclaredKeyIsAnswered() throws {
        let (bill, route) = SampleBills.accepted[0]
        let page = BillPage(bill: bill, route: route, resources: SampleBills.templateSet.resources)
        for key in BillPage.keys {
            #expect(page.value(for: .init(key)) != nil, "\(key)")
        }
    }
}
