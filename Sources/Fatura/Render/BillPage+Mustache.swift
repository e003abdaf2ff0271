public import FaturaMustache

/// A view object that lists the keys it answers, so the templates can be
/// checked at start-up for names no view can provide.
protocol TemplateView: MustacheObject {
    static var keys: Set<String> { get }
}

extension BillPage: TemplateView {
    /// The page's keys. Found through a dictionary: a `switch` over some
    /// sixty strings compares them one by one, on every lookup of every render.
    enum Key: String, CaseIterable {
        case lang, dir, otherLang, otherDir, l, o, utility, account, number, channel, customerName
        case customerNameOther, hasCustomerNameOther, category, categoryOther, hasCategory, hasAddress, addressParts
        case area, hasArea, month, monthOther, periodFrom, periodTo, periodFromOther, periodToOther, periodDays
        case periodDaysOther, issued, issuedOther, due, dueOther, hasMeters, meters, charges, chargesTotal
        case hasPreviousBalance, hasPayments, previousBalance, payments, total, totalOther, isCredit, credit
        case hasArrears, arrears, arrearsOther, hasEstimated, hasCharts, charts, start, end, isRelative
        case relativeNote, relativeNoteOther, link, hasLink
    }

    static let keys = Set(Key.allCases.map(\.rawValue))
    private static let keyByName = Dictionary(uniqueKeysWithValues: Key.allCases.map { ($0.rawValue, $0) })

    public func value(for key: MustacheKey) -> MustacheValue? {
        guard let field = Self.keyByName[key.name] else { return nil }
        return switch field {
        case .lang: .string(main.language.rawValue)
        case .dir: .string(main.language.isRightToLeft ? "rtl" : "ltr")
        case .otherLang: .string(other.language.rawValue)
        case .otherDir: .string(other.language.isRightToLeft ? "rtl" : "ltr")
        case .l: main.catalogValue
        case .o: other.catalogValue
        case .utility: main.utilityValue
        case .account: .string(bill.account)
        case .number: .string(bill.number)
        case .channel: .string(route.channel.rawValue)
        case .customerName: .string(customerName)
        case .customerNameOther: .string(customerNameOther ?? "")
        case .hasCustomerNameOther: .bool(customerNameOther != nil)
        case .category: .string(category ?? "")
        case .categoryOther: .string(categoryOther ?? "")
        case .hasCategory: .bool(category != nil)
        case .hasAddress: .bool(!addressParts.isEmpty || area != nil)
        case .addressParts: addressPartsValue
        case .area: .string(area ?? "")
        case .hasArea: .bool(area != nil)
        case .month: .string(month)
        case .monthOther: .string(monthOther)
        case .periodFrom: .string(periodFrom)
        case .periodTo: .string(periodTo)
        case .periodFromOther: .string(periodFromOther)
        case .periodToOther: .string(periodToOther)
        case .periodDays: .string(periodDays)
        case .periodDaysOther: .string(periodDaysOther)
        case .issued: .string(issued)
        case .issuedOther: .string(issuedOther)
        case .due: .string(due)
        case .dueOther: .string(dueOther)
        case .hasMeters: .bool(!meters.isEmpty)
        case .meters: metersValue
        case .charges: chargesValue
        case .chargesTotal: .string(chargesTotal)
        case .hasPreviousBalance: .bool(bill.previousBalance != .zero)
        case .hasPayments: .bool(bill.payments != .zero)
        case .previousBalance: .string(previousBalance)
        case .payments: .string(payments)
        case .total: .string(total)
        case .totalOther: .string(totalOther)
        case .isCredit: .bool(bill.isCredit)
        case .credit: .string(credit)
        case .hasArrears: .bool(hasArrears)
        case .arrears: .string(arrears)
        case .arrearsOther: .string(arrearsOther)
        case .hasEstimated: .bool(hasEstimated)
        case .hasCharts: .bool(!charts.isEmpty)
        case .charts: chartsValue
        case .start: .string(main.language.isRightToLeft ? "right" : "left")
        case .end: .string(main.language.isRightToLeft ? "left" : "right")
        case .isRelative: .bool(relativeNote != nil)
        case .relativeNote: .string(relativeNote ?? "")
        case .relativeNoteOther: .string(relativeNoteOther ?? "")
        case .link: .string(link ?? "")
        case .hasLink: .bool(link != nil)
        }
    }
}

extension AddressPart: TemplateView {
    static let keys: Set<String> = ["label", "value", "last"]

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "label": .string(label)
        case "value": .string(value)
        case "last": .bool(last)
        default: nil
        }
    }
}

extension MeterRow: TemplateView {
    static let keys: Set<String> = ["service", "serviceOther", "id", "previous", "current", "consumption", "unit", "isEstimated"]

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "service": .string(service)
        case "serviceOther": .string(serviceOther)
        case "id": .string(id)
        case "previous": .string(previous)
        case "current": .string(current)
        case "consumption": .string(consumption)
        case "unit": .string(unit)
        case "isEstimated": .bool(isEstimated)
        default: nil
        }
    }
}

extension ChargeRow: TemplateView {
    static let keys: Set<String> = ["label", "labelOther", "detail", "hasDetail", "amount"]

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "label": .string(label)
        case "labelOther": .string(labelOther)
        case "detail": .string(detail)
        case "hasDetail": .bool(!detail.isEmpty)
        case "amount": .string(amount)
        default: nil
        }
    }
}

extension ChartView: TemplateView {
    static let keys: Set<String> = [
        "id", "service", "serviceOther", "unit", "unitOther", "summary", "summaryOther", "bars",
        "chartWidth", "chartHeight", "hasLastYear", "lastYearY",
    ]

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "id": .string(chart.service.rawValue)
        case "service": .string(service)
        case "serviceOther": .string(serviceOther)
        case "unit": .string(unit)
        case "unitOther": .string(unitOther)
        case "summary": .string(summary)
        case "summaryOther": .string(summaryOther)
        case "bars": barsValue
        case "chartWidth": .int(ConsumptionChart.width)
        case "chartHeight": .int(ConsumptionChart.height)
        case "hasLastYear": .bool(chart.lastYearY != nil)
        case "lastYearY": .int(chart.lastYearY ?? 0)
        default: nil
        }
    }
}

extension ChartView.BarView: TemplateView {
    static let keys: Set<String> = ["x", "y", "height", "barWidth", "labelX", "labelY", "isCurrent", "label", "monthNumber", "value", "hasValue", "percent"]

    func value(for key: MustacheKey) -> MustacheValue? {
        switch key.name {
        case "x": .int(bar.x)
        case "y": .int(bar.y)
        case "height": .int(bar.height)
        case "barWidth": .int(ConsumptionChart.barWidth)
        case "labelX": .int(bar.labelX)
        case "labelY": .int(ConsumptionChart.labelY)
        case "isCurrent": .bool(bar.isCurrent)
        case "label": .string(label)
        case "monthNumber": .string(monthNumber)
        case "value": .string(value)
        case "hasValue": .bool(bar.value != nil)
        case "percent": .int(bar.height * 100 / ConsumptionChart.plotHeight)
        default: nil
        }
    }
}

extension BillPage {
    /// Every name a bill template may use: the keys of all page views, and
    /// of the utility details.
    static let templateNames: Set<String> = BillPage.keys
        .union(AddressPart.keys).union(MeterRow.keys).union(ChargeRow.keys)
        .union(ChartView.keys).union(ChartView.BarView.keys)
        .union(["portal", "portalURL", "callCentre", "callCentreDisplay", "email", "contactUpdate",
                "contactUpdateURL", "app", "appOther", "centres", "name", "hours"])
}
