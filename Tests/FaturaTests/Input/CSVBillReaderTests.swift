import Foundation
import Testing
@testable import Fatura

/// Builds CSV exports for tests: the columns of the README's layout and the
/// bill of `Fixture.bill`, one row per bill.
enum CSVFixture {
    static let columns = """
        account,number,language,category,name_ar,name_en,flat,building,road,block,area_ar,area_en,\
        email,mobile,relative_email,relation,prefer,period_from,period_to,due,\
        meter1_service,meter1_id,meter1_previous,meter1_current,meter1_unit,meter1_reading,\
        meter2_service,meter2_id,meter2_previous,meter2_current,meter2_unit,meter2_reading,\
        charge1_code,charge1_service,charge1_quantity,charge1_unit,charge1_rate,charge1_amount,charge1_label_ar,charge1_label_en,\
        charge2_code,charge2_service,charge2_quantity,charge2_unit,charge2_rate,charge2_amount,charge2_label_ar,charge2_label_en,\
        charge3_code,charge3_amount,charge4_code,charge4_rate,charge4_amount,\
        balance_previous,balance_payments,total,history1_service,history1_months,history2_service,history2_months,period,issued
        """.split(separator: ",").map(String.init)

    /// The values of `Fixture.bill`.
    static let bill: [String: String] = [
        "account": "1002345678", "number": "2026100001", "language": "ar", "category": "residential",
        "name_ar": "محمد علي حسن", "name_en": "Mohammed Ali Hasan",
        "flat": "12", "building": "345", "road": "1234", "block": "356", "area_ar": "المنامة", "area_en": "Manama",
        "email": "m.ali@example.com", "mobile": "+97333123456", "relative_email": "ali.m@example.com", "relation": "son",
        "prefer": "email", "period_from": "2026-10-01", "period_to": "2026-10-31", "due": "2026-11-30",
        "meter1_service": "electricity", "meter1_id": "E-0045123", "meter1_previous": "10234", "meter1_current": "11034",
        "meter1_unit": "kWh", "meter1_reading": "actual",
        "meter2_service": "water", "meter2_id": "W-0098765", "meter2_previous": "2345", "meter2_current": "2367",
        "meter2_unit": "m3", "meter2_reading": "estimated",
        "charge1_code": "ELEC_TIER1", "charge1_service": "electricity", "charge1_quantity": "800", "charge1_unit": "kWh",
        "charge1_rate": "0.003", "charge1_amount": "2.400",
        "charge2_code": "WATER_TIER1", "charge2_service": "water", "charge2_quantity": "22", "charge2_unit": "m3",
        "charge2_rate": "0.025", "charge2_amount": "0.550",
        "charge3_code": "MUNICIPAL", "charge3_amount": "3.000", "charge4_code": "VAT", "charge4_rate": "0.10", "charge4_amount": "0.595",
        "balance_previous": "5.000", "balance_payments": "5.000", "total": "6.545",
        "history1_service": "electricity", "history1_months": "2025-10=780;2025-11=612",
        "history2_service": "water", "history2_months": "2025-10=21",
        "period": "2026-10", "issued": "2026-11-02",
    ]

    /// `Fixture.bill` with other account and number, and `changes`.
    static func bill(_ n: Int, _ changes: [String: String] = [:]) -> [String: String] {
        var values = bill
        values["account"] = String(1_002_345_678 + n)
        values["number"] = "X\(n)"
        values.merge(changes) { $1 }
        return values
    }

    /// One field, quoted when it must be (RFC 4180).
    static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func row(_ values: [String: String], columns: [String] = columns) -> String {
        columns.map { field(values[$0] ?? "") }.joined(separator: ",")
    }

    static func document(_ rows: [[String: String]], columns: [String] = columns, lineEnd: String = "\r\n") -> String {
        ([columns.joined(separator: ",")] + rows.map { row($0, columns: columns) }).map { $0 + lineEnd }.joined()
    }

    static func reader(_ text: String) throws -> CSVBillReader {
        try CSVBillReader(path: Fixture.file(text, name: "bills.csv"))
    }

    static func check(_ text: String) throws -> [Result<Bill, RejectedBill>] {
        try InputFixture.check(try reader(text))
    }

    static func inputError(_ text: String) -> InputError? {
        InputFixture.inputError(Fixture.file(text, name: "bills.csv"), format: .csv)
    }
}

@Suite("The CSV reader: RFC 4180, positions, and the same trees as XML")
struct CSVBillReaderTests {
    @Test func theFixtureBillIsTheXMLBill() throws {
        let csv = try #require(try CSVFixture.reader(CSVFixture.document([CSVFixture.bill])).next())
        let xml = try #require(try XMLBillReader(path: Fixture.file(Fixture.document(Fixture.bill))).next())
        #expect(InputFixture.canonical(csv.record) == InputFixture.canonical(xml.record))
        #expect(csv.position == SourcePosition(line: 2, index: 1))
        let bill = try #require(try CSVFixture.checkOne(CSVFixture.bill).bill)
        #expect(bill.total.fils == 6545)
        #expect(bill.history.map(\.months.count) == [2, 1])
    }

    @Test(arguments: ["\r\n", "\n"], [false, true])
    func lineEndsAndAByteOrderMark(lineEnd: String, bom: Bool) throws {
        let text = (bom ? "\u{FEFF}" : "") + CSVFixture.document([CSVFixture.bill(1), CSVFixture.bill(2)], lineEnd: lineEnd)
        let reader = try CSVFixture.reader(text)
        #expect(reader.header == BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
        let records = try InputFixture.records(reader)
        #expect(records.map(\.position) == [SourcePosition(line: 2, index: 1), SourcePosition(line: 3, index: 2)])
        #expect(records[0].record.attribute("account") == "1002345679", "the BOM is not part of the first column's name")
        #expect(try CSVFixture.check(text).allSatisfy { $0.bill != nil })
    }

    @Test func aLastRowWithoutLineEndAndEmptyLinesAreFine() throws {
        var text = CSVFixture.document([CSVFixture.bill(1)], lineEnd: "\n") + "\n\n" + CSVFixture.row(CSVFixture.bill(2))
        var records = try InputFixture.records(try CSVFixture.reader(text))
        #expect(records.map(\.position.line) == [2, 5])
        text += "\r\n"
        records = try InputFixture.records(try CSVFixture.reader(text))
        #expect(records.map(\.position.line) == [2, 5])
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let name = "Ali \"Jr\", Sons\r\nand Daughters"
        let label = "Solar,\n\"rooftop\"\ncredit"
        let text = CSVFixture.document([
            CSVFixture.bill(1, ["name_en": name, "charge2_label_en": label]),
            CSVFixture.bill(2, ["name_en": "O'Neill, \"Jr\""]),
            CSVFixture.bill(3),
        ])
        let records = try InputFixture.records(try CSVFixture.reader(text))
        // Bill 1 spans lines 2 to 5; bill 2 starts on line 6.
        #expect(records.map(\.position.line) == [2, 6, 7])
        let customer = try #require(records[0].record.children.first { $0.name == "customer" })
        #expect(customer.children.first { $0.lang == "en" }?.text == name)
        let charge = records[0].record.children.filter { $0.name == "charge" }[1]
        #expect(charge.children.map(\.text) == [label])
        #expect(charge.children.map(\.lang) == ["en"])

        let results = try CSVFixture.check(text)
        #expect(results[0].bill?.customer.name.en == "Ali \"Jr\", Sons and Daughters", "a line break in a name is one space")
        #expect(results[1].bill?.customer.name.en == "O'Neill, \"Jr\"")
        #expect(results[2].bill != nil)
    }

    @Test func aRaggedRowIsRejectedWithItsLineAndTheRunGoesOn() throws {
        var text = CSVFixture.document([CSVFixture.bill(1)])
        text += CSVFixture.row(CSVFixture.bill(2)) + ",extra\r\n"
        text += CSVFixture.row(CSVFixture.bill(3)).split(separator: ",", omittingEmptySubsequences: false).dropLast(3).joined(separator: ",") + "\r\n"
        text += CSVFixture.row(CSVFixture.bill(4)) + "\r\n"
        let results = try CSVFixture.check(text)
        #expect(results.map(\.code) == [nil, .malformedRecord, .malformedRecord, nil])
        guard case .failure(let extra) = results[1], case .failure(let short) = results[2] else { return }
        #expect(extra.position == SourcePosition(line: 3, index: 2))
        #expect(extra.rejection.message.contains("line 3"))
        #expect(extra.rejection.message.contains("\(CSVFixture.columns.count + 1) fields"))
        #expect(short.position == SourcePosition(line: 4, index: 3))
        #expect(short.rejection.message.contains("\(CSVFixture.columns.count - 3) fields but the header has \(CSVFixture.columns.count) columns"))
        // A ragged first row: the batch's period comes from the next one.
        let first = CSVFixture.document([]) + "1,2,3\r\n" + CSVFixture.row(CSVFixture.bill(1)) + "\r\n"
        #expect(try CSVFixture.check(first).map(\.code) == [.malformedRecord, nil])
    }

    @Test func anUnterminatedQuoteStopsNamingTheLineItOpensOn() throws {
        let text = CSVFixture.document([CSVFixture.bill(1), CSVFixture.bill(2, ["name_en": "Line one\nline two"])])
            + CSVFixture.row(CSVFixture.bill(3)).replacingOccurrences(of: "Mohammed Ali Hasan", with: "\"Mohammed\nAli Hasan")
            + "\r\n" + CSVFixture.row(CSVFixture.bill(4)) + "\r\n"
        // Bill 2 takes lines 3 and 4; bill 3 starts on line 5, where its quote opens.
        let error = try #require(CSVFixture.inputError(text))
        #expect(error.kind == .malformed)
        #expect(error.line == 5)
        #expect(error.message.contains("unterminated quote"))
        #expect(error.description.hasSuffix("bills.csv:5: " + error.message))
    }

    @Test func aStrayQuoteRejectsItsRowOnly() throws {
        let text = CSVFixture.document([CSVFixture.bill(1)])
            + CSVFixture.row(CSVFixture.bill(2)).replacingOccurrences(of: "Mohammed Ali Hasan", with: "Mohammed \"Ali\" Hasan") + "\r\n"
            + CSVFixture.row(CSVFixture.bill(3)).replacingOccurrences(of: "Mohammed Ali Hasan", with: "\"Mohammed\" Ali Hasan") + "\r\n"
            + CSVFixture.row(CSVFixture.bill(4)) + "\r\n"
        let results = try CSVFixture.check(text)
        #expect(results.map(\.code) == [nil, .malformedRecord, .malformedRecord, nil])
        if case .failure(let rejected) = results[1] {
            #expect(rejected.account == "1002345680")
            #expect(rejected.rejection.message.contains("name_en"))
        }
    }

    @Test(arguments: ["due", "account", "number", "period_from", "period_to", "total", "period", "issued", "charge1_code", "charge1_amount", "meter2_previous", "history1_months"])
    func aMissingRequiredColumnStopsAtTheHeader(column: String) throws {
        let columns = CSVFixture.columns.filter { $0 != column }
        let error = try #require(CSVFixture.inputError(CSVFixture.document([CSVFixture.bill], columns: columns)))
        #expect(error.kind == .notABillExport)
        #expect(error.line == 1)
        #expect(error.message.contains("no column \(column)"))
    }

    @Test(arguments: ["dew", "Due", "charge1_colour", "meter0_id", "charge01_code", "history1_month", " due", ""])
    func anUnknownColumnStopsAtTheHeader(column: String) throws {
        let columns = CSVFixture.columns + [column]
        let error = try #require(CSVFixture.inputError(CSVFixture.document([CSVFixture.bill], columns: columns)))
        #expect(error.kind == .notABillExport)
        #expect(error.line == 1)
        #expect(error.message.contains("unknown column \"\(column)\""))
    }

    @Test func aRepeatedColumnStops() throws {
        let error = try #require(CSVFixture.inputError(CSVFixture.document([CSVFixture.bill], columns: CSVFixture.columns + ["email"])))
        #expect(error.message.contains("\"email\" twice"))
    }

    @Test func emptyFilesStop() throws {
        #expect(CSVFixture.inputError("")?.kind == .notABillExport)
        let headerOnly = try #require(CSVFixture.inputError(CSVFixture.document([])))
        #expect(headerOnly.message.contains("no bill rows"))
    }

    /// One stray first row (another month, a typo) no longer takes the
    /// batch's month with it: it was the batch's, so every other row was
    /// rejected and it alone rendered. The pair most of the first rows
    /// carry is the batch's; the first seen wins a tie.
    @Test func theBatchHeaderIsThePairMostOfTheFirstRowsCarry() throws {
        let stray = CSVFixture.document([
            CSVFixture.bill(1, ["period": "2026-09"]), CSVFixture.bill(2), CSVFixture.bill(3), CSVFixture.bill(4, ["issued": "2026-11-03"]),
        ])
        #expect(try CSVFixture.reader(stray).header == BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!))
        let results = try CSVFixture.check(stray)
        #expect(results.map(\.code) == [.malformedRecord, nil, nil, .malformedRecord])
        #expect(results[0].rejection?.message.contains(#"period "2026-09" is not the batch's 2026-10 (the pair the most of the first rows carry, from line 3)"#) == true,
                "\(results[0])")
        // A first row whose period is not a month is rejected alone now, not the whole file.
        let typo = CSVFixture.document([CSVFixture.bill(1, ["period": "2026-1O"]), CSVFixture.bill(2)])
        #expect(try CSVFixture.check(typo).map(\.code) == [.malformedRecord, nil])
        // A tie: the first pair seen.
        let tie = CSVFixture.document([CSVFixture.bill(1, ["period": "2026-09"]), CSVFixture.bill(2), CSVFixture.bill(3, ["period": "2026-09"]), CSVFixture.bill(4)])
        #expect(try CSVFixture.reader(tie).header.period == BillingMonth("2026-09")!)
        // What is held while looking ahead is bounded: past the first full row, at most
        // `heldRows` rows of any shape (ragged ones, here), then the rows are read as they come.
        let ragged = CSVFixture.document([CSVFixture.bill(1, ["period": "2026-09"])]) + String(repeating: "a,b\r\n", count: CSVBillReader.heldRows)
            + CSVFixture.row(CSVFixture.bill(2)) + "\r\n" + CSVFixture.row(CSVFixture.bill(3)) + "\r\n"
        #expect(try CSVFixture.reader(ragged).header.period == BillingMonth("2026-09")!, "the one full row within the bound")
        // A fault in the file among the first rows comes after the rows before it, as a later one does.
        let unterminated = CSVFixture.document([CSVFixture.bill(1), CSVFixture.bill(2, ["total": "9"])])
            + CSVFixture.row(CSVFixture.bill(3)).replacingOccurrences(of: "Mohammed Ali Hasan", with: "\"Mohammed") + "\r\n"
        let reader = try CSVFixture.reader(unterminated)
        #expect(try reader.next()?.position.index == 1)
        #expect(try reader.next()?.position.index == 2)
        #expect(throws: InputError.self) { try reader.next() }
        // Rows past the first ones read as usual, positions and all.
        let long = CSVFixture.document((1...(CSVBillReader.headerRows + 6)).map { CSVFixture.bill($0) })
        let positions = try InputFixture.records(try CSVFixture.reader(long)).map(\.position)
        #expect(positions == (1...(CSVBillReader.headerRows + 6)).map { SourcePosition(line: $0 + 1, index: $0) })
    }

    @Test func everyRowMustAgreeWithTheBatch() throws {
        let text = CSVFixture.document([
            CSVFixture.bill(1), CSVFixture.bill(2, ["period": "2026-09"]), CSVFixture.bill(3, ["issued": "2026-11-03"]),
            CSVFixture.bill(4, ["period": ""]), CSVFixture.bill(5, ["period": " 2026-10 "]),
        ])
        let results = try CSVFixture.check(text)
        #expect(results.map(\.code) == [nil, .malformedRecord, .malformedRecord, .malformedRecord, nil])
        if case .failure(let rejected) = results[1] {
            #expect(rejected.account == "1002345680")
            #expect(rejected.rejection.message.contains("period \"2026-09\" is not the batch's 2026-10"))
        }
        let bad = try #require(CSVFixture.inputError(CSVFixture.document([CSVFixture.bill(1, ["period": "2026-13"])])))
        #expect(bad.kind == .notABillExport)
        #expect(bad.line == 2)
        #expect(bad.message.contains("period"))
    }

    @Test func amountsAreKeptAsTheirText() throws {
        let text = CSVFixture.document([CSVFixture.bill(1, ["charge1_amount": "2.4", "total": "0006.5450"])])
        let record = try #require(try CSVFixture.reader(text).next()).record
        #expect(record.children.first { $0.name == "charge" }?.attribute("amount") == "2.4")
        #expect(record.children.first { $0.name == "total" }?.text == "0006.5450")
        #expect(try CSVFixture.check(text)[0].code == .invalidAmount)
        let exact = CSVFixture.document([CSVFixture.bill(1, ["charge1_amount": "2.4", "total": " 6.545 "])])
        #expect(try CSVFixture.check(exact)[0].bill?.total.fils == 6545)
    }

    @Test func emptyCellsAreAbsentElementsAndAttributes() throws {
        let sparse = CSVFixture.bill(1, [
            "language": "", "category": "", "name_ar": "", "flat": "", "building": "", "road": "", "block": "", "area_ar": "", "area_en": "",
            "email": "", "mobile": "", "relative_email": "", "relation": "", "prefer": "",
            "meter1_service": "", "meter1_id": "", "meter1_previous": "", "meter1_current": "", "meter1_unit": "", "meter1_reading": "",
            "charge1_service": "", "charge1_quantity": "", "charge1_unit": "", "charge1_rate": "",
            "balance_previous": "", "balance_payments": "", "total": "6.545", "history1_service": "", "history1_months": "",
        ])
        let record = try #require(try CSVFixture.reader(CSVFixture.document([sparse])).next()).record
        #expect(record.children.map(\.name) == ["customer", "period", "due", "meter", "charge", "charge", "charge", "charge", "total", "history"])
        #expect(record.children[0].attributes.isEmpty)
        #expect(record.children[4].attributes.map(\.name) == ["code", "amount"])
        let bill = try #require(try CSVFixture.checkOne(sparse).bill)
        #expect(bill.address == nil)
        #expect(bill.customer.language == .ar)
        #expect(bill.meters.count == 1)
        // A relation without an address is a relative e-mail without one, as in XML: absent.
        let relation = try #require(try CSVFixture.checkOne(CSVFixture.bill(1, ["relative_email": ""])).bill)
        #expect(relation.contact.relativeEmail == nil && relation.contact.relation == nil)
    }

    @Test func historyMonthsInTheirCompactForm() throws {
        func months(_ text: String) throws -> [RecordNode] {
            let text = CSVFixture.document([CSVFixture.bill(1, ["history1_months": text])])
            return try #require(try CSVFixture.reader(text).next()).record.children.first { $0.name == "history" }!.children
        }
        #expect(try months("2025-10=780;2025-11=612").map { $0.attributes.map(\.value) } == [["2025-10", "780"], ["2025-11", "612"]])
        #expect(try months(";2025-10=780;").count == 1)
        #expect(try months("2025-10").map { $0.attributes.map(\.name) } == [["period"]])
        #expect(try CSVFixture.checkOne(CSVFixture.bill(1, ["history1_months": "2025-10"])).code == .missingAttribute)
        #expect(try CSVFixture.checkOne(CSVFixture.bill(1, ["history1_months": "2025-10=780;2025-10=1"])).code == .invalidHistory)
        let many = (1...25).map { String(format: "%04d-%02d=1", 2020 + $0 / 12, $0 % 12 + 1) }.joined(separator: ";")
        #expect(try CSVFixture.checkOne(CSVFixture.bill(1, ["history1_months": many])).code == .invalidHistory)
        #expect(try CSVFixture.checkOne(CSVFixture.bill(1, ["history2_service": "electricity"])).code == .duplicateElement)
        #expect(try CSVFixture.checkOne(CSVFixture.bill(1, ["history2_service": "gas"])).code == .invalidHistory)
    }

    @Test func numberedGroupsMayHaveGapsAndAnyCount() throws {
        let columns = ["account", "number", "name_en", "period_from", "period_to", "due", "total", "period", "issued",
                       "charge7_code", "charge7_amount", "charge12_code", "charge12_amount", "charge12_label_en"]
        let values = ["account": "1002345678", "number": "N1", "name_en": "A", "period_from": "2026-10-01", "period_to": "2026-10-31",
                      "due": "2026-11-30", "total": "3.000", "period": "2026-10", "issued": "2026-11-02",
                      "charge7_code": "MUNICIPAL", "charge7_amount": "1.000", "charge12_code": "OTHER", "charge12_amount": "2.000",
                      "charge12_label_en": "Other; \"fees\", and more"]
        let bill = try #require(try CSVFixture.check(CSVFixture.document([values], columns: columns))[0].bill)
        #expect(bill.charges.map(\.code) == ["MUNICIPAL", "OTHER"])
        #expect(bill.charges[1].label.en == "Other; \"fees\", and more")
    }

    @Test func aRowThatIsNotUTF8IsRejected() throws {
        var data = Data(CSVFixture.document([CSVFixture.bill(1)]).utf8)
        data.append(Data(CSVFixture.row(CSVFixture.bill(2)).replacingOccurrences(of: "Manama", with: "Man@ma").utf8))
        let at = data.lastRange(of: Data("@".utf8))!
        data.replaceSubrange(at, with: [0xFF])
        data.append(Data("\r\n".utf8))
        let results = try InputFixture.check(try CSVBillReader(path: Fixture.file(data, name: "bills.csv")))
        #expect(results.map(\.code) == [nil, .malformedRecord])
    }

    @Test func theSampleGivesTheXMLSamplesResults() throws {
        let csv = try InputFixture.check(try CSVBillReader(path: InputFixture.sample(.csv)))
        let xml = try InputFixture.check(try XMLBillReader(path: InputFixture.sample(.xml)))
        #expect(csv.map(\.code) == xml.map(\.code))
        #expect(csv.map(\.bill?.total) == xml.map(\.bill?.total))
    }
}

extension CSVFixture {
    static func checkOne(_ values: [String: String]) throws -> Result<Bill, RejectedBill> {
        let results = try check(document([values]))
        precondition(results.count == 1)
        return results[0]
    }
}
