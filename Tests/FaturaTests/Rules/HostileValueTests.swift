import Foundation
import Testing
@testable import Fatura

/// Hostile values put into the sample month, in every format: each file is
/// read, checked and routed to the end, and every accepted bill rendered.
/// A crash would stop the whole monthly run, so a value may only ever be
/// rejected (with a message and a line) or stop the file with an input error
/// that names its line. (A 20-digit year used to trap on overflow; the
/// rule tests pin that case, this test finds such values by chance.)
@Suite("Hostile values are rejected, never a crash")
struct HostileValueTests {
    static let values = [
        "99999999999999999999", "-1", "0", "-0", "18446744073709551616", "9223372036854775807", "-9223372036854775808",
        "1e308", "0.0000000001", "1.", ".5", "١٢٣", "", "   ", "x", String(repeating: "x", count: 5000),
        "2026-13-45", "0000-00-00", "2026-02-29", "9999-12-31", "99999999999999999999-10-01", "2026-99999999999999999999",
        "\u{202E}", "\"", "'", "\\", "null", "true", "NaN", "+" + String(repeating: "9", count: 30), "a@b", "@",
        String(repeating: "a", count: 300) + "@x.com", "1000000.000", "999999.999", "-999999.999", "0.0005", "2026-1",
        "٢٠٢٦-١٠-٠١", String(repeating: "🇧🇭", count: 200), "ELEC_TIER1", "kWh", "m3", "estimated", "sms", "paper",
        "999999999999999", "9999999999999999",
    ]

    enum Format: String, CaseIterable { case xml, csv, jsonl }

    /// The value spans a mutation may replace: attribute values and texts
    /// (XML), fields (CSV), strings and numbers (JSON Lines).
    static func spans(_ text: String, _ format: Format) -> [Range<String.Index>] {
        let patterns: [String] = switch format {
        case .xml: [#"="([^"]*)""#, #">([^<>]*)<"#]
        case .csv: [#"()[^,\n]+"#]
        case .jsonl: [#""([^"\\]*)""#, #"(?<=[:\[,])(-?\d[\d.eE+-]*)"#]
        }
        var spans: [Range<String.Index>] = []
        for pattern in patterns {
            let expression = try! NSRegularExpression(pattern: pattern)
            for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let group = match.range(at: 1).length > 0 || format != .csv ? match.range(at: 1) : match.range
                if let range = Range(group, in: text) { spans.append(range) }
            }
        }
        return spans
    }

    @Test(arguments: Format.allCases)
    func hostileValuesAreRejectedNotACrash(_ format: Format) throws {
        let original = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("Samples/bills-2026-10.\(format.rawValue)"), encoding: .utf8)
        let spans = Self.spans(original, format)
        try #require(spans.count > 50)
        var generator = SeededGenerator(seed: 0xFA7 &+ UInt64(Format.allCases.firstIndex(of: format)!))
        let templates = SampleBills.templateSet
        let mail = try MailComposer(templates: templates)
        let baseline = try Self.run(Fixture.file(original, name: "bills.\(format.rawValue)"), format, templates, mail)
        #expect(baseline.stopped == false)
        var changed = 0, stopped = 0, rendered = 0
        for _ in 0..<120 {
            var text = original
            // Up to three values replaced, from the end so earlier ranges stay valid.
            var picked = Set<Int>()
            for _ in 0..<Int.random(in: 1...3, using: &generator) { picked.insert(Int.random(in: 0..<spans.count, using: &generator)) }
            for index in picked.sorted(by: { spans[$0].lowerBound > spans[$1].lowerBound }) {
                text.replaceSubrange(spans[index], with: Self.values.randomElement(using: &generator)!)
            }
            let outcome = try Self.run(Fixture.file(text, name: "bills.\(format.rawValue)"), format, templates, mail)
            if outcome.stopped { stopped += 1 }
            if outcome.stopped || outcome.rejected != baseline.rejected { changed += 1 }
            rendered += outcome.rendered
        }
        // The mutations must have reached the checker, not only broken files.
        #expect(changed > 40, "\(changed) of 120 mutated files read differently")
        #expect(stopped < 60, "\(stopped) of 120 mutated files stopped")
        #expect(rendered > 500)
    }

    /// Reads, checks and routes `path` to the end and renders every accepted bill.
    static func run(_ path: String, _ format: Format, _ templates: TemplateSet, _ mail: MailComposer) throws
        -> (rejected: Int, rendered: Int, stopped: Bool) {
        var rejected = 0, rendered = 0
        do {
            var intake = try Intake(input: path, format: nil, shard: nil, onScan: { _ in })
            while let (item, _) = try intake.next() {
                switch item {
                case .render(let bill, let route, _, _):
                    let page = BillPage(bill: bill, route: route, link: SampleBills.signer.link(account: bill.account, month: bill.month),
                                        resources: templates.resources)
                    var bytes: [UInt8] = []
                    try templates.renderPage(page, into: &bytes)
                    #expect(bytes.count > 1000)
                    if route.channel == .email || route.channel == .relativeEmail { _ = try mail.message(page) }
                    rendered += 1
                case .reject(let bill):
                    #expect(!bill.rejection.message.isEmpty)
                    #expect(bill.position.line > 0)
                    rejected += 1
                case nil:
                    break
                }
            }
        } catch let error as BatchError {
            guard case .input(let input) = error else { throw error }
            #expect(input.line != nil, "\(input)")
            return (rejected, rendered, true)
        }
        return (rejected, rendered, false)
    }
}
