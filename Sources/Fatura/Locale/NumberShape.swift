import Foundation

/// How a locale writes a number, learnt once from Foundation's own CLDR
/// output: its digits, its grouping and decimal separators, and what stands
/// before and after the number. Writing with it gives the same text as
/// Foundation for every amount, at a fraction of the cost (Foundation's
/// format styles take several microseconds a call, and a bill has dozens of
/// values). `learn` checks itself on its probes and returns nil, leaving the
/// caller on Foundation, if the locale does anything this shape cannot.
struct NumberShape: Sendable {
    let digits: [String]
    let grouping: String
    let decimal: String
    let prefix: String
    let suffix: String
    private let digitBytes: [[UInt8]]
    private let groupingBytes: [UInt8]
    private let decimalBytes: [UInt8]
    private let prefixBytes: [UInt8]
    private let suffixBytes: [UInt8]
    /// The longest digit in UTF-8 bytes (1 for Latin, 2 for Arabic-Indic).
    private let digitWidth: Int
    /// Latin digits and a full stop: a plain decimal is written as it is.
    private let writesASCII: Bool

    init(digits: [String], grouping: String, decimal: String, prefix: String, suffix: String) {
        self.digits = digits
        self.grouping = grouping
        self.decimal = decimal
        self.prefix = prefix
        self.suffix = suffix
        digitBytes = digits.map { Array($0.utf8) }
        groupingBytes = Array(grouping.utf8)
        decimalBytes = Array(decimal.utf8)
        prefixBytes = Array(prefix.utf8)
        suffixBytes = Array(suffix.utf8)
        digitWidth = digitBytes.map(\.count).max() ?? 1
        writesASCII = decimal == "." && digits == (0...9).map(String.init)
    }

    /// `format` must write 1234567.891 (or 1234567 with `fraction` 0) in
    /// the locale's style; `digit` must write one digit.
    /// `zero` says whether the shape is also used for 0 (a negative style is
    /// not: Foundation writes -0 without its minus sign).
    static func learn(fraction: Int, zero: Bool = true, format: (Int64) -> String, digit: (Int) -> String) -> NumberShape? {
        let digits = (0...9).map(digit)
        guard Set(digits).count == 10, digits.allSatisfy({ $0.unicodeScalars.count == 1 }) else { return nil }
        let probe: Int64 = fraction == 3 ? 1_234_567_891 : 1_234_567
        let text = format(probe)
        let scalars = Array(text.unicodeScalars)
        let isDigit = { (scalar: Unicode.Scalar) in digits.contains(String(scalar)) }
        guard let first = scalars.firstIndex(where: isDigit), let last = scalars.lastIndex(where: isDigit),
              scalars[first] == digits[1].unicodeScalars.first, first + 2 < scalars.count
        else { return nil }
        // A style without grouping (plain decimals) has a digit there.
        let grouping = isDigit(scalars[first + 1]) ? "" : String(scalars[first + 1])
        var decimal = ""
        if fraction > 0 {
            guard last >= 3 else { return nil }
            decimal = String(scalars[last - 3])
        }
        let shape = NumberShape(digits: digits, grouping: grouping, decimal: decimal,
                                prefix: String(String.UnicodeScalarView(scalars[..<first])),
                                suffix: String(String.UnicodeScalarView(scalars[(last + 1)...])))
        // The shape must give back Foundation's text for the probe and for small numbers.
        for value in [probe, 5, 1000, 999_999_999] + (zero ? [0] : [1]) {
            guard shape.write(value, fraction: fraction) == format(value) else { return nil }
        }
        return shape
    }

    /// Writes a non-negative value with `fraction` digits after the decimal
    /// separator (fils for money), grouping the whole part by threes.
    func write(_ value: Int64, fraction: Int) -> String {
        var digitCount = 1
        var scale: Int64 = 10
        while digitCount < 19, value >= scale {
            digitCount += 1
            scale &*= 10
        }
        digitCount = max(digitCount, fraction + 1)
        let wholeCount = digitCount - fraction
        let bound = prefixBytes.count + suffixBytes.count + decimalBytes.count
            + digitCount * digitWidth + (wholeCount / 3 + 1) * groupingBytes.count
        return String(unsafeUninitializedCapacity: bound) { out in
            // Written from the end backwards: suffix, fraction, then the whole part by threes.
            var at = bound
            func put(_ bytes: [UInt8]) {
                at -= bytes.count
                for index in bytes.indices { out[at + index] = bytes[index] }
            }
            var rest = value
            put(suffixBytes)
            if fraction > 0 {
                for _ in 0..<fraction {
                    put(digitBytes[Int(rest % 10)])
                    rest /= 10
                }
                put(decimalBytes)
            }
            for position in 0..<wholeCount {
                if position > 0, position % 3 == 0 { put(groupingBytes) }
                put(digitBytes[Int(rest % 10)])
                rest /= 10
            }
            put(prefixBytes)
            // Move the text to the start of the buffer.
            let length = bound - at
            if at > 0 {
                for index in 0..<length { out[index] = out[at + index] }
            }
            return length
        }
    }

    /// The digits and decimal point of a plain decimal (`0.003`, `-2.5`)
    /// in the locale's digits and decimal separator, without grouping.
    func transliterate(_ text: String) -> String {
        // Latin digits and a full stop (English, and Arabic with Latin digits): the text as it is.
        if writesASCII, text.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || $0.isASCIIDigit }) {
            return text
        }
        var out = ""
        for character in text {
            if let ascii = character.asciiValue, ascii >= 48, ascii <= 57 {
                out += digits[Int(ascii - 48)]
            } else if character == "." {
                out += decimal
            } else {
                out.append(character)
            }
        }
        return out
    }
}
