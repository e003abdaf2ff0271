/// What a link token holds: signed, not encrypted, so anyone holding the
/// link can read the account and billing month (and the key id).
///
/// Byte layout (README, "Signed links"): 18 bytes, base64url without padding,
/// exactly 24 characters.
///
///     bytes 0–7   payload, big-endian 64 bits:
///                 bits 63–62  version (1)
///                 bit  61     reserved, 0
///                 bits 60–53  key id (0–255)
///                 bits 52–12  account: its digit count and value as one
///                             number below 1,111,111,000,000 (41 bits):
///                             6-digit accounts count from 0, 7-digit ones
///                             from 10^6, 8-digit ones from 10^6 + 10^7, …
///                 bits 11–0   billing month: months since 2000-01 (0–4095)
///     bytes 8–17  tag: HMAC-SHA256(key, "fatura-link-v1" ‖ payload), first 10 bytes (80 bits)
public struct LinkToken: Hashable, Sendable {
    public static let version: UInt64 = 1
    public static let length = 24
    static let payloadBytes = 8
    static let tagBytes = 10

    public var keyID: UInt8
    public var account: String
    public var month: BillingMonth

    public init(keyID: UInt8, account: String, month: BillingMonth) {
        self.keyID = keyID
        self.account = account
        self.month = month
    }

    /// The link's expiry under version 1's policy: it works until the end of
    /// the third month after its billing month (a link for 2026-10 works
    /// until 2027-01-31 inclusive) and expires at 00:00 UTC on the first day
    /// of the fourth.
    public var expiresAt: CalendarDate {
        let month = month.adding(months: 4)
        return CalendarDate(year: month.year, month: month.month, day: 1)!
    }

    // MARK: Payload

    /// The billing months a token can carry: 2000-01 to 2341-04 (12 bits).
    public static func carries(_ month: BillingMonth) -> Bool {
        (0..<4096).contains(monthIndex(month))
    }

    public static let months = "2000-01 to 2341-04"

    private static func monthIndex(_ month: BillingMonth) -> Int {
        (month.year - 2000) * 12 + (month.month - 1)
    }

    /// The 8 payload bytes, or nil when the account or month cannot be encoded.
    var payload: [UInt8]? {
        guard let accountIndex = Self.accountIndex(account) else { return nil }
        let monthIndex = Self.monthIndex(month)
        guard (0..<4096).contains(monthIndex) else { return nil }
        let bits = Self.version << 62 | UInt64(keyID) << 53 | accountIndex << 12 | UInt64(monthIndex)
        return withUnsafeBytes(of: bits.bigEndian) { Array($0) }
    }

    /// Reads a payload; nil when it is not a version-1 payload.
    init?(payload bytes: ArraySlice<UInt8>) {
        guard bytes.count == Self.payloadBytes else { return nil }
        let bits = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard bits >> 62 == Self.version, bits >> 61 & 1 == 0 else { return nil }
        guard let account = Self.account(index: bits >> 12 & (1 << 41 - 1)) else { return nil }
        let monthIndex = Int(bits & 0xFFF)
        self.init(keyID: UInt8(bits >> 53 & 0xFF), account: account,
                  month: BillingMonth(year: 2000 + monthIndex / 12, month: monthIndex % 12 + 1)!)
    }

    static let digitCounts = 6...12
    /// The first index of accounts with `digits` digits.
    static func offset(_ digits: Int) -> UInt64 {
        var offset: UInt64 = 0
        var power: UInt64 = 1_000_000
        for _ in 6..<digits {
            offset += power
            power *= 10
        }
        return offset
    }

    static func accountIndex(_ account: String) -> UInt64? {
        guard digitCounts.contains(account.utf8.count), account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return offset(account.utf8.count) + UInt64(account)!
    }

    static func account(index: UInt64) -> String? {
        for digits in digitCounts.reversed() where index >= offset(digits) {
            let value = index - offset(digits)
            var power: UInt64 = 1
            for _ in 0..<digits { power *= 10 }
            guard value < power else { return nil }
            let text = String(value)
            return String(repeating: "0", count: digits - text.count) + text
        }
        return nil
    }
}
