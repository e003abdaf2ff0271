/// Writes a realistic synthetic month in the XML contract, for benchmarks
/// and tests: every channel in realistic shares, both languages, tiered
/// charges with VAT that reconcile, arrears, credits, estimated readings and
/// twelve months of history. The same seed gives the same file.
public struct MonthGenerator {
    public var count: Int
    public var seed: UInt64
    public var period = BillingMonth(year: 2026, month: 10)!

    public init(count: Int, seed: UInt64 = 2026) {
        self.count = count
        self.seed = seed
    }

    /// Calls `write` with successive pieces of the document.
    public func generate(_ write: (String) throws -> Void) rethrows {
        var random = SplitMix64(seed: seed)
        let end = CalendarDate(year: period.year, month: period.month, day: CalendarDate.daysIn(year: period.year, month: period.month))!
        let issued = CalendarDate(ordinal: end.ordinal + 2)
        let due = CalendarDate(ordinal: issued.ordinal + 28)
        try write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bills xmlns=\"urn:fatura:bill-data:1\" period=\"\(period)\" issued=\"\(issued)\">\n")
        for index in 0..<count {
            try write(bill(index, random: &random, end: end, due: due))
        }
        try write("</bills>\n")
    }

    static let arabicNames = ["محمد", "علي", "حسن", "فاطمة", "زينب", "أحمد", "خديجة", "يوسف", "مريم", "عبدالله", "سلمان", "نور"]
    static let englishNames = ["Mohammed", "Ali", "Hasan", "Fatima", "Zainab", "Ahmed", "Khadija", "Yusuf", "Maryam", "Abdulla", "Salman", "Noor"]
    static let areas = [("المنامة", "Manama"), ("المحرق", "Muharraq"), ("مدينة عيسى", "Isa Town"), ("الرفاع", "Riffa"), ("سترة", "Sitra")]

    func bill(_ index: Int, random: inout SplitMix64, end: CalendarDate, due: CalendarDate) -> String {
        let account = String(1_000_000_000 + index)
        let arabic = random.next(100) < 70
        let first = Int(random.next(12)), last = Int(random.next(12))
        var xml = "  <bill account=\"\(account)\" number=\"\(period.year)\(period.month < 10 ? "0" : "")\(period.month)\(String(index + 1))\">\n"
        xml += "    <customer language=\"\(arabic ? "ar" : "en")\" category=\"residential\">"
        xml += "<name xml:lang=\"ar\">\(Self.arabicNames[first]) \(Self.arabicNames[last])</name>"
        xml += "<name xml:lang=\"en\">\(Self.englishNames[first]) \(Self.englishNames[last])</name></customer>\n"
        let area = Self.areas[Int(random.next(UInt64(Self.areas.count)))]
        xml += "    <address><building>\(random.next(2000) + 1)</building><road>\(random.next(5000) + 1)</road><block>\(random.next(900) + 100)</block>"
        xml += "<area xml:lang=\"ar\">\(area.0)</area><area xml:lang=\"en\">\(area.1)</area></address>\n"
        let roll = random.next(100)
        xml += "    <contact>"
        if roll < 45 { xml += "<email>user\(index)@example.com</email>" }
        if roll < 80, roll >= 30 { xml += "<mobile>3\(String(3_000_000 + Int(random.next(6_999_999))))</mobile>" }
        if roll >= 80, roll < 90 { xml += "<relative-email relation=\"son\">relative\(index)@example.org</relative-email>" }
        xml += "</contact>\n"
        xml += "    <period from=\"\(period)-01\" to=\"\(end)\"/>\n    <due>\(due)</due>\n"
        let kwh = Int64(random.next(2500) + 100)
        let water = Int64(random.next(60) + 5)
        let estimated = random.next(100) < 5
        xml += "    <meter service=\"electricity\" id=\"E-\(account)\" previous=\"\(10_000 + index)\" current=\"\(10_000 + Int64(index) + kwh)\" unit=\"kWh\" reading=\"\(estimated ? "estimated" : "actual")\"/>\n"
        xml += "    <meter service=\"water\" id=\"W-\(account)\" previous=\"\(2000 + index)\" current=\"\(2000 + Int64(index) + water)\" unit=\"m3\" reading=\"actual\"/>\n"
        let tier1 = min(kwh, 3000), tier2 = max(0, kwh - 3000)
        var charges: [(String, String, Int64)] = [
            ("ELEC_TIER1", " service=\"electricity\" quantity=\"\(tier1)\" unit=\"kWh\" rate=\"0.003\"", tier1 * 3),
        ]
        if tier2 > 0 { charges.append(("ELEC_TIER2", " service=\"electricity\" quantity=\"\(tier2)\" unit=\"kWh\" rate=\"0.009\"", tier2 * 9)) }
        charges.append(("WATER_TIER1", " service=\"water\" quantity=\"\(water)\" unit=\"m3\" rate=\"0.025\"", water * 25))
        charges.append(("MUNICIPAL", "", 2000))
        let net = charges.reduce(0) { $0 + $1.2 }
        charges.append(("VAT", " rate=\"0.10\"", (net + 5) / 10))
        for charge in charges {
            xml += "    <charge code=\"\(charge.0)\"\(charge.1) amount=\"\(Money(fils: charge.2).contractText)\"/>\n"
        }
        let kind = random.next(100)
        let previous: Int64 = kind < 88 ? Int64(random.next(30_000)) : kind < 98 ? Int64(random.next(50_000)) : 0
        let payments: Int64 = kind < 88 ? previous : kind < 98 ? 0 : Int64(random.next(40_000) + 30_000)
        xml += "    <balance previous=\"\(Money(fils: previous).contractText)\" payments=\"\(Money(fils: payments).contractText)\"/>\n"
        let total = previous - payments + charges.reduce(0) { $0 + $1.2 }
        xml += "    <total>\(Money(fils: total).contractText)</total>\n"
        if random.next(100) < 80 {
            xml += "    <history service=\"electricity\">"
            for back in 1...12 { xml += "<month period=\"\(period.adding(months: -back))\" quantity=\"\(random.next(2500) + 100)\"/>" }
            xml += "</history>\n"
        }
        return xml + "  </bill>\n"
    }
}

/// A small, fast, seeded generator (SplitMix64): the same seed, the same month.
public struct SplitMix64 {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    public mutating func next(_ bound: UInt64) -> UInt64 { next() % bound }
}
