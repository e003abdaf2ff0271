import Testing
@testable import Fatura

@Suite("SMS encodings and parts")
struct SMSEncodingTests {
    @Test func everyASCIICharacterCostsWhatTheAlphabetSays() {
        // The ASCII table against the two sets it is made from, character by character.
        for value in 0..<0x80 {
            let scalar = Unicode.Scalar(UInt8(value))
            let expected: Int? = SMSEncoding.basic.contains(scalar) ? 1 : SMSEncoding.extensionTable.contains(scalar) ? 2 : nil
            #expect(SMSEncoding.gsm7Costs(String(scalar)) == expected.map { [$0] }, "\(value)")
        }
        #expect(SMSEncoding.gsm7Costs("a{b") == [1, 2, 1])
        #expect(SMSEncoding.gsm7Costs("a`b") == nil)
        #expect(SMSEncoding.gsm7Costs("£é€") == [1, 1, 2])
    }

    /// Measuring a message without arrays of costs gives what the costs give.
    @Test func measuringWithoutCostArraysAgreesWithTheCosts() {
        // The parts of a message of these indivisible costs, counted plainly.
        func segments(_ costs: [Int], single: Int, multi: Int) -> Int {
            guard costs.reduce(0, +) > single else { return 1 }
            var parts = 1, used = 0
            for cost in costs {
                if used + cost > multi { parts += 1; used = 0 }
                used += cost
            }
            return parts
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", " ", "{", "€", "é", "\n", "ب", "🇧🇭", "😀", "ß", "`"]
        for round in 0..<400 {
            // Half the messages in GSM-7 only, half with anything.
            let choices = round % 2 == 0 ? Array(pieces.prefix(6)) : pieces
            let text = (0..<Int.random(in: 0...480, using: &generator)).map { _ in choices.randomElement(using: &generator)! }.joined()
            let encoding = SMSEncoding(text)
            if let costs = SMSEncoding.gsm7Costs(text) {
                #expect(encoding.alphabet == .gsm7)
                #expect(encoding.units == costs.reduce(0, +))
                #expect(encoding.segments == segments(costs, single: 160, multi: 153), "\(text)")
            } else {
                let costs = text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }
                #expect(encoding.alphabet == .ucs2)
                #expect(encoding.units == costs.reduce(0, +))
                #expect(encoding.segments == segments(costs, single: 70, multi: 67), "\(text)")
            }
        }
    }

    @Test func theGSMAlphabetHas127CharactersAndTenExtensions() {
        #expect(SMSEncoding.basic.count == 127)
        #expect(SMSEncoding.extensionTable.count == 10)
    }

    @Test(arguments: [(159, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
    func gsm7Boundaries(length: Int, segments: Int) {
        let encoding = SMSEncoding(String(repeating: "a", count: length))
        #expect(encoding.alphabet == .gsm7)
        #expect(encoding.units == length)
        #expect(encoding.segments == segments)
    }

    @Test(arguments: [(69, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
    func ucs2Boundaries(length: Int, segments: Int) {
        let encoding = SMSEncoding(String(repeating: "ب", count: length))
        #expect(encoding.alphabet == .ucs2)
        #expect(encoding.units == length)
        #expect(encoding.segments == segments)
    }

    @Test func extensionCharactersCountTwo() {
        #expect(SMSEncoding(String(repeating: "€", count: 80)).units == 160)
        #expect(SMSEncoding(String(repeating: "€", count: 80)).segments == 1)
        #expect(SMSEncoding(String(repeating: "{", count: 81)).segments == 2)
        #expect(SMSEncoding("a^b|c~").units == 9)
    }

    @Test func anEscapePairIsNeverSplit() {
        // 152 septets, then an extension character: 154 would pass the
        // 153-septet part, so the pair moves whole to the second part.
        let text = String(repeating: "a", count: 152) + "[" + String(repeating: "a", count: 10)
        let encoding = SMSEncoding(text)
        #expect(encoding.units == 164)
        #expect(encoding.segments == 2)
        // Ending the first part exactly at 153: a pair at 151–152 still fits.
        let exact = String(repeating: "a", count: 151) + "]" + String(repeating: "a", count: 153)
        #expect(SMSEncoding(exact).segments == 2)
        let over = String(repeating: "a", count: 152) + "]" + String(repeating: "a", count: 152)
        #expect(SMSEncoding(over).units == 306)
        #expect(SMSEncoding(over).segments == 3)
    }

    @Test func oneCharacterOutsideGSMMakesItUCS2() {
        let english = String(repeating: "a", count: 100)
        #expect(SMSEncoding(english).segments == 1)
        #expect(SMSEncoding(english + "\u{A0}").alphabet == .ucs2)
        #expect(SMSEncoding(english + "ç").alphabet == .ucs2, "ç is not GSM-7 (Ç is)")
        #expect(SMSEncoding(english + "Ç").alphabet == .gsm7)
        #expect(SMSEncoding(english + "ب").segments == 2)
    }

    @Test func emojiTakeTwoUnitsAndAreNeverSplit() {
        #expect(SMSEncoding("😀").units == 2)
        #expect(SMSEncoding(String(repeating: "😀", count: 35)).segments == 1)
        #expect(SMSEncoding(String(repeating: "😀", count: 35) + "a").segments == 2)
        // 66 units, then a surrogate pair: 68 would pass 67, so it moves whole.
        let text = String(repeating: "ب", count: 66) + "😀" + String(repeating: "ب", count: 10)
        #expect(SMSEncoding(text).units == 78)
        #expect(SMSEncoding(text).segments == 2)
        let split = String(repeating: "ب", count: 66) + "😀" + String(repeating: "ب", count: 66)
        #expect(SMSEncoding(split).units == 134)
        #expect(SMSEncoding(split).segments == 3)
    }

    @Test func emptyIsOnePart() {
        #expect(SMSEncoding("").segments == 1)
    }
}

@Suite("SMS composition")
struct SMSComposerTests {
    static let link = "https://b.example.bh/QAAH33GI4UHQ1vaYC0y0jQAz"

    func message(_ change: (inout Bill) -> Void, link: String = Self.link,
                 maxParts: [Language: Int] = SMSComposer.defaultMaxParts) throws(SMSError) -> SMSMessage {
        var bill = SampleBills.accepted[1].bill
        change(&bill)
        let view = SMSView(bill: bill, link: link, formatter: SampleBills.templateSet.resources[bill.customer.language].formatter)
        return try SMSComposer(maxParts: maxParts).compose(view, library: SampleBills.templateSet.library)
    }

    @Test func englishFitsOneGSMPart() throws {
        let sms = try message { $0.customer.language = .en }
        #expect(sms.template == "sms.en")
        #expect(sms.encoding.alphabet == .gsm7)
        #expect(sms.encoding.segments == 1)
        #expect(sms.text.contains("BHD 36.480"), "no-break spaces become spaces")
        #expect(sms.text.contains("30 November 2026"))
        #expect(sms.text.hasSuffix(Self.link))
        #expect(!sms.text.contains("&amp;"), "text templates do not escape")
    }

    @Test func arabicFitsTwoUCS2Parts() throws {
        let sms = try message { $0.customer.language = .ar }
        #expect(sms.template == "sms.ar")
        #expect(sms.encoding.alphabet == .ucs2)
        #expect(sms.encoding.segments <= 2)
        #expect(sms.text.contains("30 نوفمبر، 2026"))
    }

    @Test func aMessageOverTheCeilingFallsBackToTheShortTemplate() throws {
        let longLink = "https://bills.electricity-and-water.example.bh/view/QAAH33GI4UHQ1vaYC0y0jQAz"
        let sms = try message({ $0.customer.language = .en }, link: longLink)
        #expect(sms.template == "sms-short.en")
        #expect(sms.encoding.segments == 1)
        #expect(sms.text.hasSuffix(longLink))
        let arabic = try message({ $0.customer.language = .ar }, link: longLink)
        #expect(arabic.template == "sms-short.ar")
        #expect(arabic.encoding.segments == 2)
    }

    @Test func whatCannotFitIsAClearError() {
        do {
            _ = try message({ $0.customer.language = .ar }, maxParts: [.ar: 0, .en: 0])
            Issue.record("a message of zero parts cannot fit")
        } catch {
            #expect(error.kind == .tooLong)
            #expect(error.message.contains("sms.ar needs 2"))
            #expect(error.message.contains("sms-short.ar needs 2"))
            #expect(error.message.contains("UTF-16 units, UCS-2"))
        }
    }

    @Test func csvQuotesWhatNeedsQuoting() {
        #expect(CSV.row(["a", "b,c", "say \"hi\"", "line\nbreak", "ب"]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",ب\r\n")
        // Every byte value, alone and at the end of a long text: quoted exactly for , " CR LF.
        let long = String(repeating: "فاتورة bill ", count: 30)
        for byte in UInt8(0)...0x7F {
            let text = String(decoding: [byte], as: UTF8.self)
            let special = [0x2C, 0x22, 0x0D, 0x0A].contains(byte)
            #expect(CSV.needsQuotes(text) == special, "byte \(byte)")
            #expect(CSV.needsQuotes(long + text) == special, "byte \(byte) after \(long.utf8.count) bytes")
        }
        #expect(CSV.row([long, "x"]) == long + ",x\r\n")
        #expect(CSV.row(["a\rb"]) == "\"a\rb\"\r\n")
    }
}

@Suite("SMS values")
struct SMSValueTests {
    /// No-break spaces become plain ones, found in the UTF-8, as the
    /// scalar-by-scalar rule does: at the ends, side by side, beside Arabic
    /// (whose letters and digits share bytes with them), and none.
    @Test func noBreakSpacesBecomePlainOnes() {
        func reference(_ text: String) -> String {
            var scalars = String.UnicodeScalarView()
            for scalar in text.unicodeScalars { scalars.append(scalar == "\u{A0}" || scalar == "\u{202F}" ? " " : scalar) }
            return String(scalars)
        }
        let pieces = ["", "\u{A0}", "\u{202F}", "\u{2009}", " ", "6.545", "BHD", "د.ب.", "٠٫٥٤٥", "ؠ", "\u{C2}", "€", "😀", "\u{A0}\u{202F}"]
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let text = first + second + third
                    #expect(SMSView.plainSpaces(text) == reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
                }
            }
        }
    }
}
