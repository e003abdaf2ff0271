/// A bill that has passed every rule of the contract: exact money, real
/// dates, and totals that reconcile to the fil.
public struct Bill: Sendable, Hashable {
    public var account: String
    public var number: String
    /// The billing month of the batch (`bills/@period`).
    public var month: BillingMonth
    public var issued: CalendarDate
    public var customer: Customer
    public var address: Address?
    public var contact: Contact
    public var preferredChannel: Channel?
    public var periodStart: CalendarDate
    public var periodEnd: CalendarDate
    public var due: CalendarDate
    public var meters: [Meter]
    public var charges: [Charge]
    public var previousBalance: Money
    public var payments: Money
    public var total: Money
    public var history: [ServiceHistory]

    /// What was still owed from earlier bills: previous balance less payments.
    public var arrears: Money { previousBalance - payments }
    /// A negative total is a credit: nothing to pay.
    public var isCredit: Bool { total.isNegative }
    /// Days the bill covers, both ends included.
    public var periodDays: Int { CalendarDate.daysInclusive(from: periodStart, to: periodEnd) }
}

public struct Customer: Sendable, Hashable {
    public var language: Language
    public var category: CustomerCategory?
    public var name: LocalizedText
}

public struct Address: Sendable, Hashable {
    public var flat: String?
    public var building: String?
    public var road: String?
    public var block: String?
    public var area: LocalizedText

    public init(flat: String? = nil, building: String? = nil, road: String? = nil,
                block: String? = nil, area: LocalizedText = LocalizedText()) {
        self.flat = flat
        self.building = building
        self.road = road
        self.block = block
        self.area = area
    }
}

public struct Meter: Sendable, Hashable {
    public var service: Service
    public var id: String
    public var previous: Int64
    public var current: Int64
    public var unit: MeterUnit
    public var reading: ReadingKind

    public var consumption: Int64 { current - previous }
}

public struct Charge: Sendable, Hashable {
    public var code: String
    public var service: Service?
    public var quantity: DecimalText?
    public var unit: MeterUnit?
    public var rate: DecimalText?
    public var amount: Money
    /// Labels given in the data, overriding the catalog's label for `code`.
    public var label: LocalizedText
}

public struct ServiceHistory: Sendable, Hashable {
    public var service: Service
    /// Months in file order.
    public var months: [HistoryMonth]
}

public struct HistoryMonth: Sendable, Hashable {
    public var month: BillingMonth
    public var quantity: Int64
}
