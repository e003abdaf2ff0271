public import FaturaMustache

/// A view object that lists the keys it answers, so the templates can be
/// checked at start-up for names no view can provide.
protocol TemplateView: MustacheObject {
    static var keys: Set<String> { get }
}

extension BillPage: FieldView {
    /// The page's keys, found by number (see ``MustacheFields``).
    enum Key: String, CaseIterable {
        case lang, dir, otherLang, otherDir, l, o, utility, account, number, channel, customerName
        case customerNameOther, hasCustomerNameOther, category, categoryOther, hasCategory, hasAddress, addressParts
        case area, hasArea, month, monthOther, periodFrom, periodTo, periodFromOther, periodToOther, periodDays
        case periodDaysOther, issued, issuedOther, due, dueOther, hasMeters, meters, charges, chargesTotal
        case hasPreviousBalance, hasPayments, previousBalance, payments, total, totalOther, isCredit, credit
        case hasArrears, arrears, arrearsOther, hasEstimated, hasCharts, charts, start, end, isRelative
        case relativeNote, relativeNoteOther, link, hasLink
    }

    typealias Field = Key
    static let fields = MustacheFields<Key>()

    /// Written field by field at the root too (its fields are stored, or
    /// made from stored values).
    public var writesFields: Bool { true }

    public func value(for key: MustacheKey) -> MustacheValue? { fieldValue(for: key) }

    public func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool { writeField(key, to: &output) }

    /// The keys whose values depend only on the page's language: its words,
    /// its direction and the utility's details. Each language has a copy of
    /// the templates with them folded in (see ``TemplateSet``).
    static let languageKeys: [Key] = [.lang, .dir, .otherLang, .otherDir, .l, .o, .utility, .start, .end]

    /// The value of one of ``languageKeys`` on a page in `main`'s language.
    static func languageValue(_ key: Key, main: LanguagePack, other: LanguagePack) -> MustacheValue? {
        switch key {
        case .lang: .string(main.language.rawValue)
        case .dir: .string(main.language.isRightToLeft ? "rtl" : "ltr")
        case .otherLang: .string(other.language.rawValue)
        case .otherDir: .string(other.language.isRightToLeft ? "rtl" : "ltr")
        case .l: main.catalogValue
        case .o: other.catalogValue
        case .utility: main.utilityValue
        case .start: .string(main.language.isRightToLeft ? "right" : "left")
        case .end: .string(main.language.isRightToLeft ? "left" : "right")
        default: nil
        }
    }

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .lang, .dir, .otherLang, .otherDir, .l, .o, .utility, .start, .end:
            sink.append(Self.languageValue(field, main: main, other: other) ?? .null)
        case .account: sink.append(bill.account)
        case .number: sink.append(bill.number)
        case .channel: sink.append(route.channel.rawValue)
        case .customerName: sink.append(customerName)
        case .customerNameOther: sink.append(customerNameOther ?? "")
        case .hasCustomerNameOther: sink.append(customerNameOther != nil)
        case .category: sink.append(category ?? "")
        case .categoryOther: sink.append(categoryOther ?? "")
        case .hasCategory: sink.append(category != nil)
        case .hasAddress: sink.append(addressPartsValue.isTruthy || area != nil)
        case .addressParts: sink.append(addressPartsValue)
        case .area: sink.append(area ?? "")
        case .hasArea: sink.append(area != nil)
        case .month: sink.append(month)
        case .monthOther: sink.append(monthOther)
        case .periodFrom: sink.append(periodFrom)
        case .periodTo: sink.append(periodTo)
        case .periodFromOther: sink.append(periodFromOther)
        case .periodToOther: sink.append(periodToOther)
        case .periodDays: sink.append(periodDays)
        case .periodDaysOther: sink.append(periodDaysOther)
        case .issued: sink.append(issued)
        case .issuedOther: sink.append(issuedOther)
        case .due: sink.append(due)
        case .dueOther: sink.append(dueOther)
        case .hasMeters: sink.append(metersValue.isTruthy)
        case .meters: sink.append(metersValue)
        case .charges: sink.append(chargesValue)
        case .chargesTotal: sink.append(chargesTotal)
        case .hasPreviousBalance: sink.append(bill.previousBalance != .zero)
        case .hasPayments: sink.append(bill.payments != .zero)
        case .previousBalance: sink.append(previousBalance)
        case .payments: sink.append(payments)
        case .total: sink.append(total)
        case .totalOther: sink.append(totalOther)
        case .isCredit: sink.append(bill.isCredit)
        case .credit: sink.append(credit)
        case .hasArrears: sink.append(hasArrears)
        case .arrears: sink.append(arrears)
        case .arrearsOther: sink.append(arrearsOther)
        case .hasEstimated: sink.append(hasEstimated)
        case .hasCharts: sink.append(chartsValue.isTruthy)
        case .charts: sink.append(chartsValue)
        case .isRelative: sink.append(relativeNote != nil)
        case .relativeNote: sink.append(relativeNote ?? "")
        case .relativeNoteOther: sink.append(relativeNoteOther ?? "")
        case .link: sink.append(link ?? "")
        case .hasLink: sink.append(link != nil)
        }
    }
}

/// A view of the bill page (the page itself, its rows, charts and bars):
/// its fields named by an enum, each given once by ``field(_:into:)``, from
/// which both ``MustacheObject/value(for:)`` and the faster
/// ``MustacheObject/write(_:to:)`` (a field straight into the output, for
/// the many lookups of a page's rows and bars) are made, so the two cannot
/// disagree. (`fieldValue` and `writeField` are there for the public
/// `BillPage`, whose witnesses must be public: it calls them.)
protocol FieldView: TemplateView {
    associatedtype Field: CaseIterable & RawRepresentable & Sendable where Field.RawValue == String
    static var fields: MustacheFields<Field> { get }
    /// Hands the value of `field` to `sink`.
    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink)
}

/// Where a view hands a field: the page's output (``MustacheOutput``
/// writes it as the template renders it), or a ``MustacheValue`` made of it.
protocol FieldSink: ~Copyable {
    mutating func append(_ text: String)
    mutating func append(_ number: Int)
    mutating func append(_ flag: Bool)
    mutating func append(_ value: MustacheValue)
}

extension MustacheOutput: FieldSink {}

/// A field handed over as a ``MustacheValue``.
private struct ValueSink: FieldSink {
    var value = MustacheValue.null
    mutating func append(_ text: String) { value = .string(text) }
    mutating func append(_ number: Int) { value = .int(number) }
    mutating func append(_ flag: Bool) { value = .bool(flag) }
    mutating func append(_ value: MustacheValue) { self.value = value }
}

extension FieldView {
    static var keys: Set<String> { fields.names }

    func value(for key: MustacheKey) -> MustacheValue? { fieldValue(for: key) }

    func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool { writeField(key, to: &output) }

    func fieldValue(for key: MustacheKey) -> MustacheValue? {
        guard let name = Self.fields[key] else { return nil }
        var sink = ValueSink()
        field(name, into: &sink)
        return sink.value
    }

    func writeField(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
        guard let name = Self.fields[key] else { return false }
        field(name, into: &output)
        return true
    }
}

extension AddressPart: FieldView {
    enum Field: String, CaseIterable {
        case label, value, last
    }

    static let fields = MustacheFields<Field>()

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .label: sink.append(label)
        case .value: sink.append(value)
        case .last: sink.append(last)
        }
    }
}

extension MeterRow: FieldView {
    enum Field: String, CaseIterable {
        case service, serviceOther, id, previous, current, consumption, unit, isEstimated
    }

    static let fields = MustacheFields<Field>()

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .service: sink.append(service)
        case .serviceOther: sink.append(serviceOther)
        case .id: sink.append(id)
        case .previous: sink.append(previous)
        case .current: sink.append(current)
        case .consumption: sink.append(consumption)
        case .unit: sink.append(unit)
        case .isEstimated: sink.append(isEstimated)
        }
    }
}

extension ChargeRow: FieldView {
    enum Field: String, CaseIterable {
        case label, labelOther, detail, hasDetail, amount
    }

    static let fields = MustacheFields<Field>()

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .label: sink.append(label)
        case .labelOther: sink.append(labelOther)
        case .detail: sink.append(detail)
        case .hasDetail: sink.append(!detail.isEmpty)
        case .amount: sink.append(amount)
        }
    }
}

extension ChartView: FieldView {
    enum Field: String, CaseIterable {
        case id, service, serviceOther, unit, unitOther, summary, summaryOther, bars, chartWidth, chartHeight, hasLastYear, lastYearY
    }

    static let fields = MustacheFields<Field>()

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .id: sink.append(chart.service.rawValue)
        case .service: sink.append(service)
        case .serviceOther: sink.append(serviceOther)
        case .unit: sink.append(unit)
        case .unitOther: sink.append(unitOther)
        case .summary: sink.append(summary)
        case .summaryOther: sink.append(summaryOther)
        case .bars: sink.append(barsValue)
        case .chartWidth: sink.append(ConsumptionChart.width)
        case .chartHeight: sink.append(ConsumptionChart.height)
        case .hasLastYear: sink.append(chart.lastYearY != nil)
        case .lastYearY: sink.append(chart.lastYearY ?? 0)
        }
    }
}

extension ChartView.BarView: FieldView {
    enum Field: String, CaseIterable {
        case x, y, height, barWidth, labelX, labelY, isCurrent, label, monthNumber, value, hasValue, percent
    }

    static let fields = MustacheFields<Field>()

    func field<Sink: FieldSink & ~Copyable>(_ field: Field, into sink: inout Sink) {
        switch field {
        case .x: sink.append(bar.x)
        case .y: sink.append(bar.y)
        case .height: sink.append(bar.height)
        case .barWidth: sink.append(ConsumptionChart.barWidth)
        case .labelX: sink.append(bar.labelX)
        case .labelY: sink.append(ConsumptionChart.labelY)
        case .isCurrent: sink.append(bar.isCurrent)
        case .label: sink.append(label)
        case .monthNumber: sink.append(monthNumber)
        case .value: sink.append(value)
        case .hasValue: sink.append(bar.value != nil)
        case .percent: sink.append(bar.height * 100 / ConsumptionChart.plotHeight)
        }
    }
}

extension BillPage {
    /// `library` with the values of ``languageKeys`` for pages in `language`
    /// folded in (see ``TemplateLibrary/folding(_:from:)``): all but the names
    /// some inner context could answer (a row, a chart, a bar, or a catalog or
    /// the utility's details pushed by a section), which a lookup would find first.
    static func folding(_ library: TemplateLibrary, resources: RenderResources, language: Language) -> TemplateLibrary {
        let (main, other) = (resources[language], resources[language.other])
        var inner = innerViewKeys
        var constants: [String: MustacheValue] = [:]
        for key in languageKeys {
            guard let value = languageValue(key, main: main, other: other), let keys = value.innerKeys else { continue }
            constants[key.rawValue] = value
            inner.formUnion(keys)
        }
        return library.folding(Set(constants.keys).subtracting(inner), from: .dictionary(constants))
    }

    /// The keys of the views a page's sections push: rows, charts, bars.
    static let innerViewKeys: Set<String> = AddressPart.keys.union(MeterRow.keys).union(ChargeRow.keys)
        .union(ChartView.keys).union(ChartView.BarView.keys)

    /// Every name a bill template may use: the keys of all page views, and
    /// of the utility details.
    static let templateNames: Set<String> = BillPage.keys.union(innerViewKeys)
        .union(["portal", "portalURL", "callCentre", "callCentreDisplay", "email", "contactUpdate",
                "contactUpdateURL", "app", "appOther", "centres", "name", "hours"])
}

extension MustacheValue {
    /// The keys of every dictionary and table in this value, at any depth:
    /// what a section over part of it could push; nil when it holds an
    /// object whose keys cannot be known.
    var innerKeys: Set<String>? {
        func keys(of dictionary: [String: MustacheValue]) -> Set<String>? {
            var keys = Set(dictionary.keys)
            for value in dictionary.values {
                guard let inner = value.innerKeys else { return nil }
                keys.formUnion(inner)
            }
            return keys
        }
        switch self {
        case .dictionary(let dictionary):
            return keys(of: dictionary)
        case .object(let table as MustacheTable):
            return keys(of: table.entries)
        case .object:
            return nil
        case .list(let items):
            var keys: Set<String> = []
            for item in items {
                guard let inner = item.innerKeys else { return nil }
                keys.formUnion(inner)
            }
            return keys
        case .null, .bool, .int, .double, .string:
            return []
        }
    }
}
