/// How a subscriber can be reached electronically.
public struct Contact: Hashable, Sendable {
    public var email: EmailAddress?
    public var mobile: MobileNumber?
    public var relativeEmail: EmailAddress?
    /// The relative's relation to the subscriber, as free text (`son`).
    public var relation: String?

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

    /// RFC 5322 `atext` outside letters and digits.
    private static let atextSigns = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    private static func isDotAtom(_ local: Substring.UTF8View) -> Bool {
        guard !local.isEmpty else { return false }
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { byte in byte.isASCIIAlphanumeric || atextSigns.contains(byte) }
        }
    }

    private static func isDomain(_ domain: Substring.UTF8View) -> Bool {
        guard domain.count <= 253 else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") }
                && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
        }
    }
}

/// A mobile number in E.164 form (`+97333123456`).
public struct MobileNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number in E.164: `+` and 8 to 15 digits.
    public let e164: String

    /// Accepts E.164 (`+` then 8 to 15 digits, not starting with 0; a Bahraini
    /// `+973` number must have exactly 8 digits after the country code) or a
    /// bare 8-digit Bahraini number, read as +973.
    public init?(_ text: some StringProtocol) {
        let trimmed = ContractText.trimXMLSpace(text)
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
    var isASCIIAlphanumeric: Bool {
        isASCIIDigit || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}
