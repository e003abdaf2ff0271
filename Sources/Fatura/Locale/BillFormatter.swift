public import Foundation

/// Formats money, dates and months for one language from CLDR data through
/// Foundation. Made once per run and reused: a format style made per call
/// costs tens of microseconds.
public struct BillFormatter: Sendable {
    public let language: Language
    public let locale: Locale
    private let currency: Decimal.FormatStyle.Currency
    private let longDate: Date.FormatStyle
    private let monthYear: Date.FormatStyle
    private let shortMonthStyle: Date.FormatStyle
    private let integer: IntegerFormatStyle<Int64>
    private let percentStyle: IntegerFormatStyle<Int>.Percent
    private let calendar: Calendar

    /// - Parameter arabicIndicDigits: Arabic text with Arabic-Indic digits
    ///   (٠١٢) instead of the default Latin ones.
    public init(language: Language, arabicIndicDigits: Bool = false) {
        self.language = language
        let identifier = switch language {
        case .en: "en-BH"
        case .ar: arabicIndicDigits ? "ar-BH" : "ar-BH@numbers=latn"
        }
        locale = Locale(identifier: identifier)
        var calendar = Calendar(identifier: .gregorian)
        let utc = TimeZone(identifier: "UTC")!
        calendar.timeZone = utc
        self.calendar = calendar
        currency = Decimal.FormatStyle.Currency(code: "BHD", locale: locale)
        longDate = Date.FormatStyle(date: .long, time: .omitted, locale: locale, calendar: calendar, timeZone: utc)
        monthYear = Date.FormatStyle(locale: locale, calendar: calendar, timeZone: utc).month(.wide).year()
        shortMonthStyle = Date.FormatStyle(locale: locale, calendar: calendar, timeZone: utc).month(.abbreviated).year(.twoDigits)
        integer = IntegerFormatStyle<Int64>(locale: locale)
        percentStyle = IntegerFormatStyle<Int>.Percent(locale: locale)
    }

    /// `BHD 6.545` / `6.545 د.ب.`: three decimals, from exact fils.
    public func money(_ money: Money) -> String {
        let magnitude = Decimal(sign: .plus, exponent: -3, significand: Decimal(money.fils.magnitude))
        return currency.format(money.fils < 0 ? -magnitude : magnitude)
    }

    /// `30 November 2026` / `30 نوفمبر، 2026`.
    public func date(_ date: CalendarDate) -> String {
        longDate.format(self.foundationDate(year: date.year, month: date.month, day: date.day))
    }

    /// `October 2026` / `أكتوبر 2026`.
    public func month(_ month: BillingMonth) -> String {
        monthYear.format(foundationDate(year: month.year, month: month.month, day: 1))
    }

    /// `Sep 26` / `سبتمبر 26`: for chart labels.
    public func shortMonth(_ month: BillingMonth) -> String {
        shortMonthStyle.format(foundationDate(year: month.year, month: month.month, day: 1))
    }

    /// `1,234,567` / `١٬٢٣٤٬٥٦٧`: meter readings and quantities.
    public func number(_ value: Int64) -> String {
        integer.format(value)
    }

    /// `3%` / `3‎%‎`: a whole percentage.
    public func percent(_ value: Int) -> String {
        percentStyle.format(value)
    }

    /// A decimal from the data (a rate or quantity) in this language's digits,
    /// keeping every fraction digit it was given (`0.10` stays `0.10`).
    public func decimal(_ value: DecimalText) -> String {
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
