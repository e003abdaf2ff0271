public import FaturaMustache
public import Foundation

/// The bill templates, catalogs and utility details of a template folder,
/// compiled once and checked at start-up: a missing template or partial, a
/// name no view can provide, or a catalog key a page needs but a catalog
/// lacks is an error naming it, never an empty spot in a bill.
public struct TemplateSet: Sendable {
    /// The templates a run renders.
    public static let requiredTemplates = ["bill", "layout", "email.html", "email.text", "email-subject", "report"]
        + Language.allCases.flatMap(SMSComposer.templateNames)

    public let library: TemplateLibrary
    public let resources: RenderResources
    /// For pages in each language, `library` with the words, direction and
    /// utility details of that language folded in: a page's labels then cost
    /// what its literal text costs.
    let pageLibraries: [Language: TemplateLibrary]
    /// The same with the e-mail's two parts written with CRLF line breaks:
    /// rendered in the canonical form a MIME text part needs (the preview
    /// and snapshots render them from `pageLibraries`, as files with LF).
    let mailLibraries: [Language: TemplateLibrary]

    public init(library: TemplateLibrary, resources: RenderResources) {
        self.library = library
        self.resources = resources
        pageLibraries = Dictionary(uniqueKeysWithValues: Language.allCases.map { language in
            (language, BillPage.folding(library, resources: resources, language: language))
        })
        mailLibraries = pageLibraries.mapValues { $0.withCRLFLineBreaks(inTemplates: Self.mailParts) }
    }

    /// Loads `directory` (templates, `strings/`) and the utility details
    /// (`directory/utility.json` unless `utility` names another file).
    public static func load(directory: URL, utility: URL? = nil, arabicIndicDigits: Bool = false) throws(TemplateSetupError) -> TemplateSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateSetupError("template folder \(directory.path) does not exist")
        }
        // Links, to the folder itself or within it, are followed by the walks below.
        let library: TemplateLibrary
        do {
            library = try TemplateLibrary(directory: directory.path, options: .strict)
        } catch {
            throw TemplateSetupError("\(error)")
        }
        for name in requiredTemplates where !library.hasTemplate(name) {
            throw TemplateSetupError("missing template \(directory.appendingPathComponent(name).path).mustache")
        }
        if let unknown = library.unknownNames(allowed: BillPage.templateNames.union(SMSView.keys).union(ReportView.keys)).first {
            throw TemplateSetupError("\(unknown)")
        }
        // Every value of a bill comes from the export: none is written raw
        // into HTML, where a name or an address could carry markup into the
        // page (the plain-text templates write text, unescaped).
        // Nor is a plain-text template (which turns escaping off) brought into an HTML one.
        if let inclusion = library.inclusions.first(where: { !textTemplates.contains($0.template) && textTemplates.contains($0.includes) }) {
            throw TemplateSetupError("\(inclusion.file):\(inclusion.line):\(inclusion.column): \(inclusion.template) includes \(inclusion.includes), "
                + "a plain-text template that writes values without HTML escaping: every value of a bill comes from the export")
        }
        if let raw = library.rawOutputs.first(where: { !textTemplates.contains($0.template ?? "") }) {
            throw TemplateSetupError("\(raw): every value of a bill comes from the export and is written HTML-escaped, as {{name}}; "
                + "only the plain-text templates (\(textTemplates.sorted().joined(separator: ", "))) may turn escaping off")
        }
        let catalogs = try StringCatalog.load(templates: directory)
        let uses = try catalogKeyUses(in: directory)
        let keys = Set(uses.keys).union(BillPage.catalogKeys)
        for language in Language.allCases {
            if let missing = keys.subtracting(catalogs[language]!.strings.keys).sorted().first {
                // In no catalog at all, a key a template names is more likely
                // misspelt there than missing from both: named where it is used.
                if let use = uses[missing], catalogs[language.other]?[missing] == nil {
                    throw TemplateSetupError("\(use): no string catalog has \"\(missing)\" (strings/ar.json, strings/en.json): is it misspelt here, or a new text to add to both?")
                }
                throw TemplateSetupError("string catalog \(directory.path)/strings/\(language.rawValue).json has no \"\(missing)\", which the bill needs")
            }
        }
        let details = try UtilityDetails.load(utility ?? directory.appendingPathComponent("utility.json"))
        return TemplateSet(
            library: library,
            resources: RenderResources(catalogs: catalogs, utility: details, arabicIndicDigits: arabicIndicDigits))
    }

    /// Renders the page of `page` as UTF-8 onto `buffer`.
    public func renderPage(_ page: BillPage, into buffer: inout [UInt8]) throws {
        try render("bill", page, into: &buffer)
    }

    /// Renders one of the bill's templates (`bill`, `email.html`, `email.text`,
    /// `email-subject`) for `page`, appending UTF-8 to `buffer`.
    public func render(_ template: String, _ page: BillPage, into buffer: inout [UInt8]) throws {
        try pageLibraries[page.main.language, default: library].render(template, .object(page), into: &buffer)
    }

    /// The templates whose output is plain text, not HTML (SMS, the
    /// e-mail's text and subject): they turn HTML escaping off.
    static let textTemplates: Set<String> = Set(["email.text", "email-subject"] + Language.allCases.flatMap(SMSComposer.templateNames))

    /// The templates of an e-mail's two parts.
    static let mailParts: Set<String> = ["email.html", "email.text"]

    /// Renders one of ``mailParts`` for `page` onto `buffer` with CRLF line
    /// breaks, as a message's body needs them.
    func renderMailPart(_ template: String, _ page: BillPage, into buffer: inout [UInt8]) throws {
        try mailLibraries[page.main.language, default: library].render(template, .object(page), into: &buffer)
    }

    /// Renders one of the bill's templates for `page` to a string.
    public func render(_ template: String, _ page: BillPage) throws -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 12)
        try render(template, page, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The e-mail subject of `page`, without white space at either end.
    func renderSubject(_ page: BillPage) throws -> String {
        EncodedWord.trimmed(try render("email-subject", page))
    }

    /// The catalog keys the templates name as `l.KEY` or `o.KEY`, each with
    /// its first use (`partials/header.mustache:3:5`), in the walk's order
    /// (each folder's entries by name).
    static func catalogKeyUses(in directory: URL) throws(TemplateSetupError) -> [String: String] {
        var uses: [String: String] = [:]
        let files: [String]
        do { files = try FolderWalk.files(under: directory.path) } catch { throw TemplateSetupError("\(error)") }
        for file in files where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            guard let source = try? String(contentsOf: url, encoding: .utf8) else {
                throw TemplateSetupError("template \(url.path) cannot be read as UTF-8")
            }
            for (key, line, column) in catalogKeyUses(inSource: source) where uses[key] == nil {
                uses[key] = "\(file):\(line):\(column)"
            }
        }
        return uses
    }

    /// `KEY` of every `{{l.KEY}}`, `{{#o.KEY}}`… in a template's source,
    /// with the line and column of each tag, in source order.
    static func catalogKeyUses(inSource source: String) -> [(key: String, line: Int, column: Int)] {
        var uses: [(key: String, line: Int, column: Int)] = []
        var rest = source[...]
        var line = 1
        var lineStart = source.startIndex
        // The standard library's search: Foundation's `range(of:)` bridges to NSString and
        // measures it in UTF-16 on every call (tens of milliseconds at start-up).
        while let open = rest.firstRange(of: "{{") {
            for index in rest.utf8[..<open.lowerBound].indices where rest.utf8[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = rest.utf8.index(after: index)
            }
            rest = rest[open.upperBound...]
            guard let close = rest.firstRange(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].drop { "#^/&{! ".contains($0) }
            tag = tag.prefix { !$0.isWhitespace && $0 != "}" }
            if tag.hasPrefix("l.") || tag.hasPrefix("o.") {
                let column = source.unicodeScalars[lineStart..<open.lowerBound].count + 1
                uses.append((String(tag.dropFirst(2)), line, column))
            }
            // A tag spanning lines (a comment) moves the line count on at the next tag.
            for index in rest.utf8[..<close.lowerBound].indices where rest.utf8[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = rest.utf8.index(after: index)
            }
            rest = rest[close.upperBound...]
        }
        return uses
    }
}

extension BillPage {
    /// The catalog keys the page's Swift side reads (categories, services,
    /// units, address parts, chart sentences, plurals by their `_other` form).
    static let catalogKeys: Set<String> = {
        var keys: Set<String> = ["relative_note", "relative_note_by_choice", "relative_note_unusable_address", "relative_unnamed", "chart_span", "chart_current", "chart_last_year", "chart_more", "chart_less", "chart_same",
                                 "days_other", "months_other"]
        keys.formUnion(CustomerCategory.allCases.map { "category_" + $0.rawValue })
        keys.formUnion(Service.allCases.map { "service_" + $0.rawValue })
        keys.formUnion(MeterUnit.allCases.map { "unit_" + $0.rawValue })
        keys.formUnion(AddressField.allCases.map { "address_" + $0.rawValue })
        return keys
    }()
}
