import FaturaMustache

/// The bill page's view of one checked, routed bill: every value already
/// formatted, in the subscriber's language and in the other one. The
/// template escapes it, isolates it and lays it out; nothing here holds
/// markup or words of its own (those come from the catalogs).
public final class BillPage: Sendable {
    let main: LanguagePack
    let other: LanguagePack
    let bill: Bill
    let route: Route
    /// The signed "view online" link, when the run signs links.
    let link: String?

    let customerName: String
    let customerNameOther: String?
    let category: String?
    let categoryOther: String?
    let area: String?
    let month: String
    let monthOther: String
    let periodFrom: String
    let periodTo: String
    let periodFromOther: String
    let periodToOther: String
    let periodDays: String
    let periodDaysOther: String
    let issued: String
    let issuedOther: String
    let due: String
    let dueOther: String
    let chargesTotal: String
    let previousBalance: String
    let payments: String
    let total: String
    let totalOther: String
    let credit: String
    let arrears: String
    let arrearsOther: String
    /// For a relative's e-mail: whose bill it is and why they receive it.
    let relativeNote: String?
    let relativeNoteOther: String?
    /// The lists as template values, built once (each view held once: the
    /// typed lists below are read from them).
    let addressPartsValue: MustacheValue
    let metersValue: MustacheValue
    let chargesValue: MustacheValue
    let chartsValue: MustacheValue

    public init(bill: Bill, route: Route, link: String? = nil, resources: RenderResources) {
        let language = bill.customer.language
        let main = resources[language]
        let other = resources[language.other]
        let f = main.formatter
        let g = other.formatter
        self.main = main
        self.other = other
        self.bill = bill
        self.route = route
        self.link = link

        customerName = bill.customer.name.preferring(language) ?? ""
        customerNameOther = bill.customer.name[language] != nil ? bill.customer.name[language.other] : nil
        category = bill.customer.category.map { main.categories[$0] }
        categoryOther = bill.customer.category.map { other.categories[$0] }
        if let address = bill.address {
            let parts: [(AddressField, String?)] = [(.flat, address.flat), (.building, address.building),
                                                    (.road, address.road), (.block, address.block)]
            let present = parts.compactMap { field, value in value.map { (field, $0) } }
            addressPartsValue = .list(present.enumerated().map { index, part in
                .object(AddressPart(label: main.addressLabels[part.0], value: part.1, last: index == present.count - 1))
            })
            area = address.area.preferring(language)
        } else {
            addressPartsValue = .list([])
            area = nil
        }
        month = f.month(bill.month)
        monthOther = g.month(bill.month)
        periodFrom = f.date(bill.periodStart)
        periodTo = f.date(bill.periodEnd)
        periodFromOther = g.date(bill.periodStart)
        periodToOther = g.date(bill.periodEnd)
        periodDays = main.days(bill.periodDays)
        periodDaysOther = other.days(bill.periodDays)
        issued = f.date(bill.issued)
        issuedOther = g.date(bill.issued)
        due = f.date(bill.due)
        dueOther = g.date(bill.due)
        metersValue = .list(bill.meters.map { meter -> MustacheValue in
            .object(MeterRow(service: main.services[meter.service],
                     serviceOther: other.services[meter.service],
                     id: meter.id, previous: f.number(meter.previous), current: f.number(meter.current),
                     consumption: f.number(meter.consumption), unit: main.units[meter.unit],
                     isEstimated: meter.reading == .estimated))
        })
        chargesValue = .list(bill.charges.map { charge -> MustacheValue in
            var detail = ""
            if let quantity = charge.quantity {
                detail = f.decimal(quantity)
                if let unit = charge.unit {
                    detail += " "
                    detail += main.units[unit]
                }
            }
            if let rate = charge.rate {
                if !detail.isEmpty { detail += " × " }
                detail += f.decimal(rate)
            }
            return .object(ChargeRow(
                label: charge.label[language] ?? main.chargeLabel(charge.code) ?? charge.code,
                labelOther: charge.label[language.other] ?? other.chargeLabel(charge.code) ?? charge.code,
                detail: detail, amount: f.money(charge.amount)))
        })
        chargesTotal = f.money(bill.charges.reduce(Money.zero) { $0 + $1.amount })
        previousBalance = f.money(bill.previousBalance)
        payments = f.money(bill.payments)
        total = f.money(bill.total)
        totalOther = g.money(bill.total)
        credit = f.money(Money(fils: -bill.total.fils))
        arrears = f.money(bill.arrears)
        arrearsOther = g.money(bill.arrears)
        if route.channel == .relativeEmail {
            // "…because NAME asked for it" when NAME chose this way (`prefer`);
            // "…because NAME's address cannot be used" when the export gave a bad one;
            // else the bill came here for want of an address and a mobile.
            let key = bill.preferredChannel == .relativeEmail ? "relative_note_by_choice"
                : bill.contact.unusable[.email] != nil ? "relative_note_unusable_address" : "relative_note"
            func note(_ pack: LanguagePack) -> String {
                pack.text(key, [
                    "name": bill.customer.name.preferring(pack.language) ?? "",
                    "account": bill.account,
                    "relation": bill.contact.relation ?? pack.text("relative_unnamed"),
                ])
            }
            relativeNote = note(main)
            relativeNoteOther = note(other)
        } else {
            relativeNote = nil
            relativeNoteOther = nil
        }
        chartsValue = .list(Service.allCases.compactMap { service in
            ConsumptionChart(service: service, month: bill.month, history: bill.history, meters: bill.meters,
                             rightToLeft: language.isRightToLeft)
                .map { .object(ChartView(chart: $0, main: main, other: other)) }
        })
    }

    var addressParts: [AddressPart] { addressPartsValue.objects() }
    var meters: [MeterRow] { metersValue.objects() }
    var charges: [ChargeRow] { chargesValue.objects() }
    var charts: [ChartView] { chartsValue.objects() }

    var hasArrears: Bool { bill.arrears.fils > 0 }
    var hasEstimated: Bool { bill.meters.contains { $0.reading == .estimated } }
}

final class AddressPart: Sendable {
    let label: String
    let value: String
    let last: Bool

    init(label: String, value: String, last: Bool) {
        self.label = label
        self.value = value
        self.last = last
    }
}

final class MeterRow: Sendable {
    let service: String
    let serviceOther: String
    let id: String
    let previous: String
    let current: String
    let consumption: String
    let unit: String
    let isEstimated: Bool

    init(service: String, serviceOther: String, id: String, previous: String, current: String,
         consumption: String, unit: String, isEstimated: Bool) {
        self.service = service
        self.serviceOther = serviceOther
        self.id = id
        self.previous = previous
        self.current = current
        self.consumption = consumption
        self.unit = unit
        self.isEstimated = isEstimated
    }
}

final class ChargeRow: Sendable {
    let label: String
    let labelOther: String
    let detail: String
    let amount: String

    init(label: String, labelOther: String, detail: String, amount: String) {
        self.label = label
        self.labelOther = labelOther
        self.detail = detail
        self.amount = amount
    }
}

extension MustacheValue {
    /// The objects of a list of this type (a page's rows, charts or bars, for
    /// tests and checks; rendering reads the list itself).
    func objects<View>() -> [View] {
        guard case .list(let items) = self else { return [] }
        return items.compactMap { item in
            guard case .object(let object) = item else { return nil }
            return object as? View
        }
    }
}
