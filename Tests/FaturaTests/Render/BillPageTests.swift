import Foundation
import Testing
@testable import Fatura

@Suite("The bill page")
struct BillPageTests {
    func page(_ change: (inout Bill) -> Void = { _ in }, templates: TemplateSet = SampleBills.templateSet) throws -> String {
        var (bill, route) = SampleBills.accepted[0]
        change(&bill)
        return try SampleBills.page(bill, route, templates: templates)
    }

    @Test func languageAndDirectionFollowThePreference() throws {
        #expect(try page { $0.customer.language = .ar }.contains(#"<html lang="ar" dir="rtl">"#))
        #expect(try page { $0.customer.language = .en }.contains(#"<html lang="en" dir="ltr">"#))
    }

    @Test func everyInputValueIsEscapedAndIsolated() throws {
        let hostile = #"<script>alert("x")</script> & 'quoted'"#
        let html = try page {
            $0.customer.language = .en
            $0.customer.name = LocalizedText(ar: "علي", en: hostile)
            $0.address?.area = LocalizedText(en: hostile)
            $0.charges[0].label = LocalizedText(ar: hostile, en: hostile)
        }
        #expect(!html.contains("<script>"))
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"
        let occurrences = html.components(separatedBy: escaped).count - 1
        #expect(occurrences >= 4)
        #expect(html.components(separatedBy: "<bdi>" + escaped + "</bdi>").count - 1 == occurrences)
    }

    /// The relative's e-mail says why it comes to them, truly: the
    /// subscriber has no e-mail address, or has one and chose this way.
    @Test func theRelativesNoteSaysWhyTheyReceiveIt() throws {
        var (bill, _) = SampleBills.accepted[0]
        bill.customer.language = .en
        let route = Route(channel: .relativeEmail, recipient: "r@example.com")
        func page() -> BillPage { BillPage(bill: bill, route: route, link: "https://b.example.bh/x", resources: SampleBills.templateSet.resources) }
        bill.contact.email = nil
        bill.contact.mobile = nil
        bill.preferredChannel = nil
        #expect(page().relativeNote?.contains("because \u{2068}Mohammed Ali Hasan\u{2069} has no e-mail address") == true, "\(page().relativeNote ?? "none")")
        #expect(page().relativeNoteOther?.contains("ليس لديه بريد إلكتروني") == true)
        // Chosen: with an address of their own, or a mobile the bill would otherwise have gone to.
        bill.preferredChannel = .relativeEmail
        bill.contact.mobile = MobileNumber("+97333123456")
        #expect(page().relativeNote?.contains("asked for their bills to be sent to you") == true, "\(page().relativeNote ?? "none")")
        // Chosen with an address of their own (and no mobile).
        bill.contact.mobile = nil
        bill.contact.email = EmailAddress("m.ali@example.com")
        #expect(bill.contact.email != nil)
        let chosen = page()
        #expect(chosen.relativeNote?.contains("because \u{2068}Mohammed Ali Hasan\u{2069} asked for their bills to be sent to you") == true, "\(chosen.relativeNote ?? "none")")
        #expect(chosen.relativeNote?.contains("no e-mail") == false)
        #expect(chosen.relativeNoteOther?.contains("طلب إرسال فواتيره إليك") == true)
        // An address the export gave but that cannot be used: not "has no e-mail address".
        bill.preferredChannel = nil
        bill.contact.email = nil
        bill.contact.unusable[.email] = #"<email> at line 16: "n/a" is not a plain e-mail address (local@domain.tld)"#
        let unusable = page()
        #expect(unusable.relativeNote?.contains("because the e-mail address we have for \u{2068}Mohammed Ali Hasan\u{2069} cannot be used") == true, "\(unusable.relativeNote ?? "none")")
        #expect(unusable.relativeNoteOther?.contains("لا يمكن استخدامه") == true)
    }

    @Test func numbersAndCodesAreLeftToRightIsolated() throws {
        let html = try page()
        #expect(html.contains(#"<span dir="ltr">1002345678</span>"#))
        #expect(html.contains(#"<span dir="ltr">2026100001</span>"#))
        #expect(html.contains(#"<span dir="ltr">E-0045123</span>"#))
        #expect(html.contains("<bdi>\u{200F}6.545\u{A0}د.ب.\u{200F}</bdi>"))
    }

    @Test func theOtherLanguageStandsBesideEveryLabel() throws {
        let html = try page { $0.customer.language = .ar }
        #expect(html.contains(#"المبلغ المطلوب دفعه<span class="alt" lang="en" dir="ltr">Total to pay</span>"#))
        #expect(html.contains(#"رقم الحساب<span class="alt" lang="en" dir="ltr">Account number</span>"#))
        let english = try page { $0.customer.language = .en }
        #expect(english.contains(#"Total to pay<span class="alt" lang="ar" dir="rtl">المبلغ المطلوب دفعه</span>"#))
    }

    @Test func arrearsWarnOfDisconnection() throws {
        let html = try page { $0.payments = .zero; $0.total = Money(fils: 11545) }
        #expect(html.contains("Unpaid balance: risk of disconnection"))
        #expect(html.contains("cut off"))
        #expect(!(try page()).contains("risk of disconnection"))
    }

    @Test func aCreditSaysThereIsNothingToPay() throws {
        let html = try page { $0.payments = Money(fils: 20000); $0.total = Money(fils: -8455) }
        #expect(html.contains("لا يوجد مبلغ مطلوب هذا الشهر"))
        #expect(html.contains("8.455"))
        #expect(!html.contains("-8.455"))
        #expect(!html.contains("يرجى الدفع قبل"))
    }

    @Test func estimatedReadingsAreMarked() throws {
        let html = try page { $0.meters[1].reading = .estimated }
        #expect(html.contains(#"<span class="mark">تقديرية</span>"#))
        #expect(html.contains("قراءة تقديرية"))
        #expect(!(try page()).contains(#"<span class="mark">"#))
    }

    @Test func arabicIndicDigitsAreAChoice() throws {
        let catalogs = try StringCatalog.load(templates: SampleBills.templates)
        let resources = RenderResources(catalogs: catalogs, utility: SampleBills.templateSet.resources.utility, arabicIndicDigits: true)
        let templates = TemplateSet(library: SampleBills.templateSet.library, resources: resources)
        let html = try page({ _ in }, templates: templates)
        #expect(html.contains("٦٫٥٤٥"))
        #expect(html.contains("٣٠ نوفمبر، ٢٠٢٦"))
        #expect(html.contains("٣١ يومًا"))
        #expect(try page().contains("31 يومًا"))
    }

    @Test func theChartTellsInWordsWhatItShows() throws {
        let html = try page()
        #expect(html.contains(#"role="img" aria-labelledby="chart-electricity chart-electricity-summary""#))
        // Values in composed sentences are isolated (FSI … PDI) so they cannot reorder the words.
        #expect(html.contains("هذا الشهر: \u{2068}800 كيلوواط ساعة\u{2069}."))
        #expect(html.contains("Same month last year: \u{2068}780 kWh\u{2069}."))
        #expect(html.contains("That is \u{2068}3%\u{2069} more than a year ago."))
    }

    @Test func howToPayComesFromTheUtilityDetails() throws {
        let html = try page()
        let utility = SampleBills.templateSet.resources.utility
        #expect(html.contains(#"href="\#(utility.portalURL)""#))
        #expect(html.contains(utility.callCentreDisplay))
        #expect(html.contains(utility.centres[0].name.ar))
    }
}
