import Foundation
import Synchronization
@testable import Fatura

/// Builds XML exports for tests and runs them through the reader and checker.
enum Fixture {
    static let root = #"<bills xmlns="urn:fatura:bill-data:1" period="2026-10" issued="2026-11-02">"#

    /// A bill that passes every rule; tests change one thing at a time.
    static let bill = """
      <bill account="1002345678" number="2026100001">
        <customer language="ar" category="residential">
          <name xml:lang="ar">محمد علي حسن</name>
          <name xml:lang="en">Mohammed Ali Hasan</name>
        </customer>
        <address>
          <flat>12</flat><building>345</building><road>1234</road><block>356</block>
          <area xml:lang="ar">المنامة</area><area xml:lang="en">Manama</area>
        </address>
        <contact>
          <email>m.ali@example.com</email>
          <mobile>+97333123456</mobile>
          <relative-email relation="son">ali.m@example.com</relative-email>
        </contact>
        <delivery prefer="email"/>
        <period from="2026-10-01" to="2026-10-31"/>
        <due>2026-11-30</due>
        <meter service="electricity" id="E-0045123" previous="10234" current="11034" unit="kWh" reading="actual"/>
        <meter service="water" id="W-0098765" previous="2345" current="2367" unit="m3" reading="estimated"/>
        <charge code="ELEC_TIER1" service="electricity" quantity="800" unit="kWh" rate="0.003" amount="2.400"/>
        <charge code="WATER_TIER1" service="water" quantity="22" unit="m3" rate="0.025" amount="0.550"/>
        <charge code="MUNICIPAL" amount="3.000"/>
        <charge code="VAT" rate="0.10" amount="0.595"/>
        <balance previous="5.000" payments="5.000"/>
        <total>6.545</total>
        <history service="electricity">
          <month period="2025-10" quantity="780"/>
          <month period="2025-11" quantity="612"/>
        </history>
        <history service="water">
          <month period="2025-10" quantity="21"/>
        </history>
      </bill>
    """

    static func document(_ bills: String..., root: String = Fixture.root) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root + "\n" + bills.joined(separator: "\n") + "\n</bills>\n"
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func file(_ text: String, name: String = "bills.xml") -> String {
        file(Data(text.utf8), name: name)
    }

    static func file(_ data: Data, name: String = "bills.xml") -> String {
        let folder = temporaryFolder()
        let url = folder.appendingPathComponent(name)
        try! data.write(to: url)
        return url.path
    }

    /// A new empty folder under this test process's own scratch folder.
    static func temporaryFolder() -> URL {
        let url = scratch.appendingPathComponent(UUID().uuidString)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One folder per test process, removed when the process exits, so a test
    /// run leaves nothing behind in the temporary directory (it left thousands
    /// of folders before).
    private static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fatura-tests-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratchPath.withLock { $0 = url.path }
        atexit {
            if let path = Fixture.scratchPath.withLock({ $0 }) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return url
    }()

    private static let scratchPath = Mutex<String?>(nil)

    /// Reads and checks every record of `xml`, in file order.
    static func check(_ xml: String) throws -> [Result<Bill, RejectedBill>] {
        let reader = try XMLBillReader(path: file(xml))
        var checker = BatchChecker(header: reader.header)
        var results: [Result<Bill, RejectedBill>] = []
        // Read as a run reads: flat, one record reused.
        var record = FlatRecord()
        while let position = try reader.next(into: &record) {
            results.append(checker.check(record, at: position))
        }
        return results
    }

    /// The one bill of a document holding `bill`, or its rejection.
    static func checkOne(_ bill: String) throws -> Result<Bill, RejectedBill> {
        let results = try check(document(bill))
        precondition(results.count == 1, "expected one record, read \(results.count)")
        return results[0]
    }

    /// The input error a document stops with, if any.
    static func inputError(_ xml: String) -> InputError? {
        inputError(path: file(xml))
    }

    static func inputError(path: String) -> InputError? {
        do {
            let reader = try XMLBillReader(path: path)
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

extension Result where Success == Bill, Failure == RejectedBill {
    var bill: Bill? { try? get() }
    var code: BillRejection.Code? {
        if case .failure(let rejected) = self { return rejected.rejection.code }
        return nil
    }

    var rejected: RejectedBill? {
        if case .failure(let rejected) = self { return rejected }
        return nil
    }

    var rejection: BillRejection? { rejected?.rejection }
}

/// SplitMix64: random test inputs that are the same on every run, so a
/// failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
