import Foundation
import Testing
@testable import Fatura

/// Runs any reader through the checker, and compares record trees.
enum InputFixture {
    static let samples = Fixture.packageRoot.appendingPathComponent("Samples")
    static func sample(_ format: InputFormat) -> String {
        samples.appendingPathComponent("bills-2026-10.\(format.rawValue)").path
    }

    /// Every record of `reader`, checked, in file order.
    static func check(_ reader: any BillSource) throws -> [Result<Bill, RejectedBill>] {
        var checker = BatchChecker(header: reader.header)
        var results: [Result<Bill, RejectedBill>] = []
        // Read as a run reads: flat, one record reused.
        var record = FlatRecord()
        while let position = try reader.next(into: &record) {
            results.append(checker.check(record, at: position))
        }
        return results
    }

    static func records(_ reader: any BillSource) throws -> [(record: RecordNode, position: SourcePosition)] {
        var records: [(record: RecordNode, position: SourcePosition)] = []
        while let next = try reader.next() { records.append(next) }
        return records
    }

    /// The input error reading `path` stops with, if any.
    static func inputError(_ path: String, format: InputFormat? = nil) -> InputError? {
        do {
            let reader = try InputFormat.openReader(path: path, format: format)
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    /// A record tree as text, without lines: name, lang, attributes sorted by
    /// name (XML attributes have no order), the text of leaves (a container's
    /// text is only the XML's indentation), and children, where elements of
    /// one name in several languages are put in language order (`<name
    /// xml:lang="en">` before `"ar"` in XML is the same bill).
    static func canonical(_ node: RecordNode, indent: String = "") -> String {
        var out = indent + node.name
        if let lang = node.lang { out += " lang=\(lang)" }
        for attribute in node.attributes.sorted(by: { $0.name < $1.name }) {
            out += " \(attribute.name)=\(String(reflecting: attribute.value))"
        }
        if node.children.isEmpty {
            out += " text=\(String(reflecting: node.text))"
        } else {
            let onlySpace = node.text.allSatisfy { $0.isWhitespace }
            #expect(onlySpace, "<\(node.name)> holds text beside its children")
        }
        if let fault = node.fault { out += " fault=\(fault.code.rawValue)" }
        var firstOfName: [String: Int] = [:]
        for (offset, child) in node.children.enumerated() where firstOfName[child.name] == nil {
            firstOfName[child.name] = offset
        }
        let children = node.children.enumerated().sorted { a, b in
            let groupA = a.element.lang == nil ? a.offset : firstOfName[a.element.name]!
            let groupB = b.element.lang == nil ? b.offset : firstOfName[b.element.name]!
            if groupA != groupB { return groupA < groupB }
            if a.element.lang != b.element.lang { return (a.element.lang ?? "") < (b.element.lang ?? "") }
            return a.offset < b.offset
        }
        for (_, child) in children {
            out += "\n" + canonical(child, indent: indent + "  ")
        }
        return out
    }

    /// The 1-based lines of `path` whose text satisfies `test`.
    static func lines(of path: String, where test: (Substring) -> Bool) throws -> [Int] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // "\r\n" is one Character, and a line break.
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .filter { test($0.element) }.map { $0.offset + 1 }
    }

    /// The line each bill starts on in the sample of `format`, in file order.
    static func billLines(_ format: InputFormat) throws -> [Int] {
        switch format {
        case .xml: try lines(of: sample(.xml)) { $0.contains("<bill ") }
        case .csv: try lines(of: sample(.csv)) { $0.first?.isNumber == true }
        case .jsonl: try lines(of: sample(.jsonl)) { $0.hasPrefix(#"{"account""#) }
        }
    }
}

@Suite("Input formats: detection, --format, and the three samples agree")
struct InputFormatTests {
    @Test(arguments: [
        ("<?xml version=\"1.0\"?><bills/>", "x.dat", InputFormat.xml),
        ("\u{FEFF}  \r\n\t<bills/>", "x.dat", .xml),
        (#"{"bills":{}}"#, "x.csv", .jsonl),
        ("\u{FEFF}\n\n  {\"bills\":{}}", "x.dat", .jsonl),
        ("account,number\r\n", "x.xml", .csv),
        ("\u{FEFF}account,number\n", "x.dat", .csv),
        ("\"account\",number\n", "x.dat", .csv),
        ("", "x.csv", .csv),
        ("  \n", "x.jsonl", .jsonl),
        ("", "x.ndjson", .jsonl),
        ("", "x.XML", .xml),
        ("", "x", .xml),
    ])
    func theFormatIsDetectedFromTheFirstByte(text: String, name: String, expected: InputFormat) throws {
        #expect(try InputFormat.detect(path: Fixture.file(text, name: name)) == expected)
    }

    @Test func eachSampleIsDetected() throws {
        for format in InputFormat.allCases {
            #expect(try InputFormat.detect(path: InputFixture.sample(format)) == format)
            #expect(type(of: try InputFormat.openReader(path: InputFixture.sample(format))) == {
                switch format {
                case .xml: XMLBillReader.self as any BillSource.Type
                case .csv: CSVBillReader.self
                case .jsonl: JSONLinesBillReader.self
                }
            }())
        }
    }

    @Test func aMissingFileIsUnreadableInEveryFormat() {
        for format in [nil] + InputFormat.allCases.map(Optional.some) {
            #expect(InputFixture.inputError("/nonexistent/bills.csv", format: format)?.kind == .unreadable)
        }
    }

    /// Every format is UTF-8: a sample saved as UTF-16 is refused at its
    /// first line, saying so, whether detected or named (it was taken for
    /// CSV, with "column 1 of the header row is not valid UTF-8").
    @Test(arguments: [String.Encoding.utf16, .utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian])
    func aSampleInUTF16OrUTF32IsRefusedInEveryFormat(encoding: String.Encoding) throws {
        let name = [.utf32LittleEndian, .utf32BigEndian].contains(encoding) ? "UTF-32" : "UTF-16"
        for format in InputFormat.allCases {
            let text = try String(contentsOfFile: InputFixture.sample(format), encoding: .utf8)
            let path = Fixture.file(try #require(text.data(using: encoding)), name: "bills.\(format.rawValue)")
            for named in [nil, format] {
                let error = try #require(InputFixture.inputError(path, format: named), "\(format)")
                #expect(error.kind == .notABillExport)
                #expect(error.line == 1)
                #expect(error.message.hasPrefix("the file is written in \(name)"), "\(format) \(error)")
            }
        }
    }

    @Test func aForcedFormatIsUsedAsIs() throws {
        // The JSON Lines sample read as CSV: its first line is no header of known columns.
        let asCSV = try #require(InputFixture.inputError(InputFixture.sample(.jsonl), format: .csv))
        #expect(asCSV.kind == .notABillExport)
        #expect(asCSV.line == 1)
        // The CSV sample read as JSON Lines: its first line is not JSON.
        let asJSONLines = try #require(InputFixture.inputError(InputFixture.sample(.csv), format: .jsonl))
        #expect(asJSONLines.kind == .malformed)
        #expect(asJSONLines.line == 1 && asJSONLines.column == 1)
        // The CSV sample read as XML.
        #expect(InputFixture.inputError(InputFixture.sample(.csv), format: .xml)?.kind == .malformed)
        // A CSV file whose name says otherwise is still read by its content, or as forced.
        let renamed = Fixture.file(try Data(contentsOf: URL(fileURLWithPath: InputFixture.sample(.csv))), name: "bills.xml")
        #expect(try InputFixture.check(try InputFormat.openReader(path: renamed)).count == 15)
        #expect(try InputFixture.check(try InputFormat.openReader(path: renamed, format: .csv)).count == 15)
    }

    @Test func theCommandLineTakesFormat() throws {
        let csv = InputFixture.sample(.csv)
        let detected = try FaturaBinary.run(["check", csv])
        let forced = try FaturaBinary.run(["check", "--format", "csv", csv])
        #expect(detected.status == 3, "\(detected.stderr)")
        #expect(forced.stdout == detected.stdout)
        #expect(detected.stdout.split(separator: "\n").count == 5)
        #expect(detected.stdout.hasPrefix(csv + ":12: bill 11 (account 1002345690): not-reconciled:"))
        #expect(detected.stderr.contains("15 bills: 10 accepted"))

        let wrong = try FaturaBinary.run(["check", "--format", "jsonl", csv])
        #expect(wrong.status == 65)
        #expect(wrong.stderr.contains(csv + ":1:1:"))
        let unknown = try FaturaBinary.run(["check", "--format", "yaml", csv])
        #expect(unknown.status == 64)
        // A pipe or device is read once: its format must be named (on the command line: 64).
        let piped = try FaturaBinary.run(["check", "/dev/null"])
        #expect(piped.status == 64)
        #expect(piped.stderr.contains("/dev/null is a pipe or device: its format cannot be detected; name it with --format"), "\(piped.stderr)")
        let help = try FaturaBinary.run(["render", "--help"])
        #expect(help.stdout.contains("--format") && help.stdout.contains("XML, CSV or JSON Lines"))
    }

    @Test func aFaultCarriesItsCode() throws {
        var record = RecordNode(name: "bill", line: 7, attributes: [("account", "1002345678"), ("number", "N1")])
        var name = RecordNode(name: "name", line: 9, lang: "en", text: "A")
        name.fault = "an entity reference (&x;) is not allowed"
        record.children = [name]
        var checker = BatchChecker(header: BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
        guard case .failure(let entity) = checker.check(record, at: SourcePosition(line: 7, index: 1)) else { Issue.record("accepted"); return }
        #expect(entity.rejection.code == .entityReference)
        #expect(entity.rejection.message == "<name> at line 9: an entity reference (&x;) is not allowed")
        #expect(entity.rejection.line == 9)

        record.attributes = [("account", "1002345679"), ("number", "N2")]
        record.fault = RecordNode.Fault(.malformedRecord, "line 7: the row has 3 fields but the header has 4 columns")
        guard case .failure(let malformed) = checker.check(record, at: SourcePosition(line: 7, index: 2)) else { Issue.record("accepted"); return }
        #expect(malformed.rejection.code == .malformedRecord)
        #expect(malformed.rejection.message == "line 7: the row has 3 fields but the header has 4 columns")
        #expect(malformed.account == "1002345679")
    }

    @Test func theThreeReadersBuildTheSameTrees() throws {
        let trees = try InputFormat.allCases.map { format in
            let reader = try InputFormat.openReader(path: InputFixture.sample(format), format: format)
            #expect(reader.header == BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
            return try InputFixture.records(reader)
        }
        #expect(trees[0].count == 15)
        for (format, records) in zip(InputFormat.allCases, trees).dropFirst() {
            #expect(records.count == trees[0].count, "\(format)")
            for (xml, other) in zip(trees[0], records) {
                #expect(other.position.index == xml.position.index)
                let expected = InputFixture.canonical(xml.record)
                let found = InputFixture.canonical(other.record)
                #expect(found == expected, "\(format), bill \(xml.position.index)")
            }
        }
        // Every node of a CSV or JSON Lines bill is on the bill's line.
        for records in trees.dropFirst() {
            for (record, position) in records {
                func lines(_ node: RecordNode) -> [Int] { [node.line] + node.children.flatMap(lines) }
                #expect(Set(lines(record)) == [position.line])
            }
        }
    }

    @Test func theThreeSamplesRenderIdentically() throws {
        let root = Fixture.temporaryFolder()
        var folders: [InputFormat: URL] = [:]
        for format in InputFormat.allCases {
            let out = root.appendingPathComponent(format.rawValue)
            let result = try FaturaBinary.run(["render", InputFixture.sample(format), "--out", out.path])
            #expect(result.status == 3, "\(format): \(result.stderr)")
            folders[format] = out
        }
        let xml = folders[.xml]!
        let files = try FileManager.default.subpathsOfDirectory(atPath: xml.path).sorted()
        #expect(files.filter { $0.hasPrefix("bills/") && $0.hasSuffix(".html") }.count == 10)
        #expect(files.contains("email/678/1002345678-2026-10.eml"))
        let identical = files.filter {
            ["manifest.jsonl", "sms.csv", "paper.csv"].contains($0) || $0.hasSuffix(".html") && $0.hasPrefix("bills/") || $0.hasSuffix(".eml")
        }
        #expect(identical.count == 3 + 10 + 4)

        // The physical line each rejected bill starts on, in each file.
        let rejectedIndexes = [11, 12, 13, 14, 15]
        var rejectLines: [InputFormat: [Int]] = [:]
        for format in InputFormat.allCases {
            let lines = try InputFixture.billLines(format)
            try #require(lines.count == 15, "\(format)")
            rejectLines[format] = rejectedIndexes.map { lines[$0 - 1] }
        }
        #expect(rejectLines[.csv] == [12, 13, 14, 15, 16])
        #expect(rejectLines[.jsonl] == [12, 13, 14, 15, 16])

        let xmlRejects = try Self.rejects(xml)
        for format in [InputFormat.csv, .jsonl] {
            let out = folders[format]!
            #expect(try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted() == files, "\(format)")
            for file in identical {
                let same = try Data(contentsOf: xml.appendingPathComponent(file)) == Data(contentsOf: out.appendingPathComponent(file))
                #expect(same, "\(format): \(file) differs from the XML run's")
            }
            // rejects.jsonl: everything but the line is the same; a message
            // names the line of the element at fault, which is the bill's own
            // line in CSV and JSON Lines.
            let rejects = try Self.rejects(out)
            #expect(rejects.count == xmlRejects.count)
            for (found, expected) in zip(rejects, xmlRejects) {
                #expect(found.withoutLines == expected.withoutLines, "\(format)")
            }
            #expect(rejects.map(\.line) == rejectLines[format])
            for reject in rejects {
                for line in reject.linesInMessage { #expect(line == reject.line, "\(format): \(reject.message)") }
            }
            // summary.json: the same, but for the lines of the first rejects.
            let summary = try Self.summary(out)
            let xmlSummary = try Self.summary(xml)
            #expect(summary.withoutLines == xmlSummary.withoutLines, "\(format)")
            #expect(summary.firstLines == ["due-before-issued": [rejectLines[format]![2]], "duplicate-number": [rejectLines[format]![3]],
                                           "invalid-account": [rejectLines[format]![4]], "invalid-amount": [rejectLines[format]![1]],
                                           "not-reconciled": [rejectLines[format]![0]]])
        }
        #expect(xmlRejects.map(\.line) == rejectLines[.xml])
        #expect(try Self.summary(xml).firstLines["not-reconciled"] == [rejectLines[.xml]![0]])
    }

    struct Reject {
        var line: Int
        var message: String
        var withoutLines: String
        var linesInMessage: [Int]
    }

    static func rejects(_ folder: URL) throws -> [Reject] {
        try String(contentsOf: folder.appendingPathComponent("rejects.jsonl"), encoding: .utf8).split(separator: "\n").map { text in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let line = try #require(object.removeValue(forKey: "line") as? Int)
            let message = try #require(object["message"] as? String)
            let pattern = /at line (\d+)/
            object["message"] = message.replacing(pattern, with: "at line _")
            let canonical = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            return Reject(line: line, message: message, withoutLines: canonical,
                          linesInMessage: message.matches(of: pattern).map { Int($0.output.1)! })
        }
    }

    struct Summary {
        var withoutLines: String
        var firstLines: [String: [Int]]
    }

    static func summary(_ folder: URL) throws -> Summary {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("summary.json"))) as? [String: Any])
        let firstLines = try #require(object.removeValue(forKey: "rejects_first_lines") as? [String: [Int]])
        let canonical = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        return Summary(withoutLines: canonical, firstLines: firstLines)
    }
}
