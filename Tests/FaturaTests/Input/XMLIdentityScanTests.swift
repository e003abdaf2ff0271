import Foundation
import Testing
@testable import Fatura

/// The first pass (libxml2's SAX parser, no tree) must see the bills the
/// reader reads, with the same raw attributes, and stop where the reader stops.
@Suite("The first pass over XML sees what the reader sees")
struct XMLIdentityScanTests {
    struct Identity: Equatable, CustomStringConvertible {
        var account: String?
        var number: String?
        var description: String { "(\(account ?? "nil"), \(number ?? "nil"))" }
    }

    static func scanned(_ path: String) -> Result<[Identity], InputError> {
        do {
            let reader = try XMLBillReader(path: path)
            var identities: [Identity] = []
            try reader.scanIdentities { account, number, _ in identities.append(Identity(account: account, number: number)) }
            return .success(identities)
        } catch {
            return .failure(error)
        }
    }

    static func read(_ path: String) -> Result<[Identity], InputError> {
        do {
            let reader = try XMLBillReader(path: path)
            var identities: [Identity] = []
            while let (record, _) = try reader.next() {
                // A bill of another namespace is read only to be rejected: it
                // has no account or number to count (no first pass sees it).
                if record.fault?.code == .wrongNamespace {
                    #expect(record.attributes.isEmpty && record.children.isEmpty)
                    continue
                }
                identities.append(Identity(account: record.attribute("account"), number: record.attribute("number")))
            }
            return .success(identities)
        } catch {
            return .failure(error)
        }
    }

    static let second = Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679")
        .replacingOccurrences(of: "2026100001", with: "2026100002")

    static let documents: [String] = [
        Fixture.document(Fixture.bill, second),
        // Any prefix, other namespaces (one only warned about: a relative URI), no namespace, a bill inside a bill.
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <f:bills xmlns:f="urn:fatura:bill-data:1" period="2026-10" issued="2026-11-02">
        <f:bill account="1" number="N1"><f:bill account="inner" number="inner"/></f:bill>
        <x:bill xmlns:x="urn:other" account="2"/><meta xmlns="urn:other"><bill account="3"/></meta>
        <bill xmlns="urn:fatura:bill-data:1" account="4" number="N4"/><bill account="5"/>
        <meta xmlns="relative-uri"><x/></meta>
        </f:bills>
        """,
        // Character and entity references, white space the parser normalises, an attribute of another namespace.
        Fixture.document("<bill account=\"10023&#52;5678\" number=\"A&amp;B&lt;C\tD&#10;E\"/>",
                         #"<bill xmlns:o="urn:other" o:account="x" number="  spaced  "/>"#,
                         "<bill account=\"line\nbreak\" number='single'/>",
                         "<bill/>"),
        // What looks like a bill in a comment, a processing instruction or CDATA; bills side by side.
        Fixture.document(#"<!-- <bill account="c"/> --><?pi <bill account="p"/>?><bill account="7" number="N7"><note><![CDATA[<bill account="d"/>]]></note></bill><bill account="8" number="N8"/>"#),
        // Larger than one read of the scan (256 KiB), so tags fall across reads.
        Fixture.document((0..<400).map { (index: Int) -> String in
            Fixture.bill.replacingOccurrences(of: "1002345678", with: String(1_002_000_000 + index))
        }.joined(separator: "\n")),
    ]

    /// A byte order mark, UTF-16 both ways, and a declared single-byte encoding.
    static let encoded: [Data] = {
        let document = Fixture.document(Fixture.bill, #"<bill account="Zoë" number="ب"/>"#)
        var withMark = Data([0xEF, 0xBB, 0xBF])
        withMark.append(Data(document.utf8))
        let utf16 = document.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"")
        let latin = Fixture.document(#"<bill account="Zoë" number="é"><note>Ça</note></bill>"#, #"<bill account="2"/>"#)
            .replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
        return [withMark, utf16.data(using: .utf16BigEndian)!, Data([0xFF, 0xFE]) + utf16.data(using: .utf16LittleEndian)!,
                latin.data(using: .isoLatin1)!]
    }()

    /// UTF-8 with a byte order mark is read alike by both passes; UTF-16
    /// and a declared Latin-1 stop both alike (bill data is UTF-8).
    @Test(arguments: 0..<encoded.count)
    func theSameBillsOrTheSameStopInAnyEncoding(_ index: Int) throws {
        let path = Fixture.file(Self.encoded[index])
        guard index > 0 else {
            let read = try Self.read(path).get()
            #expect(try Self.scanned(path).get() == read)
            #expect(read.count == 2)
            return
        }
        guard case .failure(let reading) = Self.read(path), case .failure(let scanning) = Self.scanned(path) else {
            Issue.record("both passes should stop")
            return
        }
        #expect(scanning == reading)
        #expect(reading.kind == .notABillExport && reading.line == 1 && reading.message.contains("must be UTF-8"), "\(reading)")
    }

    @Test(arguments: 0..<documents.count)
    func theSameBillsWithTheSameAttributes(_ index: Int) throws {
        let path = Fixture.file(Self.documents[index])
        let read = try Self.read(path).get()
        let scanned = try Self.scanned(path).get()
        #expect(scanned == read)
        #expect(!read.isEmpty)
    }

    static let broken: [String] = {
        var documents: [String] = []
        documents.append(Fixture.document(Fixture.bill.replacingOccurrences(of: "</due>", with: "</dew>")))
        documents.append(String(Fixture.document(Fixture.bill, second).dropLast(40)))
        documents.append(Fixture.document(Fixture.bill, "<z:bill/>"))
        documents.append(Fixture.document(Fixture.bill.replacingOccurrences(of: "Manama", with: "Man&nbsp;ama")))
        documents.append(Fixture.document(Fixture.bill) + "<after/>")
        documents.append(Fixture.document(Fixture.bill, #"<bill account="1" account="2"/>"#))
        documents.append(Fixture.document(Fixture.bill, #"<other xmlns="http://example.com/a b"/>"#))
        return documents
    }()

    @Test(arguments: 0..<broken.count)
    func theSameStop(_ index: Int) throws {
        let path = Fixture.file(Self.broken[index])
        guard case .failure(let reading) = Self.read(path) else {
            Issue.record("the reader should stop")
            return
        }
        guard case .failure(let scanning) = Self.scanned(path) else {
            Issue.record("the scan should stop")
            return
        }
        #expect(scanning == reading)
    }

    @Test func aFileOfTensOfThousandsOfDifferentNamesStopsBothPasses() throws {
        // libxml2 2.9 slows with every distinct name past ~50,000 (hours for a hostile file):
        // 25,000 made-up names stop both passes alike, at a line, before the dictionary grows further.
        func bills(_ count: Int, namesEach: Int, distinct: Bool) -> [String] {
            (0..<count).map { index in
                let names = (0..<namesEach).map { name in "<x\(distinct ? index * namesEach + name : name)/>" }.joined()
                return Fixture.bill.replacingOccurrences(of: "</bill>", with: names + "</bill>")
            }
        }
        let hostile = Fixture.file(Fixture.document(bills(250, namesEach: 100, distinct: true).joined(separator: "\n")))
        guard case .failure(let reading) = Self.read(hostile), case .failure(let scanning) = Self.scanned(hostile) else {
            Issue.record("both passes should stop")
            return
        }
        #expect(scanning == reading)
        #expect(reading.kind == .notABillExport)
        #expect(reading.message.contains("over 20,000 different names"), "\(reading.message)")
        #expect((reading.line ?? 0) > 1)
        // The same number of unknown elements with a hundred names between them reads to the end.
        let repeated = Fixture.file(Fixture.document(bills(250, namesEach: 100, distinct: false).joined(separator: "\n")))
        guard case .success(let identities) = Self.read(repeated), case .success(let scannedIdentities) = Self.scanned(repeated) else {
            Issue.record("a file of few names should read")
            return
        }
        #expect(identities.count == 250)
        #expect(scannedIdentities == identities)
    }

    @Test func theScanByItselfRefusesADoctypeBeforeReadingIt() throws {
        let secret = HostileXMLTests.secret()
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE bills [<!ENTITY xxe SYSTEM \"file://\(secret.path)\">]>\n"
            + Fixture.root + #"<bill account="&xxe;"/>"# + "</bills>"
        do throws(InputError) {
            try XMLIdentityScan(file: Fixture.file(xml)).run { account, _, _ in Issue.record("read a bill: \(account ?? "")") }
            Issue.record("the scan should stop")
        } catch {
            #expect(error.kind == .notABillExport)
            #expect(error.line == 2)
            #expect(!error.description.contains(secret.text))
        }
    }

    @Test func aRunScansWithItAndStillFindsRepeats() throws {
        // A repeat far from the first, across reads of the scan: still rejected, naming the first.
        func bill(account: Int, number: Int) -> String {
            Fixture.bill.replacingOccurrences(of: "1002345678", with: String(account))
                .replacingOccurrences(of: "2026100001", with: String(number))
        }
        var bills: [String] = (0..<300).map { (index: Int) -> String in bill(account: 1_002_000_000 + index, number: 2_026_000_000 + index) }
        bills.append(bill(account: 1_002_999_999, number: 2_026_000_005))
        let input = Fixture.file(Fixture.document(bills.joined(separator: "\n")))
        var intake = try Intake(input: input, format: .xml, shard: nil) { _ in }
        var rejected: [RejectedBill] = []
        while let (item, _) = try intake.next() {
            if case .reject(let bill)? = item { rejected.append(bill) }
        }
        #expect(rejected.map(\.position.index) == [301])
        #expect(rejected.first?.rejection.message.contains("bill 6") == true, "\(rejected.first?.rejection.message ?? "")")
    }
}
