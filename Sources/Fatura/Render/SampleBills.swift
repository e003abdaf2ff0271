public import Foundation

/// The sample months of a folder (`Samples/*.xml`) and every output of their
/// accepted bills, for the designers' preview and snapshots. Links are
/// signed with the development key, so outputs are deterministic.
public struct SampleSet: Sendable {
    /// One accepted bill of a sample file.
    public struct Entry: Sendable {
        /// The sample file's name without `.xml`.
        public var sample: String
        public var bill: Bill
        public var route: Route
    }

    /// What a sample can be rendered as.
    public enum Output: String, Sendable, CaseIterable {
        case page
        case emailHTML = "email-html"
        case emailText = "email-text"
        case sms

        /// The snapshot file's extension.
        var fileExtension: String {
            switch self {
            case .page: "html"
            case .emailHTML: "email.html"
            case .emailText: "email.txt"
            case .sms: "sms.txt"
            }
        }
    }

    public let entries: [Entry]
    /// The sample bills a run would reject, each as `FILE:LINE: bill N
    /// (account A): code: message`: the preview lists them, so a sample
    /// that fails a check does not silently drop out.
    public var rejected: [String] = []
    static let signer = LinkSigner(ring: .development, baseURL: "https://b.example.bh")

    /// Reads every `*.xml` of `folder` in name order, keeping the accepted bills.
    public static func load(_ folder: URL) throws(InputError) -> SampleSet {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".xml") }.sorted()
        var entries: [Entry] = []
        var rejected: [String] = []
        for name in names {
            do {
                // The batch's own intake: the same checks and routing as a run.
                var intake = try Intake(input: folder.appendingPathComponent(name).path, format: .xml, shard: nil, onScan: { _ in })
                while let (item, _) = try intake.next() {
                    switch item {
                    case .render(let bill, let route, _, _):
                        entries.append(Entry(sample: String(name.dropLast(4)), bill: bill, route: route))
                    case .reject(let bill):
                        rejected.append(bill.diagnostic(file: name))
                    case nil:
                        break
                    }
                }
            } catch {
                guard case .input(let input) = error else { preconditionFailure("loading samples writes nothing: \(error)") }
                throw input
            }
        }
        return SampleSet(entries: entries, rejected: rejected)
    }

    public func entry(sample: String, account: String) -> Entry? {
        entries.first { $0.sample == sample && $0.bill.account == account }
    }

    /// Renders one output of a bill in `language`.
    public static func render(_ output: Output, _ entry: Entry, language: Language, templates: TemplateSet) throws -> String {
        var bill = entry.bill
        bill.customer.language = language
        let link = signer.link(account: bill.account, month: bill.month) ?? ""
        switch output {
        case .page:
            var buffer: [UInt8] = []
            try templates.renderPage(BillPage(bill: bill, route: entry.route, link: link, resources: templates.resources), into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        case .emailHTML:
            return try templates.render("email.html", BillPage(bill: bill, route: entry.route, link: link, resources: templates.resources))
        case .emailText:
            let page = BillPage(bill: bill, route: entry.route, link: link, resources: templates.resources)
            let subject = try templates.renderSubject(page)
            return "Subject: \(subject)\n\n" + (try templates.render("email.text", page))
        case .sms:
            let view = SMSView(bill: bill, link: link, formatter: templates.resources[language].formatter)
            let message = try SMSComposer().compose(view, library: templates.library)
            return "\(message.text)\n\n\(message.encoding.alphabet.rawValue), \(message.encoding.segments) part(s), \(message.encoding.units) units, template \(message.template)\n"
        }
    }

    /// The snapshot file of an output, relative to the snapshot folder.
    public static func snapshotName(_ output: Output, _ entry: Entry, language: Language) -> String {
        "\(entry.sample)/\(entry.bill.account).\(language.rawValue).\(output.fileExtension)"
    }
}
