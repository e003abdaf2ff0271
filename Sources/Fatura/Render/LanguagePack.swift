import FaturaMustache

/// What a page needs in one language that is the same for every bill: the
/// catalog, the formatter, and their template values. Made once per run.
public final class LanguagePack: Sendable {
    public let language: Language
    public let catalog: StringCatalog
    public let formatter: BillFormatter
    /// The catalog as the template's `l` (or `o`) object.
    let catalogValue: MustacheValue
    /// The utility's details in this language, as the template's `utility`.
    let utilityValue: MustacheValue

    public init(catalog: StringCatalog, formatter: BillFormatter, utility: UtilityDetails) {
        language = catalog.language
        self.catalog = catalog
        self.formatter = formatter
        catalogValue = .object(MustacheTable(catalog.strings.mapValues { .string($0) }))
        let language = catalog.language
        utilityValue = .dictionary([
            "portal": .string(utility.portal),
            "portalURL": .string(utility.portalURL),
            "callCentre": .string(utility.callCentre),
            "callCentreDisplay": .string(utility.callCentreDisplay),
            "email": .string(utility.email),
            "contactUpdate": .string(utility.contactUpdate),
            "contactUpdateURL": .string(utility.contactUpdateURL),
            "app": .string(utility.app[language]),
            "appOther": .string(utility.app[language.other]),
            "centres": .list(utility.centres.map {
                .dictionary(["name": .string($0.name[language]), "hours": .string($0.hours[language])])
            }),
        ])
    }

    /// The text of a catalog key (every key a page uses is checked at start-up).
    func text(_ key: String) -> String { catalog[key] ?? key }

    /// A catalog text with `{name}` placeholders filled in, each value
    /// between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE so that an
    /// Arabic name in an English sentence (or the reverse) cannot reorder
    /// the words around it, in HTML and plain text alike.
    func text(_ key: String, _ values: [String: String]) -> String {
        StringCatalog.fill(text(key)) { name in values[String(name)].map { "\u{2068}" + $0 + "\u{2069}" } }
    }

    /// The same with one placeholder (no dictionary to build and hash, a dozen times a page).
    func text(_ key: String, _ name: String, _ value: String) -> String {
        StringCatalog.fill(text(key)) { $0 == name ? "\u{2068}" + value + "\u{2069}" : nil }
    }
}

/// Everything rendering needs besides the bill, loaded and checked at start-up.
public struct RenderResources: Sendable {
    public let packs: [Language: LanguagePack]
    public let utility: UtilityDetails

    public init(catalogs: [Language: StringCatalog], utility: UtilityDetails, arabicIndicDigits: Bool) {
        self.utility = utility
        var packs: [Language: LanguagePack] = [:]
        for language in Language.allCases {
            packs[language] = LanguagePack(
                catalog: catalogs[language]!,
                formatter: BillFormatter(language: language, arabicIndicDigits: arabicIndicDigits),
                utility: utility)
        }
        self.packs = packs
    }

    public subscript(language: Language) -> LanguagePack { packs[language]! }
}
