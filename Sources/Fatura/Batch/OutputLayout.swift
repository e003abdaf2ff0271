/// Where a run's files live inside its output folder. The batch writes
/// there and the web view reads there, so both follow this one place.
///
/// Pages and e-mails are spread over 1,000 subfolders named by the last
/// three digits of the account, so that at a million bills no folder holds
/// more than about a thousand files (account numbers are usually
/// sequential, and their last digits spread evenly).
public enum OutputLayout {
    /// `bills/678/1002345678-2026-10.html`: built from a checked account
    /// (digits only) and month, never from anything a request sends.
    public static func billPage(account: String, month: BillingMonth) -> String {
        path("bills/", account, month, ".html") ?? "bills/\(folder(account))/\(account)-\(month).html"
    }

    /// `email/678/1002345678-2026-10.eml`.
    public static func email(account: String, month: BillingMonth) -> String {
        path("email/", account, month, ".eml") ?? "email/\(folder(account))/\(account)-\(month).eml"
    }

    static func folder(_ account: String) -> Substring { account.suffix(3) }

    /// `KIND` `NNN/ACCOUNT-YYYY-MM` `SUFFIX` written byte by byte (two paths a
    /// bill), for an account of ASCII digits and a month of a four-digit
    /// year; nil for anything else, which the callers write the slow way.
    private static func path(_ kind: StaticString, _ account: String, _ month: BillingMonth, _ suffix: StaticString) -> String? {
        guard (1000...9999).contains(month.year) else { return nil }
        var account = account
        return account.withUTF8 { digits -> String? in
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
            let folder = UnsafeBufferPointer(rebasing: digits.suffix(3))
            let length = kind.utf8CodeUnitCount + folder.count + 1 + digits.count + 8 + suffix.utf8CodeUnitCount
            return String(unsafeUninitializedCapacity: length) { out in
                var at = 0
                func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                    for byte in bytes {
                        out[at] = byte
                        at += 1
                    }
                }
                func put(_ byte: UInt8) {
                    out[at] = byte
                    at += 1
                }
                put(UnsafeBufferPointer(start: kind.utf8Start, count: kind.utf8CodeUnitCount))
                put(folder)
                put(UInt8(ascii: "/"))
                put(digits)
                put(UInt8(ascii: "-"))
                put(UInt8(ascii: "0") + UInt8(month.year / 1000))
                put(UInt8(ascii: "0") + UInt8(month.year / 100 % 10))
                put(UInt8(ascii: "0") + UInt8(month.year / 10 % 10))
                put(UInt8(ascii: "0") + UInt8(month.year % 10))
                put(UInt8(ascii: "-"))
                put(UInt8(ascii: "0") + UInt8(month.month / 10))
                put(UInt8(ascii: "0") + UInt8(month.month % 10))
                put(UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
                return at
            }
        }
    }
}
