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
        services = EnumTexts(catalog, prefix: "service_")
        units = EnumTexts(catalog, prefix: "unit_")
        categories = EnumTexts(catalog, prefix: "category_")
        addressLabels = EnumTexts(catalog, prefix: "address_")
        var chargeLabels: [String: String] = [:]
        for (key, text) in catalog.strings where key.hasPrefix("charge_") {
            chargeLabels[String(key.dropFirst("charge_".count))] = text
        }
        self.chargeLabels = chargeLabels
        let patterns = catalog.strings.compactMapValues(CatalogPattern.init)
        self.patterns = patterns
        func text(_ key: String) -> CatalogText { CatalogText(key: key, pattern: patterns[key]) }
        let chartTexts = (current: text("chart_current"), lastYear: text("chart_last_year"),
                          more: text("chart_more"), less: text("chart_less"))
        self.chartTexts = chartTexts
        chartSame = catalog["chart_same"] ?? "chart_same"
        let units = self.units
        chartSentences = MeterUnit.allCases.map { unit in
            let suffix = " " + units[unit]
            return ChartSentences(
                current: ValueSentence(chartTexts.current, catalog: catalog, filling: "value", suffix: suffix),
                lastYear: ValueSentence(chartTexts.lastYear, catalog: catalog, filling: "value", suffix: suffix),
                more: ValueSentence(chartTexts.more, catalog: catalog, filling: "percent", suffix: ""),
                less: ValueSentence(chartTexts.less, catalog: catalog, filling: "percent", suffix: ""))
        }
        let days = catalog.pluralForms("days")
        self.days = days
        dayPhrases = (0...400).map { StringCatalog.counted(days, $0, language: language, formatter: formatter) }
        let months = catalog.pluralForms("months")
        self.months = months
        let span = catalog["chart_span"] ?? "chart_span"
        chartSpans = (0...12).map { count in
            let phrase = StringCatalog.counted(months, count, language: language, formatter: formatter)
            return StringCatalog.fill(span) { $0 == "months" ? "\u{2068}" + phrase + "\u{2069}" : nil }
        }
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

    /// The names of the services, units, categories and address parts, and
    /// the charge labels, looked up once here instead of building the key
    /// (`"service_" + name`) and hashing it for every row of every bill.
    let services: EnumTexts<Service>
    let units: EnumTexts<MeterUnit>
    let categories: EnumTexts<CustomerCategory>
    let addressLabels: EnumTexts<AddressField>
    /// `charge_CODE` by CODE.
    private let chargeLabels: [String: String]
    /// Counted phrases by plural category, for the keys pages count with.
    private let days: [String]
    private let months: [String]
    /// Counted day phrases from 0 to 400 days, made once.
    private let dayPhrases: [String]
    /// "{months}" sentences of the charts by number of months (0 to 12), made once.
    private let chartSpans: [String]
    /// The catalog texts with placeholders, split at them.
    private let patterns: [String: CatalogPattern]
    /// The charts' sentences (four a chart, two charts a bill, in two
    /// languages), looked up once.
    let chartTexts: (current: CatalogText, lastYear: CatalogText, more: CatalogText, less: CatalogText)
    let chartSame: String
    /// The charts' sentences split at their value once, for each unit (`MeterUnit.allCases` order).
    private let chartSentences: [ChartSentences]

    /// A class: a bill's chart takes it with one retain, not one for each text.
    final class ChartSentences: Sendable {
        init(current: ValueSentence, lastYear: ValueSentence, more: ValueSentence, less: ValueSentence) {
            self.current = current
            self.lastYear = lastYear
            self.more = more
            self.less = less
        }

        let current: ValueSentence
        let lastYear: ValueSentence
        let more: ValueSentence
        let less: ValueSentence
    }

    /// The charts' sentences for figures in `unit`.
    func chartSentences(_ unit: MeterUnit) -> ChartSentences {
        var index = 0
        while MeterUnit.allCases[index] != unit { index += 1 }
        return chartSentences[index]
    }

    /// A catalog text looked up once: its key, and its split pattern when it has placeholders.
    struct CatalogText: Sendable {
        let key: String
        let pattern: CatalogPattern?
    }

    /// The text of a catalog key (every key a page uses is checked at start-up).
    func text(_ key: String) -> String { catalog[key] ?? key }

    /// The catalog's label of a charge code, or nil when it has none.
    func chargeLabel(_ code: String) -> String? { chargeLabels[code] }

    /// `31 days` / `31 يومًا` (up to 400 days made once at start-up: a billing period's length).
    func days(_ count: Int) -> String {
        dayPhrases.indices.contains(count) ? dayPhrases[count] : counted(days, count)
    }

    /// The charts' first sentence: how many months of figures they show.
    func chartSpan(months count: Int) -> String {
        chartSpans.indices.contains(count) ? chartSpans[count] : text("chart_span", "months", counted(months, count))
    }

    /// The names and numbers, in this language, of the `count` months
    /// ending with `last`, oldest first, as a chart's bars label them; made
    /// once a run for each.
    func monthLabels(count: Int, endingWith last: BillingMonth) -> MonthLabels {
        monthLabelCache.value(for: MonthRun(last: last, count: count)) {
            let months = (0..<count).map { last.adding(months: $0 - count + 1) }
            return MonthLabels(names: months.map { formatter.month($0) },
                               numbers: months.map { formatter.number(Int64($0.month)) })
        }
    }

    private struct MonthRun: Hashable, Sendable {
        var last: BillingMonth
        var count: Int
    }

    private let monthLabelCache = Memo<MonthRun, MonthLabels>()

    private func counted(_ forms: [String], _ count: Int) -> String {
        StringCatalog.counted(forms, count, language: language, formatter: formatter)
    }

    /// A catalog text with `{name}` placeholders filled in, each value
    /// between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE so that an
    /// Arabic name in an English sentence (or the reverse) cannot reorder
    /// the words around it, in HTML and plain text alike. (The values are
    /// looked up in a short list, not hashed.)
    func text(_ key: String, _ values: KeyValuePairs<String, String>) -> String {
        var out = ""
        append(CatalogText(key: key, pattern: patterns[key]), to: &out) { name in values.first { $0.key == name }?.value }
        return out
    }

    /// The same with one placeholder (no dictionary to build and hash, a dozen times a page).
    func text(_ key: String, _ name: String, _ value: String) -> String {
        var out = ""
        appendText(key, to: &out, filling: name, with: value)
        return out
    }

    /// Appends catalog text `key` to `out` with `{name}` filled by `value`
    /// and `suffix`, isolated as ``text(_:_:)`` does.
    func appendText(_ key: String, to out: inout String, filling name: String, with value: String, _ suffix: String = "") {
        appendText(CatalogText(key: key, pattern: patterns[key]), to: &out, filling: name, with: value, suffix)
    }

    /// The same for a text looked up before.
    func appendText(_ text: CatalogText, to out: inout String, filling name: String, with value: String, _ suffix: String = "") {
        append(text, to: &out, suffix: suffix) { $0 == name ? value : nil }
    }

    /// Appends `text` to `out` from the text split at its placeholders once
    /// at start-up: each `{name}` that `value` answers filled with the answer
    /// and `suffix`, isolated; any other left as written.
    private func append(_ text: CatalogText, to out: inout String, suffix: String = "", value: (String) -> String?) {
        guard let pattern = text.pattern else {
            out += StringCatalog.fill(self.text(text.key)) { name in value(String(name)).map { "\u{2068}" + $0 + suffix + "\u{2069}" } }
            return
        }
        for piece in pattern.pieces {
            switch piece {
            case .text(let text):
                out += text
            case .placeholder(let placeholder):
                if let filled = value(placeholder) {
                    out += "\u{2068}"
                    out += filled
                    out += suffix
                    out += "\u{2069}"
                } else {
                    out += "{"
                    out += placeholder
                    out += "}"
                }
            }
        }
    }
}

/// A catalog text with one value to fill, split at it once: the text
/// before, between and after the places `{name}` stands, each place's
/// isolates and suffix already in, so that a bill's sentence is a few
/// appends. Writes what ``LanguagePack/appendText(_:to:filling:with:_:)`` writes.
struct ValueSentence: Sendable {
    private enum Form: Sendable {
        /// The value goes between each two.
        case split([String])
        /// A text the pattern could not split (no placeholder, or an
        /// unclosed brace): filled at each use, as the pack fills it.
        case unsplit(text: String, name: String, suffix: String)
    }

    private let form: Form

    init(_ text: LanguagePack.CatalogText, catalog: StringCatalog, filling name: String, suffix: String) {
        guard let pattern = text.pattern else {
            form = .unsplit(text: catalog[text.key] ?? text.key, name: name, suffix: suffix)
            return
        }
        var pieces = [""]
        for piece in pattern.pieces {
            switch piece {
            case .text(let text):
                pieces[pieces.count - 1] += text
            case .placeholder(let placeholder) where placeholder == name:
                pieces[pieces.count - 1] += "\u{2068}"
                pieces.append(suffix + "\u{2069}")
            case .placeholder(let placeholder):
                pieces[pieces.count - 1] += "{" + placeholder + "}"
            }
        }
        form = .split(pieces)
    }

    func append(_ value: String, to out: inout String) {
        switch form {
        case .split(let pieces):
            out += pieces[0]
            for piece in pieces.dropFirst() {
                out += value
                out += piece
            }
        case .unsplit(let text, let name, let suffix):
            out += StringCatalog.fill(text) { $0 == name ? "\u{2068}" + value + suffix + "\u{2069}" : nil }
        }
    }
}

/// Everything rendering needs besides the bill, loaded and checked at start-up.
/// A class: every bill's view is handed it, and a struct holding the
/// utility's details would be copied with a retain for each of their texts.
public final class RenderResources: Sendable {
    public let packs: [Language: LanguagePack]
    private let arabic: LanguagePack
    private let english: LanguagePack
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
        arabic = packs[.ar]!
        english = packs[.en]!
    }

    public subscript(language: Language) -> LanguagePack {
        switch language {
        case .ar: arabic
        case .en: english
        }
    }
}

/// The catalog's text for each case of an enum, under `PREFIX` + its raw
/// value (`service_water`), found by the case instead of by a built key.
struct EnumTexts<Case>: Sendable where Case: CaseIterable & RawRepresentable & Equatable & Sendable, Case.RawValue == String {
    private let cases: [Case]
    private let texts: [String]

    init(_ catalog: StringCatalog, prefix: String) {
        cases = Array(Case.allCases)
        texts = cases.map { catalog[prefix + $0.rawValue] ?? prefix + $0.rawValue }
    }

    subscript(value: Case) -> String {
        var index = 0
        while cases[index] != value { index += 1 }
        return texts[index]
    }
}

/// The parts of an address a page labels, in the order it shows them.
enum AddressField: String, CaseIterable, Sendable {
    case flat, building, road, block
}

/// The month names and numbers under a chart's bars.
struct MonthLabels: Sendable {
    let names: [String]
    let numbers: [String]
}

/// A catalog text split at its `{placeholders}`, when that gives exactly
/// what ``StringCatalog/fill(_:_:)`` gives: every `{` closed by a `}`
/// before the next `{`. Nil for a text with no placeholder or any other.
struct CatalogPattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case placeholder(String)
    }

    let pieces: [Piece]

    init?(_ text: String) {
        var pieces: [Piece] = []
        var rest = text[...]
        let (openBrace, closeBrace) = (UInt8(ascii: "{"), UInt8(ascii: "}"))
        while let open = rest.utf8.firstIndex(of: openBrace) {
            let afterOpen = rest.utf8.index(after: open)
            guard let close = rest.utf8[afterOpen...].firstIndex(where: { $0 == closeBrace || $0 == openBrace }),
                  rest.utf8[close] == closeBrace
            else { return nil }
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            pieces.append(.placeholder(String(rest[afterOpen..<close])))
            rest = rest[rest.utf8.index(after: close)...]
        }
        guard !pieces.isEmpty else { return nil }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }
}
