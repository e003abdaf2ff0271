import Testing
@testable import Fatura

@Suite("Money: the contract's decimal form, exact in fils")
struct MoneyTests {
    @Test(arguments: [
        ("2.4", 2400), ("2.400", 2400), ("-1.250", -1250), ("0", 0), ("3", 3000),
        ("-0.001", -1), ("0.001", 1), ("999999.999", 999_999_999), ("-999999.999", -999_999_999),
        ("00012.5", 12500), (" 6.545\n", 6545), ("-0", 0), ("0.10", 100),
    ] as [(String, Int64)])
    func parsesValidAmounts(text: String, fils: Int64) {
        #expect(Money.parse(text) == .success(Money(fils: fils)))
    }

    @Test(arguments: [
        ("", Money.ParseFailure.empty), ("  ", .empty),
        ("1e3", .notADecimal), ("1E-3", .notADecimal), ("+1.000", .notADecimal),
        ("1,000.000", .notADecimal), ("1 000", .notADecimal), (".5", .notADecimal), ("5.", .notADecimal),
        ("1.2.3", .notADecimal), ("--1", .notADecimal), ("- 1", .notADecimal), ("0x10", .notADecimal),
        ("NaN", .notADecimal), ("Infinity", .notADecimal), ("١٢", .notADecimal), ("-", .notADecimal),
        ("1.0001", .tooManyFractionDigits), ("2.4000", .tooManyFractionDigits),
        ("1000000", .tooLarge), ("1000000.000", .tooLarge), ("-1000000.000", .tooLarge),
        ("99999999999999999999999999", .tooLarge),
    ] as [(String, Money.ParseFailure)])
    func rejectsInvalidAmounts(text: String, failure: Money.ParseFailure) {
        #expect(Money.parse(text) == .failure(failure))
    }

    @Test func writesTheContractForm() {
        #expect(Money(fils: 6545).contractText == "6.545")
        #expect(Money(fils: -1250).contractText == "-1.250")
        #expect(Money(fils: 5).contractText == "0.005")
        #expect(Money(fils: 0).contractText == "0.000")
    }

    @Test func sumsExactlyWhereBinaryFloatingPointDrifts() {
        // 0.1 + 0.2 is not 0.3 in Double; in fils it is.
        let sum = (try! Money.parse("0.1").get()) + (try! Money.parse("0.2").get())
        #expect(sum == (try! Money.parse("0.3").get()))
    }
}

@Suite("Dates and billing months")
struct CalendarDateTests {
    @Test(arguments: ["2026-10-01", "2024-02-29", "2000-02-29", " 2026-12-31 ", "0001-01-01"])
    func acceptsRealDays(text: String) {
        #expect(CalendarDate(text) != nil)
    }

    @Test(arguments: ["2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                      "2026-10-00", "2026-1-01", "26-10-01", "2026-10-01T00:00", "2026/10/01", "", "0000-01-01"])
    func rejectsOthers(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func months() {
        #expect(BillingMonth("2026-10")?.description == "2026-10")
        #expect(BillingMonth("2026-13") == nil)
        #expect(BillingMonth("2026-1") == nil)
        #expect(BillingMonth("2026-10-01") == nil)
        #expect(BillingMonth("2026-01")!.adding(months: -1).description == "2025-12")
    }

    @Test func countsDaysInclusive() {
        #expect(CalendarDate.daysInclusive(from: CalendarDate("2026-10-01")!, to: CalendarDate("2026-10-31")!) == 31)
        #expect(CalendarDate.daysInclusive(from: CalendarDate("2024-02-01")!, to: CalendarDate("2024-03-01")!) == 30)
        #expect(CalendarDate.daysInclusive(from: CalendarDate("2025-12-31")!, to: CalendarDate("2026-01-01")!) == 2)
    }

    /// XML white space (space, tab, CR, LF) is trimmed from both ends, and
    /// nothing else (a no-break space, an Arabic letter), for strings and
    /// substrings and UTF-8 alike, as a character-by-character reference does.
    @Test func xmlSpaceIsTrimmedFromBothEndsOnly() {
        func reference(_ text: String) -> String {
            let xml: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
            var characters = Substring(text)
            while let first = characters.first, xml.contains(first) { characters.removeFirst() }
            while let last = characters.last, xml.contains(last) { characters.removeLast() }
            return String(characters)
        }
        let ends = ["", " ", "\t", "\n", "\r", "\r\n", " \t\n ", "\u{A0}", "\u{2028}", "x", "ب", "\u{A0} "]
        let middles = ["", "12.500", "a b", "فاتورة", " \u{A0} ", "1002345678"]
        for head in ends {
            for middle in middles {
                for tail in ends {
                    let text = head + middle + tail
                    #expect(String(ContractText.trimXMLSpace(text)) == reference(text), "\(text.debugDescription)")
                    let framed = "<" + text + ">"
                    let inner = framed.dropFirst().dropLast()
                    #expect(String(ContractText.trimXMLSpace(inner)) == reference(text), "substring \(text.debugDescription)")
                    var copy = text
                    copy.withUTF8 { bytes in
                        let trimmed = ContractText.trimXMLSpace(utf8: bytes)
                        #expect(String(decoding: trimmed, as: UTF8.self) == reference(text), "bytes \(text.debugDescription)")
                    }
                }
            }
        }
    }

}
