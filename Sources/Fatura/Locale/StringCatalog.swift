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

    /// The label of a charge code, or nil when the catalog has none.
    public func chargeLabel(_ code: String) -> String? { strings["charge_" + code] }

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
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TemplateSetupError("\(url.path) is not a JSON object of strings")
            }
            var strings: [String: String] = [:]
            for (key, value) in object {
                guard let text = value as? String else {
                    throw TemplateSetupError("\(url.path): the value of \"\(key)\" is not a string")
                }
                strings[key] = text
            }
            catalogs[language] = StringCatalog(language: language, strings: strings)
        }
        let ar = Set(catalogs[.ar]!.strings.keys)
        let en = Set(catalogs[.en]!.strings.keys)
        if let key = ar.symmetricDifference(en).sorted().first {
            let missing = ar.contains(key) ? "en" : "ar"
            throw TemplateSetupError("string catalog strings/\(missing).json has no \"\(key)\", which strings/\(missing == "en" ? "ar" : "en").json has")
        }
        return catalogs
    }
}

/// A fault in the templates or catalogs, found when they are loaded.
public struct TemplateSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
