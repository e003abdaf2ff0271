import Foundation
import Testing
@testable import Fatura

@Suite("E-mail messages")
struct MailTests {
    static let bilingualSubject =
        "فاتورة الكهرباء والماء لشهر أكتوبر 2026 · Electricity and water bill, October 2026 · account 1002345678"
    static let arabic = "عزيزي المشترك، فاتورتك لشهر أكتوبر 2026 جاهزة. المبلغ المستحق: 12.345 د.ب"
    /// Monday 2 November 2026, 08:00 UTC.
    static let billDate = Date(timeIntervalSince1970: 1_793_606_400)

    static func message(
        subject: String = bilingualSubject, fromName: String? = "Fatura · فاتورة",
        toName: String? = "Sara Al-Khalifa", replyTo: MailMailbox? = nil,
        text: String = "Dear subscriber,\n" + arabic + "\nTotal = 12.345 BHD\n",
        html: String = "<p dir=\"rtl\">" + arabic + "</p>\n<p style=\"color: #333\">Total = 12.345 BHD</p>",
        headers: [(String, String)] = [("X-Fatura-Account", "1002345678")],
        messageID: String = "<2026-10.1002345678@bills.example.bh>",
        encoding: MailMessage.TransferEncoding = .quotedPrintable
    ) throws -> MailMessage {
        try MailMessage(
            from: MailMailbox(name: fromName, address: "bills@example.bh"), replyTo: replyTo,
            to: MailMailbox(name: toName, address: "sara@example.com"),
            subject: subject, date: billDate, messageID: messageID,
            textBody: text, htmlBody: html, headers: headers, transferEncoding: encoding)
    }

    // MARK: Headers

    @Test func headersComeInAFixedOrder() throws {
        let replyTo = try MailMailbox(name: "Customer Care", address: "care@example.bh")
        let mail = RenderedMail(try Self.message(replyTo: replyTo).rendered())
        #expect(mail.fields.map(\.name) == [
            "From", "Reply-To", "To", "Subject", "Date", "Message-ID", "MIME-Version",
            "X-Fatura-Account", "Content-Type",
        ])
        #expect(mail.field("Reply-To") == " Customer Care <care@example.bh>")
        #expect(mail.field("To") == " Sara Al-Khalifa <sara@example.com>")
        #expect(mail.field("Date") == " Mon, 02 Nov 2026 08:00:00 +0000")
        #expect(mail.field("Message-ID") == " <2026-10.1002345678@bills.example.bh>")
        #expect(mail.field("MIME-Version") == " 1.0")
        #expect(mail.field("X-Fatura-Account") == " 1002345678")
        #expect(mail.field("Content-Type") == " multipart/alternative; boundary=\"\(mail.boundary)\"")

        let withoutReplyTo = RenderedMail(try Self.message().rendered())
        #expect(withoutReplyTo.fields.map(\.name) == [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "X-Fatura-Account", "Content-Type",
        ])
    }

    @Test(arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (946_684_800, "Sat, 01 Jan 2000 00:00:00 +0000"),
        (1_709_251_199.75, "Thu, 29 Feb 2024 23:59:59 +0000"),
        (1_793_606_400, "Mon, 02 Nov 2026 08:00:00 +0000"),
    ])
    func theDateIsRFC5322InUTC(seconds: Double, expected: String) {
        // Twice (the second from the last-date cache), then again after another date.
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
        _ = MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds + 86_400))
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func plainASCIINamesGoAsTheyAreAndSpecialsAreQuoted() throws {
        let mail = RenderedMail(try Self.message(subject: "Your October bill", fromName: "Fatura Billing",
                                             toName: #"Al-Khalifa, Sara "Billing" \ Home"#).rendered())
        #expect(mail.field("From") == " Fatura Billing <bills@example.bh>")
        #expect(mail.field("To") == #" "Al-Khalifa, Sara \"Billing\" \\ Home" <sara@example.com>"#)
        #expect(mail.field("Subject") == " Your October bill")
        let bare = RenderedMail(try Self.message(fromName: nil, toName: "  ").rendered())
        #expect(bare.field("From") == " bills@example.bh")
        #expect(bare.field("To") == " sara@example.com")
    }

    @Test func asciiThatLooksLikeAnEncodedWordIsEncoded() throws {
        let subject = "Pay =?UTF-8?B?SGk=?= now"
        let mail = RenderedMail(try Self.message(subject: subject, fromName: "=?x?=").rendered())
        #expect(Self.decodedWords(mail.field("Subject")).joined() == subject)
        #expect(mail.field("From")?.hasPrefix(" =?UTF-8?B?") == true)
    }

    @Test func aLongBilingualSubjectBecomesWholeCharacterEncodedWords() throws {
        let mail = RenderedMail(try Self.message().rendered())
        let value = try #require(mail.field("Subject"))
        let words = value.split(separator: " ").map(String.init)
        #expect(words.count > 2)
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.count <= 75)
        }
        let decoded = Self.decodedWords(value)
        #expect(decoded.count == words.count, "every word is valid UTF-8 on its own")
        #expect(decoded.joined() == Self.bilingualSubject)
        for line in mail.headerLines {
            #expect(line.utf8.count <= 78, "\(line)")
        }
        #expect(mail.headerLines.contains { $0.hasPrefix(" =?UTF-8?B?") }, "folded onto continuation lines")
    }

    @Test func encodedWordsNeverSplitAGraphemeCluster() throws {
        // A family emoji is one cluster of 25 bytes; Arabic with shadda and
        // fatha is a cluster of 6; a cluster of 60 bytes (a letter and 29
        // combining marks) is longer than a word can hold.
        let huge = "a" + String(repeating: "\u{0301}", count: 29)
        let subjects = [
            String(repeating: "👨‍👩‍👧‍👦 ", count: 12),
            String(repeating: "شَّ", count: 40) + " 🇧🇭🇧🇭🇧🇭",
            "x" + huge + "y" + huge,
        ]
        for subject in subjects {
            let value = try #require(RenderedMail(try Self.message(subject: subject).rendered()).field("Subject"))
            let words = Self.decodedWords(value)
            #expect(words.count == value.split(separator: " ").count, "no scalar is cut")
            #expect(value.split(separator: " ").allSatisfy { $0.count <= 75 })
            #expect(words.joined() == subject)
            if subject.contains(huge) {
                #expect(words.flatMap(\.unicodeScalars) == Array(subject.unicodeScalars))
            } else {
                #expect(words.flatMap { Array($0) } == Array(subject), "no cluster is cut between two words")
            }
        }
    }

    @Test func anArabicDisplayNameIsEncoded() throws {
        let mail = RenderedMail(try Self.message(toName: "سارة آل خليفة").rendered())
        let value = try #require(mail.field("To"))
        #expect(value.hasSuffix(" <sara@example.com>"))
        #expect(Self.decodedWords(String(value.dropLast(" <sara@example.com>".count))).joined() == "سارة آل خليفة")
    }

    // MARK: Injection

    @Test func noValueCanAddAHeaderLine() throws {
        let mail = try Self.message(
            subject: "Hi\r\nBcc: x@example.com", fromName: "Fatura\nBcc: y@example.com",
            toName: "Sara\r\n\r\nInjected body", headers: [("X-Fatura-Account", "1\r\nBcc: z@example.com\u{0}\u{85}")])
        let rendered = RenderedMail(mail.rendered())
        let known: Set<String> = [
            "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "X-Fatura-Account", "Content-Type",
        ]
        for line in rendered.headerLines {
            let name = line.prefix { $0 != ":" }
            #expect(line.hasPrefix(" ") || line.hasPrefix("\t") || (known.contains(String(name)) && line.contains(":")),
                    "unexpected header line \(line)")
        }
        #expect(rendered.fields.count == known.count)
        #expect(rendered.field("Subject") == " Hi Bcc: x@example.com")
        #expect(rendered.field("From") == " \"Fatura Bcc: y@example.com\" <bills@example.bh>")
        #expect(rendered.field("To") == " Sara Injected body <sara@example.com>")
        #expect(rendered.field("X-Fatura-Account") == " =?UTF-8?B?MSBCY2M6IHpAZXhhbXBsZS5jb20g?=")

        let parsed = try PythonEmail.parse(mail.rendered())
        #expect(parsed.subject == "Hi Bcc: x@example.com")
        #expect(!parsed.keys.contains { $0.lowercased() == "bcc" })
        #expect(parsed.defects.isEmpty)
    }

    @Test func invalidAddressesIDsAndHeaderNamesAreRejected() throws {
        #expect(throws: MailError.invalidAddress("a@example.com\r\nBcc: x@example.com")) {
            try MailMailbox(address: "a@example.com\r\nBcc: x@example.com")
        }
        #expect(throws: MailError.invalidAddress("Sara <sara@example.com>")) {
            try MailMailbox(address: "Sara <sara@example.com>")
        }
        for id in ["<a@example.com>\r\nBcc: x@example.com", "a@example.com", "< a@example.com>", "<a b@example.com>"] {
            #expect(throws: MailError.invalidMessageID(id)) { try Self.message(messageID: id) }
        }
        for name in ["X-Bad\r\nBcc", "Bcc", "content-type", "Subject", "X Space", "X:Colon", "", "Ü"] {
            #expect(throws: MailError.invalidHeaderName(name)) { try Self.message(headers: [(name, "v")]) }
        }
    }

    // MARK: Structure

    @Test func twoPartsPlainFirstAndHTMLLast() throws {
        let message = try Self.message()
        let mail = RenderedMail(message.rendered())
        #expect(mail.boundary.hasPrefix("=_fatura_"))
        #expect(mail.parts.count == 2)
        #expect(mail.parts.map { $0.header("Content-Type") } == ["text/plain; charset=utf-8", "text/html; charset=utf-8"])
        #expect(mail.parts.allSatisfy { $0.header("Content-Transfer-Encoding") == "quoted-printable" })
        #expect(mail.lines.suffix(2) == ["--" + mail.boundary + "--", ""], "closing delimiter, then nothing")
        // The boundary occurs in its parameter and in the three delimiters only.
        #expect(mail.text.components(separatedBy: mail.boundary).count - 1 == 4)
        #expect(mail.lines.filter { $0.contains(mail.boundary) }.count == 4)
        #expect(mail.parts[0].decodedBody == Self.crlf(message.textBody))
        #expect(mail.parts[1].decodedBody == Self.crlf(message.htmlBody))
    }

    @Test func renderingIsDeterministic() throws {
        let first = try Self.message().rendered()
        let message = try Self.message()
        #expect(message.rendered() == first)
        #expect(message.rendered() == message.rendered())
        let other = RenderedMail(try Self.message(messageID: "<2026-10.1002345679@bills.example.bh>").rendered())
        #expect(other.boundary != RenderedMail(first).boundary)
    }

    @Test func everyLineEndsInCRLFAndFitsEvenWithA100KBLine() throws {
        let longLine = String(repeating: "<td class=\"amount\">" + Self.arabic + " = 12.345</td>", count: 1_000)
        #expect(longLine.utf8.count > 100_000)
        let message = try Self.message(text: Self.arabic + "\n" + longLine, html: "<table>" + longLine + "</table>\r\n")
        for encoding in [MailMessage.TransferEncoding.quotedPrintable, .base64] {
            var copy = message
            copy.transferEncoding = encoding
            let bytes = copy.rendered()
            #expect(bytes.suffix(2) == [0x0D, 0x0A])
            var lineStart = 0
            var longest = 0
            for index in bytes.indices {
                if bytes[index] == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
                if bytes[index] == 0x0A {
                    #expect(index > 0 && bytes[index - 1] == 0x0D)
                    longest = max(longest, index - 1 - lineStart)
                    lineStart = index + 1
                }
            }
            #expect(longest <= 78, "headers at most 78 here, bodies at most 76")
            #expect(bytes.allSatisfy { $0 < 0x80 })
            let mail = RenderedMail(bytes)
            #expect(mail.parts.map(\.decodedBody) == [Self.crlf(copy.textBody), Self.crlf(copy.htmlBody)])
        }
    }

    // MARK: Quoted-printable

    @Test(arguments: [
        "",
        "plain ASCII",
        MailTests.arabic + "\n" + MailTests.arabic + "\r\n",
        "a=b == c =\n=41=",
        "trailing spaces   \nand a tab\t\r\nend ",
        "CR\ralone\r\rand LF\n\nlines\n",
        String(repeating: "x", count: 75) + "=" + String(repeating: "é", count: 80),
        String(repeating: "0123456789 ", count: 30) + "\n" + String(repeating: "ب", count: 300),
        String(repeating: " ", count: 200),
        "\u{0}\u{1F}\u{7F} controls 🇧🇭",
    ])
    func quotedPrintableRoundTrips(text: String) throws {
        let encoded = String(decoding: QuotedPrintable.encode(text), as: UTF8.self)
        #expect(try #require(QuotedPrintableDecoder.decode(encoded)) == Array(Self.crlf(text).utf8))
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(line.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }, "\(line)")
            #expect(line.last != " " && line.last != "\t", "trailing white space is encoded")
            #expect(!line.contains("\r") && !line.contains("\n"))
        }
    }

    @Test func encodedWordsSplitTextByScalarOnlyWhereEveryScalarIsItsOwnCluster() {
        for text in ["Amal Ali", "أمل · Amal 2026", "فاتورة أكتوبر ٢٠٢٦", "Zoë Ñ ß ĳ ǅ", "\u{2068}أمل\u{2069} \u{200F}x"] {
            let scalars = EncodedWord.scalarUnits(of: text)
            #expect(scalars != nil, "\(text)")
            #expect(scalars == EncodedWord.clusterUnits(of: text), "\(text)")
        }
        // A mark joining the letter before it, an emoji sequence, a flag, Hangul: clusters of several scalars.
        for text in ["مُحَمَّد", "e\u{301}", "👩‍👩‍👧", "🇧🇭", "한국"] {
            #expect(EncodedWord.scalarUnits(of: text) == nil, "\(text)")
            #expect(EncodedWord.units(of: text) == EncodedWord.clusterUnits(of: text), "\(text)")
        }
    }

    @Test func headerTextIsTrimmedOfWhiteSpaceAndControlsBecomeSpaces() {
        // References by scalar properties, against every fast path: ASCII and Arabic ends, other white space.
        func trimmedReference(_ text: String) -> String {
            let scalars = Array(text.unicodeScalars)
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                  let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: scalars[first...last])
            return String(out)
        }
        func withoutControlsReference(_ text: String) -> String {
            var out = String.UnicodeScalarView()
            var inRun = false
            for scalar in text.unicodeScalars {
                let control = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                if control, !inRun { out.append(" ") }
                if !control { out.append(scalar) }
                inRun = control
            }
            return String(out)
        }
        let ends = ["", " ", "\t", "\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{200B}", "\u{61C}", "ب", "x", "é", "😀", "\u{7F}", "\r\n"]
        let middles = ["", "a b", "فاتورة أكتوبر", "a\u{0}b", "a\u{9F}\u{80}b", "\u{C2}", "x\u{7F}\u{1}y", "ﬀ"]
        for head in ends {
            for middle in middles {
                for tail in ends {
                    let text = head + middle + tail
                    #expect(EncodedWord.trimmed(text) == trimmedReference(text), "\(text.debugDescription)")
                    #expect(EncodedWord.withoutControls(text) == withoutControlsReference(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func quotedPrintableFromItsTableWritesWhatTheRulesWrite() {
        // A plain byte-by-byte encoder of the same rules, against runs of spaces, `=`, letters, line breaks and
        // Arabic falling at every column, plain runs and escapes of every length.
        func reference(_ text: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [], column = 0, index = 0
            while index < text.count {
                let byte = text[index]
                if byte == 0x0A || byte == 0x0D {
                    out += [0x0D, 0x0A]
                    column = 0
                    index += byte == 0x0D && index + 1 < text.count && text[index + 1] == 0x0A ? 2 : 1
                    continue
                }
                let isLast = index + 1 == text.count || text[index + 1] == 0x0A || text[index + 1] == 0x0D
                let literal = byte == 0x20 || byte == 0x09 ? !isLast : (0x21...0x7E).contains(byte) && byte != 0x3D
                let width = literal ? 1 : 3
                if column + width > (isLast ? 76 : 75) {
                    out += Array("=\r\n".utf8)
                    column = 0
                }
                out += literal ? [byte] : Array(String(format: "=%02X", byte).utf8)
                column += width
                index += 1
            }
            return out
        }
        var generator = SystemRandomNumberGenerator()
        // Controls, DEL and high bytes other than Arabic's too: every byte value goes through the table.
        let pieces: [[UInt8]] = [[0x20], [0x3D], [0x61], [0x61, 0x62, 0x63, 0x64], [0x0A], [0x0D, 0x0A], [0xD8, 0xA8], [0x09], [0x7E],
                                 [0x0D], [0x00], [0x1F], [0x7F], [0x80], [0xFF], [0xD8, 0xA8, 0xD8, 0xA8, 0xD8, 0xA8, 0xD8, 0xA8, 0xD8, 0xA8]]
        for _ in 0..<300 {
            var text: [UInt8] = []
            let length = Int.random(in: 0...400, using: &generator)
            while text.count < length {
                // Long plain runs most of the time, so the table path runs up to the soft breaks.
                text += Int.random(in: 0..<3, using: &generator) == 0
                    ? pieces[Int.random(in: 0..<pieces.count, using: &generator)]
                    : (0..<Int.random(in: 1...90, using: &generator)).map { _ in
                        // Plain bytes, spaces among them, so a run can end on one at any offset.
                        [0x61, 0x61, 0x61, 0x20, 0x3C][Int.random(in: 0..<5, using: &generator)]
                    }
            }
            var ours: [UInt8] = []
            QuotedPrintable.encode(text, into: &ours)
            #expect(ours == reference(text), "\(text)")
        }
        // Each kind of byte after every length of plain text, before more of it: the eight- and
        // four-byte paths meet it at every offset of their window, and just past it.
        for piece: [UInt8] in [[0x0A], [0x0D], [0x0D, 0x0A], [0x20], [0x09], [0x20, 0x0A], [0x09, 0x0D, 0x0A], [0x3D], [0xD8, 0xA8], [0x00]] {
            for offset in 0...100 {
                let text = [UInt8](repeating: 0x61, count: offset) + piece + [UInt8](repeating: 0x62, count: 60) + piece + [0x63, 0x20]
                var ours: [UInt8] = []
                QuotedPrintable.encode(text, into: &ours)
                #expect(ours == reference(text), "\(piece) after \(offset)")
            }
        }
        // Every byte value at each place of the eight-byte window, among plain bytes: a word is stored
        // as it is only when it has no byte to escape.
        for value in 0...255 {
            for offset in 0..<9 {
                let text = [UInt8](repeating: 0x61, count: offset) + [UInt8(value)] + [UInt8](repeating: 0x62, count: 20)
                var ours: [UInt8] = []
                QuotedPrintable.encode(text, into: &ours)
                #expect(ours == reference(text), "\(value) after \(offset)")
            }
        }
        // Every byte value, twice, then a letter, around the columns where a soft break falls.
        for value in 0...255 {
            for column in 70...77 {
                let text = [UInt8](repeating: 0x61, count: column) + [UInt8(value), UInt8(value), 0x62]
                var ours: [UInt8] = []
                QuotedPrintable.encode(text, into: &ours)
                #expect(ours == reference(text), "\(value) at \(column)")
            }
        }
    }

    @Test func quotedPrintableEncodesEqualsHighBytesAndTrailingSpace() {
        func qp(_ text: String) -> String { String(decoding: QuotedPrintable.encode(text), as: UTF8.self) }
        #expect(qp("a=b") == "a=3Db")
        #expect(qp("é") == "=C3=A9")
        #expect(qp("end \nnext\t") == "end=20\r\nnext=09")
        #expect(qp("a b") == "a b")
        let seventySix = String(repeating: "a", count: 76)
        #expect(qp(seventySix) == seventySix, "a 76-character line needs no soft break")
        #expect(qp(seventySix + "b") == String(repeating: "a", count: 75) + "=\r\nab")
        // 74 characters, then "=" would end at column 77: the triplet moves whole.
        #expect(qp(String(repeating: "a", count: 74) + "==") == String(repeating: "a", count: 74) + "=\r\n=3D=3D")
        #expect(qp(String(repeating: "a", count: 73) + "=") == String(repeating: "a", count: 73) + "=3D")
    }

    @Test func base64IsTheAlternative() throws {
        let message = try Self.message(encoding: .base64)
        let mail = RenderedMail(message.rendered())
        #expect(mail.parts.allSatisfy { $0.header("Content-Transfer-Encoding") == "base64" })
        #expect(mail.parts.map(\.decodedBody) == [Self.crlf(message.textBody), Self.crlf(message.htmlBody)])
        #expect(mail.lines.allSatisfy { $0.utf8.count <= 78 })
        let parsed = try PythonEmail.parse(message.rendered())
        #expect(parsed.bodies == [Self.crlf(message.textBody), Self.crlf(message.htmlBody)])
    }

    @Test func base64MatchesFoundationAtEveryLengthAroundLineEnds() {
        for length in 0...240 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 0x80) | 0x80 }
            var ours: [UInt8] = []
            Base64Body.encode(bytes, into: &ours)
            let foundation = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(String(decoding: ours, as: UTF8.self) == foundation, "length \(length)")
        }
    }

    @Test func base64MatchesFoundationLineForLine() throws {
        for length in [0, 1, 2, 3, 56, 57, 58, 114, 1000] {
            let text = String(repeating: "ب", count: length / 2) + String(repeating: "a\n", count: length % 7)
            var ours: [UInt8] = []
            Base64Body.encode(Array(text.utf8), into: &ours)
            let canonical = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
                .map { Array($0) }.joined(separator: [0x0D, 0x0A])
            let foundation = Data(Array(canonical)).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(String(decoding: ours, as: UTF8.self) == foundation, "length \(length)")
        }
    }

    /// Every line break (CRLF, LF or a lone CR) made CRLF, byte by byte.
    static func canonicalReference(_ text: [UInt8]) -> [UInt8] {
        var canonical: [UInt8] = []
        var index = 0
        while index < text.count {
            if text[index] == 0x0D || text[index] == 0x0A {
                canonical += [0x0D, 0x0A]
                index += text[index] == 0x0D && index + 1 < text.count && text[index + 1] == 0x0A ? 2 : 1
            } else {
                canonical.append(text[index])
                index += 1
            }
        }
        return canonical
    }

    @Test func base64CanonicalisesEveryKindOfLineBreakAtEveryPositionOfAWord() {
        // CR, LF and CRLF falling at each offset of the eight-byte words the line breaks are searched in,
        // appended after bytes already in the output.
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [[0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0D], [0x61], [0xD8, 0xA8], [0x20]]
        // Many rounds: breaks at every offset of the sixteen-byte blocks, ending the text, and side by side.
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 57, 58, 300, 2000] + Array(repeating: 100, count: 200) {
            var text: [UInt8] = []
            while text.count < length {
                // Runs without a break too, long enough for the sixteen-byte copies.
                text += Bool.random(using: &generator)
                    ? pieces[Int.random(in: 0..<pieces.count, using: &generator)]
                    : Array(repeating: 0x62, count: Int.random(in: 1...40, using: &generator))
            }
            let canonical = Self.canonicalReference(text)
            var ours: [UInt8] = Array("before:".utf8)
            Base64Body.encode(text, into: &ours)
            let foundation = Data(canonical).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(String(decoding: ours, as: UTF8.self) == "before:" + foundation, "\(text)")
        }
    }

    /// Bodies whose every line break is already CRLF (as the composer
    /// renders them) are encoded in place, at every length around the
    /// whole lines read from the body itself, as the canonicalising copy
    /// encodes them; a lone LF or CR anywhere sends them through the copy.
    @Test func canonicalBodiesAreEncodedInPlaceAsTheCopyEncodesThem() {
        func foundation(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        for length in 0...300 {
            // CRLF every 23 bytes, never cut at the end.
            var text: [UInt8] = (0..<length).map { (index: Int) -> UInt8 in
                switch index % 23 {
                case 21: 0x0D
                case 22: 0x0A
                default: UInt8(0x41 + index % 26)
                }
            }
            if text.last == 0x0D { text[text.count - 1] = 0x41 }
            #expect(text.withUnsafeBufferPointer { LineBreaks.isCanonical($0) })
            var ours: [UInt8] = Array("before:".utf8)
            Base64Body.encode(text, into: &ours)
            #expect(String(decoding: ours, as: UTF8.self) == "before:" + foundation(text), "length \(length)")
            // The same body with one line break made a lone LF: canonicalised back to the same encoding.
            if let crlf = text.firstIndex(of: 0x0D) {
                var lone = text
                lone.remove(at: crlf)
                #expect(!lone.withUnsafeBufferPointer { LineBreaks.isCanonical($0) })
                var encoded: [UInt8] = []
                Base64Body.encode(lone, into: &encoded)
                #expect(String(decoding: encoded, as: UTF8.self) == foundation(text), "length \(length), lone LF")
            }
        }
    }

    /// A body is canonical exactly when canonicalising it changes nothing:
    /// CR, LF, CRLF and LF CR at every offset of the sixteen-byte vectors,
    /// across their edges, and in the bytes after the last whole one.
    @Test func aBodyIsCanonicalExactlyWhenItsBreaksAreAllCRLF() {
        var generator = SystemRandomNumberGenerator()
        // Other controls and high bytes whose low bits are CR's and LF's too.
        let pieces: [[UInt8]] = [[0x0A], [0x0D], [0x0D, 0x0A], [0x0D, 0x0A], [0x0A, 0x0D], [0x61], [0x62, 0x63, 0x64],
                                 [0x09], [0x00], [0x0E], [0xD8, 0x8D], [0x8A], [0x8D, 0x0A], [0x0D, 0x8A]]
        for round in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...(round % 2 == 0 ? 6 : 64), using: &generator) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            let canonical = Self.canonicalReference(text)
            #expect(text.withUnsafeBufferPointer { LineBreaks.isCanonical($0) } == (canonical == text), "\(text)")
        }
    }

    @Test func theEstimateCountsEscapedBytesExactly() {
        // Equal signs and high bytes at every position of the sixteen-byte vectors (in blocks of 1,024, where a
        // lane may count 64), of the eight-byte words after them, and in the tail.
        var generator = SystemRandomNumberGenerator()
        for length in [0, 7, 8, 9, 64, 1001, 1023, 1024, 1025, 2048 + 9, 20_000] {
            let body = (0..<length).map { _ in [UInt8(ascii: "="), 0xD8, 0x41, 0x3C, 0x7F, 0x80, 0x3D][Int.random(in: 0..<7, using: &generator)] }
            let escaped = body.filter { $0 >= 0x80 || $0 == UInt8(ascii: "=") }.count
            #expect(MailMessage.TransferEncoding.escapedCount(body) == escaped, "\(length)")
            // Every byte escaped: 64 in each lane of a block, the most a lane holds.
            #expect(MailMessage.TransferEncoding.escapedCount(Array(repeating: 0xFF, count: length)) == length)
        }
        // All-escaped text is base64's; an all-plain one is quoted-printable's.
        #expect(MailMessage.TransferEncoding.shortest.choice(for: Array(repeating: UInt8(ascii: "="), count: 100)) == .base64)
        #expect(MailMessage.TransferEncoding.shortest.choice(for: Array(repeating: UInt8(ascii: "a"), count: 100)) == .quotedPrintable)
    }

    @Test func theChoiceStoppingEarlyIsTheChoiceOfTheWholeCount() {
        // Bodies around the point where the two encodings are the same length, from a few bytes to tens of kilobytes.
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 10, 75, 76, 1000, 5000, 20_000] {
            for share in stride(from: 0.0, through: 0.4, by: 0.02) {
                let body = (0..<length).map { _ in Double.random(in: 0..<1, using: &generator) < share ? UInt8(0xD8) : UInt8(ascii: "a") }
                let escaped = MailMessage.TransferEncoding.escapedCount(body)
                let quoted = (body.count + 2 * escaped) * 78 / 75
                let base64 = (body.count + 2) / 3 * 4 * 78 / 76
                #expect(MailMessage.TransferEncoding.shortest.choice(for: body) == (quoted <= base64 ? .quotedPrintable : .base64),
                        "\(length) bytes, \(escaped) escaped")
            }
        }
    }

    @Test func eachPartTakesTheShorterEncoding() throws {
        let arabicHTML = "<p>" + String(repeating: Self.arabic + " ", count: 40) + "</p>"
        let englishText = String(repeating: "Your bill for October 2026 is ready.\n", count: 20)
        let message = try Self.message(text: englishText, html: arabicHTML, encoding: .shortest)
        let mail = RenderedMail(message.rendered())
        #expect(mail.parts.map { $0.header("Content-Transfer-Encoding") } == ["quoted-printable", "base64"])
        #expect(mail.parts.map(\.decodedBody) == [Self.crlf(englishText), Self.crlf(arabicHTML)])
        let parsed = try PythonEmail.parse(message.rendered())
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.bodies == [Self.crlf(englishText), Self.crlf(arabicHTML)])
        // Either way, the chosen part is no longer than the other encoding would make it.
        for (body, chosen) in [(englishText, MailMessage.TransferEncoding.quotedPrintable), (arabicHTML, .base64)] {
            var quoted: [UInt8] = [], base64: [UInt8] = []
            MailMessage.encode(Array(body.utf8), as: .quotedPrintable, into: &quoted)
            MailMessage.encode(Array(body.utf8), as: .base64, into: &base64)
            #expect(chosen == .quotedPrintable ? quoted.count <= base64.count : base64.count <= quoted.count)
        }
    }

    // MARK: A real MIME parser

    @Test func pythonsEmailPackageReadsItBack() throws {
        let longHTML = "<p>" + String(repeating: Self.arabic + " = x  ", count: 300) + "</p>\n<p>end</p>"
        let message = try Self.message(
            fromName: "Fatura · فاتورة", toName: "سارة آل خليفة", html: longHTML,
            headers: [("X-Fatura-Account", "1002345678"), ("X-Fatura-Note", "ملاحظة: " + Self.arabic)])
        let parsed = try PythonEmail.parse(message.rendered())
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == Self.bilingualSubject)
        #expect(parsed.from == ["Fatura · فاتورة", "bills@example.bh"])
        #expect(parsed.to == ["سارة آل خليفة", "sara@example.com"])
        #expect(parsed.date == "Mon, 02 Nov 2026 08:00:00 +0000")
        #expect(parsed.messageID == "<2026-10.1002345678@bills.example.bh>")
        #expect(parsed.note == "ملاحظة: " + Self.arabic)
        #expect(parsed.type == "multipart/alternative")
        #expect(parsed.types == ["text/plain", "text/html"])
        #expect(parsed.charsets == ["utf-8", "utf-8"])
        #expect(parsed.bodies == [Self.crlf(message.textBody), Self.crlf(message.htmlBody)])
    }

    // MARK: Helpers

    /// `text` with every line break (CRLF, LF, lone CR) made CRLF.
    static func crlf(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            if scalar == "\r" || scalar == "\n" {
                out.append(contentsOf: "\r\n".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Each `=?UTF-8?B?…?=` word of an unfolded value, decoded on its own;
    /// words that are not valid UTF-8 by themselves are left out.
    static func decodedWords(_ value: String?) -> [String] {
        (value ?? "").split(separator: " ").compactMap { word in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                  let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return nil }
            return String(validating: data, as: UTF8.self)
        }
    }
}

/// A rendered message taken apart the simple way, for assertions.
struct RenderedMail {
    let text: String
    /// The lines, split at CRLF (the last is empty after the final CRLF).
    let lines: [String]
    let headerLines: [String]
    /// Header fields with continuation lines unfolded (CRLF removed).
    let fields: [(name: String, value: String)]
    let boundary: String
    let parts: [Part]

    struct Part {
        let headers: [String]
        let body: String

        func header(_ name: String) -> String? {
            headers.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }

        var decodedBody: String? {
            if header("Content-Transfer-Encoding") == "base64" {
                return Data(base64Encoded: body, options: .ignoreUnknownCharacters)
                    .flatMap { String(validating: $0, as: UTF8.self) }
            }
            return QuotedPrintableDecoder.decode(body).flatMap { String(validating: $0, as: UTF8.self) }
        }
    }

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        lines = text.components(separatedBy: "\r\n")
        let blank = lines.firstIndex(of: "") ?? lines.count
        headerLines = Array(lines[..<blank])
        var fields: [(name: String, value: String)] = []
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !fields.isEmpty {
                fields[fields.count - 1].value += line
            } else {
                let colon = line.firstIndex(of: ":") ?? line.endIndex
                fields.append((String(line[..<colon]), String(line[colon...].dropFirst())))
            }
        }
        self.fields = fields
        let contentType = fields.last { $0.name == "Content-Type" }?.value ?? ""
        boundary = contentType.components(separatedBy: "boundary=\"").last.map { String($0.dropLast()) } ?? ""
        var parts: [Part] = []
        var current: [String]?
        for line in lines[blank...] {
            if line == "--" + boundary || line == "--" + boundary + "--" {
                if let current {
                    let split = current.firstIndex(of: "") ?? current.count
                    parts.append(Part(headers: Array(current[..<split]),
                                      body: current[(split + 1)...].joined(separator: "\r\n")))
                }
                current = line.hasSuffix("--") ? nil : []
            } else {
                current?.append(line)
            }
        }
        self.parts = parts
    }

    func field(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }
}

/// A strict quoted-printable decoder (RFC 2045 §6.7) for the tests: nil on
/// a malformed `=`, a lower-case hex digit or a byte that should be encoded.
enum QuotedPrintableDecoder {
    static func decode(_ encoded: String) -> [UInt8]? {
        var out: [UInt8] = []
        let lines = encoded.components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            var bytes = Array(line.utf8)
            let soft = bytes.last == UInt8(ascii: "=")
            if soft { bytes.removeLast() }
            var position = 0
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "=") {
                    guard position + 2 < bytes.count,
                          let high = hexValue(bytes[position + 1]), let low = hexValue(bytes[position + 2])
                    else { return nil }
                    out.append(high << 4 | low)
                    position += 3
                } else {
                    guard (0x20...0x7E).contains(byte) || byte == 0x09 else { return nil }
                    out.append(byte)
                    position += 1
                }
            }
            if !soft, index < lines.count - 1 { out += [0x0D, 0x0A] }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Python's standard-library `email` package, with its default (RFC 5322)
/// policy, reading a rendered message from stdin.
enum PythonEmail {
    struct Parsed: Decodable {
        let subject: String
        let from: [String]
        let to: [String]
        let date: String
        let messageID: String
        let note: String?
        let keys: [String]
        let type: String
        let types: [String]
        let charsets: [String]
        let bodies: [String]
        let defects: [String]
    }

    static let script = """
        import sys, json, email, email.policy
        m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        parts = list(m.iter_parts())
        def box(name):
            a = m[name].addresses[0]
            return [a.display_name, a.addr_spec]
        print(json.dumps({
            "subject": str(m["subject"]), "from": box("from"), "to": box("to"),
            "date": str(m["date"]), "messageID": str(m["message-id"]),
            "note": m.get("x-fatura-note") and str(m["x-fatura-note"]),
            "keys": list(m.keys()), "type": m.get_content_type(),
            "types": [p.get_content_type() for p in parts],
            "charsets": [p.get_content_charset() for p in parts],
            "bodies": [p.get_content() for p in parts],
            "defects": [repr(d) for d in m.defects] + [repr(d) for p in parts for d in p.defects],
        }))
        """

    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Python reads all of stdin before it writes, so this cannot deadlock.
        try input.fileHandleForWriting.write(contentsOf: bytes)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode(Parsed.self, from: data)
    }
}

/// Header folding as it was written with strings (before it wrote bytes),
/// with Foundation's base64: the reference the byte folding must match line
/// for line.
enum ReferenceFolding {
    static func fold(_ name: String, _ pieces: [EncodedWord.Piece]) -> [String] {
        var lines: [String] = []
        var line = name + ":"
        var lineHasValue = false
        func put(_ item: String) {
            if lineHasValue, line.utf8.count + 1 + item.utf8.count > EncodedWord.lineLength {
                lines.append(line)
                line = ""
            }
            line += " " + item
            lineHasValue = true
        }
        for piece in pieces {
            switch piece {
            case .token(let token):
                put(token)
            case .text(let text):
                let units = EncodedWord.units(of: text)
                let utf8 = Array(text.utf8)
                // A text that fits one word is never split over two: some
                // parsers (Python's, in display names) keep the space between
                // adjacent encoded-words that RFC 2047 says to drop.
                let total = units.reduce(0) { $0 + $1.count }
                if lineHasValue, total <= EncodedWord.byteCapacity(length: EncodedWord.maxLength),
                   total > EncodedWord.byteCapacity(length: min(EncodedWord.maxLength, EncodedWord.lineLength - line.utf8.count - 1)) {
                    lines.append(line)
                    line = ""
                    lineHasValue = false
                }
                var next = 0
                while next < units.count {
                    var capacity = EncodedWord.byteCapacity(length: min(EncodedWord.maxLength, EncodedWord.lineLength - line.utf8.count - 1))
                    if units[next].count > capacity {
                        if lineHasValue {
                            lines.append(line)
                            line = ""
                            lineHasValue = false
                        }
                        capacity = EncodedWord.byteCapacity(length: EncodedWord.maxLength)
                    }
                    var bytes: [UInt8] = []
                    while next < units.count, bytes.count + units[next].count <= capacity {
                        bytes += utf8[units[next]]
                        next += 1
                    }
                    put("=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?=")
                }
            }
        }
        return lines + [line]
    }
}

@Suite("Header folding")
struct HeaderFoldingTests {
    /// Trimming a subject answers white space without Unicode's tables for
    /// ASCII and Arabic: it must trim exactly what they would.
    @Test func subjectsAreTrimmedOfExactlyUnicodeWhiteSpace() {
        let samples = (0...0x7FF).compactMap(Unicode.Scalar.init) + [0x1680, 0x2000, 0x2028, 0x202F, 0x3000, 0xFEFF].compactMap(Unicode.Scalar.init)
        for scalar in samples {
            let text = String(scalar) + "x\(scalar)y" + String(scalar) + String(scalar)
            let expected = scalar.properties.isWhitespace ? "x\(scalar)y" : text
            #expect(EncodedWord.trimmed(text) == expected, "U+\(String(scalar.value, radix: 16))")
        }
    }

    /// Random header values of tokens and texts (ASCII, Arabic, joined marks,
    /// emoji, long words), folded by both.
    @Test func bytesFoldAsTheStringsDid() {
        var generator = SeededGenerator(seed: 0x5EED)
        let words = ["Amal", "Ali", "=?x?=", "<a.b@example.bh>", String(repeating: "x", count: 70), "فاتورة", "أكتوبر",
                     "مُحَمَّد", "e\u{301}", "👩‍👩‍👧", "🇧🇭", "٢٠٢٦", "\u{2068}أمل\u{2069}", "·", String(repeating: "ب", count: 40)]
        for _ in 0..<3000 {
            var pieces: [EncodedWord.Piece] = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let text = (0..<Int.random(in: 1...8, using: &generator))
                    .map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
                if Bool.random(using: &generator), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
                    pieces.append(.token(text))
                } else {
                    pieces.append(.text(text))
                }
            }
            let name = ["To", "Subject", "X-Fatura-Account", "From"].randomElement(using: &generator)!
            let expected = ReferenceFolding.fold(name, pieces)
            var bytes: [UInt8] = [1, 2]
            EncodedWord.fold(name, pieces, into: &bytes)
            #expect(bytes.prefix(2) == [1, 2], "appends")
            let lines = expected.map { $0 + "\r\n" }.joined()
            #expect(String(decoding: bytes.dropFirst(2), as: UTF8.self) == lines)
        }
    }
}

@Suite("Display names in headers")
struct DisplayNameTests {
    /// The mailbox's pieces as they were made before the fast paths (split by
    /// characters, every non-ASCII name through `phrase`): the reference.
    static func referencePieces(_ mailbox: MailMailbox) -> [EncodedWord.Piece] {
        let clean = EncodedWord.trimmed(EncodedWord.withoutControls(mailbox.name ?? ""))
        guard !clean.isEmpty else { return [.token(mailbox.address.address)] }
        let angle = EncodedWord.Piece.token("<" + mailbox.address.address + ">")
        let ascii = !EncodedWord.hasMarker(clean) && clean.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        let words = clean.split(separator: " ")
        if ascii, words.allSatisfy({ $0.utf8.count < EncodedWord.lineLength && $0.utf8.allSatisfy(\.isAtext) }) {
            return words.map { .token(String($0)) } + [angle]
        }
        if ascii {
            let quoted = "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            if quoted.utf8.count < EncodedWord.lineLength { return [.token(quoted), angle] }
        }
        return MailMailbox.phrase(words) + [angle]
    }

    static func folded(_ pieces: [EncodedWord.Piece]) -> String {
        var out: [UInt8] = []
        EncodedWord.fold("To", pieces, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Arabic, English and mixed names, one word or many, short and past one
    /// encoded-word, with double spaces, a space before a combining mark, an
    /// `=?`, quotes and controls: the To line is the reference's.
    @Test func toLinesAreTheReferences() throws {
        let words = ["محمد", "خديجة", "Ali", "O'Brien", "\"Sam\"", "ّعلي", "=?x?=", "José", "a\\b", "😀", "Al-Hasan",
                     String(repeating: "ب", count: 30), String(repeating: "x", count: 80)]
        let joins = [" ", "  ", " \u{0651}", "\t"]
        var checked = 0
        for first in words {
            for second in words {
                for join in joins {
                    for name in [first, first + join + second, first + join + second + " " + first, " " + first + join + second + " "] {
                        let mailbox = try MailMailbox(name: name, address: "user@example.com")
                        #expect(Self.folded(mailbox.pieces) == Self.folded(Self.referencePieces(mailbox)), "\(name.debugDescription)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == words.count * words.count * joins.count * 4)
    }
}
