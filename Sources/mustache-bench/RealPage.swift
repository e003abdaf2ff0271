import Fatura
import FaturaMustache
import Foundation
import Mustache

/// The product's own bill page: `Templates/` with the fullest bill of
/// `Samples/bills-2026-10.xml` (two meters, twelve months of history, both
/// charts), through FaturaMustache and swift-mustache, and the cost of
/// building the page's view (formatting every value) on its own.
@MainActor func benchmarkRealPage(iterations: Int) throws {
    guard FileManager.default.fileExists(atPath: "Templates/bill.mustache") else {
        print("real page: run from the package root (Templates/ and Samples/ are needed); skipped")
        return
    }
    let templates = try TemplateSet.load(directory: URL(fileURLWithPath: "Templates"))
    let samples = try SampleSet.load(URL(fileURLWithPath: "Samples"))
    guard let entry = samples.entry(sample: "bills-2026-10", account: "1002345678") else { return }
    let link = "https://b.example.bh/QAAH33GI4UHQ1vaYC0y0jQAz"
    let view = Fatura.BillPage(bill: entry.bill, route: entry.route, link: link, resources: templates.resources)
    var reference = MustacheLibrary()
    let base = URL(fileURLWithPath: "Templates").path
    for case let relative as String in FileManager.default.enumerator(atPath: base)! where relative.hasSuffix(".mustache") {
        try reference.register(String(contentsOfFile: base + "/" + relative, encoding: .utf8), named: String(relative.dropLast(9)))
    }
    let referenceContext = RealReference(value: .object(view))

    var ours: [UInt8] = []
    try templates.renderPage(view, into: &ours)
    let theirs = Array((reference.render(referenceContext, withTemplate: "bill") ?? "").utf8)
    guard ours == theirs else { fatalError("real page: FaturaMustache and swift-mustache differ") }
    print("\nreal page (Templates/bill.mustache, account 1002345678): \(ours.count) bytes; outputs identical")

    var buffer: [UInt8] = []
    buffer.reserveCapacity(32 * 1024)
    let medians = try measure([
        ("FaturaMustache", {
            buffer.removeAll(keepingCapacity: true)
            try templates.renderPage(view, into: &buffer)
            return buffer.count
        }),
        ("swift-mustache", { reference.render(referenceContext, withTemplate: "bill")?.utf8.count ?? 0 }),
        ("view (format)", {
            Fatura.BillPage(bill: entry.bill, route: entry.route, link: link, resources: templates.resources).hashValueForBench
        }),
    ])
    print("real page: swift-mustache / FaturaMustache = \(formatted(medians[1] / medians[0]))x")
}

/// swift-mustache's view of our typed values.
struct RealReference: MustacheParent {
    let value: MustacheValue

    func child(named name: String) -> Any? {
        value.child(MustacheKey(name)).flatMap(Self.convert)
    }

    static func convert(_ value: MustacheValue) -> Any? {
        switch value {
        case .null: nil
        case .bool(let bool): bool
        case .int(let int): int
        case .double(let double): double
        case .string(let string): string
        case .list(let items): items.map { convert($0) as Any }
        case .object, .dictionary: RealReference(value: value)
        }
    }
}

extension Fatura.BillPage {
    /// Something the optimiser cannot drop.
    var hashValueForBench: Int { ObjectIdentifier(self).hashValue & 1 }
}
