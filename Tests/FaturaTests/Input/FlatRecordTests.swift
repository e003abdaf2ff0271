import Foundation
import Testing
@testable import Fatura

@Suite("Flat records: what the checker reads")
struct FlatRecordTests {
    /// Everything a node holds, in order (attributes in document order, lines, faults).
    static func exact(_ node: RecordNode, indent: String = "") -> String {
        var out = "\(indent)<\(node.name)> line \(node.line) lang \(node.lang.map { String(reflecting: $0) } ?? "nil")"
        for attribute in node.attributes { out += " \(attribute.name)=\(String(reflecting: attribute.value))" }
        out += " text=\(String(reflecting: node.text))"
        if let fault = node.fault { out += " fault=\(fault.code.rawValue):\(String(reflecting: fault.message))" }
        for child in node.children { out += "\n" + exact(child, indent: indent + "  ") }
        return out
    }

    @Test func aTreeFlattenedAndBackIsTheSameTree() throws {
        let tree = RecordNode(name: "bill", line: 3, attributes: [("account", "1002345678"), ("number", "N-1")], lang: "en", children: [
            RecordNode(name: "customer", line: 4, attributes: [("language", "ar")], children: [
                RecordNode(name: "name", line: 5, lang: "ar", text: "محمد علي"),
                RecordNode(name: "name", line: 6, lang: "en", text: "Mohammed & <Ali>"),
            ]),
            RecordNode(name: "total", line: 7, text: ""),
            RecordNode(name: "due", line: 8, text: " 2026-11-30 ", fault: RecordNode.Fault(.malformedRecord, "broken")),
            RecordNode(name: "history", line: 9, attributes: [("service", "water")], children: (0..<3).map {
                RecordNode(name: "month", line: 10 + $0, attributes: [("period", "2026-0\($0 + 1)"), ("quantity", "\($0)")])
            }),
        ])
        let flat = FlatRecord(tree)
        #expect(Self.exact(flat.tree) == Self.exact(tree))
        #expect(flat.nodes.count == 10)
        #expect(flat.faults.count == 1)
        // A record emptied and filled again holds only the new one.
        var reused = flat
        reused.removeAll()
        reused.append(RecordNode(name: "bill", line: 1, attributes: [("account", "1")]))
        #expect(Self.exact(reused.tree) == #"<bill> line 1 lang nil account="1" text="""#)
    }

    @Test func theSamplesReadFlatAreTheTreesOfEveryFormat() throws {
        for format in InputFormat.allCases {
            let trees = try InputFixture.records(try InputFormat.openReader(path: InputFixture.sample(format), format: format))
            let reader = try InputFormat.openReader(path: InputFixture.sample(format), format: format)
            var record = FlatRecord()
            var count = 0
            while let position = try reader.next(into: &record) {
                #expect(position.index == trees[count].position.index)
                #expect(position.line == trees[count].position.line)
                #expect(Self.exact(record.tree) == Self.exact(trees[count].record), "\(format), bill \(count + 1)")
                count += 1
            }
            #expect(count == trees.count && count == 15)
        }
    }

    /// Records of every shape one after another, read into one reused record:
    /// nothing of one shows in the next (a large record before a small one,
    /// inherited languages, text beside children, skipped foreign elements).
    @Test func aReusedRecordCarriesNothingOver() throws {
        let big = Fixture.bill.replacingOccurrences(
            of: "</bill>",
            with: String(repeating: #"<charge code="X" amount="0.000"><label xml:lang="en">Extra label text</label></charge>"#, count: 40) + "</bill>")
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bills xmlns="urn:fatura:bill-data:1" xmlns:o="urn:other" xml:lang="ar" period="2026-10" issued="2026-11-02">
        \(big)
        <bill account="7" number="S">tail<o:skip a="1"><bill account="8"/>x</o:skip><due>2026-11-30</due>after</bill>
        <bill xml:lang="en" account="9"><customer><name>Plain</name><name xml:lang="ar">س</name></customer></bill>
        <bill/>
        </bills>
        """
        let path = Fixture.file(xml)
        let trees = try InputFixture.records(try XMLBillReader(path: path))
        #expect(trees.count == 4)
        let reader = try XMLBillReader(path: path)
        var record = FlatRecord()
        var exact: [String] = []
        while try reader.next(into: &record) != nil { exact.append(Self.exact(record.tree)) }
        #expect(exact == trees.map { Self.exact($0.record) })

        // What the second record is, spelled out: the root's language
        // inherited, the text beside a child dropped, the foreign element gone.
        let second = trees[1].record
        #expect(second.lang == "ar")
        #expect(second.text == "")
        #expect(second.children.map(\.name) == ["due"])
        #expect(second.children[0].text == "2026-11-30")
        #expect(second.children[0].lang == "ar")
        let third = trees[2].record
        #expect(third.children[0].lang == "en")
        #expect(third.children[0].children.map { $0.lang } == ["en", "ar"])
        #expect(trees[3].record.attributes.isEmpty && trees[3].record.children.isEmpty)
    }

    /// Bills one after another, as an export writes them: each chunk of the
    /// file completes some forty records before the first is taken, and
    /// after the first chunk nearly all are built into the emptied arrays
    /// of earlier ones (fresh arrays cost some 25 allocations a bill).
    @Test func consecutiveRecordsAreBuiltIntoReusedArrays() throws {
        let count = 400
        var bills: [String] = []
        for index in 0..<count {
            bills.append(Fixture.bill
                .replacingOccurrences(of: "2026100001", with: "C\(index)")
                .replacingOccurrences(of: "1002345678", with: "\(4_000_000 + index)"))
        }
        let xml = Fixture.root + "\n" + bills.joined(separator: "\n") + "\n</bills>\n"
        let reader = try XMLBillReader(path: Fixture.file(xml))
        var record = FlatRecord()
        var accounts: [String?] = []
        while try reader.next(into: &record) != nil {
            accounts.append(record.tree.attribute("account"))
        }
        #expect(accounts == (0..<count).map { "\(4_000_000 + $0)" })
        let perChunk = 65_536 / (xml.utf8.count / count) + 1
        #expect(reader.reusedRecords >= count - 2 * perChunk, "\(reader.reusedRecords) of \(count) records built into reused arrays")
    }

    /// Records far apart in the file, each completed in a chunk of its own,
    /// so that every record after the first few is built into the emptied
    /// arrays of an earlier one: what each holds is exactly its own.
    @Test func recordsBuiltIntoReusedArraysHoldOnlyTheirOwn() throws {
        let padding = "<!-- " + String(repeating: "p", count: 70_000) + " -->"
        var bills: [String] = []
        for index in 0..<12 {
            // Every other bill large (40 extra charges), so small ones follow large ones.
            let extra = index % 2 == 0
                ? String(repeating: #"<charge code="X" amount="0.000"><label xml:lang="en">Extra label text</label></charge>"#, count: 40)
                : ""
            bills.append(Fixture.bill
                .replacingOccurrences(of: "2026100001", with: "R\(index)")
                .replacingOccurrences(of: "1002345678", with: "\(3_000_000 + index)")
                .replacingOccurrences(of: "</bill>", with: extra + "</bill>"))
        }
        let xml = Fixture.root + "\n" + bills.joined(separator: "\n" + padding + "\n") + "\n</bills>\n"
        let path = Fixture.file(xml)
        let reader = try XMLBillReader(path: path)
        var record = FlatRecord()
        var charges: [Int] = []
        var accounts: [String?] = []
        while try reader.next(into: &record) != nil {
            let tree = record.tree
            accounts.append(tree.attribute("account"))
            charges.append(tree.children.filter { $0.name == "charge" }.count)
            #expect(record.nodes.count == 1 + tree.children.reduce(0) { $0 + 1 + $1.children.count + $1.children.reduce(0) { $0 + $1.children.count } })
        }
        #expect(reader.reusedRecords >= 10, "the records were not built into reused arrays")
        #expect(accounts == (0..<12).map { "\(3_000_000 + $0)" })
        let base = try #require(charges.last)
        #expect(charges == (0..<12).map { $0 % 2 == 0 ? base + 40 : base })
        // Checked as a run checks them: the same verdicts as each bill alone.
        let results = try Fixture.check(xml)
        #expect(results.count == 12)
        for (index, result) in results.enumerated() {
            let alone = try Fixture.checkOne(bills[index])
            #expect(result.bill?.account == alone.bill?.account && result.bill?.total == alone.bill?.total
                    && result.bill?.charges.count == alone.bill?.charges.count, "bill \(index + 1)")
            #expect(result.bill != nil, "bill \(index + 1): \(result)")
        }
    }
}
