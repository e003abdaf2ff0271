import Foundation
import Testing
@testable import Fatura

/// The sample month rendered once, with what it produced.
enum RenderedSample {
    static let output = Task<URL, Never> {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        _ = try? await Batch.render(input: SampleBills.file, output: out, configuration: BatchConfiguration(templates: SampleBills.templates))
        return out
    }

    static func manifest() async throws -> [[String: Any]] {
        try String(contentsOf: (await output.value).appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

@Suite("E-mail bills, the paper list and the report")
struct BillEmailTests {
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// The composer checks its message-id domain once, before any bill,
    /// and names it; a bill whose account is not the checker's 6 to 12
    /// digits still has its message-id checked.
    @Test func theMessageIDDomainIsCheckedAtStartAndOddAccountsPerMessage() throws {
        let templates = SampleBills.templateSet
        for bad in ["bad domain", "bills", "-x.example.bh", "a\r\nBcc: x@y.z"] {
            var utility = templates.resources.utility
            utility.messageIDDomain = bad
            let resources = RenderResources(catalogs: templates.resources.packs.mapValues(\.catalog), utility: utility, arabicIndicDigits: false)
            #expect(throws: MailError.invalidMessageIDDomain(bad)) {
                try MailComposer(templates: TemplateSet(library: templates.library, resources: resources))
            }
        }
        #expect(MailError.invalidMessageIDDomain("bad domain").description.contains(#"message_id_domain "bad domain""#))
        let mail = try MailComposer(templates: templates)
        let (bill, route) = try #require(SampleBills.accepted.first { $0.route.channel == .email })
        var odd = bill
        odd.account = "12 34"
        #expect(throws: MailError.invalidMessageID("<2026-10.12 34@bills.example.bh>")) {
            try mail.message(BillPage(bill: odd, route: route, link: nil, resources: templates.resources))
        }
        let message = try mail.message(BillPage(bill: bill, route: route, link: nil, resources: templates.resources))
        #expect(String(decoding: message, as: UTF8.self).contains("Message-ID: <2026-10.\(bill.account)@bills.example.bh>\r\n"))
    }

    @Test func everyEmailRoutedBillHasAParseableMessage() async throws {
        let entries = try await RenderedSample.manifest().filter { ["email", "relative-email"].contains($0["channel"] as! String) }
        #expect(entries.count == 4)
        let templates = SampleBills.templateSet
        for entry in entries {
            let account = entry["account"] as! String
            let files = entry["files"] as! [String]
            #expect(files == ["bills/\(account.suffix(3))/\(account)-2026-10.html", "email/\(account.suffix(3))/\(account)-2026-10.eml"])
            let bytes = try [UInt8](Data(contentsOf: (await RenderedSample.output.value).appendingPathComponent(files[1])))
            let parsed = try PythonEmail.parse(bytes)
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(parsed.type == "multipart/alternative")
            #expect(parsed.types == ["text/plain", "text/html"])
            #expect(parsed.charsets == ["utf-8", "utf-8"])
            #expect(parsed.to[1] == entry["recipient"] as! String)
            #expect(parsed.from[1] == "bills@example.bh")
            #expect(parsed.from[0] == "هيئة الكهرباء والماء | Electricity & Water Authority")
            #expect(parsed.keys.contains("Reply-To"))
            #expect(parsed.messageID == "<2026-10.\(account)@bills.example.bh>")
            #expect(parsed.date == "Mon, 02 Nov 2026 08:00:00 +0000")

            // The decoded parts are exactly what the templates render for this bill.
            let (bill, route) = try #require(SampleBills.accepted.first { $0.bill.account == account })
            let page = BillPage(bill: bill, route: route, link: entry["link"] as? String, resources: templates.resources)
            #expect(parsed.subject == (try templates.render("email-subject", page)).trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(parsed.subject.contains("فاتورة الكهرباء والماء") && parsed.subject.contains("Electricity and water bill"))
            #expect(parsed.bodies[0] == Self.crlf(try templates.render("email.text", page)))
            let html = parsed.bodies[1]
            #expect(html == Self.crlf(try templates.render("email.html", page)))
            #expect(html.utf8.count < MailComposer.htmlLimit)
            #expect(html.contains(#"<div lang="\#(bill.customer.language.rawValue)" dir="\#(bill.customer.language.isRightToLeft ? "rtl" : "ltr")""#))
            #expect(!html.contains("<style"), "styles are inline")
            #expect(html.contains(#"role="presentation""#))
            #expect(html.contains(entry["link"] as! String), "the view-online link")
            #expect(html.contains(bill.total.fils < 0 ? "14.340" : Money(fils: bill.total.fils).contractText))
        }
    }

    @Test func aRelativesEmailSaysWhoseBillItIsInBothLanguages() async throws {
        let bytes = try [UInt8](Data(contentsOf: (await RenderedSample.output.value).appendingPathComponent("email/680/1002345680-2026-10.eml")))
        let parsed = try PythonEmail.parse(bytes)
        #expect(parsed.to[0].isEmpty, "the relative's own name is not known")
        for body in parsed.bodies {
            #expect(body.contains("هذه فاتورة الكهرباء والماء الخاصة بـ \u{2068}فاطمة يوسف الحداد\u{2069}"))
            #expect(body.contains("This is the electricity and water bill of \u{2068}فاطمة يوسف الحداد\u{2069}, account \u{2068}1002345680\u{2069}"))
            #expect(body.contains("(\u{2068}daughter\u{2069})"))
        }
        let own = try PythonEmail.parse([UInt8](Data(contentsOf: (await RenderedSample.output.value).appendingPathComponent("email/678/1002345678-2026-10.eml"))))
        #expect(own.to[0] == "محمد علي حسن")
        #expect(!own.bodies[1].contains("You receive it because"))
    }

    @Test func thePaperListHoldsTheBillsWithoutElectronicContact() async throws {
        let csv = try String(contentsOf: (await RenderedSample.output.value).appendingPathComponent("paper.csv"), encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.first == "account,number,period,language,reason,name_ar,name_en,flat,building,road,block,area_ar,area_en,total_fils,due")
        #expect(rows.dropFirst() == [
            "1002345681,2026100004,2026-10,ar,no-contact,عبدالله أحمد,Abdulla Ahmed,,1021,4521,745,مدينة عيسى,Isa Town,3960,2026-11-30",
            "1002345686,2026100009,2026-10,ar,prefers-paper,حسن جعفر,Hasan Jaffar,3,77,2810,428,جدحفص,Jidhafs,3300,2026-11-30",
        ])
    }

    @Test func theSummaryAndReportCarryTheSameNumbers() async throws {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: (await RenderedSample.output.value).appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(summary["electronic_reach_permille"] as? Int == 800)
        #expect(summary["sms_parts"] as? [String: Int] == ["ar": 2, "en": 3])
        let firstLines = summary["rejects_first_lines"] as? [String: [Int]]
        #expect(firstLines?["not-reconciled"] == [215])
        #expect(firstLines?.count == 5)

        let report = try String(contentsOf: (await RenderedSample.output.value).appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains(#"<html lang="ar" dir="rtl">"#))
        let arabic = BillFormatter(language: .ar)
        #expect(report.contains("<bdi>\(arabic.permille(800))</bdi>"))
        #expect(arabic.permille(800).hasPrefix("80.0"))
        #expect(report.contains("<td class=\"num\">\(arabic.permille(400))</td>"), "SMS: 4 of 10")
        #expect(report.contains(#"<code dir="ltr">not-reconciled</code></th><td class="num">1</td><td><bdi>215</bdi>"#))
        #expect(report.contains("131.466"))
        #expect(report.contains("14.340"))
        #expect(report.contains("Warning: the links were signed with the public development key"))
        #expect(!report.contains("<script"))
    }
}
