/// Where a run's files live inside its output folder. The batch writes
/// there and the web view reads there, so both follow this one place.
public enum OutputLayout {
    /// `bills/ACCOUNT-PERIOD.html`: built from a checked account (digits
    /// only) and month, never from anything a request sends.
    public static func billPage(account: String, month: BillingMonth) -> String {
        "bills/\(account)-\(month).html"
    }

    /// `email/ACCOUNT-PERIOD.eml`.
    public static func email(account: String, month: BillingMonth) -> String {
        "email/\(account)-\(month).eml"
    }
}
