import Testing
@testable import Fatura

@Suite("Where a run's files live")
struct OutputLayoutTests {
    /// The paths written byte by byte are the ones the plain interpolation
    /// writes, for accounts of every length the contract allows and beyond,
    /// and anything else (letters, a year of fewer than four digits) is
    /// still written, the slow way.
    @Test func pathsAreTheInterpolatedOnes() {
        let accounts = ["1", "12", "123", "1234", "100234", "1002345678", "999999999999", "0000012345", "12a", "٣٤٥", ""]
        let months = [BillingMonth(year: 2026, month: 10)!, BillingMonth(year: 1000, month: 1)!, BillingMonth(year: 9999, month: 12)!,
                      BillingMonth(year: 999, month: 5)!, BillingMonth(year: 1, month: 9)!]
        for account in accounts {
            for month in months {
                let folder = account.suffix(3)
                #expect(OutputLayout.billPage(account: account, month: month) == "bills/\(folder)/\(account)-\(month).html")
                #expect(OutputLayout.email(account: account, month: month) == "email/\(folder)/\(account)-\(month).eml")
            }
        }
        #expect(OutputLayout.billPage(account: "1002345678", month: BillingMonth(year: 2026, month: 10)!) == "bills/678/1002345678-2026-10.html")
    }
}
