import Foundation
import Testing
@testable import Fatura

/// The first pass reads plain XML without a parser (``XMLQuickScan``). It
/// must see exactly the bills libxml2 sees, with the same raw `account` and
/// `number`, or hand the file to libxml2; up to a fault it must agree with
/// libxml2 too (past one it may see more).
@Suite("The quick first pass over plain XML")
struct XMLQuickScanTests {
    typealias Identity = XMLIdentityScanTests.Identity

    static func quick(_ path: String, bufferSize: Int = 1 << 20) throws -> (outcome: XMLQuickScan.Outcome, identities: [Identity]) {
        var identities: [Identity] = []
        let outcome = try XMLQuickScan(file: path, bufferSize: bufferSize).run { account, number, _ in
            identities.append(Identity(account: account, number: number))
        }
        return (outcome, identities)
    }

    /// What libxml2's first pass visits, up to its fault if there is one.
    static func libxml2(_ path: String) -> (identities: [Identity], fault: InputError?) {
        var identities: [Identity] = []
        do throws(InputError) {
            try XMLIdentityScan(file: path).run { account, number, _ in identities.append(Identity(account: account, number: number)) }
            return (identities, nil)
        } catch {
            return (identities, error)
        }
    }

    static let plain: [String] = [
        Fixture.document(Fixture.bill, XMLIdentityScanTests.second),
        // What looks like a bill in a comment, a processing instruction or CDATA, with near-endings in each.
        Fixture.document(#"<!-- <bill account="c"/> - -> --><?pi <bill account="p"/> ? > ?><bill account="7" number="N7">"#
            + #"<note><![CDATA[<bill account="d"/> ] ]] > ]]></note><!----></bill><bill account="8" number="N8"/>"#),
        // Quotes of both kinds, `>` and `/` in values, space around `=`, other attributes with references.
        Fixture.document(#"<bill number = '2026' note="a > b / c" account= "1002345678" other='"' ref="&amp;&#60;"/>"#,
                         #"<bill account="1002345679" number="N2"><charge label='x > y' amount="1/2"/><bill account="inner" number="inner"/></bill>"#,
                         #"<bill xml:lang="ar" account="1002345680"><x:meta xmlns:x="urn:other" a="b"/></bill>"#,
                         "<note account=\"9\"></note><bill></bill><bill/>"),
        // White space libxml2 turns into spaces in attribute values.
        Fixture.document("<bill account=\"\r\n1002345678\t\" number=\"A\r\nB\rC\nD\"/>", "<bill\r\naccount='1'\tnumber='2'\r\n/>"),
        // Another prefix declared on the root, beside the default namespace; CR LF line ends throughout.
        Fixture.document(Fixture.bill, root: #"<bills xmlns:o="urn:other" xmlns="urn:fatura:bill-data:1" period="2026-10" issued="2026-11-02">"#)
            .replacingOccurrences(of: "\n", with: "\r\n"),
        // UTF8, as libxml2 and the reader take it, in another case.
        Fixture.document(Fixture.bill).replacingOccurrences(of: "UTF-8", with: "utf8"),
    ]

    /// Buffers smaller than a bill, so every kind of tag falls across reads.
    @Test(arguments: 0..<plain.count)
    func plainXMLGivesLibXML2sBillsInAnyBuffer(_ index: Int) throws {
        let path = Fixture.file(Self.plain[index])
        let expected = Self.libxml2(path)
        #expect(expected.fault == nil)
        #expect(!expected.identities.isEmpty)
        for bufferSize in [128, 129, 333, 4096, 1 << 20] {
            let (outcome, identities) = try Self.quick(path, bufferSize: bufferSize)
            #expect(outcome == .finished, "buffer \(bufferSize)")
            #expect(identities == expected.identities, "buffer \(bufferSize)")
        }
    }

    @Test func aGeneratedMonthAndTheSampleAreReadQuickly() throws {
        var month = ""
        MonthGenerator(count: 500, seed: 9).generate { month += $0 }
        for path in [Fixture.file(month), SampleBills.file] {
            let expected = Self.libxml2(path)
            #expect(expected.fault == nil)
            for bufferSize in [1000, 1 << 20] {
                let (outcome, identities) = try Self.quick(path, bufferSize: bufferSize)
                #expect(outcome == .finished)
                #expect(identities == expected.identities)
            }
        }
    }

    @Test func aByteOrderMarkIsPlain() throws {
        let path = Fixture.file(Data([0xEF, 0xBB, 0xBF]) + Data(Fixture.document(Fixture.bill).utf8))
        let (outcome, identities) = try Self.quick(path)
        #expect(outcome == .finished)
        #expect(identities == Self.libxml2(path).identities)
        #expect(identities.count == 1)
    }

    /// Each goes to libxml2, saying why.
    static let outside: [(document: Data, reason: String)] = {
        let bill = #"<bill account="1002345678" number="2026100001"/>"#
        func text(_ document: String) -> Data { Data(document.utf8) }
        let utf16 = Fixture.document(bill).replacingOccurrences(of: "UTF-8", with: "UTF-16")
        return [
            (text("<?xml version=\"1.0\"?>\n<!DOCTYPE bills>\n" + Fixture.root + bill + "</bills>"), "DOCTYPE"),
            (text(Fixture.document("<x:bill xmlns:x=\"urn:fatura:bill-data:1\" account=\"1\"/>")), "prefix on a bill"),
            (text(Fixture.document("<f:bill account=\"1\"/>", root: #"<f:bills xmlns:f="urn:fatura:bill-data:1">"#)), "prefix on the root"),
            (text(Fixture.document(#"<bill xmlns="urn:fatura:bill-data:1" account="1"/>"#)), "namespace declaration on a bill"),
            (text(Fixture.document(#"<bill account="10023&#52;5678"/>"#)), "reference"),
            (text(Fixture.document(#"<bill number="A&amp;B"/>"#)), "reference"),
            (text(Fixture.document(bill, root: #"<bills period="2026-10">"#)), "default namespace"),
            (text(Fixture.document(bill, root: #"<bills xmlns="urn:other">"#)), "default namespace"),
            (Fixture.document(bill).replacingOccurrences(of: "UTF-8", with: "ISO-8859-1").data(using: .isoLatin1)!, "encoding ISO-8859-1"),
            (utf16.data(using: .utf16BigEndian)!, "not UTF-8"),
            (Data([0xFF, 0xFE]) + utf16.data(using: .utf16LittleEndian)!, "not UTF-8"),
            (text(Fixture.document(bill + "<!-- " + String(repeating: "long ", count: 400) + "-->")), "longer than 1024 bytes"),
            (text(Fixture.document(#"<bill p:account="1002345678" number="1"/>"#)), "prefixed account or number"),
            (text(Fixture.document(#"<bill xmlns:o="urn:other" account="1002345678" o:number="1"/>"#)), "prefixed account or number"),
            // `<?xml version="1.0" encoding="IBM037"?>` and a root in EBCDIC: libxml2 reads it; no `<` byte in it.
            (Data([0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40]) + Data(repeating: 0x40, count: 40), "not UTF-8"),
        ]
    }()

    @Test(arguments: 0..<outside.count)
    func whatIsNotPlainGoesToLibXML2(_ index: Int) throws {
        let (document, reason) = Self.outside[index]
        let (outcome, _) = try Self.quick(Fixture.file(document), bufferSize: 1024)
        guard case .outside(let said) = outcome else {
            Issue.record("read as plain: \(String(decoding: document, as: UTF8.self))")
            return
        }
        #expect(said.contains(reason), "\(said)")
    }

    /// Broken at every kind of place by deleting, inserting or replacing a
    /// byte of markup: whatever libxml2 visits before its fault, the quick
    /// scan visits first, in the same order (or it hands the file on).
    @Test func upToAFaultItSeesWhatLibXML2Sees() throws {
        let documents = [Array(Self.plain[1].utf8), Array(Self.plain[2].utf8),
                         Array(Fixture.document(Fixture.bill, #"<bill number = '2026' note="a > b" account='1002345678'/>"#,
                                                #"<!-- c --><bill account="1" number="N1"><n><![CDATA[ <bill account="x"/> ]]></n></bill>"#).utf8)]
        let markup = Array("<>/!?-[]\"'=&: \t".utf8)
        var generator = SeededGenerator(seed: 2026_11_25)
        var plainMutants = 0, faulty = 0
        for round in 0..<1_500 {
            var bytes = documents[round % documents.count]
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes.remove(at: position)
            case 1: bytes.insert(markup.randomElement(using: &generator)!, at: position)
            default: bytes[position] = markup.randomElement(using: &generator)!
            }
            let path = Fixture.file(Data(bytes))
            let (outcome, identities) = try Self.quick(path, bufferSize: 200)
            guard outcome == .finished else { continue }
            plainMutants += 1
            let expected = Self.libxml2(path)
            if expected.fault == nil {
                #expect(identities == expected.identities, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            } else {
                faulty += 1
                #expect(Array(identities.prefix(expected.identities.count)) == expected.identities,
                        "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(plainMutants > 1_000 && faulty > 300, "\(plainMutants) read quickly, \(faulty) of them with a fault")
    }

    /// libxml2 reports an undeclared prefix as an error only at the end of
    /// its 64 KiB chunk, and until then passes `p:account` as a plain
    /// `account`: the second pass reads the bills of that chunk, so the
    /// first pass must see those accounts (the quick scan hands such a
    /// file to libxml2) and, like the reader, take a bill's first one.
    @Test func anUndeclaredPrefixOnAnAccountIsStillSeen() throws {
        var bills = Self.bills(60)
        bills.append(#"<bill p:account="1002000001" number="A1"/>"#)
        bills.append(#"<bill account="1002999999" p:account="1002000002" number="A2"/>"#)
        let input = Fixture.file(Fixture.document(bills.joined(separator: "\n")))
        guard case .outside(let reason) = try Self.quick(input).outcome else {
            Issue.record("read as plain")
            return
        }
        #expect(reason.contains("prefixed"))
        let scanned = Self.libxml2(input)
        #expect(scanned.fault != nil, "libxml2 reports the prefix")
        #expect(Array(scanned.identities.suffix(2)) == [Identity(account: "1002000001", number: "A1"), Identity(account: "1002999999", number: "A2")])
        var intake = try Intake(input: input, format: .xml, shard: nil) { _ in }
        var rejected: [RejectedBill] = []
        do {
            while let (item, _) = try intake.next() {
                if case .reject(let bill)? = item { rejected.append(bill) }
            }
            Issue.record("the fault should stop reading")
        } catch {}
        // Bill 61 repeats bill 2's account; bill 62 (bare, so rejected for
        // what it lacks) is keyed by its first account, which repeats nothing.
        #expect(rejected.map(\.position.index) == [61, 62], "\(rejected.map(\.rejection.message))")
        #expect(rejected.first?.rejection.code == .duplicateAccount)
        #expect(rejected.last.map { $0.rejection.code != .duplicateAccount && $0.account == "1002999999" } == true)
    }

    /// Well-formed documents made at random from every construct the scan
    /// reads (comments, processing instructions and CDATA holding what looks
    /// like bills, `>` and `/` in values, both quotes, white space around
    /// `=` and inside values, other namespaces below the bills, elements
    /// other than `bill`, bills inside bills) and some it must hand on:
    /// read as plain, the scan gives exactly libxml2's bills.
    @Test func randomWellFormedDocumentsGiveLibXML2sBills() throws {
        var generator = SeededGenerator(seed: 11_2026)
        func pick<T>(_ options: [T]) -> T { options.randomElement(using: &generator)! }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        func space() -> String { pick(["", " ", "  ", "\n", "\t", "\r\n", " \n "]) }
        func someSpace() -> String { pick([" ", "\n", "\t", "\r\n", " \t "]) }
        func quoted(_ value: String) -> String { value.contains("\"") || (!value.contains("'") && chance(30)) ? "'\(value)'" : "\"\(value)\"" }
        func value() -> String {
            pick(["1002345678", "2026100001", "A-1", "  1002345679 ", "\t12345678\n", "1\r\n2", "x > y", "a/b", "&amp;x", "'", "\"", "", "ب"])
        }
        func topFiller() -> String {
            pick(["", "<!-- <bill account=\"99\" number=\"c\"/> - -> -->", "<?pi <bill account=\"98\"/> ? > ?>", "<!---->", "<?x?>"])
        }
        func filler() -> String { chance(20) ? "text > with ]] and &lt;" : topFiller() }
        func attributes(_ names: [String]) -> String {
            names.shuffled(using: &generator).map { name in
                someSpace() + name + space() + "=" + space() + quoted(name == "account" || name == "number" ? pick(["1002345678", "2026100001", "  77777777 ", "1\t2", "\r\n7777\r\n", "8\r9", "N-\(Int.random(in: 0..<5, using: &generator))"]) : value())
            }.joined()
        }
        func inner(_ depth: Int) -> String {
            guard depth < 4 else { return "" }
            var parts: [String] = []
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                switch Int.random(in: 0..<7, using: &generator) {
                case 0: parts.append("<charge" + attributes(["code", "amount"]) + space() + "/>")
                case 1: parts.append("<name" + attributes(["xml:lang"]) + ">" + pick(["محمد", "x > y", "a ]] b"]) + "</name" + space() + ">")
                case 2: parts.append("<n><![CDATA[<bill account=\"97\"/> ] ]] > ]]></n>")
                case 3: parts.append("<o:meta xmlns:o=\"urn:other\"" + attributes(["o:account"]) + ">" + inner(depth + 1) + "</o:meta>")
                case 4: parts.append("<bill" + attributes(["account", "number"]) + "/>")
                case 5: parts.append("<x xmlns=\"urn:other\"><bill account=\"96\"/></x>")
                default: parts.append(filler())
                }
            }
            return parts.joined(separator: space())
        }
        var plain = 0, faulty = 0
        for round in 0..<400 {
            var text = chance(20) ? "\u{FEFF}" : ""
            if chance(80) { text += pick(["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version='1.0' encoding='utf-8'?>", "<?xml version=\"1.0\"?>"]) + "\n" }
            text += topFiller() + "\n"
            text += "<bills" + someSpace() + "xmlns" + space() + "=" + space() + quoted(XMLBillReader.namespace)
                + (chance(50) ? someSpace() + "xmlns:o=\"urn:other\"" : "") + attributes(["period", "issued"]) + space() + ">"
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                text += space() + filler() + space()
                let name = chance(85) ? "bill" : "note"
                var names = ["account", "number"].filter { _ in chance(85) }
                if chance(30) { names.append("xml:lang") }
                if chance(30) { names.append("note") }
                if chance(5) { names.append(pick(["o:account", "xmlns"])) }
                let start = "<" + name + attributes(names) + space()
                text += chance(25) ? start + "/>" : start + ">" + inner(0) + "</" + name + space() + ">"
            }
            text += space() + "</bills>" + space() + topFiller() + "\n"
            let path = Fixture.file(text)
            let expected = Self.libxml2(path)
            let (outcome, identities) = try Self.quick(path, bufferSize: pick([128, 200, 1 << 20]))
            guard outcome == .finished else { continue }
            plain += 1
            // An undeclared prefix below the bills is libxml2's error (the
            // chunk's bills still read); up to it the bills must agree.
            if let fault = expected.fault {
                faulty += 1
                #expect(Array(identities.prefix(expected.identities.count)) == expected.identities, "round \(round): \(fault)\n\(text)")
            } else {
                #expect(identities == expected.identities, "round \(round):\n\(text)")
            }
        }
        #expect(plain > 250 && faulty < plain / 4, "\(plain) of 400 read as plain, \(faulty) of them with a fault")
    }

    // MARK: In the first pass

    static func bills(_ count: Int) -> [String] {
        (0..<count).map { (index: Int) -> String in
            Fixture.bill.replacingOccurrences(of: "1002345678", with: String(1_002_000_000 + index))
                .replacingOccurrences(of: "2026100001", with: String(2_026_000_000 + index))
        }
    }

    /// The scan is trusted only with the libxml2 it was checked against
    /// (2.9, as built here); with any other the first pass reads with libxml2.
    @Test func theQuickScanIsUsedOnlyWithTheLibXML2ItWasCheckedAgainst() {
        #expect(XMLQuickScan.isChecked(libxml2: 20914))
        #expect(XMLQuickScan.isChecked(libxml2: 20900))
        #expect(!XMLQuickScan.isChecked(libxml2: 21001))
        #expect(!XMLQuickScan.isChecked(libxml2: 21302))
        #expect(!XMLQuickScan.isChecked(libxml2: 20814))
        #expect(XMLQuickScan.dotted(libxml2: 21302) == "2.13.2")
        #expect(XMLQuickScan.checkedAgainstLibXML2, "this machine's libxml2 is the one checked (the tests of the scan below run it)")
    }

    @Test func aPlainFileIsReadQuicklyAndItsRepeatsAreCandidates() throws {
        var bills = Self.bills(50)
        bills[49] = bills[49].replacingOccurrences(of: "2026000049", with: "2026000003")
        let pass = FirstPass(input: Fixture.file(Fixture.document(bills.joined(separator: "\n"))), format: nil)
        let candidates = pass.wait { _ in }
        #expect(pass.leftToLibXML2 == nil)
        #expect(candidates.contains(DuplicateScan.numberKey("2026000003")))
        #expect(!candidates.contains(DuplicateScan.accountKey("1002000003")))
    }

    /// A repeat only a parser can see (a character reference), found after
    /// the quick scan had read part of the file: libxml2 reads it again from
    /// the top, with a fresh filter (keys the quick scan added would
    /// otherwise all look repeated).
    @Test func aFileLeftToLibXML2HalfwayIsReadAgainFromTheTop() throws {
        var bills = Self.bills(300)
        bills[299] = bills[299].replacingOccurrences(of: "number=\"2026000299\"", with: "number=\"202600000&#53;\"")
        let input = Fixture.file(Fixture.document(bills.joined(separator: "\n")))
        let pass = FirstPass(input: input, format: .xml)
        let candidates = pass.wait { _ in }
        #expect(pass.leftToLibXML2?.contains("reference") == true)
        #expect(candidates == [DuplicateScan.numberKey("2026000005")])
        var intake = try Intake(input: input, format: .xml, shard: nil) { _ in }
        var rejected: [RejectedBill] = []
        while let (item, _) = try intake.next() {
            if case .reject(let bill)? = item { rejected.append(bill) }
        }
        #expect(rejected.map(\.position.index) == [300])
        #expect(rejected.first?.rejection.code == .duplicateNumber)
    }

    /// A fault is the second pass's: the first pass ends with the
    /// candidates before it, whichever way it read.
    @Test(arguments: [false, true])
    func aFaultEndsTheFirstPassWithTheCandidatesBeforeIt(_ plain: Bool) throws {
        var bills = Self.bills(40)
        bills[30] = bills[30].replacingOccurrences(of: "2026000030", with: "2026000007")
        if !plain { bills[0] = bills[0].replacingOccurrences(of: "account=\"1002000000\"", with: "account=\"100200000&#48;\"") }
        let text = Fixture.document(bills.joined(separator: "\n") + "\n<bill account=\"1\" <broken/>")
        let pass = FirstPass(input: Fixture.file(text), format: .xml)
        let candidates = pass.wait { _ in }
        #expect((pass.leftToLibXML2 == nil) == plain)
        #expect(candidates.contains(DuplicateScan.numberKey("2026000007")))
    }
}
