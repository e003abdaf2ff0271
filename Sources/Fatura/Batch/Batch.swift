public import Foundation

/// What a run needs besides its input and output.
public struct BatchConfiguration: Sendable {
    /// The folder of templates and string catalogs.
    public var templates: URL
    /// The utility's details (how to pay, contact); `templates/utility.json` when nil.
    public var utility: URL?
    /// Arabic pages with Arabic-Indic digits instead of Latin ones.
    public var arabicIndicDigits: Bool

    public init(templates: URL = URL(fileURLWithPath: "Templates"), utility: URL? = nil, arabicIndicDigits: Bool = false) {
        self.templates = templates
        self.utility = utility
        self.arabicIndicDigits = arabicIndicDigits
    }
}

/// A fault that stops a run.
public enum BatchError: Error, Sendable, CustomStringConvertible {
    case input(InputError)
    case output(OutputError)
    case templates(TemplateSetupError)
    case render(account: String, message: String)

    public var description: String {
        switch self {
        case .input(let error): "\(error)"
        case .output(let error): "output: \(error)"
        case .templates(let error): "templates: \(error)"
        case .render(let account, let message): "rendering the bill of account \(account) failed: \(message)"
        }
    }
}

/// The monthly batch: read, check, route, render, write.
public enum Batch {
    /// Reads and checks every bill of `input` without rendering anything;
    /// `onReject` hears of each rejected bill in file order.
    public static func check(input: String, onReject: (RejectedBill) -> Void) throws(BatchError) -> BatchSummary {
        let reader: XMLBillReader
        do { reader = try XMLBillReader(path: input) } catch { throw .input(error) }
        return try process(reader, accept: { _, _ in }, reject: onReject)
    }

    /// Renders every accepted bill of `input` into `output`: `bills/`,
    /// `manifest.jsonl`, `rejects.jsonl` and `summary.json`. The folder
    /// appears only when the run has finished.
    public static func render(
        input: String, output: URL, configuration: BatchConfiguration = BatchConfiguration(),
        onReject: (RejectedBill) -> Void = { _ in }
    ) throws(BatchError) -> BatchSummary {
        let templates: TemplateSet
        do {
            templates = try TemplateSet.load(directory: configuration.templates, utility: configuration.utility,
                                             arabicIndicDigits: configuration.arabicIndicDigits)
        } catch {
            throw .templates(error)
        }
        let reader: XMLBillReader
        do { reader = try XMLBillReader(path: input) } catch { throw .input(error) }

        let folder: OutputFolder
        let manifest: LineWriter
        let rejects: LineWriter
        do throws(OutputError) {
            folder = try OutputFolder(destination: output)
            try folder.makeFolder("bills")
            manifest = try LineWriter(folder.url("manifest.jsonl"))
            rejects = try LineWriter(folder.url("rejects.jsonl"))
        } catch {
            throw .output(error)
        }

        var page: [UInt8] = []
        page.reserveCapacity(1 << 15)
        let summary = try process(reader, accept: { (bill, route) throws(BatchError) in
            page.removeAll(keepingCapacity: true)
            do {
                try templates.renderPage(BillPage(bill: bill, route: route, resources: templates.resources), into: &page)
            } catch {
                throw .render(account: bill.account, message: "\(error)")
            }
            let file = "bills/\(bill.account)-\(bill.month).html"
            do throws(OutputError) {
                try folder.write(file, page)
                try manifest.line(ManifestEntry(bill: bill, route: route, files: [file]).json)
            } catch {
                throw .output(error)
            }
        }, reject: { (rejected) throws(BatchError) in
            onReject(rejected)
            do throws(OutputError) { try rejects.line(rejected.json) } catch { throw .output(error) }
        })

        do throws(OutputError) {
            try manifest.close()
            try rejects.close()
            try folder.write("summary.json", summary.json)
            try folder.publish()
        } catch {
            throw .output(error)
        }
        return summary
    }

    /// The one loop every command shares: each record is checked once,
    /// routed once, and handed to `accept` or `reject` in file order.
    static func process(
        _ reader: some BillSource,
        accept: (Bill, Route) throws(BatchError) -> Void,
        reject: (RejectedBill) throws(BatchError) -> Void
    ) throws(BatchError) -> BatchSummary {
        var checker = BatchChecker(header: reader.header)
        var summary = BatchSummary(header: reader.header)
        while true {
            let next: (record: RecordNode, position: SourcePosition)?
            do { next = try reader.next() } catch { throw .input(error) }
            guard let (record, position) = next else { break }
            switch checker.check(record, at: position) {
            case .success(let bill):
                let route = Router.route(bill.contact, prefer: bill.preferredChannel)
                try accept(bill, route)
                summary.count(bill, via: route.channel)
            case .failure(let rejected):
                try reject(rejected)
                summary.count(rejected)
            }
        }
        return summary
    }
}

/// One line of `manifest.jsonl`.
struct ManifestEntry {
    var bill: Bill
    var route: Route
    var files: [String]

    var json: String {
        JSONText.object([
            ("account", .string(bill.account)),
            ("number", .string(bill.number)),
            ("period", .string(bill.month.description)),
            ("channel", .string(route.channel.rawValue)),
            ("recipient", route.recipient.map { .string($0) } ?? .null),
            ("language", .string(bill.customer.language.rawValue)),
            ("total_fils", .int(bill.total.fils)),
            ("files", .strings(files)),
        ])
    }
}
