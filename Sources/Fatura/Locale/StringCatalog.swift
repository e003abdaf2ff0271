import FaturaMustache
public import Foundation

/// The visible words of the bills in one language, from
/// `Templates/strings/LANG.json`: a flat JSON object of key to text.
/// Charge-code labels are the keys `charge_CODE`.
public struct StringCatalog: Sendable {
    public let language: Language
    public let strings: [String: String]

    public init(language: Language, strings: [String: String]) {
        self.language = language
        self.strings = strings
    }

    public subscript(key: String) -> String? { strings[key] }

    /// A counted phrase (`31 days` / `31 يومًا`): the catalog's string for
    /// the number's CLDR plural category (`KEY_few`…), with `{count}`
    /// replaced by the formatted number.
    public func counted(_ key: String, _ count: Int, formatter: BillFormatter) -> String {
        Self.counted(pluralForms(key), count, language: language, formatter: formatter)
    }

    /// The catalog's strings for `key` in each plural category, in the order
    /// of ``PluralCategory/allCases`` (a category the catalog lacks takes
    /// `KEY_other`, and failing that the key itself).
    func pluralForms(_ key: String) -> [String] {
        PluralCategory.allCases.map { strings[key + "_" + $0.rawValue] ?? strings[key + "_other"] ?? key }
    }

    /// The form of `forms` (see ``pluralForms(_:)``) for `count` in `language`, with `{count}` filled in.
    static func counted(_ forms: [String], _ count: Int, language: Language, formatter: BillFormatter) -> String {
        fill(forms[PluralCategory.of(count, in: language).index]) { $0 == "count" ? formatter.number(Int64(count)) : nil }
    }

    /// `pattern` with each `{name}` for which `value` has a text replaced by
    /// it; other braces stay as they are. One pass over the UTF-8 (the
    /// standard library's `replacing` costs microseconds a call, and a page
    /// fills a dozen sentences).
    static func fill(_ pattern: String, _ value: (Substring) -> String?) -> String {
        guard pattern.utf8.contains(UInt8(ascii: "{")) else { return pattern }
        var out = ""
        out.reserveCapacity(pattern.utf8.count + 32)
        var rest = pattern[...]
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")) {
            out += rest[..<open]
            let afterOpen = rest.utf8.index(after: open)
            guard let close = rest.utf8[afterOpen...].firstIndex(of: UInt8(ascii: "}")) else { break }
            if let text = value(rest[afterOpen..<close]) {
                out += text
                rest = rest[rest.utf8.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        out += rest
        return out
    }

    /// Loads `DIR/strings/ar.json` and `DIR/strings/en.json` and checks that
    /// both hold the same keys, so no label is missing in one language.
    public static func load(templates directory: URL) throws(TemplateSetupError) -> [Language: StringCatalog] {
        var catalogs: [Language: StringCatalog] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("strings/\(language.rawValue).json")
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw TemplateSetupError("missing string catalog \(url.path)")
            }
            // A strict reader that names the line and column of a fault (a
            // trailing comma, a quote left unescaped): a designer edits these.
            let object: [String: MustacheValue]
            do {
                // A key given twice would keep the later text with no word (a designer adding one that is there).
                guard case .dictionary(let dictionary) = try MustacheValue(json: data, refusingDuplicateKeys: true) else {
                    throw TemplateSetupError("\(url.path) is not a JSON object of strings")
                }
                object = dictionary
            } catch let error as MustacheError {
                throw TemplateSetupError("\(url.path):\(error.line ?? 1):\(error.column ?? 1): \(error.message)")
            } catch {
                throw TemplateSetupError("\(error)")
            }
            var strings: [String: String] = [:]
            for (key, value) in object {
                guard case .string(let text) = value else {
                    throw TemplateSetupError("\(url.path): the value of \"\(key)\" is not a string")
                }
                strings[key] = text
            }
            catalogs[language] = StringCatalog(language: language, strings: strings)
        }
        try checkSameKeys(catalogs)
        try checkPlaceholders(catalogs)
        return catalogs
    }
}

extension StringCatalog {
    /// Plural strings end in a category (`days_few`); every other key must be
    /// in both catalogs, and every plural key must have each category its
    /// language's rule produces.
    static func checkSameKeys(_ catalogs: [Language: StringCatalog]) throws(TemplateSetupError) {
        var plain: [Language: Set<String>] = [:]
        var plural: [Language: Set<String>] = [:]
        for (language, catalog) in catalogs {
            for key in catalog.strings.keys {
                if let base = pluralBase(key) {
                    plural[language, default: []].insert(base)
                } else {
                    plain[language, default: []].insert(key)
                }
            }
        }
        for language in Language.allCases {
            let other = language.other
            if let key = plain[other, default: []].subtracting(plain[language, default: []]).sorted().first {
                throw TemplateSetupError("string catalog strings/\(language.rawValue).json has no \"\(key)\", which strings/\(other.rawValue).json has")
            }
            let bases = plural[.ar, default: []].union(plural[.en, default: []])
            for base in bases.sorted() {
                for category in PluralCategory.used(by: language) where catalogs[language]?[base + "_" + category.rawValue] == nil {
                    throw TemplateSetupError("string catalog strings/\(language.rawValue).json has no \"\(base)_\(category.rawValue)\": \(language.rawValue) needs the plural forms \(PluralCategory.used(by: language).map(\.rawValue).joined(separator: ", ")) of \"\(base)\"")
                }
            }
        }
    }

    /// The `{name}`s a text's key is filled with: a plural form's `{count}`,
    /// and those of the sentences the page builds; no other key is filled.
    static func placeholders(of key: String) -> Set<String> {
        if pluralBase(key) != nil { return ["count"] }
        return fillings[key] ?? []
    }

    private static let fillings: [String: Set<String>] = [
        "relative_note": ["name", "account", "relation"],
        "relative_note_by_choice": ["name", "account", "relation"],
        "relative_note_unusable_address": ["name", "account", "relation"],
        "chart_current": ["value"],
        "chart_last_year": ["value"],
        "chart_more": ["percent"],
        "chart_less": ["percent"],
        "chart_span": ["months"],
    ]

    /// A `{name}` the key is not filled with would reach the bill as
    /// written (`{percnt}`), and a sentence without the value it is for
    /// would say nothing: both refused, naming the catalog, key and name.
    static func checkPlaceholders(_ catalogs: [Language: StringCatalog]) throws(TemplateSetupError) {
        for language in Language.allCases {
            guard let catalog = catalogs[language] else { continue }
            for key in catalog.strings.keys.sorted() {
                let allowed = placeholders(of: key)
                let names = placeholderNames(in: catalog.strings[key]!)
                for name in names where !allowed.contains(name) {
                    let offer = allowed.isEmpty ? "it is filled with no value" : "it is filled with " + allowed.sorted().map { "{\($0)}" }.joined(separator: ", ")
                    throw TemplateSetupError("string catalog strings/\(language.rawValue).json: \"\(key)\" has {\(name)}, which would show as written: \(offer)")
                }
                // A sentence filled with one value is there for it: without it the figure drops out with no word.
                if let filled = fillings[key], filled.count == 1, let name = filled.first, !names.contains(name) {
                    throw TemplateSetupError("string catalog strings/\(language.rawValue).json: \"\(key)\" has no {\(name)}: the sentence would leave out the figure it is for")
                }
            }
        }
    }

    /// The names of `{name}` in `text` (letters, digits and `_`, a letter first).
    static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            rest = rest[rest.index(after: open)...]
            guard let close = rest.firstIndex(of: "}") else { break }
            let name = rest[..<close]
            if let first = name.first, first.isASCII, first.isLetter,
               name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                names.append(String(name))
                rest = rest[rest.index(after: close)...]
            }
        }
        return names
    }

    /// `days` for `days_few`; nil for a key that is not a plural form.
    static func pluralBase(_ key: String) -> String? {
        for category in PluralCategory.allCases {
            let suffix = "_" + category.rawValue
            if key.hasSuffix(suffix), key.count > suffix.count { return String(key.dropLast(suffix.count)) }
        }
        return nil
    }
}

/// A fault in the templates or catalogs, found when they are loaded.
public struct TemplateSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
