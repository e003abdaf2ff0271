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

    /// `format` must write 1234567.891 (or 1234567 with `fraction` 0) in
    /// the locale's style; `digit` must write one digit.
    static func learn(fraction: Int, format: (Int64) -> String, digit: (Int) -> String) -> NumberShape? {
        let digits = (0...9).map(digit)
        guard Set(digits).count == 10, digits.allSatisfy({ $0.unicodeScalars.count == 1 }) else { return nil }
        let probe: Int64 = fraction == 3 ? 1_234_567_891 : 1_234_567
        let text = format(probe)
        let scalars = Array(text.unicodeScalars)
        let isDigit = { (scalar: Unicode.Scalar) in digits.contains(String(scalar)) }
        guard let first = scalars.firstIndex(where: isDigit), let last = scalars.lastIndex(where: isDigit),
              scalars[first] == digits[1].unicodeScalars.first, first + 2 < scalars.count
        else { return nil }
        let grouping = String(scalars[first + 1])
        var decimal = ""
        if fraction > 0 {
            guard last >= 3 else { return nil }
            decimal = String(scalars[last - 3])
        }
        let shape = NumberShape(digits: digits, grouping: grouping, decimal: decimal,
                                prefix: String(String.UnicodeScalarView(scalars[..<first])),
                                suffix: String(String.UnicodeScalarView(scalars[(last + 1)...])))
        // The shape must give back Foundation's text for the probe and for small numbers.
        for value in [probe, 0, 5, 1000, 999_999_999] {
            guard shape.write(value, fraction: fraction) == format(value) else { return nil }
        }
        return shape
    }

    /// Writes a non-negative value with `fraction` digits after the decimal
    /// separator (fils for money), grouping the whole part by threes.
    func write(_ value: Int64, fraction: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<fraction { scale *= 10 }
        let whole = String(value / scale)
        var out = prefix
        for (index, character) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { out += grouping }
            out += digits[Int(character.asciiValue! - 48)]
        }
        if fraction > 0 {
            out += decimal
            let part = String(value % scale)
            for _ in part.count..<fraction { out += digits[0] }
            for character in part { out += digits[Int(character.asciiValue! - 48)] }
        }
        return out + suffix
    }

    /// The digits and decimal point of a plain decimal (`0.003`, `-2.5`)
    /// in the locale's digits and decimal separator, without grouping.
    func transliterate(_ text: String) -> String {
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
