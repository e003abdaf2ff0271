import Foundation

/// How a locale writes a number, learnt once from Foundation's own CLDR
/// output: its digits, its grouping and decimal separators, and what stands
/// before and after the number. Writing with it gives the same text as
/// Foundation for every amount, at a fraction of the cost (Foundation's
/// format styles take several microseconds a call, and a bill has dozens of
/// values). `learn` checks itself on its probes and returns nil, leaving the
/// caller on Foundation, if the locale does anything this shape cannot.
///
/// A class: a formatter reads its optional shapes dozens of times a bill,
/// and a struct of six references would be copied out (and each reference
/// retained) at every read.
final class NumberShape: Sendable {
    let digits: [String]
    let grouping: String
    let decimal: String
    let prefix: String
    let suffix: String
    /// The digits (each `digitWidth` bytes), then the grouping and decimal
    /// separators, the prefix and the suffix, in UTF-8: one array read in
    /// place while a number is written.
    private let table: [UInt8]
    private let groupingAt: Int, groupingCount: Int
    private let decimalAt: Int, decimalCount: Int
    private let prefixAt: Int, prefixCount: Int
    private let suffixAt: Int, suffixCount: Int
    /// The bytes of every digit (1 for Latin, 2 for Arabic-Indic).
    private let digitWidth: Int
    /// Latin digits and a full stop: a plain decimal is written as it is.
    private let writesASCII: Bool

    /// Nil unless every digit is one scalar and all are as long in UTF-8.
    init?(digits: [String], grouping: String, decimal: String, prefix: String, suffix: String) {
        self.digits = digits
        self.grouping = grouping
        self.decimal = decimal
        self.prefix = prefix
        self.suffix = suffix
        let digitBytes = digits.map { Array($0.utf8) }
        guard digitBytes.count == 10, let width = digitBytes.first?.count, width > 0,
              digitBytes.allSatisfy({ $0.count == width })
        else { return nil }
        digitWidth = width
        var table = digitBytes.flatMap { $0 }
        func add(_ text: String) -> (Int, Int) {
            let start = table.count
            table.append(contentsOf: text.utf8)
            return (start, table.count - start)
        }
        (groupingAt, groupingCount) = add(grouping)
        (decimalAt, decimalCount) = add(decimal)
        (prefixAt, prefixCount) = add(prefix)
        (suffixAt, suffixCount) = add(suffix)
        self.table = table
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
        guard let shape = NumberShape(digits: digits, grouping: grouping, decimal: decimal,
                                      prefix: String(String.UnicodeScalarView(scalars[..<first])),
                                      suffix: String(String.UnicodeScalarView(scalars[(last + 1)...])))
        else { return nil }
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
        let length = prefixCount + suffixCount + (fraction > 0 ? decimalCount : 0)
            + digitCount * digitWidth + (wholeCount - 1) / 3 * groupingCount
        return table.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: length) { out in
                // Written from the end backwards: suffix, fraction, then the whole part by threes.
                var at = length
                func put(_ start: Int, _ count: Int) {
                    at -= count
                    for index in 0..<count { out[at + index] = table[start + index] }
                }
                var rest = value
                put(suffixAt, suffixCount)
                if fraction > 0 {
                    for _ in 0..<fraction {
                        put(Int(rest % 10) * digitWidth, digitWidth)
                        rest /= 10
                    }
                    put(decimalAt, decimalCount)
                }
                for position in 0..<wholeCount {
                    if position > 0, position % 3 == 0 { put(groupingAt, groupingCount) }
                    put(Int(rest % 10) * digitWidth, digitWidth)
                    rest /= 10
                }
                put(prefixAt, prefixCount)
                assert(at == 0, "the length was not the text's")
                return length
            }
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
