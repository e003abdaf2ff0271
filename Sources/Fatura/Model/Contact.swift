/// How a subscriber can be reached electronically.
public struct Contact: Hashable, Sendable {
    public var email: EmailAddress?
    public var mobile: MobileNumber?
    public var relativeEmail: EmailAddress?
    /// The relative's relation to the subscriber, as free text (`son`).
    public var relation: String?
    /// Why an `email` or `relative-email` the export gave cannot be used
    /// (it is not a plain address): the bill goes by another channel, and
    /// says why (``ReroutedBill/Reason/invalidEmail``).
    public var unusable: [Channel: String] = [:]

    public init(email: EmailAddress? = nil, mobile: MobileNumber? = nil,
                relativeEmail: EmailAddress? = nil, relation: String? = nil) {
        self.email = email
        self.mobile = mobile
        self.relativeEmail = relativeEmail
        self.relation = relation
    }
}

/// An e-mail address checked to be a plain `local@domain` with nothing that
/// could break a header line.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: String

    /// Accepts a dot-atom local part (RFC 5322 `atext`, at most 64 bytes) and
    /// a domain of at least two LDH labels (each 1 to 63 bytes, no leading or
    /// trailing hyphen, at most 253 bytes). No quoted local parts, comments,
    /// display names, address literals or white space.
    public init?(_ text: some StringProtocol) {
        let trimmed = ContractText.trimXMLSpace(text)
        // Split as bytes: only ASCII is accepted on either side, where a byte is a character.
        let parts = trimmed.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDotAtom(parts[0]), parts[0].count <= 64,
              Self.isDomain(parts[1])
        else { return nil }
        address = String(trimmed)
    }

    public var description: String { address }

    /// A dot-atom: atoms of `atext` joined by single dots (read byte by
    /// byte: no array of atoms is made for each address).
    private static func isDotAtom(_ local: Substring.UTF8View) -> Bool {
        // A dot first, two in a row or one last leaves an empty atom; so does no byte at all.
        var previous = UInt8(ascii: ".")
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !byte.isAtext {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: ".")
    }

    /// A host name: at least two labels of 1 to 63 letters, digits and
    /// hyphens, none starting or ending with a hyphen; at most 253 bytes.
    private static func isDomain(_ domain: Substring.UTF8View) -> Bool {
        guard domain.count <= 253 else { return false }
        var labels = 1
        var length = 0
        var previous: UInt8 = 0
        for byte in domain {
            if byte == UInt8(ascii: ".") {
                guard length > 0, previous != UInt8(ascii: "-") else { return false }
                labels += 1
                length = 0
            } else {
                guard byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-"),
                      length > 0 || byte != UInt8(ascii: "-")
                else { return false }
                length += 1
                guard length <= 63 else { return false }
            }
            previous = byte
        }
        return length > 0 && previous != UInt8(ascii: "-") && labels >= 2
    }
}

/// A mobile number in E.164 form (`+97333123456`).
public struct MobileNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number in E.164: `+` and 8 to 15 digits.
    public let e164: String

    /// Accepts E.164 (`+` then 8 to 15 digits, not starting with 0; a Bahraini
    /// `+973` number must have exactly 8 digits after the country code) or a
    /// bare 8-digit Bahraini number, read as +973. Spaces and hyphens between
    /// the digits, as people write numbers (`+973 3312 3456`, `3312-3456`),
    /// are left out: they change no digit, and a bill must not reach no one
    /// for them.
    public init?(_ text: some StringProtocol) {
        var trimmed = ContractText.trimXMLSpace(text)
        if trimmed.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") }) {
            let bytes = Array(trimmed.utf8)
            // Each one alone, with a digit on either side.
            for index in bytes.indices where bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "-") {
                guard index > 0, index + 1 < bytes.count, bytes[index - 1].isASCIIDigit, bytes[index + 1].isASCIIDigit else { return nil }
            }
            trimmed = Substring(trimmed.filter { $0 != " " && $0 != "-" })
        }
        let utf8 = trimmed.utf8
        if utf8.first == UInt8(ascii: "+") {
            let digits = utf8.dropFirst()
            guard (8...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit),
                  digits.first != UInt8(ascii: "0")
            else { return nil }
            if trimmed.hasPrefix("+973"), digits.count != 11 { return nil }
            e164 = String(trimmed)
        } else {
            guard utf8.count == 8, utf8.allSatisfy(\.isASCIIDigit) else { return nil }
            e164 = "+973" + trimmed
        }
    }

    public var description: String { e164 }
}

extension UInt8 {
    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    var isAtext: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"),
             UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"),
             UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    var isASCIIAlphanumeric: Bool {
        isASCIIDigit || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}
