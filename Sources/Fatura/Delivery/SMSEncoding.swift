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
        // Without an array of costs: every SMS bill is measured, some twice.
        if let septets = Self.gsm7Units(text) {
            alphabet = .gsm7
            units = septets
            segments = septets <= 160 ? 1 : Self.segments(text, multi: 153) { Int(Self.gsm7Cost($0)) }
        } else {
            alphabet = .ucs2
            var count = 0
            for scalar in text.unicodeScalars { count += scalar.value > 0xFFFF ? 2 : 1 }
            units = count
            segments = count <= 70 ? 1 : Self.segments(text, multi: 67) { $0.value > 0xFFFF ? 2 : 1 }
        }
    }

    /// The parts a message over one part's length needs: parts of `multi`
    /// units, none ending inside a character of `cost` units.
    @inline(__always)
    static func segments(_ text: String, multi: Int, cost: (Unicode.Scalar) -> Int) -> Int {
        var parts = 1
        var used = 0
        for scalar in text.unicodeScalars {
            let units = cost(scalar)
            if used + units > multi {
                parts += 1
                used = 0
            }
            used += units
        }
        return parts
    }

    /// The septets of `text` in GSM-7, or nil when a character is not in it.
    static func gsm7Units(_ text: String) -> Int? {
        var septets = 0
        for scalar in text.unicodeScalars {
            let cost = gsm7Cost(scalar)
            guard cost > 0 else { return nil }
            septets += Int(cost)
        }
        return septets
    }

    /// Septets of one character: 1 in the default alphabet, 2 in the
    /// extension table, 0 in neither.
    @inline(__always)
    static func gsm7Cost(_ scalar: Unicode.Scalar) -> UInt8 {
        // ASCII from a table (most of a Latin message), the rest from the sets.
        if scalar.value < 0x80 { return asciiCosts[Int(scalar.value)] }
        return basic.contains(scalar) ? 1 : extensionTable.contains(scalar) ? 2 : 0
    }

    /// Septets per character, or nil when a character is not in GSM-7.
    static func gsm7Costs(_ text: String) -> [Int]? {
        var costs: [Int] = []
        for scalar in text.unicodeScalars {
            let cost = gsm7Cost(scalar)
            guard cost > 0 else { return nil }
            costs.append(Int(cost))
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
