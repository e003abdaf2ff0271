/// How an SMS text travels, and into how many parts it splits.
///
/// GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one part, 153 per
/// part when split; the ten characters of the extension table
/// (`^ { } \ [ ] ~ |`, €, form feed) take two septets (escape and
/// character), and a part never ends between the two. Any other character
/// makes the whole message UCS-2: 70 UTF-16 units in one part, 67 per part
/// when split, and a part never ends inside a surrogate pair.
public struct SMSEncoding: Sendable, Equatable {
    public enum Alphabet: String, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public let alphabet: Alphabet
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    public let units: Int
    public let segments: Int

    public init(_ text: String) {
        if let costs = Self.gsm7Costs(text) {
            alphabet = .gsm7
            units = costs.reduce(0, +)
            segments = Self.segments(costs, single: 160, multi: 153)
        } else {
            alphabet = .ucs2
            let costs = text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }
            units = costs.reduce(0, +)
            segments = Self.segments(costs, single: 70, multi: 67)
        }
    }

    /// The parts a message of these indivisible costs needs.
    static func segments(_ costs: [Int], single: Int, multi: Int) -> Int {
        let total = costs.reduce(0, +)
        if total == 0 { return 1 }
        if total <= single { return 1 }
        var parts = 1
        var used = 0
        for cost in costs {
            if used + cost > multi {
                parts += 1
                used = 0
            }
            used += cost
        }
        return parts
    }

    /// Septets per character, or nil when a character is not in GSM-7.
    static func gsm7Costs(_ text: String) -> [Int]? {
        var costs: [Int] = []
        costs.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                // ASCII from a table (most of a Latin message), the rest from the sets.
                let cost = asciiCosts[Int(scalar.value)]
                guard cost > 0 else { return nil }
                costs.append(Int(cost))
            } else if basic.contains(scalar) {
                costs.append(1)
            } else if extensionTable.contains(scalar) {
                costs.append(2)
            } else {
                return nil
            }
        }
        return costs
    }

    /// The GSM 03.38 default alphabet, without the escape character.
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    /// Septets of each ASCII character: 1 in the default alphabet, 2 in the extension table, 0 in neither.
    static let asciiCosts: [UInt8] = (0..<0x80).map { value in
        let scalar = Unicode.Scalar(UInt8(value))
        return basic.contains(scalar) ? 1 : extensionTable.contains(scalar) ? 2 : 0
    }
    /// The extension table: each costs an escape septet and its own.
    static let extensionTable: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
