import Foundation
import Testing
@testable import Fatura

@Suite("CLDR plural categories")
struct PluralCategoryTests {
    @Test(arguments: [
        (0, PluralCategory.zero), (1, .one), (2, .two), (3, .few), (10, .few), (11, .many), (99, .many),
        (100, .other), (101, .other), (102, .other), (103, .few), (110, .few), (111, .many), (199, .many),
        (1000, .other), (1003, .few), (31, .many), (30, .many), (28, .many),
    ])
    func arabic(_ number: Int, _ category: PluralCategory) {
        #expect(PluralCategory.of(number, in: .ar) == category)
    }

    @Test(arguments: [(0, PluralCategory.other), (1, .one), (2, .other), (31, .other)])
    func english(_ number: Int, _ category: PluralCategory) {
        #expect(PluralCategory.of(number, in: .en) == category)
    }

    @Test func catalogsPickTheForm() throws {
        let catalogs = try StringCatalog.load(templates: SampleBills.templates)
        let ar = BillFormatter(language: .ar)
        let en = BillFormatter(language: .en)
        #expect(catalogs[.ar]!.counted("days", 31, formatter: ar) == "31 يومًا")
        #expect(catalogs[.ar]!.counted("days", 10, formatter: ar) == "10 أيام")
        #expect(catalogs[.ar]!.counted("days", 2, formatter: ar) == "يومان")
        #expect(catalogs[.ar]!.counted("days", 1, formatter: ar) == "يوم واحد")
        #expect(catalogs[.ar]!.counted("months", 12, formatter: ar) == "12 شهرًا")
        #expect(catalogs[.en]!.counted("days", 1, formatter: en) == "1 day")
        #expect(catalogs[.en]!.counted("days", 30, formatter: en) == "30 days")
    }
}

@Suite("Formatting from CLDR through Foundation")
struct BillFormatterTests {
    let en = BillFormatter(language: .en)
    let ar = BillFormatter(language: .ar)
    let arabicDigits = BillFormatter(language: .ar, arabicIndicDigits: true)

    @Test func moneyHasThreeDecimalsFromFils() {
        #expect(en.money(Money(fils: 6545)) == "BHD\u{A0}6.545")
        #expect(en.money(Money(fils: 2400)) == "BHD\u{A0}2.400")
        #expect(en.money(Money(fils: 1_234_567_890 / 10)) == "BHD\u{A0}123,456.789")
        #expect(en.money(Money(fils: -1250)) == "-BHD\u{A0}1.250")
        #expect(ar.money(Money(fils: 6545)) == "\u{200F}6.545\u{A0}د.ب.\u{200F}")
        #expect(arabicDigits.money(Money(fils: 6545)) == "\u{200F}٦٫٥٤٥\u{A0}د.ب.\u{200F}")
    }

    @Test func exactWhereDoubleWouldRound() {
        // 999999.999 is not exactly representable in binary floating point.
        #expect(en.money(Money(fils: 999_999_999)) == "BHD\u{A0}999,999.999")
        #expect(en.money(Money(fils: 1)) == "BHD\u{A0}0.001")
    }

    @Test func datesAndMonthsUseCLDRNames() {
        let due = CalendarDate("2026-11-30")!
        #expect(en.date(due) == "30 November 2026")
        #expect(ar.date(due) == "30 نوفمبر، 2026")
        #expect(arabicDigits.date(due) == "٣٠ نوفمبر، ٢٠٢٦")
        #expect(en.month(BillingMonth("2026-10")!) == "October 2026")
        #expect(ar.month(BillingMonth("2026-10")!) == "أكتوبر 2026")
        #expect(ar.month(BillingMonth("2026-01")!) == "يناير 2026")
    }

    @Test func numbersAndDecimals() {
        #expect(en.number(1_234_567) == "1,234,567")
        #expect(arabicDigits.number(1_234_567) == "١٬٢٣٤٬٥٦٧")
        #expect(en.decimal(DecimalText("0.10")!) == "0.10")
        #expect(en.decimal(DecimalText("0.003")!) == "0.003")
        #expect(en.decimal(DecimalText("3000")!) == "3000")
        #expect(arabicDigits.decimal(DecimalText("0.025")!) == "٠٫٠٢٥")
    }
}

@Suite("Consumption charts")
struct ConsumptionChartTests {
    static let month = BillingMonth("2026-10")!
    static func history(_ months: [(String, Int64)]) -> [ServiceHistory] {
        [ServiceHistory(service: .electricity, months: months.map { HistoryMonth(month: BillingMonth($0.0)!, quantity: $0.1) })]
    }
    static let meter = Meter(service: .electricity, id: "E1", previous: 100, current: 900, unit: .kWh, reading: .actual)

    @Test func twelveBarsEndingThisMonthLeftToRight() throws {
        let chart = try #require(ConsumptionChart(service: .electricity, month: Self.month,
                                                  history: Self.history([("2026-09", 400), ("2025-10", 1000)]),
                                                  meters: [Self.meter], rightToLeft: false))
        #expect(chart.bars.count == 12)
        #expect(chart.bars.first?.month.description == "2025-11")
        #expect(chart.bars.last?.month.description == "2026-10")
        #expect(chart.bars.last?.isCurrent == true)
        #expect(chart.bars.last!.x > chart.bars.first!.x)
        #expect(chart.current == 800)
        #expect(chart.sameMonthLastYear == 1000)
        #expect(chart.changePercent == -20)
        // Last year's figure is the largest: its line is at the top of the plot.
        #expect(chart.lastYearY == ConsumptionChart.plotTop)
        #expect(chart.bars.last!.height == ConsumptionChart.plotHeight * 800 / 1000)
        #expect(chart.bars.filter { $0.value == nil }.count == 10)
    }

    @Test func timeRunsRightToLeftInArabic() throws {
        let history = Self.history([("2026-09", 400)])
        let ltr = try #require(ConsumptionChart(service: .electricity, month: Self.month, history: history, meters: [Self.meter], rightToLeft: false))
        let rtl = try #require(ConsumptionChart(service: .electricity, month: Self.month, history: history, meters: [Self.meter], rightToLeft: true))
        #expect(rtl.bars.last!.x < rtl.bars.first!.x)
        #expect(zip(ltr.bars, rtl.bars).allSatisfy { $0.x + $1.x == ltr.bars.first!.x + ltr.bars.last!.x })
    }

    @Test func oneFigureMakesNoChart() {
        #expect(ConsumptionChart(service: .electricity, month: Self.month, history: [], meters: [Self.meter], rightToLeft: false) == nil)
        #expect(ConsumptionChart(service: .water, month: Self.month, history: Self.history([("2026-09", 4)]), meters: [Self.meter], rightToLeft: false) == nil)
    }

    @Test(arguments: [(800, 1000, -20), (1005, 1000, 1), (1004, 1000, 0), (1015, 1000, 2), (995, 1000, -1), (3, 2, 50)] as [(Int64, Int64, Int)])
    func changeRoundsHalfAwayFromZero(current: Int64, last: Int64, percent: Int) throws {
        let meter = Meter(service: .electricity, id: "E1", previous: 0, current: current, unit: .kWh, reading: .actual)
        let chart = try #require(ConsumptionChart(service: .electricity, month: Self.month,
                                                  history: Self.history([("2025-10", last), ("2026-09", 1)]),
                                                  meters: [meter], rightToLeft: false))
        #expect(chart.changePercent == percent)
    }
}

@Suite("The fast formatting paths give Foundation's text")
struct FastFormattingTests {
    static let formatters = [BillFormatter(language: .en), BillFormatter(language: .ar), BillFormatter(language: .ar, arabicIndicDigits: true)]

    @Test(arguments: 0..<3)
    func everyFastPathIsLearnt(_ index: Int) {
        #expect(Self.formatters[index].unlearntShapes == [])
    }

    @Test(arguments: 0..<3)
    func moneyAndNumbersMatchFoundationExactly(_ index: Int) {
        let formatter = Self.formatters[index]
        let currency = Decimal.FormatStyle.Currency(code: "BHD", locale: formatter.locale)
        let integer = IntegerFormatStyle<Int64>(locale: formatter.locale)
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, 9, 10, 999, 1000, 1001, 99_999, 100_000, 999_999_999, 123_456_789,
                               1_000_000_000_000, 999_999_999_999_999_999, .max]
        for _ in 0..<2000 { values.append(Int64.random(in: 0...999_999_999, using: &generator)) }
        for fils in values {
            let exact = Decimal(sign: .plus, exponent: -3, significand: Decimal(fils))
            #expect(formatter.money(Money(fils: fils)) == currency.format(exact), "\(fils)")
            #expect(formatter.money(Money(fils: -fils)) == currency.format(fils == 0 ? exact : -exact), "-\(fils)")
            #expect(formatter.number(fils) == integer.format(fils))
        }
    }

    @Test(arguments: 0..<3)
    func decimalsAndDatesMatchFoundation(_ index: Int) {
        let formatter = Self.formatters[index]
        for text in ["0.003", "0.10", "800", "3000", "12.5", "0.025", "1234567.5", "1000000", "0.0001"] {
            let value = DecimalText(text)!
            let foundation = Decimal(string: text)!.formatted(.number.locale(formatter.locale)
                .precision(.fractionLength(text.split(separator: ".").dropFirst().first?.count ?? 0)).grouping(.never))
            #expect(formatter.decimal(value) == foundation)
        }
        // Percentages, as the charts say them, over a wide range.
        let percent = IntegerFormatStyle<Int>.Percent(locale: formatter.locale)
        for value in Array(0...1200) + [9_999, 12_345, 1_000_000] {
            #expect(formatter.percent(value) == percent.format(value), "\(value)%")
        }
        #expect(formatter.percent(-7) == percent.format(-7))
        // Cached dates are the same text on the second call.
        let date = CalendarDate("2026-11-30")!
        #expect(formatter.date(date) == formatter.date(date))
        #expect(formatter.month(BillingMonth("2026-10")!) != formatter.month(BillingMonth("2026-11")!))
    }
}
