/// A decimal from the contract that is shown but never computed with
/// (a rate or a charged quantity): kept exactly as its digits.
public struct DecimalText: Hashable, Sendable, CustomStringConvertible {
    /// The canonical text: optional `-`, digits, optional `.` and digits.
    public let text: String

    /// The most digits a decimal has, whole and fraction together.
    static let maxDigits = 18

    /// Parses `0.003`, `800`, `-2.5` (no exponent, sign `+`, or separators;
    /// up to `maxDigits` digits in all).
    public init?(_ raw: some StringProtocol) {
        let trimmed = ContractText.trimXMLSpace(raw)
        var digits = 0
        var seenPoint = false
        var fractionDigits = 0
        var wholeDigits = 0
        for (offset, byte) in trimmed.utf8.enumerated() {
            if byte == UInt8(ascii: "-"), offset == 0 { continue }
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if byte.isASCIIDigit {
                digits += 1
                if seenPoint { fractionDigits += 1 } else { wholeDigits += 1 }
            } else {
                return nil
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0, digits <= Self.maxDigits else { return nil }
        self.text = String(trimmed)
    }

    public var description: String { text }
}
