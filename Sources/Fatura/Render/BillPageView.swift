/// Everything the bill page template shows, as plain typed values: text
/// already formatted, in the subscriber's language and in the other one.
/// The template escapes and lays it out; no value here holds markup.
public struct BillPageView: Sendable {
    /// The page language (`ar`/`en`) and direction (`rtl`/`ltr`), and those of the other language.
    public var lang: String
    public var dir: String
    public var otherLang: String
    public var otherDir: String
    /// The catalog of the page language (`l`) and of the other language (`o`).
    public var l: [String: String]
    public var o: [String: String]

    public var account: String
    public var number: String
    public var channel: String
    public var customerName: String
    /// The name in the other language, when the data gives one.
    public var customerNameOther: String
    public var hasCustomerNameOther: Bool
    public var month: String
    public var monthOther: String
    public var periodFrom: String
    public var periodTo: String
    public var periodFromOther: String
    public var periodToOther: String
    public var issued: String
    public var due: String
    public var dueOther: String
    public var charges: [ChargeLine]
    public var hasBalance: Bool
    public var previousBalance: String
    public var payments: String
    public var total: String
    public var totalOther: String
    /// A negative total: the page says there is nothing to pay.
    public var isCredit: Bool
    public var credit: String
    public var creditOther: String

    public struct ChargeLine: Sendable {
        public var code: String
        public var label: String
        public var labelOther: String
        /// `800 kWh × 0.003`, when the data gives a quantity or a rate.
        public var detail: String
        public var hasDetail: Bool
        public var amount: String
    }
}

extension BillPageView {
    /// Builds the page's view of a checked, routed bill.
    public init(bill: Bill, route: Route, catalogs: [Language: StringCatalog], formatters: [Language: BillFormatter]) {
        let language = bill.customer.language
        let other = language.other
        let main = formatters[language]!
        let alt = formatters[other]!
        lang = language.rawValue
        dir = language.isRightToLeft ? "rtl" : "ltr"
        otherLang = other.rawValue
        otherDir = other.isRightToLeft ? "rtl" : "ltr"
        l = catalogs[language]!.strings
        o = catalogs[other]!.strings
        account = bill.account
        number = bill.number
        channel = route.channel.rawValue
        customerName = bill.customer.name.preferring(language) ?? ""
        let otherName = bill.customer.name[other]
        customerNameOther = otherName ?? ""
        hasCustomerNameOther = otherName != nil && bill.customer.name[language] != nil
        month = main.month(bill.month)
        monthOther = alt.month(bill.month)
        periodFrom = main.date(bill.periodStart)
        periodTo = main.date(bill.periodEnd)
        periodFromOther = alt.date(bill.periodStart)
        periodToOther = alt.date(bill.periodEnd)
        issued = main.date(bill.issued)
        due = main.date(bill.due)
        dueOther = alt.date(bill.due)
        charges = bill.charges.map { charge in
            let label = charge.label[language] ?? catalogs[language]!.chargeLabel(charge.code) ?? charge.code
            let labelOther = charge.label[other] ?? catalogs[other]!.chargeLabel(charge.code) ?? charge.code
            var detail: [String] = []
            if let quantity = charge.quantity {
                detail.append(quantity.text + (charge.unit.map { " " + $0.rawValue } ?? ""))
            }
            if let rate = charge.rate { detail.append(rate.text) }
            return ChargeLine(code: charge.code, label: label, labelOther: labelOther,
                              detail: detail.joined(separator: " × "), hasDetail: !detail.isEmpty,
                              amount: main.money(charge.amount))
        }
        hasBalance = bill.previousBalance != .zero || bill.payments != .zero
        previousBalance = main.money(bill.previousBalance)
        payments = main.money(bill.payments)
        total = main.money(bill.total)
        totalOther = alt.money(bill.total)
        isCredit = bill.isCredit
        credit = main.money(Money(fils: -bill.total.fils))
        creditOther = alt.money(Money(fils: -bill.total.fils))
    }
}
