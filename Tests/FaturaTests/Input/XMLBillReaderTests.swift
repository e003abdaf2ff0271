import Foundation
import Testing
@testable import Fatura

@Suite("The XML reader: namespaces, encodings, positions")
struct XMLBillReaderTests {
    @Test func anyPrefixBoundToTheNamespaceWorks() throws {
        let prefixed = Fixture.bill
            .replacingOccurrences(of: "<", with: "<f:").replacingOccurrences(of: "<f:/", with: "</f:")
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <f:bills xmlns:f="urn:fatura:bill-data:1" period="2026-10" issued="2026-11-02">
        \(prefixed)
        </f:bills>
        """
        let results = try Fixture.check(xml)
        #expect(results.count == 1)
        #expect(results[0].bill?.total.fils == 6545)
    }

    /// Elements of other namespaces are skipped with what they hold (an
    /// extension's metadata, say), but a `<bill>` of another namespace is not
    /// a bill to lose without a word: it is rejected, saying why.
    @Test func elementsOfOtherNamespacesAreIgnoredButNotABill() throws {
        let xml = Fixture.document(
            #"<x:bill xmlns:x="urn:other" account="1"/>"#,
            #"<meta xmlns="urn:other"><bill account="999999"/></meta>"#,
            Fixture.bill)
        let results = try Fixture.check(xml)
        #expect(results.count == 2)
        #expect(results[0].rejection?.code == .wrongNamespace)
        #expect(results[0].rejection?.message.contains(#"in namespace "urn:other""#) == true, "\(results[0])")
        #expect(results[1].bill?.account == "1002345678")
    }

    /// An exporter's `xmlns=""` on its bills (a common serializer slip) made
    /// every bill vanish: 0 bills, exit 0. Each is now a rejected bill, named
    /// by its account and number, and its number does not count as used.
    @Test func aBillInNoNamespaceIsRejectedNotLost() throws {
        let foreign = Fixture.bill.replacingOccurrences(of: "<bill ", with: #"<bill xmlns="" "#)
        let xml = Fixture.document(foreign, Fixture.bill)
        let results = try Fixture.check(xml)
        #expect(results.count == 2)
        let rejection = try #require(results[0].rejection)
        #expect(rejection.code == .wrongNamespace)
        #expect(rejection.message.contains(#"(account "1002345678", number "2026100001") is in no namespace (xmlns="")"#), "\(rejection.message)")
        #expect(results[0].rejected?.account == nil)
        // The same account and number in the contract's namespace: accepted, not a repeat.
        #expect(results[1].bill?.account == "1002345678")
    }

    /// A runaway value (a broken export's) is not kept whole: past 8 MiB of
    /// values the bill is rejected and reading goes on, memory flat.
    @Test func aBillWithValuesOverTheCapIsRejectedAndReadingGoesOn() throws {
        let second = Fixture.bill.replacingOccurrences(of: #"account="1002345678""#, with: #"account="1002345679""#)
            .replacingOccurrences(of: #"number="2026100001""#, with: #"number="2026100002""#)
        for (size, rejected) in [(8 << 20 - 4096, false), (9 << 20, true)] {
            let runaway = Fixture.bill.replacingOccurrences(of: "<name xml:lang=\"en\">", with: "<name xml:lang=\"en\">" + String(repeating: "A", count: size))
            #expect(runaway != Fixture.bill)
            let results = try Fixture.check(Fixture.document(runaway, second))
            #expect(results.count == 2)
            if rejected {
                let rejection = try #require(results[0].rejection)
                #expect(rejection.code == .malformedRecord)
                #expect(rejection.message.contains("<name> at line") && rejection.message.contains("longer than 8 MiB"), "\(rejection.message)")
            } else {
                // Under the cap, the value is read whole, and judged by the rules: too long a name.
                #expect(results[0].rejection?.code == .invalidName, "\(String(describing: results[0].rejection))")
            }
            #expect(results[1].bill?.account == "1002345679", "the next bill is read")
        }
    }

    /// Bills of the contract inside an element of another namespace
    /// (`<x:batch>`) were skipped with it, with no word: the file is now
    /// at fault there, after the bills before it, as for malformed XML.
    @Test func aContractBillInsideAnElementOfAnotherNamespaceStopsTheFile() throws {
        let wrapped = Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679").replacingOccurrences(of: "2026100001", with: "2026100002")
        let xml = Fixture.document(Fixture.bill, #"<x:batch xmlns:x="urn:other">"# + wrapped + "</x:batch>")
        let reader = try XMLBillReader(path: Fixture.file(xml))
        #expect(try reader.next()?.record.attribute("account") == "1002345678")
        do {
            _ = try reader.next()
            Issue.record("the wrapped bill should stop the reader")
        } catch {
            #expect(error.kind == .malformed)
            // The wrapper and the bill's start tag share the line after the first bill.
            let line = 3 + Fixture.bill.split(separator: "\n", omittingEmptySubsequences: false).count
            #expect(error.message.contains("a <bill> of the contract stands inside <batch> (line \(line)) of another namespace"), "\(error.message)")
            #expect(error.line == line)
        }
        // Bills of another namespace inside one are extension data, skipped as before.
        let other = Fixture.document(#"<meta xmlns="urn:other"><bill account="999999"/></meta>"#, Fixture.bill)
        #expect(try Fixture.check(other).count == 1)
    }

    /// A contract element of another namespace inside a bill (`<contact
    /// xmlns="">`) would be skipped and the bill sent another way (to paper,
    /// with its e-mail address unread): the bill is rejected instead.
    @Test func aContractElementOfAnotherNamespaceRejectsItsBill() throws {
        for (element, replaced) in [("<contact>", #"<contact xmlns="">"#), ("<delivery ", #"<delivery xmlns="urn:other" "#),
                                    ("<email>", #"<o:email xmlns:o="urn:other">"#)] {
            var bill = Fixture.bill.replacingOccurrences(of: element, with: replaced)
            if element == "<email>" { bill = bill.replacingOccurrences(of: "</email>", with: "</o:email>") }
            let result = try Fixture.checkOne(bill)
            #expect(result.rejection?.code == .wrongNamespace, "\(element)")
            #expect(result.rejection?.message.contains("<\(element.dropFirst().prefix { $0.isLetter })> at line") == true, "\(result)")
        }
    }

    @Test func crlfLineEndingsKeepLinesRight() throws {
        let xml = Fixture.document(Fixture.bill, Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679")
            .replacingOccurrences(of: "2026100001", with: "2026100002").replacingOccurrences(of: "<total>6.545", with: "<total>1"))
            .replacingOccurrences(of: "\n", with: "\r\n")
        let results = try Fixture.check(xml)
        #expect(results[0].bill != nil)
        guard case .failure(let rejected) = results[1] else {
            Issue.record("second bill should not reconcile")
            return
        }
        let billLines = Fixture.bill.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(rejected.position.line == 3 + billLines)
        #expect(rejected.position.index == 2)
        // The line of <total> itself is named in the message.
        let totalOffset = Fixture.bill.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<total>") }!
        #expect(rejected.rejection.line == 3 + billLines + totalOffset)
    }

    @Test func aByteOrderMarkIsAccepted() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data(Fixture.document(Fixture.bill).utf8))
        let reader = try XMLBillReader(path: Fixture.file(data))
        let first = try #require(try reader.next())
        #expect(first.record.attribute("account") == "1002345678")
        #expect(try reader.next() == nil)
    }

    @Test func cdataIsText() throws {
        let bill = Fixture.bill.replacingOccurrences(of: "Mohammed Ali Hasan", with: "<![CDATA[Mohammed & <Sons>]]>")
        #expect(try Fixture.checkOne(bill).bill?.customer.name.en == "Mohammed & <Sons>")
    }

    @Test func characterReferencesAreExpanded() throws {
        let bill = Fixture.bill.replacingOccurrences(of: "Mohammed Ali Hasan", with: "Mo&#104;ammed &amp; &#x645;")
        #expect(try Fixture.checkOne(bill).bill?.customer.name.en == "Mohammed & م")
    }

    @Test func linesBeyond65535AreExact() throws {
        let xml = "<?xml version=\"1.0\"?>\n" + Fixture.root + String(repeating: "\n", count: 70_000) + Fixture.bill + "\n</bills>"
        let reader = try XMLBillReader(path: Fixture.file(xml))
        let first = try #require(try reader.next())
        #expect(first.position.line == 70_002)
    }

    /// `xml:lang` on `<bills>` holds for every bill, those in the chunk the
    /// root came in (read before the header was) as well as later ones.
    @Test func theRootsLanguageIsInheritedByEveryBill() throws {
        let unmarked = Fixture.bill.replacingOccurrences(of: #"<name xml:lang="ar">"#, with: "<name>")
        #expect(unmarked != Fixture.bill)
        let filler = (0..<400).map { Fixture.bill.replacingOccurrences(of: "2026100001", with: "F\($0)")
            .replacingOccurrences(of: "1002345678", with: "\(2_000_000 + $0)") }
        let last = unmarked.replacingOccurrences(of: "2026100001", with: "LAST").replacingOccurrences(of: "1002345678", with: "3000000")
        let xml = #"<bills xmlns="urn:fatura:bill-data:1" xml:lang="ar" period="2026-10" issued="2026-11-02">"#
            + ([unmarked] + filler + [last]).joined(separator: "\n") + "</bills>\n"
        #expect(xml.utf8.count > 1 << 17, "the last bill comes in a later chunk")
        let results = try Fixture.check(xml)
        #expect(results.count == 402)
        for index in [0, 401] {
            let bill = try #require(results[index].bill, "bill \(index + 1): \(results[index])")
            #expect(bill.customer.name[.ar] == "محمد علي حسن")
        }
    }

    @Test func theHeaderIsRead() throws {
        let reader = try XMLBillReader(path: Fixture.file(Fixture.document()))
        #expect(reader.header == BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
        #expect(try reader.next() == nil)
    }
}

@Suite("Files the reader refuses: the run stops, naming where")
struct XMLReaderRefusalTests {
    @Test func malformedXMLNamesLineAndColumn() throws {
        let xml = Fixture.document(Fixture.bill.replacingOccurrences(of: "</due>", with: "</dew>"))
        let error = try #require(Fixture.inputError(xml))
        #expect(error.kind == .malformed)
        let dueLine = 3 + Fixture.bill.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("<due>") }!
        #expect(error.line == dueLine)
        #expect((error.column ?? 0) > 0)
        #expect(error.description.contains(":\(dueLine):"))
    }

    /// A fault in the file's first chunk (a small file) comes after the
    /// bills before it, as in any later chunk: `check` prints their rejects,
    /// then the fault. The reader used to stop at opening the file.
    @Test func theBillsBeforeAFaultInTheFirstChunkAreReadFirst() throws {
        let second = Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679").replacingOccurrences(of: "2026100001", with: "2026100002")
        let xml = Fixture.document(Fixture.bill.replacingOccurrences(of: "<total>6.545</total>", with: "<total>9.000</total>"),
                                   second.replacingOccurrences(of: "</due>", with: "</dew>"))
        let reader = try XMLBillReader(path: Fixture.file(xml))
        #expect(try reader.next()?.record.attribute("account") == "1002345678")
        #expect(throws: InputError.self) { try reader.next() }
        // Through the command: the first bill's reject, then the fault, in
        // that order also when both streams go to one pipe (standard output
        // is flushed before an error is written).
        let path = Fixture.file(xml)
        let result = try FaturaBinary.run(["check", path])
        #expect(result.status == 65)
        #expect(result.stdout.contains("bill 1 (account 1002345678): not-reconciled"), "\(result.stdout)")
        #expect(result.stderr.contains("dew"), "\(result.stderr)")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "\"$0\" check \"$1\" 2>&1", FaturaBinary.url.path, path]
        let pipe = Pipe()
        shell.standardOutput = pipe
        try shell.run()
        let merged = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        let reject = try #require(merged.range(of: "not-reconciled"), "\(merged)")
        let fault = try #require(merged.range(of: "dew"), "\(merged)")
        #expect(reject.lowerBound < fault.lowerBound, "\(merged)")
    }

    @Test func aTruncatedFileStops() throws {
        let xml = String(Fixture.document(Fixture.bill).dropLast(40))
        #expect(Fixture.inputError(xml)?.kind == .malformed)
    }

    @Test func anUnboundPrefixStops() {
        let xml = Fixture.document("<z:bill/>")
        #expect(Fixture.inputError(xml)?.kind == .malformed)
    }

    @Test func anUndeclaredEntityStops() {
        let xml = Fixture.document(Fixture.bill.replacingOccurrences(of: "Manama", with: "Man&nbsp;ama"))
        #expect(Fixture.inputError(xml)?.kind == .malformed)
    }

    @Test(arguments: [
        (#"<bills xmlns="urn:other" period="2026-10" issued="2026-11-02">"#, "root element"),
        (#"<bills period="2026-10" issued="2026-11-02">"#, "root element"),
        (#"<bills xmlns="urn:fatura:bill-data:1" issued="2026-11-02">"#, "period"),
        (#"<bills xmlns="urn:fatura:bill-data:1" period="2026-13" issued="2026-11-02">"#, "period"),
        (#"<bills xmlns="urn:fatura:bill-data:1" period="99999999999999999999-10" issued="2026-11-02">"#, "period"),
        (#"<bills xmlns="urn:fatura:bill-data:1" period="2026-10">"#, "issued"),
        (#"<bills xmlns="urn:fatura:bill-data:1" period="2026-10" issued="2026-02-30">"#, "issued"),
    ])
    func aWrongRootStops(root: String, mentions: String) throws {
        let error = try #require(Fixture.inputError(Fixture.document(Fixture.bill, root: root)))
        #expect(error.kind == .notABillExport)
        #expect(error.line == 2)
        #expect(error.message.contains(mentions))
    }

    @Test func aMissingFileIsUnreadable() {
        #expect(Fixture.inputError(path: "/nonexistent/bills.xml")?.kind == .unreadable)
    }

    /// Bill data is UTF-8. libxml2 obeys a declaration naming another
    /// encoding, so a Latin-1 declaration over UTF-8 bytes made every
    /// Arabic name "Ø³Ø§Ø±Ø©" on the bills sent; now the file is refused.
    @Test(arguments: ["ISO-8859-1", "windows-1256", "UTF-16", "US-ASCII"])
    func anotherDeclaredEncodingStops(encoding: String) throws {
        let xml = Fixture.document(Fixture.bill).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding='\(encoding)'")
        let path = Fixture.file(xml)
        let error = try #require(Fixture.inputError(path: path))
        #expect(error.kind == .notABillExport)
        #expect(error.line == 1)
        #expect(error.message.contains("\"\(encoding)\"") && error.message.contains("must be UTF-8"), "\(error)")
        // The first pass (which reads every export first) says the same.
        #expect(throws: error) { try XMLIdentityScan(file: path).run { _, _, _ in } }
    }

    @Test(arguments: ["utf-8", "UTF-8", "Utf-8", "UTF8", "utf8"])
    func utf8InAnyCaseIsRead(encoding: String) throws {
        let xml = Fixture.document(Fixture.bill).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"\(encoding)\"")
        #expect(Fixture.inputError(xml) == nil)
        // With a byte order mark, and with no declaration at all.
        #expect(Fixture.inputError(path: Fixture.file(Data([0xEF, 0xBB, 0xBF]) + Data(xml.utf8))) == nil)
        #expect(Fixture.inputError(String(xml.drop { $0 != "\n" }.dropFirst())) == nil)
    }

    /// With a byte order mark (`.utf16`, `.utf32`) and without one (the others).
    @Test(arguments: [String.Encoding.utf16, .utf16LittleEndian, .utf16BigEndian, .utf32, .utf32LittleEndian, .utf32BigEndian])
    func utf16AndUTF32Stop(encoding: String.Encoding) throws {
        let data = try #require(Fixture.document(Fixture.bill).data(using: encoding))
        let error = try #require(Fixture.inputError(path: Fixture.file(data)))
        #expect(error.kind == .notABillExport)
        #expect(error.message.contains("must be UTF-8"), "\(error)")
        #expect(error.message.contains([.utf32, .utf32LittleEndian, .utf32BigEndian].contains(encoding) ? "UTF-32" : "UTF-16"), "\(error)")
    }

    /// An EBCDIC export (`<?xml … encoding="IBM037"?>` in EBCDIC), which
    /// libxml2 would read as it declares.
    @Test func ebcdicStops() throws {
        let ebcdic = Data([0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40]) + Data(repeating: 0x40, count: 40)
        let error = try #require(Fixture.inputError(path: Fixture.file(ebcdic)))
        #expect(error.kind == .notABillExport && error.line == 1)
        #expect(error.message.hasPrefix("the file is written in EBCDIC"), "\(error)")
    }

    /// The whole declaration is read before it is judged: white space may
    /// push its encoding past any fixed reach (600 spaces went through, and
    /// the Arabic names were garbled), and one that never ends is refused.
    @Test func aLongDeclarationIsReadToItsEnd() throws {
        let document = Fixture.document(Fixture.bill)
        let far = document.replacingOccurrences(of: #"version="1.0" encoding="UTF-8""#,
                                                with: #"version="1.0""# + String(repeating: " ", count: 600) + #"encoding="ISO-8859-1""#)
        let error = try #require(Fixture.inputError(far))
        #expect(error.message.contains(#"names the encoding "ISO-8859-1""#), "\(error)")
        let endless = #"<?xml version="1.0""# + String(repeating: " ", count: 70_000) + #"encoding="UTF-8"?>"# + "\n" + document.drop { $0 != "\n" }.dropFirst()
        #expect(Fixture.inputError(String(endless))?.message == "the XML declaration does not end (with ?>) within the first 64 KiB of the file")
        let long = document.replacingOccurrences(of: #"version="1.0" encoding="UTF-8""#,
                                                 with: #"version="1.0""# + String(repeating: "\n", count: 3000) + #"encoding="UTF-8""#)
        #expect(Fixture.inputError(long) == nil)
    }

    /// A pipe may give the declaration a few bytes at a time: it is read on
    /// to its end before it is judged.
    @Test func aDeclarationSplitAcrossAPipesWritesIsJudgedWhole() throws {
        let rest = Fixture.document(Fixture.bill).drop { $0 != "\n" }
        let folder = Fixture.temporaryFolder()
        let tail = folder.appendingPathComponent("rest.xml")
        try Data(rest.utf8).write(to: tail)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", #"(printf '<?xml version="1.0" enc'; sleep 0.3; printf 'oding="ISO-8859-1"?>'; sleep 0.3; cat "$1") | "$0" check --format xml -"#,
                           FaturaBinary.url.path, tail.path]
        let errors = Pipe()
        shell.standardError = errors
        shell.standardOutput = FileHandle.nullDevice
        try shell.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 65, "\(said)")
        #expect(said.contains(#"/dev/stdin:1: the XML declaration names the encoding "ISO-8859-1""#), "\(said)")
    }

    @Test func anEmptyFileStops() {
        let error = Fixture.inputError("")
        #expect(error?.kind == .malformed)
        // Said plainly, not as libxml2's "Extra content at the end of the document".
        #expect(error?.message == "the file is empty: an XML export starts with <bills>", "\(String(describing: error))")
    }
}

@Suite("Hostile XML: no entity, DTD, XInclude or network is ever loaded")
struct HostileXMLTests {
    /// A file the attacks try to read; its text must never come back.
    static func secret() -> (path: String, text: String) {
        let text = "TOP-SECRET-\(UUID().uuidString)"
        return (Fixture.file(text, name: "secret.txt"), text)
    }

    @Test func externalEntitiesAreRefused() throws {
        let secret = Self.secret()
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE bills [<!ENTITY xxe SYSTEM "file://\(secret.path)">]>
        \(Fixture.root)
        \(Fixture.bill.replacingOccurrences(of: "Manama", with: "&xxe;"))
        </bills>
        """
        let error = try #require(Fixture.inputError(xml))
        #expect(error.kind == .notABillExport)
        #expect(error.message.contains("DOCTYPE"))
        #expect(!error.description.contains(secret.text))
    }

    @Test func externalParameterEntitiesAndDTDsAreRefused() throws {
        let secret = Self.secret()
        for doctype in [
            #"<!DOCTYPE bills [<!ENTITY % p SYSTEM "file://\#(secret.path)"> %p;]>"#,
            #"<!DOCTYPE bills SYSTEM "file://\#(secret.path)">"#,
            #"<!DOCTYPE bills SYSTEM "http://127.0.0.1:9/bills.dtd">"#,
        ] {
            let xml = "<?xml version=\"1.0\"?>\n\(doctype)\n" + Fixture.root + Fixture.bill + "</bills>"
            let error = try #require(Fixture.inputError(xml), "\(doctype)")
            #expect(!error.description.contains(secret.text))
            #expect(error.kind == .notABillExport || error.kind == .malformed)
        }
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        var entities = #"<!ENTITY lol "lol">"#
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE bills [\(entities)]>\n" + Fixture.root
            + Fixture.bill.replacingOccurrences(of: "Manama", with: "&lol9;") + "</bills>"
        let start = ContinuousClock.now
        let error = try #require(Fixture.inputError(xml))
        #expect(error.kind == .notABillExport)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func xincludeIsNotProcessed() throws {
        let secret = Self.secret()
        let bill = Fixture.bill.replacingOccurrences(
            of: "<total>6.545</total>",
            with: #"<total>6.545</total><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="\#(secret.path)" parse="text"/>"#)
        let reader = try XMLBillReader(path: Fixture.file(Fixture.document(bill)))
        let record = try #require(try reader.next()).record
        func texts(_ node: RecordNode) -> String { node.text + node.children.map(texts).joined() }
        #expect(!texts(record).contains(secret.text))
        #expect(try Fixture.checkOne(bill).bill != nil)
    }
}
