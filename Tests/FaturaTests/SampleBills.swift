import Foundation
@testable import Fatura

/// The accepted bills of `Samples/`, checked and routed as a run would.
enum SampleBills {
    static let file = Fixture.packageRoot.appendingPathComponent("Samples/bills-2026-10.xml").path
    static let templates = Fixture.packageRoot.appendingPathComponent("Templates")

    static let accepted: [(bill: Bill, route: Route)] = try! SampleSet.load(URL(fileURLWithPath: file).deletingLastPathComponent())
        .entries.filter { $0.sample == "bills-2026-10" }.map { ($0.bill, $0.route) }

    static let templateSet: TemplateSet = try! TemplateSet.load(directory: templates)

    /// Every sample bill in each language, for tests that want both.
    static var inBothLanguages: [(bill: Bill, route: Route)] {
        accepted.flatMap { bill, route in
            Language.allCases.map { language in
                var copy = bill
                copy.customer.language = language
                return (copy, route)
            }
        }
    }

    /// Links as a run without a key ring signs them: deterministic.
    static let signer = LinkSigner(ring: .development, baseURL: "https://b.example.bh")

    static func page(_ bill: Bill, _ route: Route, templates: TemplateSet = templateSet) throws -> String {
        var buffer: [UInt8] = []
        let link = signer.link(account: bill.account, month: bill.month)
        try templates.renderPage(BillPage(bill: bill, route: route, link: link, resources: templates.resources), into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
