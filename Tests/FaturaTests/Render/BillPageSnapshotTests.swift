import SnapshotTesting
import Testing
@testable import Fatura

/// Every sample bill's page in both languages, compared line by line with
/// the reviewed snapshots under `__Snapshots__/BillPageSnapshotTests/`.
/// A change to a template, a catalog or the formatting fails here until the
/// new pages are reviewed in a browser and recorded
/// (`SNAPSHOT_TESTING_RECORD=failed swift test --filter BillPageSnapshotTests`).
@Suite("Bill page snapshots")
struct BillPageSnapshotTests {
    @Test(arguments: SampleBills.inBothLanguages.map { "\($0.bill.account)-\($0.bill.customer.language.rawValue)" })
    func page(_ name: String) throws {
        let (bill, route) = try #require(SampleBills.inBothLanguages.first {
            "\($0.bill.account)-\($0.bill.customer.language.rawValue)" == name
        })
        let html = try SampleBills.page(bill, route)
        assertSnapshot(of: html, as: .lines, named: name)
    }

    @Test func everySampleIsCoveredInBothLanguages() {
        #expect(SampleBills.accepted.count == 10)
        #expect(Set(SampleBills.inBothLanguages.map { "\($0.bill.account)-\($0.bill.customer.language.rawValue)" }).count == 20)
    }
}
