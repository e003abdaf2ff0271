import Foundation
import Testing
@testable import Fatura

/// Builds JSON Lines exports for tests.
enum JSONLinesFixture {
    static let header = #"{"bills":{"period":"2026-10","issued":"2026-11-02"}}"#

    /// `Fixture.bill` as one line.
    static let bill = #"""
    {"account":"1002345678","number":"2026100001","customer":{"language":"ar","category":"residential","name":{"ar":"محمد علي حسن","en":"Mohammed Ali Hasan"}},"address":{"flat":"12","building":"345","road":"1234","block":"356","area":{"ar":"المنامة","en":"Manama"}},"contact":{"email":"m.ali@example.com","mobile":"+97333123456","relative_email":{"address":"ali.m@example.com","relation":"son"}},"delivery":{"prefer":"email"},"period":{"from":"2026-10-01","to":"2026-10-31"},"due":"2026-11-30","meters":[{"service":"electricity","id":"E-0045123","previous":"10234","current":"11034","unit":"kWh","reading":"actual"},{"service":"water","id":"W-0098765","previous":"2345","current":"2367","unit":"m3","reading":"estimated"}],"charges":[{"code":"ELEC_TIER1","service":"electricity","quantity":"800","unit":"kWh","rate":"0.003","amount":"2.400"},{"code":"WATER_TIER1","service":"water","quantity":"22","unit":"m3","rate":"0.025","amount":"0.550"},{"code":"MUNICIPAL","amount":"3.000"},{"code":"VAT","rate":"0.10","amount":"0.595"}],"balance":{"previous":"5.000","payments":"5.000"},"total":"6.545","history":[{"service":"electricity","months":[{"period":"2025-10","quantity":"780"},{"period":"2025-11","quantity":"612"}]},{"service":"water","months":[{"period":"2025-10","quantity":"21"}]}]}
    """#

    /// `Fixture.bill` with another account and number.
    static func bill(_ n: Int) -> String {
        bill.replacingOccurrences(of: "1002345678", with: String(1_002_345_678 + n)).replacingOccurrences(of: "2026100001", with: "X\(n)")
    }

    static func document(_ lines: String..., lineEnd: String = "\n") -> String {
        ([header] + lines).map { $0 + lineEnd }.joined()
    }

    static func reader(_ text: String) throws -> JSONLinesBillReader {
        try JSONLinesBillReader(path: Fixture.file(text, name: "bills.jsonl"))
    }

    static func check(_ text: String) throws -> [Result<Bill, RejectedBill>] {
        try InputFixture.check(try reader(text))
    }

    static func checkOne(_ line: String) throws -> Result<Bill, RejectedBill> {
        let results = try check(document(line))
        precondition(results.count == 1)
        return results[0]
    }

    static func inputError(_ text: String) -> InputError? {
        InputFixture.inputError(Fixture.file(text, name: "bills.jsonl"), format: .jsonl)
    }
}

@Suite("The JSON Lines reader: one bill per line, the same trees as XML")
struct JSONLinesBillReaderTests {
    @Test func theFixtureBillIsTheXMLBill() throws {
        let jsonl = try #require(try JSONLinesFixture.reader(JSONLinesFixture.document(JSONLinesFixture.bill)).next())
        let xml = try #require(try XMLBillReader(path: Fixture.file(Fixture.document(Fixture.bill))).next())
        #expect(InputFixture.canonical(jsonl.record) == InputFixture.canonical(xml.record))
        #expect(jsonl.position == SourcePosition(line: 2, index: 1))
        #expect(try JSONLinesFixture.checkOne(JSONLinesFixture.bill).bill?.total.fils == 6545)
    }

    @Test func theHeaderLineIsRead() throws {
        let reader = try JSONLinesFixture.reader("\u{FEFF}\n  \n" + #"{"bills":{"issued":"2026-11-02","period":"2026-10"}}"# + "\r\n")
        #expect(reader.header == BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
        #expect(try reader.next() == nil)
    }

    @Test(arguments: [
        (JSONLinesFixture.bill, "batch header"),
        (#"{"bills":{"period":"2026-10"}}"#, "issued"),
        (#"{"bills":{"period":"2026-13","issued":"2026-11-02"}}"#, "period"),
        (#"{"bills":{"period":"2026-10","issued":"2026-11-02","lang":"ar"}}"#, "lang"),
        (#"{"bills":{"period":202610,"issued":"2026-11-02"}}"#, "must be a string"),
        (#"{"bills":{"period":"2026-10","issued":"2026-11-02"},"x":1}"#, "batch header"),
    ])
    func aBadHeaderStops(line: String, mentions: String) throws {
        let error = try #require(JSONLinesFixture.inputError(line + "\n" + JSONLinesFixture.bill + "\n"))
        #expect(error.kind == .notABillExport)
        #expect(error.line == 1)
        #expect(error.message.contains(mentions))
    }

    @Test func anEmptyFileStops() throws {
        for text in ["", "\n\n", "\u{FEFF}"] {
            let error = try #require(JSONLinesFixture.inputError(text))
            #expect(error.kind == .notABillExport)
            #expect(error.message.contains("empty"))
        }
        let late = try #require(JSONLinesFixture.inputError("\n" + JSONLinesFixture.bill + "\n"))
        #expect(late.line == 2)
        #expect(late.message.contains("batch header"))
    }

    @Test func aHeaderThatIsNotJSONStopsWithLineAndColumn() throws {
        let error = try #require(JSONLinesFixture.inputError("\n" + #"{"bills":{"period":"2026-10" "issued":"2026-11-02"}}"# + "\n"))
        #expect(error.kind == .malformed)
        #expect(error.line == 2)
        #expect(error.column == 30)
    }

    @Test func aSyntaxErrorRejectsItsLineWithTheColumnAndTheRunGoesOn() throws {
        let broken = JSONLinesFixture.bill(2).replacingOccurrences(of: #""due":"2026-11-30","#, with: #""due":"2026-11-30" "#)
        let column = broken[..<broken.range(of: #" "meters""#)!.lowerBound].unicodeScalars.count + 2
        let text = JSONLinesFixture.document(JSONLinesFixture.bill(1), broken, "", JSONLinesFixture.bill(3), "{\"account\":", "[1,2]", "  ")
        let results = try JSONLinesFixture.check(text)
        #expect(results.map(\.code) == [nil, .malformedRecord, nil, .malformedRecord, .malformedRecord])
        guard case .failure(let rejected) = results[1] else { return }
        #expect(rejected.position == SourcePosition(line: 3, index: 2))
        #expect(rejected.account == nil)
        #expect(rejected.rejection.message.hasPrefix("line 3, column \(column): JSON syntax error"), "\(rejected.rejection.message)")
        // The blank line 4 is skipped but counted.
        if case .success(let bill) = results[2] { #expect(bill.account == "1002345681") }
        if case .failure(let cut) = results[3] {
            #expect(cut.position == SourcePosition(line: 6, index: 4))
            #expect(cut.rejection.message.contains("column 12"))
        }
        if case .failure(let array) = results[4] {
            #expect(array.rejection.message.contains("must be a JSON object"))
        }
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let line = #"{"customer":{"name":{"ar":"محمد"}} "total":"1"}"#
        guard case .failure(let rejected) = try JSONLinesFixture.checkOne(line) else { Issue.record("accepted"); return }
        #expect(rejected.rejection.message.contains("column 36"), "\(rejected.rejection.message)")
    }

    @Test(arguments: [
        #"{"account":"1","x":1,}"#, #"{'account':'1'}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"\x"}"#,
        #"{"a":"\ud800"}"#, "{\"a\":\"tab\there\"}", #"{"a":tru}"#, #"{"a":1} x"#, #"{"a":+1}"#, #"{"a":.5}"#,
    ])
    func strictJSON(line: String) throws {
        #expect(try JSONLinesFixture.checkOne(line).code == .malformedRecord)
    }

    @Test func anUnknownKeyIsAnUnknownElement() throws {
        for (from, to) in [
            (#""due":"#, #""dew":"#),
            (#""flat":"12""#, #""flat":"12","floor":"3""#),
            (#""months":["#, #""month":["#),
            (#""relation":"son""#, #""relation":"son","since":"2020""#),
            (#""code":"MUNICIPAL""#, #""code":"MUNICIPAL","colour":"red""#),
            (#""meters":"#, #""meter":"#),
        ] {
            let line = JSONLinesFixture.bill.replacingOccurrences(of: from, with: to)
            let result = try JSONLinesFixture.checkOne(line)
            #expect(result.code == .unknownElement, "\(to)")
            if case .failure(let rejected) = result {
                #expect(rejected.account == "1002345678")
                #expect(rejected.rejection.message.hasPrefix("line 2, column "), "\(rejected.rejection.message)")
            }
        }
        // A second header line is a bill with an unknown key.
        #expect(try JSONLinesFixture.checkOne(JSONLinesFixture.header).code == .unknownElement)
    }

    @Test func repeatedKeysAreRepeatedElements() throws {
        let twoTotals = JSONLinesFixture.bill.replacingOccurrences(of: #""total":"6.545""#, with: #""total":"6.545","total":"6.545""#)
        #expect(try JSONLinesFixture.checkOne(twoTotals).code == .duplicateElement)
        let twoArabicNames = JSONLinesFixture.bill.replacingOccurrences(of: #""en":"Mohammed Ali Hasan""#, with: #""ar":"Mohammed Ali Hasan""#)
        #expect(try JSONLinesFixture.checkOne(twoArabicNames).code == .duplicateElement)
        let twoAccounts = JSONLinesFixture.bill.replacingOccurrences(of: #""number":"#, with: #""account":"1","number":"#)
        #expect(try JSONLinesFixture.checkOne(twoAccounts).code == .malformedRecord)
        let french = JSONLinesFixture.bill.replacingOccurrences(of: #""en":"Mohammed Ali Hasan""#, with: #""fr":"Mohammed Ali Hasan""#)
        #expect(try JSONLinesFixture.checkOne(french).code == .invalidName)
    }

    @Test func valuesOfTheWrongTypeAreMalformed() throws {
        for changes in [
            [(#""total":"6.545""#, #""total":{"value":"6.545"}"#)],
            [(#""due":"2026-11-30""#, #""due":true"#)],
            [(#""name":{"ar":"محمد علي حسن","en":"Mohammed Ali Hasan"}"#, #""name":"Mohammed""#)],
            [(#""customer":{"#, #""customer":[{"#), (#"},"address""#, #"}],"address""#)],
            [(#""meters":["#, #""meters":{"all":["#), (#"],"charges""#, #"]},"charges""#)],
        ] {
            let line = changes.reduce(JSONLinesFixture.bill) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            let result = try JSONLinesFixture.checkOne(line)
            #expect(result.code == .malformedRecord, "\(changes)")
            if case .failure(let rejected) = result {
                #expect(rejected.rejection.message.contains(" must be "), "\(rejected.rejection.message)")
            }
        }
    }

    @Test func nullIsAbsent() throws {
        let line = JSONLinesFixture.bill
            .replacingOccurrences(of: #""balance":{"previous":"5.000","payments":"5.000"}"#, with: #""balance":null"#)
            .replacingOccurrences(of: #""email":"m.ali@example.com""#, with: #""email":null"#)
        let bill = try #require(try JSONLinesFixture.checkOne(line).bill)
        #expect(bill.contact.email == nil)
        #expect(bill.previousBalance == .zero)
    }

    @Test func amountsAreStringsKeptExactly() throws {
        let record = try #require(try JSONLinesFixture.reader(JSONLinesFixture.document(JSONLinesFixture.bill)).next()).record
        #expect(record.children.filter { $0.name == "charge" }.map { $0.attribute("amount") } == ["2.400", "0.550", "3.000", "0.595"])
        #expect(record.children.first { $0.name == "total" }?.text == "6.545")
        // A JSON number is kept as its exact source text, never a binary double.
        let numbers = JSONLinesFixture.bill
            .replacingOccurrences(of: #""amount":"2.400""#, with: #""amount":2.40"#)
            .replacingOccurrences(of: #""total":"6.545""#, with: #""total":6.545"#)
        let numbered = try #require(try JSONLinesFixture.reader(JSONLinesFixture.document(numbers)).next()).record
        #expect(numbered.children.first { $0.name == "charge" }?.attribute("amount") == "2.40")
        #expect(try JSONLinesFixture.checkOne(numbers).bill?.total.fils == 6545)
        // 0.1 + 0.2 in binary floating point; 2.4e0 has an exponent: both break the amount rule.
        let float = JSONLinesFixture.bill.replacingOccurrences(of: #""amount":"2.400""#, with: #""amount":2.4000000000000004"#)
        #expect(try JSONLinesFixture.checkOne(float).code == .invalidAmount)
        let exponent = JSONLinesFixture.bill.replacingOccurrences(of: #""amount":"2.400""#, with: #""amount":2.4e0"#)
        #expect(try JSONLinesFixture.checkOne(exponent).code == .invalidAmount)
    }

    @Test func escapesAreDecoded() throws {
        let line = JSONLinesFixture.bill.replacingOccurrences(of: "Mohammed Ali Hasan", with: #"O'Neill \u0026 \"Sons\" \ud83d\ude00 \u0645"#)
        #expect(try JSONLinesFixture.checkOne(line).bill?.customer.name.en == "O'Neill & \"Sons\" 😀 م")
    }

    @Test func crlfLinesAndALastLineWithoutLineEnd() throws {
        let text = JSONLinesFixture.document(JSONLinesFixture.bill(1), lineEnd: "\r\n") + JSONLinesFixture.bill(2)
        let records = try InputFixture.records(try JSONLinesFixture.reader(text))
        #expect(records.map(\.position) == [SourcePosition(line: 2, index: 1), SourcePosition(line: 3, index: 2)])
        #expect(try JSONLinesFixture.check(text).allSatisfy { $0.bill != nil })
    }

    @Test func theSampleGivesTheXMLSamplesResults() throws {
        let jsonl = try InputFixture.check(try JSONLinesBillReader(path: InputFixture.sample(.jsonl)))
        let xml = try InputFixture.check(try XMLBillReader(path: InputFixture.sample(.xml)))
        #expect(jsonl.map(\.code) == xml.map(\.code))
        #expect(jsonl.map(\.bill?.total) == xml.map(\.bill?.total))
    }
}
