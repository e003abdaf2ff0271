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
        "bills/\(folder(account))/\(account)-\(month).html"
    }

    /// `email/678/1002345678-2026-10.eml`.
    public static func email(account: String, month: BillingMonth) -> String {
        "email/\(folder(account))/\(account)-\(month).eml"
    }

    static func folder(_ account: String) -> Substring { account.suffix(3) }
}
