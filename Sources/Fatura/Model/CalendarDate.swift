public import Foundation

/// A day of the Gregorian calendar, as the contract writes it: `YYYY-MM-DD`.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when there is no such day (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (surrounding XML whitespace ignored).
    public init?(_ text: some StringProtocol) {
        guard let fields = ContractText.digitFields(text, lengths: (4, 2, 2)) else { return nil }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    /// The same, from UTF-8 (an attribute's bytes in the record).
    init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let fields = ContractText.digitFields(utf8: text, lengths: (4, 2, 2)) else { return nil }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// 00:00 UTC at the start of this day.
    public var startInUTC: Date {
        Date(timeIntervalSince1970: TimeInterval((ordinal - CalendarDate.unixEpochOrdinal) * 86_400))
    }

    static let unixEpochOrdinal = CalendarDate(year: 1970, month: 1, day: 1)!.ordinal

    /// Today in UTC.
    public static var today: CalendarDate {
        let days = Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)) + unixEpochOrdinal
        return CalendarDate(ordinal: days)
    }

    /// The date `ordinal` days from 0001-01-01.
    public init(ordinal: Int) {
        var year = max(1, ordinal / 366)
        while CalendarDate(year: year + 1, month: 1, day: 1)!.ordinal <= ordinal { year += 1 }
        var month = 1
        while month < 12, CalendarDate(year: year, month: month + 1, day: 1)!.ordinal <= ordinal { month += 1 }
        self.init(year: year, month: month, day: ordinal - CalendarDate(year: year, month: month, day: 1)!.ordinal + 1)!
    }

    public var description: String {
        ContractText.padded(year, 4) + "-" + ContractText.padded(month, 2) + "-" + ContractText.padded(day, 2)
    }

    /// Days from 0001-01-01 (day 0): for counting days in a period.
    public var ordinal: Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in 1..<month { days += CalendarDate.daysIn(year: year, month: m) }
        return days + day - 1
    }

    /// Number of days from `start` to `end`, both included.
    public static func daysInclusive(from start: CalendarDate, to end: CalendarDate) -> Int {
        end.ordinal - start.ordinal + 1
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A billing month, `YYYY-MM`.
public struct BillingMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM` (surrounding XML whitespace ignored).
    public init?(_ text: some StringProtocol) {
        guard let fields = ContractText.digitFields(text, lengths: (4, 2, nil)) else { return nil }
        self.init(year: fields.0, month: fields.1)
    }

    /// The same, from UTF-8 (an attribute's bytes in the record).
    init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let fields = ContractText.digitFields(utf8: text, lengths: (4, 2, nil)) else { return nil }
        self.init(year: fields.0, month: fields.1)
    }

    public static func < (lhs: BillingMonth, rhs: BillingMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public var description: String {
        ContractText.padded(year, 4) + "-" + ContractText.padded(month, 2)
    }

    /// The month `count` months later (earlier when negative).
    public func adding(months count: Int) -> BillingMonth {
        let index = year * 12 + (month - 1) + count
        return BillingMonth(year: index / 12, month: index % 12 + 1)!
    }
}

/// Small helpers for the contract's fixed textual forms.
enum ContractText {
    /// Splits `text` on `-` into all-digit fields of exactly the given
    /// lengths (two or three of them; the fields come back in that order,
    /// a third of 0 when there are two). No array: dates are parsed a dozen
    /// times a bill.
    static func digitFields(_ text: some StringProtocol, lengths: (Int, Int, Int?)) -> (Int, Int, Int)? {
        withUTF8(text) { digitFields(utf8: $0, lengths: lengths) }
    }

    /// The same, from UTF-8.
    static func digitFields(utf8 text: UnsafeBufferPointer<UInt8>, lengths: (Int, Int, Int?)) -> (Int, Int, Int)? {
        let trimmed = trimXMLSpace(utf8: text)
        var fields = (0, 0, 0)
        let count = lengths.2 == nil ? 2 : 3
        func length(_ index: Int) -> Int { index == 0 ? lengths.0 : index == 1 ? lengths.1 : lengths.2 ?? 0 }
        var value = 0
        var digits = 0
        var index = 0
        for byte in trimmed {
            if byte == UInt8(ascii: "-") {
                guard index < count, digits == length(index) else { return nil }
                if index == 0 { fields.0 = value } else { fields.1 = value }
                value = 0
                digits = 0
                index += 1
            } else if byte.isASCIIDigit {
                value = value &* 10 &+ Int(byte - 0x30)
                digits += 1
                guard digits <= 18 else { return nil }
            } else {
                return nil
            }
        }
        guard index == count - 1, digits == length(index) else { return nil }
        if index == 1 { fields.1 = value } else { fields.2 = value }
        return fields
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Removes leading and trailing XML white space.
    /// `text` without the XML white space at its ends.
    static func trimXMLSpace(utf8 text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = text.count
        while start < end, text[start].isXMLSpace { start += 1 }
        while end > start, text[end - 1].isXMLSpace { end -= 1 }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }

    /// Calls `body` with the UTF-8 of `text`: in place when it is
    /// contiguous (a native string), else from a copy.
    static func withUTF8<Result>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(text)
        return copy.withUTF8(body)
    }

    static func trimXMLSpace(_ text: some StringProtocol) -> Substring {
        let whole = Substring(text)
        let utf8 = whole.utf8
        // Most values have no space around them: the whole text, its ends
        // read from its contiguous UTF-8 (no index arithmetic).
        let plain = utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return !first.isXMLSpace && !last.isXMLSpace
        }
        if plain == true { return whole }
        guard let start = utf8.firstIndex(where: { !$0.isXMLSpace }) else { return "" }
        let end = utf8.lastIndex(where: { !$0.isXMLSpace })!
        return Substring(utf8[start...end])
    }

    /// The most digits of a whole number of units.
    static let wholeUnitsMaxDigits = 15

    /// Parses a whole, non-negative number of units (meter readings, history quantities).
    static func wholeUnits(_ text: some StringProtocol) -> Int64? {
        withUTF8(text) { wholeUnits(utf8: $0) }
    }

    /// The same, from UTF-8.
    static func wholeUnits(utf8 text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let trimmed = trimXMLSpace(utf8: text)
        guard !trimmed.isEmpty, trimmed.count <= wholeUnitsMaxDigits else { return nil }
        var value: Int64 = 0
        for byte in trimmed {
            guard byte.isASCIIDigit else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }
}
