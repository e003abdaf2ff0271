import Testing
@testable import Fatura

/// One case per contract rule: a change to the valid fixture bill, and the
/// code it must be rejected with (nil: it must be accepted).
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var replace: [(String, String)]
    var expected: BillRejection.Code?

    init(_ name: String, _ replace: [(String, String)], _ expected: BillRejection.Code?) {
        self.name = name
        self.replace = replace
        self.expected = expected
    }

    init(_ name: String, _ old: String, _ new: String, _ expected: BillRejection.Code?) {
        self.init(name, [(old, new)], expected)
    }

    var testDescription: String { "\(name) → \(expected?.rawValue ?? "accepted")" }

    var bill: String {
        var text = Fixture.bill
        for (old, new) in replace {
            precondition(text.contains(old), "fixture has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }
}

let twentyFiveMonths = (1...25).map { #"<month period="\#(BillingMonth(year: 2024, month: 1)!.adding(months: $0 - 1))" quantity="1"/>"# }.joined()
let twentyFourMonths = (1...24).map { #"<month period="\#(BillingMonth(year: 2024, month: 1)!.adding(months: $0 - 1))" quantity="1"/>"# }.joined()
let waterHistory = #"<month period="2025-10" quantity="21"/>"#

@Suite("Contract rules, one by one")
struct ContractRuleTests {
    static let cases: [RuleCase] = [
        RuleCase("the fixture", [], nil),
        // bill/@account
        RuleCase("account of 6 digits", #"account="1002345678""#, #"account="100234""#, nil),
        RuleCase("account of 12 digits", #"account="1002345678""#, #"account="100234567890""#, nil),
        RuleCase("account of 5 digits", #"account="1002345678""#, #"account="10023""#, .invalidAccount),
        RuleCase("account of 13 digits", #"account="1002345678""#, #"account="1002345678901""#, .invalidAccount),
        RuleCase("account with a letter", #"account="1002345678""#, #"account="10023456A8""#, .invalidAccount),
        RuleCase("account in Arabic-Indic digits", #"account="1002345678""#, #"account="١٠٠٢٣٤٥٦٧٨""#, .invalidAccount),
        RuleCase("no account", #"account="1002345678" "#, "", .missingAttribute),
        // bill/@number
        RuleCase("number of 32", #"number="2026100001""#, #"number="\#(String(repeating: "A-9", count: 10))xy""#, nil),
        RuleCase("number of 33", #"number="2026100001""#, #"number="\#(String(repeating: "A", count: 33))""#, .invalidNumber),
        RuleCase("number with underscore", #"number="2026100001""#, #"number="2026_1""#, .invalidNumber),
        RuleCase("number with a space", #"number="2026100001""#, #"number="2026 1""#, .invalidNumber),
        RuleCase("empty number", #"number="2026100001""#, #"number="""#, .invalidNumber),
        RuleCase("no number", #" number="2026100001""#, "", .missingAttribute),
        // customer
        RuleCase("language en", #"language="ar""#, #"language="en""#, nil),
        RuleCase("language fr", #"language="ar""#, #"language="fr""#, .invalidLanguage),
        RuleCase("category agricultural", "residential", "agricultural", nil),
        RuleCase("category military", "residential", "military", .invalidCategory),
        RuleCase("only an English name", #"<name xml:lang="ar">محمد علي حسن</name>"#, "", nil),
        RuleCase("no name", [(#"<name xml:lang="ar">محمد علي حسن</name>"#, ""), (#"<name xml:lang="en">Mohammed Ali Hasan</name>"#, "")], .missingElement),
        RuleCase("no customer", [(#"<name xml:lang="ar">محمد علي حسن</name>"#, ""), (#"<name xml:lang="en">Mohammed Ali Hasan</name>"#, ""), (#"<customer language="ar" category="residential">"#, ""), ("</customer>", "")], .missingElement),
        RuleCase("name in French", #"<name xml:lang="en">"#, #"<name xml:lang="fr">"#, .invalidName),
        // A language tag's primary subtag, as xml:lang (BCP 47) has it.
        RuleCase("names in ar-BH and en-GB", [(#"<name xml:lang="ar">"#, #"<name xml:lang="ar-BH">"#), (#"<name xml:lang="en">"#, #"<name xml:lang="EN-gb">"#)], nil),
        RuleCase("name in fr-BH", #"<name xml:lang="en">"#, #"<name xml:lang="fr-BH">"#, .invalidName),
        RuleCase("name in an ar- look-alike", #"<name xml:lang="en">"#, #"<name xml:lang="arb">"#, .invalidName),
        RuleCase("name without xml:lang", #"<name xml:lang="en">"#, "<name>", .invalidName),
        RuleCase("two Arabic names", #"<name xml:lang="en">Mohammed Ali Hasan"#, #"<name xml:lang="ar">Mohammed Ali Hasan"#, .duplicateElement),
        RuleCase("name of 200 characters", "Mohammed Ali Hasan", String(repeating: "م", count: 200), nil),
        RuleCase("name of 201 characters", "Mohammed Ali Hasan", String(repeating: "م", count: 201), .invalidName),
        // An empty name is absent (the other language's is shown); only empty names are none.
        RuleCase("empty name", "Mohammed Ali Hasan", "  ", nil),
        RuleCase("only empty names", [("محمد علي حسن", ""), ("Mohammed Ali Hasan", " ")], .invalidName),
        // A name wrapped over lines, or with a tab, is the same name with a space.
        RuleCase("name with a line break", "Mohammed Ali Hasan", "Mohammed&#10;   Ali", nil),
        RuleCase("name with a tab", "Mohammed Ali Hasan", "Mohammed&#9;Ali", nil),
        RuleCase("name with a C1 control", "Mohammed Ali Hasan", "Mohammed\u{85}Ali", .invalidName),
        // address
        RuleCase("no address", [("<flat>12</flat><building>345</building><road>1234</road><block>356</block>", ""), (#"<area xml:lang="ar">المنامة</area><area xml:lang="en">Manama</area>"#, ""), ("<address>", ""), ("</address>", "")], nil),
        RuleCase("long address code", "<flat>12</flat>", "<flat>\(String(repeating: "1", count: 21))</flat>", .invalidAddress),
        RuleCase("empty address code", "<flat>12</flat>", "<flat/>", nil),
        RuleCase("empty area", "المنامة</area>", "</area>", nil),
        RuleCase("two flats", "<flat>12</flat>", "<flat>12</flat><flat>13</flat>", .duplicateElement),
        RuleCase("unknown address part", "<flat>12</flat>", "<floor>2</floor>", .unknownElement),
        // contact
        RuleCase("no contact at all", [("<email>m.ali@example.com</email>", ""), ("<mobile>+97333123456</mobile>", ""), (#"<relative-email relation="son">ali.m@example.com</relative-email>"#, "")], nil),
        // A bad address is not a rejection: the bill goes another way (RoutingAroundABadAddressTests).
        RuleCase("bad e-mail", "m.ali@example.com", "m.ali@", nil),
        RuleCase("e-mail with a header injection", "m.ali@example.com", "m.ali@example.com&#13;&#10;Bcc: x@example.com", nil),
        RuleCase("two e-mails", "<email>m.ali@example.com</email>", "<email>m.ali@example.com</email><email>b@example.com</email>", .duplicateElement),
        RuleCase("8-digit mobile", "+97333123456", "33123456", nil),
        RuleCase("7-digit mobile", "+97333123456", "3312345", .invalidMobile),
        RuleCase("Bahraini E.164 too short", "+97333123456", "+9733312345", .invalidMobile),
        // Spaces and hyphens between the digits, as people write numbers, are left out.
        RuleCase("mobile with spaces", "+97333123456", "+973 3312 3456", nil),
        RuleCase("mobile with hyphens", "+97333123456", "3312-3456", nil),
        RuleCase("mobile with a hyphen at its end", "+97333123456", "33123456-", .invalidMobile),
        RuleCase("mobile with a slash", "+97333123456", "3312/3456", .invalidMobile),
        RuleCase("bad relative e-mail", "ali.m@example.com", "ali.m at example.com", nil),
        // Made one space: no line break reaches a header.
        RuleCase("relation with a line break", #"relation="son""#, #"relation="son&#10;Bcc: x""#, nil),
        RuleCase("relation with another control", #"relation="son""#, #"relation="son&#133;x""#, .invalidRelation),
        RuleCase("empty relation", #"relation="son""#, #"relation="""#, nil),
        RuleCase("empty e-mail", "<email>m.ali@example.com</email>", "<email></email>", nil),
        RuleCase("empty mobile", "<mobile>+97333123456</mobile>", "<mobile> </mobile>", nil),
        // Empty optional attributes are absent too: the default, not a rejection.
        RuleCase("empty prefer", #"prefer="email""#, #"prefer="""#, nil),
        RuleCase("empty category", #"category="residential""#, #"category=" ""#, nil),
        RuleCase("empty language", #"language="ar""#, #"language="""#, nil),
        RuleCase("empty meter unit", #"unit="kWh" reading="actual""#, #"unit="" reading="""#, nil),
        RuleCase("empty charge quantity", #"quantity="800""#, #"quantity="""#, nil),
        RuleCase("empty balance", #"<balance previous="5.000" payments="5.000"/>"#, #"<balance previous="" payments=" "/>"#, nil),
        RuleCase("an empty name, then another in its language", #"<name xml:lang="en">Mohammed Ali Hasan</name>"#, #"<name xml:lang="en"></name><name xml:lang="en">Dup</name>"#, .duplicateElement),
        RuleCase("a meter id with a tab", #"id="E-0045123""#, #"id="E-00&#9;45123""#, .invalidMeter),
        // delivery
        RuleCase("prefer paper", #"prefer="email""#, #"prefer="paper""#, nil),
        RuleCase("prefer fax", #"prefer="email""#, #"prefer="fax""#, .invalidDelivery),
        // period and due
        RuleCase("one-day period", #"to="2026-10-31""#, #"to="2026-10-01""#, nil),
        RuleCase("period ends before it starts", #"to="2026-10-31""#, #"to="2026-09-30""#, .invalidPeriod),
        RuleCase("period to 2026-02-30", #"to="2026-10-31""#, #"to="2026-02-30""#, .invalidPeriod),
        // Twenty digits overflow a 64-bit year: rejected, not a crash of the whole run.
        RuleCase("period from a 20-digit year", #"from="2026-10-01""#, #"from="99999999999999999999-10-01""#, .invalidPeriod),
        RuleCase("history month of a 20-digit year", #"period="2025-10""#, #"period="99999999999999999999-10""#, .invalidHistory),
        RuleCase("period without from", #"from="2026-10-01" "#, "", .missingAttribute),
        RuleCase("no period", #"<period from="2026-10-01" to="2026-10-31"/>"#, "", .missingElement),
        RuleCase("due on the issue date", "<due>2026-11-30</due>", "<due>2026-11-02</due>", nil),
        RuleCase("due the day before issue", "<due>2026-11-30</due>", "<due>2026-11-01</due>", .dueBeforeIssued),
        RuleCase("due 2026-11-31", "<due>2026-11-30</due>", "<due>2026-11-31</due>", .invalidDue),
        RuleCase("no due", "<due>2026-11-30</due>", "", .missingElement),
        // meter
        RuleCase("no meters", [(#"<meter service="electricity" id="E-0045123" previous="10234" current="11034" unit="kWh" reading="actual"/>"#, ""), (#"<meter service="water" id="W-0098765" previous="2345" current="2367" unit="m3" reading="estimated"/>"#, "")], nil),
        RuleCase("meter previous = current", #"previous="10234" current="11034""#, #"previous="10234" current="10234""#, nil),
        RuleCase("meter previous > current", #"previous="10234" current="11034""#, #"previous="11035" current="11034""#, .invalidMeter),
        RuleCase("meter reading not whole", #"current="11034""#, #"current="11034.5""#, .invalidMeter),
        RuleCase("meter reading negative", #"previous="10234""#, #"previous="-1""#, .invalidMeter),
        RuleCase("meter of gas", #"<meter service="electricity""#, #"<meter service="gas""#, .invalidMeter),
        RuleCase("meter unit litre", #"unit="m3" reading="estimated""#, #"unit="L" reading="estimated""#, .invalidMeter),
        RuleCase("meter reading guessed", #"reading="estimated""#, #"reading="guessed""#, .invalidMeter),
        RuleCase("meter without id", #" id="E-0045123""#, "", .missingAttribute),
        // charge
        RuleCase("charge with labels", #"<charge code="MUNICIPAL" amount="3.000"/>"#, #"<charge code="MUNICIPAL" amount="3.000"><label xml:lang="en">Municipal</label><label xml:lang="ar">بلدية</label></charge>"#, nil),
        RuleCase("no charge", [(#"<charge code="ELEC_TIER1" service="electricity" quantity="800" unit="kWh" rate="0.003" amount="2.400"/>"#, ""), (#"<charge code="WATER_TIER1" service="water" quantity="22" unit="m3" rate="0.025" amount="0.550"/>"#, ""), (#"<charge code="MUNICIPAL" amount="3.000"/>"#, ""), (#"<charge code="VAT" rate="0.10" amount="0.595"/>"#, ""), ("<total>6.545</total>", "<total>0</total>")], .missingElement),
        RuleCase("charge code in lower case", #"code="MUNICIPAL""#, #"code="municipal""#, .invalidCharge),
        RuleCase("charge without amount", #"<charge code="MUNICIPAL" amount="3.000"/>"#, #"<charge code="MUNICIPAL"/>"#, .missingAttribute),
        RuleCase("charge amount with exponent", #"amount="3.000""#, #"amount="3e0""#, .invalidAmount),
        RuleCase("charge rate not a number", #"rate="0.10""#, #"rate="ten percent""#, .invalidCharge),
        RuleCase("charge of gas service", #"<charge code="MUNICIPAL""#, #"<charge code="MUNICIPAL" service="gas""#, .invalidCharge),
        RuleCase("two labels in one language", #"<charge code="MUNICIPAL" amount="3.000"/>"#, #"<charge code="MUNICIPAL" amount="3.000"><label xml:lang="en">A</label><label xml:lang="en">B</label></charge>"#, .duplicateElement),
        // balance and total
        RuleCase("no balance", #"<balance previous="5.000" payments="5.000"/>"#, "", nil),
        RuleCase("balance with payments only", [(#"<balance previous="5.000" payments="5.000"/>"#, #"<balance payments="1.000"/>"#), ("<total>6.545</total>", "<total>5.545</total>")], nil),
        RuleCase("balance with a thousands separator", #"previous="5.000""#, #"previous="5,000""#, .invalidAmount),
        RuleCase("credit total", [(#"payments="5.000""#, #"payments="20.000""#), ("<total>6.545</total>", "<total>-8.455</total>")], nil),
        RuleCase("total with four decimals", "<total>6.545</total>", "<total>6.5450</total>", .invalidAmount),
        RuleCase("total of a million", "<total>6.545</total>", "<total>1000000.000</total>", .invalidAmount),
        RuleCase("no total", "<total>6.545</total>", "", .missingElement),
        RuleCase("two totals", "<total>6.545</total>", "<total>6.545</total><total>6.545</total>", .duplicateElement),
        RuleCase("total off by one fil", "<total>6.545</total>", "<total>6.544</total>", .notReconciled),
        RuleCase("arrears unpaid, reconciled", [(#"payments="5.000""#, #"payments="0""#), ("<total>6.545</total>", "<total>11.545</total>")], nil),
        RuleCase("payments ignored in the total", #"payments="5.000""#, #"payments="4.000""#, .notReconciled),
        // history
        RuleCase("24 months of history", waterHistory, twentyFourMonths, nil),
        RuleCase("25 months of history", waterHistory, twentyFiveMonths, .invalidHistory),
        RuleCase("a month twice", waterHistory, waterHistory + waterHistory, .invalidHistory),
        RuleCase("history month 2026-13", #"period="2025-10" quantity="21""#, #"period="2026-13" quantity="21""#, .invalidHistory),
        RuleCase("history quantity not whole", #"quantity="21""#, #"quantity="2.1""#, .invalidHistory),
        RuleCase("two histories of water", #"<history service="water">"#, #"<history service="electricity">"#, .duplicateElement),
        // structure
        RuleCase("an unknown element", "<total>6.545</total>", "<total>6.545</total><notes>hi</notes>", .unknownElement),
        RuleCase("an element of another namespace", "<total>6.545</total>", #"<total>6.545</total><x:notes xmlns:x="urn:other"><bill/></x:notes>"#, nil),
        RuleCase("a contract element of no namespace", "<contact>", #"<contact xmlns="">"#, .wrongNamespace),
        RuleCase("a contract element of another namespace", "<total>6.545</total>", #"<x:total xmlns:x="urn:other">6.545</x:total>"#, .wrongNamespace),
        RuleCase("markup inside a name", "Mohammed Ali Hasan", "Mo<b>ham</b>med", .unknownElement),
        RuleCase("markup inside the total", "<total>6.545</total>", "<total><b>6.545</b></total>", .unknownElement),
        RuleCase("a comment inside the total", "<total>6.545</total>", "<total>6.<!-- fils -->545</total>", nil),
        RuleCase("an element inside a period", #"<period from="2026-10-01" to="2026-10-31"/>"#, #"<period from="2026-10-01" to="2026-10-31"><x/></period>"#, .unknownElement),
        RuleCase("values with white space around them", "<total>6.545</total>", "<total>\n  6.545\n</total>", nil),
        RuleCase("names with xml:lang inherited", [(#"<customer language="ar" category="residential">"#, #"<customer language="ar" category="residential" xml:lang="ar">"#), (#"<name xml:lang="ar">"#, "<name>")], nil),
    ]

    /// A name or relation an exporter wrapped over lines (or tabbed) is the
    /// same text with one space, so no line break reaches a header or an
    /// SMS; runs of spaces alone stay as written. An empty contact is
    /// absent, as an empty CSV cell is: the bill goes by the next channel
    /// instead of being rejected and reaching no one.
    @Test func wrappedTextIsOneSpaceAndEmptyContactsAreAbsent() throws {
        let wrapped = Fixture.bill.replacingOccurrences(of: "Mohammed Ali Hasan", with: "Mohammed&#10;      Ali&#9; Hasan  Jr")
            .replacingOccurrences(of: #"relation="son""#, with: #"relation="son&#13;&#10;Bcc: x""#)
        let bill = try #require(try Fixture.checkOne(wrapped).bill)
        #expect(bill.customer.name.en == "Mohammed Ali Hasan  Jr")
        #expect(bill.contact.relation == "son Bcc: x")
        let noEmail = Fixture.bill.replacingOccurrences(of: "<email>m.ali@example.com</email>", with: "<email/>")
            .replacingOccurrences(of: #"<delivery prefer="email"/>"#, with: "")
        let routed = try #require(try Fixture.checkOne(noEmail).bill)
        #expect(routed.contact.email == nil)
        #expect(Router.route(routed.contact, prefer: nil).channel == .sms)
    }

    @Test(arguments: cases)
    func rule(_ rule: RuleCase) throws {
        let result = try Fixture.checkOne(rule.bill)
        if let expected = rule.expected {
            #expect(result.code == expected, "\(result)")
            if case .failure(let rejected) = result {
                #expect(rejected.position.index == 1)
                #expect(rejected.position.line == 3)
                #expect(!rejected.rejection.message.isEmpty)
            }
        } else {
            #expect(result.bill != nil, "\(result)")
        }
    }
}

@Suite("How a bill's structure is reported")
struct StructureMessageTests {
    /// The line of the fixture's first line holding `text` (the bill starts on line 3).
    static func line(of text: String) -> Int {
        3 + Fixture.bill.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }!
    }

    static func message(_ old: String, _ new: String) throws -> String? {
        guard case .failure(let rejected) = try Fixture.checkOne(Fixture.bill.replacingOccurrences(of: old, with: new)) else { return nil }
        return rejected.rejection.message
    }

    /// A reading or rate that is only too long says so; it was called
    /// "not a whole number of units" (or "not a decimal number").
    @Test func aNumberWithTooManyDigitsSaysSo() throws {
        let meter = Self.line(of: "E-0045123")
        #expect(try Self.message(#"current="11034""#, #"current="1000000000000000""#)
            == #"<meter> at line \#(meter): current "1000000000000000" has 16 digits, more than the 15 a reading or quantity may have"#)
        #expect(try Self.message(#"current="11034""#, #"current="11034.5""#)
            == #"<meter> at line \#(meter): current "11034.5" is not a whole number of units"#)
        let charge = Self.line(of: "ELEC_TIER1")
        #expect(try Self.message(#"rate="0.003""#, #"rate="-0.000000000000000001""#)
            == #"<charge> at line \#(charge): rate "-0.000000000000000001" has 19 digits, more than the 18 a rate or quantity may have"#)
        for bad in ["1e3", "0.", ".5", "1.2.3", "+1"] {
            #expect(try Self.message(#"rate="0.003""#, #"rate="\#(bad)""#)
                == #"<charge> at line \#(charge): rate "\#(bad)" is not a decimal number"#)
        }
    }

    @Test func aMissingOnceOnlyElementIsNamed() throws {
        #expect(try Self.message("<due>2026-11-30</due>", "") == "the bill has no <due>, which is required")
        #expect(try Self.message("<total>6.545</total>", "") == "the bill has no <total>, which is required")
        #expect(try Self.message(#"<period from="2026-10-01" to="2026-10-31"/>"#, "") == "the bill has no <period>, which is required")
    }

    @Test func aRepeatedOnceOnlyElementNamesBothLines() throws {
        let due = Self.line(of: "<due>")
        #expect(try Self.message("<due>2026-11-30</due>", "<due>2026-11-30</due><due>2026-11-30</due>")
            == "<due> at line \(due) repeats the one at line \(due); a bill has at most one")
        // The first problem in document order is the one reported: here the repeated <due>, not the unknown element after it.
        #expect(try Self.message("<due>2026-11-30</due>", "<due>2026-11-30</due><due>2026-11-30</due><fax/>")
            == "<due> at line \(due) repeats the one at line \(due); a bill has at most one")
        #expect(try Self.message("<due>2026-11-30</due>", "<fax/><due>2026-11-30</due><due>2026-11-30</due>")
            == "<fax> at line \(due) is not part of a bill in the contract")
    }

    @Test func aRepeatedAddressPartOrContactIsNamed() throws {
        let flat = Self.line(of: "<flat>")
        #expect(try Self.message("<flat>12</flat>", "<flat>12</flat><flat>13</flat>") == "<flat> at line \(flat) appears twice in <address>")
        let mobile = Self.line(of: "<mobile>")
        #expect(try Self.message("<mobile>", "<mobile>33123457</mobile><mobile>")?.hasPrefix("<mobile> at line \(mobile) appears twice in <contact>") == true)
    }

    /// Numbers and dates are parsed from the attribute's bytes in the
    /// record, without a string; a rejection still quotes the value as
    /// written (white space and all) and names its element and line.
    @Test func aBadNumberOrDateIsQuotedAsWritten() throws {
        let meter = Self.line(of: #"previous="10234""#)
        #expect(try Self.message(#"previous="10234""#, #"previous=" 10,234""#)
            == #"<meter> at line \#(meter): previous " 10,234" is not a whole number of units"#)
        let months = Self.line(of: #"quantity="21""#)
        #expect(try Self.message(#"period="2025-10" quantity="21""#, #"period="2025-1O" quantity="21""#)
            == #"<month> at line \#(months): period "2025-1O" is not a month YYYY-MM"#)
        #expect(try Self.message(#"period="2025-10" quantity="21""#, #"period="2025-10" quantity="2.1""#)
            == #"<month> at line \#(months): quantity "2.1" is not a whole number of units"#)
        let charge = Self.line(of: #"amount="3.000""#)
        #expect(try Self.message(#"amount="3.000""#, #"amount="3,000""#)?.hasPrefix(#"<charge> MUNICIPAL at line \#(charge): amount: "3,000" is not a decimal amount"#) == true)
        let balance = Self.line(of: "<balance")
        #expect(try Self.message(#"payments="5.000""#, #"payments="5.0001""#)
            == #"<balance> at line \#(balance): payments: "5.0001" has more than three fraction digits"#)
        let period = Self.line(of: "<period ")
        #expect(try Self.message(#"to="2026-10-31""#, #"to="2026-10-32""#)
            == #"<period> at line \#(period): to: "2026-10-32" is not a real date in the form YYYY-MM-DD"#)
        // Surrounding XML white space is allowed, as for every value.
        #expect(try Self.message(#"previous="10234""#, "previous=\"\t10234 \"") == nil)
    }

    @Test func aRepeatedHistoryMonthIsNamed() throws {
        let months = Self.line(of: #"quantity="21""#)
        let message = try Self.message(#"<month period="2025-10" quantity="21"/>"#, #"<month period="2025-10" quantity="21"/><month period="2025-10" quantity="2"/>"#)
        #expect(message == "<month> at line \(months): period 2025-10 appears twice in the water history")
    }
}

@Suite("What an accepted bill holds")
struct AcceptedBillTests {
    @Test func theFixtureBillReadsExactly() throws {
        let bill = try #require(try Fixture.checkOne(Fixture.bill).bill)
        #expect(bill.account == "1002345678")
        #expect(bill.number == "2026100001")
        #expect(bill.month.description == "2026-10")
        #expect(bill.customer.language == .ar)
        #expect(bill.customer.category == .residential)
        #expect(bill.customer.name.ar == "محمد علي حسن")
        #expect(bill.customer.name.en == "Mohammed Ali Hasan")
        #expect(bill.address?.area.en == "Manama")
        #expect(bill.address?.flat == "12")
        #expect(bill.contact.mobile?.e164 == "+97333123456")
        #expect(bill.contact.relation == "son")
        #expect(bill.preferredChannel == .email)
        #expect(bill.periodDays == 31)
        #expect(bill.meters.map(\.consumption) == [800, 22])
        #expect(bill.meters[1].reading == .estimated)
        #expect(bill.charges.map(\.amount.fils) == [2400, 550, 3000, 595])
        #expect(bill.charges[0].rate?.text == "0.003")
        #expect(bill.total.fils == 6545)
        #expect(bill.arrears == .zero)
        #expect(bill.history.map(\.months.count) == [2, 1])
    }

    @Test func languageDefaultsToArabic() throws {
        let bill = try #require(try Fixture.checkOne(Fixture.bill.replacingOccurrences(of: #"language="ar" "#, with: "")).bill)
        #expect(bill.customer.language == .ar)
    }

    @Test func bidiControlsAreStrippedAndJoinersKept() throws {
        let name = "\u{202E}Evil\u{202C} Name\u{2066}\u{2069} \u{200D}ZWJ\u{200C}ZWNJ"
        let bill = try #require(try Fixture.checkOne(Fixture.bill.replacingOccurrences(of: "Mohammed Ali Hasan", with: name)).bill)
        #expect(bill.customer.name.en == "Evil Name \u{200D}ZWJ\u{200C}ZWNJ")
    }

    @Test func meterUnitAndReadingDefault() throws {
        let bill = try #require(try Fixture.checkOne(Fixture.bill.replacingOccurrences(of: #" unit="m3" reading="estimated""#, with: "")).bill)
        #expect(bill.meters[1].unit == .m3)
        #expect(bill.meters[1].reading == .actual)
    }
}

/// The contract sets no form for `email` and `relative-email`: a bill whose
/// address cannot be used was rejected, and reached nobody though it might
/// have a mobile number. It goes by the next channel instead, saying why.
@Suite("A bad e-mail address: the bill goes another way")
struct RoutingAroundABadAddressTests {
    static func routed(_ bill: String) throws -> (route: Route, instead: (channel: Channel, why: String)?) {
        let checked = try #require(try Fixture.checkOne(bill).bill)
        return Router.routeNaming(checked.contact, prefer: checked.preferredChannel)
    }

    @Test func aBadOwnAddressGoesBySMSThenTheRelativeThenPaper() throws {
        let bad = Fixture.bill.replacingOccurrences(of: "m.ali@example.com", with: "n/a")
        let sms = try Self.routed(bad)
        #expect(sms.route == Route(channel: .sms, recipient: "+97333123456"))
        #expect(sms.instead?.channel == .email)
        #expect(sms.instead?.why == #"<email> at line \#(StructureMessageTests.line(of: "<email>")): "n/a" is not a plain e-mail address (local@domain.tld)"#)
        let relative = try Self.routed(bad.replacingOccurrences(of: "<mobile>+97333123456</mobile>", with: ""))
        #expect(relative.route == Route(channel: .relativeEmail, recipient: "ali.m@example.com"))
        #expect(relative.instead?.channel == .email)
        let paper = try Self.routed(bad.replacingOccurrences(of: "<mobile>+97333123456</mobile>", with: "")
            .replacingOccurrences(of: "ali.m@example.com", with: "ali.m at example.com"))
        #expect(paper.route == Route(channel: .paper, recipient: nil))
        #expect(paper.instead?.channel == .email, "named for the channel it would have gone by first")
    }

    /// An injected header is never written: the address is not used at all.
    @Test func anAddressWithAHeaderInItIsNotUsed() throws {
        let routed = try Self.routed(Fixture.bill.replacingOccurrences(of: "m.ali@example.com", with: "m.ali@example.com&#13;&#10;Bcc: x@example.com"))
        #expect(routed.route.channel == .sms)
        #expect(routed.instead?.channel == .email)
    }

    /// A bad address the bill would not have gone by changes nothing.
    @Test func aBadAddressNotNeededIsNoReroute() throws {
        let relative = try Self.routed(Fixture.bill.replacingOccurrences(of: "ali.m@example.com", with: "bad"))
        #expect(relative.route == Route(channel: .email, recipient: "m.ali@example.com"))
        #expect(relative.instead == nil)
        let preferred = try Self.routed(Fixture.bill.replacingOccurrences(of: "m.ali@example.com", with: "bad")
            .replacingOccurrences(of: #"<delivery prefer="email"/>"#, with: #"<delivery prefer="sms"/>"#))
        #expect(preferred.route.channel == .sms)
        #expect(preferred.instead == nil)
    }

    /// `prefer` naming the channel of the bad address: the bill goes by the
    /// routing order, and says which channel it was meant for.
    @Test func aPreferredChannelWithABadAddressIsNamed() throws {
        let routed = try Self.routed(Fixture.bill.replacingOccurrences(of: "ali.m@example.com", with: "bad")
            .replacingOccurrences(of: #"<delivery prefer="email"/>"#, with: #"<delivery prefer="relative-email"/>"#))
        #expect(routed.route.channel == .email)
        #expect(routed.instead?.channel == .relativeEmail)
    }
}

@Suite("Rules across the file")
struct BatchRuleTests {
    @Test func aDuplicateNumberRejectsTheLaterBill() throws {
        let second = Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679")
        let results = try Fixture.check(Fixture.document(Fixture.bill, second))
        #expect(results[0].bill != nil)
        #expect(results[1].code == .duplicateNumber)
    }

    @Test func aDuplicateAccountRejectsTheLaterBill() throws {
        let second = Fixture.bill.replacingOccurrences(of: "2026100001", with: "2026100002")
        let results = try Fixture.check(Fixture.document(Fixture.bill, second))
        #expect(results[0].bill != nil)
        #expect(results[1].code == .duplicateAccount)
    }

    /// Every bill's number and account count as used, whatever it is
    /// rejected for, a repeated number or account included. A bill rejected
    /// for its repeated number used to leave its account free, so a later
    /// bill of that account went out where, after a bill rejected for any
    /// other reason, it was rejected.
    @Test func aNumberOrAccountIsUsedWhateverItsBillIsRejectedFor() throws {
        func bill(_ account: String, _ number: String, reconciled: Bool = true) -> String {
            Fixture.bill.replacingOccurrences(of: "1002345678", with: account).replacingOccurrences(of: "2026100001", with: number)
                .replacingOccurrences(of: "<total>6.545</total>", with: reconciled ? "<total>6.545</total>" : "<total>6.546</total>")
        }
        // Rejected for its number, then for not reconciling: a later bill of its account is rejected alike.
        for second in [bill("1002345679", "N1"), bill("1002345679", "N2", reconciled: false)] {
            let results = try Fixture.check(Fixture.document(bill("1002345678", "N1"), second, bill("1002345679", "N3")))
            #expect(results[2].code == .duplicateAccount, "\(second)")
        }
        // Rejected for its account: a later bill of its number is rejected.
        let results = try Fixture.check(Fixture.document(bill("1002345678", "N1"), bill("1002345678", "N2"), bill("1002345677", "N2")))
        #expect(results.map(\.code) == [nil, .duplicateAccount, .duplicateNumber])
        // A bill repeating both is named for its number, the first rule.
        let both = try Fixture.check(Fixture.document(bill("1002345678", "N1"), bill("1002345678", "N1")))
        #expect(both.map(\.code) == [nil, .duplicateNumber])
    }

    @Test func aRejectedBillDoesNotStopTheOthers() throws {
        let bad = Fixture.bill.replacingOccurrences(of: "<total>6.545</total>", with: "<total>6.546</total>")
            .replacingOccurrences(of: "1002345678", with: "1002345677").replacingOccurrences(of: "2026100001", with: "X1")
        let good = Fixture.bill.replacingOccurrences(of: "1002345678", with: "1002345679").replacingOccurrences(of: "2026100001", with: "X2")
        let results = try Fixture.check(Fixture.document(Fixture.bill, bad, good))
        #expect(results.map { $0.code } == [nil, .notReconciled, nil])
        if case .failure(let rejected) = results[1] {
            #expect(rejected.position.index == 2)
            #expect(rejected.account == "1002345677")
        }
    }

    @Test func anElementOtherThanBillIsARejectedRecord() throws {
        let results = try Fixture.check(Fixture.document("<invoice/>", Fixture.bill))
        #expect(results.map { $0.code } == [.unknownElement, nil])
    }
}

@Suite("A bill's children by name")
struct ChildKindTests {
    /// Each child element of a bill is known by its name, and only by it:
    /// not by a name one letter off, of another length, or of another case.
    @Test func eachChildIsKnownByItsNameAlone() {
        for kind in BillChecker.ChildKind.allCases {
            #expect(BillChecker.ChildKind(kind.name) == kind, "\(kind.name)")
            let name = kind.name
            var near = [name + "s", String(name.dropLast()), name.uppercased(), " " + name, String(name.dropFirst())]
            near.append(String(name.first!) + String(repeating: "x", count: name.count - 1))
            for other in near {
                #expect(BillChecker.ChildKind(other) == nil, "\(other)")
            }
        }
        for other in ["", "c", "d", "name", "month", "label", "bill", "contacts", "customer\u{0}", "dues", "deliver", "chargé"] {
            #expect(BillChecker.ChildKind(other) == nil, "\(other)")
        }
    }
}
