/// An exact amount of Bahraini money in fils (1 dinar = 1000 fils).
///
/// Amounts are never held as binary floating point: the contract's decimal
/// text is parsed straight into an integer count of fils.
public struct Money: Hashable, Comparable, Sendable {
    /// The amount in fils; negative for a credit.
    public var fils: Int64

    public init(fils: Int64) {
        self.fils = fils
    }

    public static let zero = Money(fils: 0)

    /// The contract's limit: magnitude below 1,000,000 dinars.
    public static let limitFils: Int64 = 1_000_000_000

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fils < rhs.fils }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fils: lhs.fils + rhs.fils) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fils: lhs.fils - rhs.fils) }

    public var isNegative: Bool { fils < 0 }

    /// The contract's decimal form, with three fraction digits: `-1.250`.
    public var contractText: String {
        let magnitude = fils.magnitude
        let dinars = magnitude / 1000
        let rest = magnitude % 1000
        let fraction = rest < 10 ? "00\(rest)" : rest < 100 ? "0\(rest)" : "\(rest)"
        return (fils < 0 ? "-" : "") + "\(dinars).\(fraction)"
    }
}

extension Money {
    /// Why a text is not an amount of money in the contract's form.
    public enum ParseFailure: Error, Equatable, Sendable {
        case empty
        case notADecimal
        case tooManyFractionDigits
        case tooLarge

        public var explanation: String {
            switch self {
            case .empty: "is empty"
            case .notADecimal: "is not a decimal amount (digits, an optional leading '-', an optional '.' and 1 to 3 fraction digits; no exponent, sign '+', spaces or separators)"
            case .tooManyFractionDigits: "has more than three fraction digits"
            case .tooLarge: "is not below 1,000,000 dinars in magnitude"
            }
        }
    }

    /// Parses the contract's form: `2.4`, `2.400`, `-1.250`, `3`.
    ///
    /// Surrounding XML whitespace is ignored. A leading `-` is allowed, a
    /// leading `+` is not; there must be at least one digit before the point
    /// and one to three after it when there is a point.
    public static func parse(_ text: some StringProtocol) -> Result<Money, ParseFailure> {
        ContractText.withUTF8(text) { parse(utf8: $0) }
    }

    /// The same, from UTF-8 (an attribute's bytes in the record).
    static func parse(utf8 text: UnsafeBufferPointer<UInt8>) -> Result<Money, ParseFailure> {
        var bytes = ContractText.trimXMLSpace(utf8: text)
        guard !bytes.isEmpty else { return .failure(.empty) }

        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst())
        }
        var whole: Int64 = 0
        var wholeDigits = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return .failure(.notADecimal) }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let digit = Int64(byte - UInt8(ascii: "0"))
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits <= 3 { fraction = fraction * 10 + digit }
                } else {
                    wholeDigits += 1
                    // Leading zeros are harmless; any further digit past the limit is too large.
                    if whole >= Money.limitFils { continue }
                    whole = whole * 10 + digit
                }
            } else {
                return .failure(.notADecimal)
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0 else { return .failure(.notADecimal) }
        guard fractionDigits <= 3 else { return .failure(.tooManyFractionDigits) }
        for _ in fractionDigits..<3 { fraction *= 10 }
        guard whole < 1_000_000 else { return .failure(.tooLarge) }
        let fils = whole * 1000 + fraction
        return .success(Money(fils: negative ? -fils : fils))
    }
}

extension UInt8 {
    /// XML's white space: space, tab, line feed, carriage return.
    var isXMLSpace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D
    }

    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
}
