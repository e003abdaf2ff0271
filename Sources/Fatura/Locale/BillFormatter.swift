public import Foundation
import Synchronization

/// Formats money, dates and months for one language from CLDR data through
/// Foundation. Made once per run and reused: a format style made per call
/// costs tens of microseconds. A class, so that handing it around costs one
/// reference count, not one per format style it holds.
public final class BillFormatter: Sendable {
    public let language: Language
    public let locale: Locale
    private let currency: Decimal.FormatStyle.Currency
    private let longDate: Date.FormatStyle
    private let monthYear: Date.FormatStyle
    private let integer: IntegerFormatStyle<Int64>
    private let percentStyle: IntegerFormatStyle<Int>.Percent
    /// The locale's shapes for money and whole numbers, learnt from Foundation at start.
    private let moneyShape: NumberShape?
    private let negativeMoneyShape: NumberShape?
    private let integerShape: NumberShape?
    private let decimalShape: NumberShape?
    private let percentShape: NumberShape?
    /// Dates and months repeat across a month's bills: each is formatted once.
    private let cache = Memo<Int, String>()
    private let calendar: Calendar

    /// - Parameter arabicIndicDigits: Arabic text with Arabic-Indic digits
    ///   (٠١٢) instead of the default Latin ones.
    public init(language: Language, arabicIndicDigits: Bool = false) {
        self.language = language
        let identifier = switch language {
        case .en: "en-BH"
        case .ar: arabicIndicDigits ? "ar-BH" : "ar-BH@numbers=latn"
        }
        let locale = Locale(identifier: identifier)
        self.locale = locale
        var calendar = Calendar(identifier: .gregorian)
        let utc = TimeZone(identifier: "UTC")!
        calendar.timeZone = utc
        self.calendar = calendar
        let currency = Decimal.FormatStyle.Currency(code: "BHD", locale: locale)
        self.currency = currency
        longDate = Date.FormatStyle(date: .long, time: .omitted, locale: locale, calendar: calendar, timeZone: utc)
        monthYear = Date.FormatStyle(locale: locale, calendar: calendar, timeZone: utc).month(.wide).year()
        let integer = IntegerFormatStyle<Int64>(locale: locale)
        self.integer = integer
        let percentStyle = IntegerFormatStyle<Int>.Percent(locale: locale)
        self.percentStyle = percentStyle
        let digit = { (value: Int) in integer.format(Int64(value)) }
        moneyShape = NumberShape.learn(fraction: 3, format: { currency.format(Decimal(sign: .plus, exponent: -3, significand: Decimal($0))) }, digit: digit)
        negativeMoneyShape = NumberShape.learn(fraction: 3, zero: false, format: { currency.format(Decimal(sign: .minus, exponent: -3, significand: Decimal($0))) }, digit: digit)
        integerShape = NumberShape.learn(fraction: 0, format: { integer.format($0) }, digit: digit)
        percentShape = NumberShape.learn(fraction: 0, format: { percentStyle.format(Int($0)) }, digit: digit)
        let plain = Decimal.FormatStyle(locale: locale).grouping(.never)
        decimalShape = NumberShape.learn(fraction: 3, format: { Decimal(sign: .plus, exponent: -3, significand: Decimal($0)).formatted(plain.precision(.fractionLength(3))) }, digit: digit)
    }

    /// Which of the fast paths could not be learnt (Foundation formats those).
    var unlearntShapes: [String] {
        [("money", moneyShape), ("negative money", negativeMoneyShape), ("integer", integerShape),
         ("decimal", decimalShape), ("percent", percentShape)].filter { $0.1 == nil }.map(\.0)
    }

    /// `BHD 6.545` / `6.545 د.ب.`: three decimals, from exact fils.
    public func money(_ money: Money) -> String {
        if money.fils >= 0, let moneyShape { return moneyShape.write(money.fils, fraction: 3) }
        if money.fils < 0, money.fils != .min, let negativeMoneyShape { return negativeMoneyShape.write(-money.fils, fraction: 3) }
        let magnitude = Decimal(sign: .plus, exponent: -3, significand: Decimal(money.fils.magnitude))
        return currency.format(money.fils < 0 ? -magnitude : magnitude)
    }

    /// `30 November 2026` / `30 نوفمبر، 2026`.
    public func date(_ date: CalendarDate) -> String {
        cache.value(for: date.ordinal) { longDate.format(self.foundationDate(year: date.year, month: date.month, day: date.day)) }
    }

    /// `October 2026` / `أكتوبر 2026`.
    public func month(_ month: BillingMonth) -> String {
        cache.value(for: -(month.year * 12 + month.month)) { monthYear.format(foundationDate(year: month.year, month: month.month, day: 1)) }
    }

    /// `1,234,567` / `١٬٢٣٤٬٥٦٧`: meter readings and quantities.
    public func number(_ value: Int64) -> String {
        if value >= 0, let integerShape { return integerShape.write(value, fraction: 0) }
        return integer.format(value)
    }

    /// `3%` / `3‎%‎`: a whole percentage.
    public func percent(_ value: Int) -> String {
        if value >= 0, let percentShape { return percentShape.write(Int64(value), fraction: 0) }
        // Foundation makes a new ICU formatter for every percent: each value is formatted once.
        return cache.value(for: Int.min / 2 + value) { percentStyle.format(value) }
    }

    /// A decimal from the data (a rate or quantity) in this language's digits,
    /// keeping every fraction digit it was given (`0.10` stays `0.10`).
    public func decimal(_ value: DecimalText) -> String {
        if let decimalShape, decimalShape.prefix.isEmpty, decimalShape.suffix.isEmpty, !value.text.hasPrefix("-") {
            return decimalShape.transliterate(value.text)
        }
        guard let decimal = Decimal(string: value.text, locale: Locale(identifier: "en_US_POSIX")) else { return value.text }
        let fraction = value.text.split(separator: ".").dropFirst().first?.count ?? 0
        return decimal.formatted(.number.locale(locale).precision(.fractionLength(fraction)).grouping(.never))
    }

    /// A share given in thousandths, with one decimal: `80.0%`.
    public func permille(_ value: Int) -> String {
        (Decimal(value) / 1000).formatted(.percent.locale(locale).precision(.fractionLength(1)))
    }

    private func foundationDate(year: Int, month: Int, day: Int) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }
}

/// Values made once by key and kept, safe to share between tasks: for
/// results that repeat across a month's bills (dates, months, chart labels,
/// an e-mail's Date and From lines). Two tasks asking for a new key at once
/// may both make it; either result is the same. With a `limit`, the values
/// are dropped and made again once that many keys are kept (for keys that
/// callers of a public API choose).
final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[Key: Value]>([:])
    private let limit: Int

    init(limit: Int = .max) {
        self.limit = limit
    }

    func value(for key: Key, _ make: () -> Value) -> Value {
        if let value = values.withLock({ $0[key] }) { return value }
        let value = make()
        values.withLock { values in
            if values.count >= limit { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
        return value
    }
}
