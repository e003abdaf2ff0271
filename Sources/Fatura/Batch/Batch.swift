public import Foundation

/// What a run needs besides its input and output.
public struct BatchConfiguration: Sendable {
    /// The folder of templates and string catalogs.
    public var templates: URL
    /// The utility's details (how to pay, contact, link base); `templates/utility.json` when nil.
    public var utility: URL?
    /// Arabic pages with Arabic-Indic digits instead of Latin ones.
    public var arabicIndicDigits: Bool
    /// The keys that sign the links; the development ring when nil.
    public var keyRing: KeyRing?
    /// Overrides the utility details' `link_base_url`.
    public var linkBaseURL: String?
    /// SMS parts allowed per message, by language.
    public var smsMaxParts: [Language: Int]
    /// The input's format; detected from the file when nil.
    public var format: InputFormat?
    /// Render only this share of the bills (`--shard K/N`).
    public var shard: Shard?

    public init(
        templates: URL = URL(fileURLWithPath: "Templates"), utility: URL? = nil, arabicIndicDigits: Bool = false,
        keyRing: KeyRing? = nil, linkBaseURL: String? = nil, smsMaxParts: [Language: Int] = SMSComposer.defaultMaxParts,
        format: InputFormat? = nil
    ) {
        self.templates = templates
        self.utility = utility
        self.arabicIndicDigits = arabicIndicDigits
        self.keyRing = keyRing
        self.linkBaseURL = linkBaseURL
        self.smsMaxParts = smsMaxParts
        self.format = format
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

/// The monthly batch: read, check, route, sign, render, write.
public enum Batch {
    /// Reads and checks every bill of `input` without rendering anything;
    /// `onReject` hears of each rejected bill in file order.
    public static func check(input: String, format: InputFormat? = nil, onReject: (RejectedBill) -> Void) throws(BatchError) -> BatchSummary {
        let reader: any BillSource
        do { reader = try InputFormat.openReader(path: input, format: format) } catch { throw .input(error) }
        return try process(reader, accept: { _, _, _ throws(BatchError) in nil }, reject: onReject)
    }

    /// Renders every accepted bill of `input` into `output`: `bills/`,
    /// `manifest.jsonl`, `rejects.jsonl`, `sms.csv` and `summary.json`. The
    /// folder appears only when the run has finished.
    public static func render(
        input: String, output: URL, configuration: BatchConfiguration = BatchConfiguration(),
        onReject: (RejectedBill) -> Void = { _ in },
        onProgress: (BatchProgress) -> Void = { _ in }
    ) throws(BatchError) -> BatchSummary {
        let templates: TemplateSet
        do {
            templates = try TemplateSet.load(directory: configuration.templates, utility: configuration.utility,
                                             arabicIndicDigits: configuration.arabicIndicDigits)
        } catch {
            throw .templates(error)
        }
        let signer = LinkSigner(ring: configuration.keyRing ?? .development,
                                baseURL: configuration.linkBaseURL ?? templates.resources.utility.linkBaseURL)
        let composer = SMSComposer(maxParts: configuration.smsMaxParts)
        let reader: any BillSource
        do { reader = try InputFormat.openReader(path: input, format: configuration.format) } catch { throw .input(error) }

        let folder: OutputFolder
        let manifest: LineWriter
        let rejects: LineWriter
        let sms: LineWriter
        let paper: LineWriter
        let mail: MailComposer
        do {
            mail = try MailComposer(templates: templates)
        } catch {
            throw .templates(TemplateSetupError("\(error)"))
        }
        do throws(OutputError) {
            folder = try OutputFolder(destination: output)
            try folder.makeFolder("bills")
            try folder.makeFolder("email")
            paper = try LineWriter(folder.url("paper.csv"), lineEnd: [])
            try paper.line(CSV.row(PaperRecord.header))
            manifest = try LineWriter(folder.url("manifest.jsonl"))
            rejects = try LineWriter(folder.url("rejects.jsonl"))
            sms = try LineWriter(folder.url("sms.csv"), lineEnd: [])
            try sms.line(CSV.row(SMSRecord.header))
        } catch {
            throw .output(error)
        }

        var page: [UInt8] = []
        page.reserveCapacity(1 << 15)
        var smsParts: [Language: Int] = [:]
        var summary = try process(reader, accept: { (bill, route, position) throws(BatchError) -> BillRejection? in
            guard let link = signer.link(account: bill.account, month: bill.month) else {
                throw .render(account: bill.account, message: "no link can be signed for billing month \(bill.month)")
            }
            var message: SMSMessage?
            if route.channel == .sms {
                let view = SMSView(bill: bill, link: link, formatter: templates.resources[bill.customer.language].formatter)
                do throws(SMSError) {
                    message = try composer.compose(view, library: templates.library)
                } catch {
                    guard error.kind == .tooLong else { throw .render(account: bill.account, message: error.message) }
                    return BillRejection(.smsTooLong, error.message, line: 0)
                }
            }
            page.removeAll(keepingCapacity: true)
            let view = BillPage(bill: bill, route: route, link: link, resources: templates.resources)
            do {
                try templates.renderPage(view, into: &page)
            } catch {
                throw .render(account: bill.account, message: "\(error)")
            }
            let file = OutputLayout.billPage(account: bill.account, month: bill.month)
            var files = [file]
            var email: [UInt8]?
            if route.channel == .email || route.channel == .relativeEmail {
                do {
                    email = try mail.message(view)
                } catch {
                    throw .render(account: bill.account, message: "e-mail: \(error)")
                }
                files.append(OutputLayout.email(account: bill.account, month: bill.month))
            }
            do throws(OutputError) {
                try folder.write(file, page)
                if let email { try folder.write(files[1], email) }
                if route.channel == .paper { try paper.line(CSV.row(PaperRecord(bill: bill).fields)) }
                try manifest.line(ManifestEntry(index: position.index, bill: bill, route: route, link: link, files: files).json)
                if let message, let mobile = route.recipient {
                    try sms.line(CSV.row(SMSRecord(bill: bill, mobile: mobile, message: message, link: link).fields))
                    smsParts[bill.customer.language, default: 0] += message.encoding.segments
                }
            } catch {
                throw .output(error)
            }
            return nil
        }, reject: { (rejected) throws(BatchError) in
            onReject(rejected)
            do throws(OutputError) { try rejects.line(rejected.json) } catch { throw .output(error) }
        }, progress: onProgress, shard: configuration.shard)
        summary.smsParts = smsParts
        summary.developmentKey = signer.ring.isDevelopment
        let report: String
        do {
            report = try templates.renderReport(summary)
        } catch {
            throw .render(account: "-", message: "report: \(error)")
        }

        do throws(OutputError) {
            try manifest.close()
            try rejects.close()
            try sms.close()
            try paper.close()
            try folder.write("summary.json", summary.json)
            try folder.write("report.html", report)
            try folder.publish()
        } catch {
            throw .output(error)
        }
        return summary
    }

    /// The one loop every command shares: each record is checked once,
    /// routed once, and handed to `accept` or `reject` in file order.
    /// `accept` may still refuse a bill (its SMS cannot fit): that bill is
    /// rejected with its position like any other.
    static func process(
        _ reader: some BillSource,
        accept: (Bill, Route, SourcePosition) throws(BatchError) -> BillRejection?,
        reject: (RejectedBill) throws(BatchError) -> Void,
        progress: (BatchProgress) -> Void = { _ in },
        shard: Shard? = nil
    ) throws(BatchError) -> BatchSummary {
        var checker = BatchChecker(header: reader.header)
        var summary = BatchSummary(header: reader.header)
        while true {
            if summary.bills % BatchProgress.every == 0 {
                progress(BatchProgress(bills: summary.bills, rejected: summary.rejected, bytesRead: reader.bytesRead))
            }
            let next: (record: RecordNode, position: SourcePosition)?
            do { next = try reader.next() } catch { throw .input(error) }
            guard let (record, position) = next else { break }
            let result = checker.check(record, at: position)
            if let shard {
                let account = switch result {
                case .success(let bill): bill.account
                case .failure(let rejected): rejected.account
                }
                guard shard.contains(account: account, index: position.index) else { continue }
            }
            switch result {
            case .success(let bill):
                let route = Router.route(bill.contact, prefer: bill.preferredChannel)
                if var refusal = try accept(bill, route, position) {
                    refusal.line = position.line
                    let rejected = RejectedBill(position: position, account: bill.account, rejection: refusal)
                    try reject(rejected)
                    summary.count(rejected)
                } else {
                    summary.count(bill, via: route.channel)
                }
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
    var index: Int
    var bill: Bill
    var route: Route
    var link: String
    var files: [String]

    var json: String {
        JSONText.object([
            ("index", .int(Int64(index))),
            ("account", .string(bill.account)),
            ("number", .string(bill.number)),
            ("period", .string(bill.month.description)),
            ("channel", .string(route.channel.rawValue)),
            ("recipient", route.recipient.map { .string($0) } ?? .null),
            ("language", .string(bill.customer.language.rawValue)),
            ("total_fils", .int(bill.total.fils)),
            ("link", .string(link)),
            ("files", .strings(files)),
        ])
    }
}

/// One row of `paper.csv`: a bill with no electronic contact (or one that
/// asked for paper), with its address, for printing and the contact-update campaign.
struct PaperRecord {
    static let header = ["account", "number", "period", "language", "reason", "name_ar", "name_en",
                         "flat", "building", "road", "block", "area_ar", "area_en", "total_fils", "due"]
    var fields: [String]

    init(bill: Bill) {
        let hasContact = bill.contact.email != nil || bill.contact.mobile != nil || bill.contact.relativeEmail != nil
        let address = bill.address
        fields = [bill.account, bill.number, bill.month.description, bill.customer.language.rawValue,
                  hasContact ? "prefers-paper" : "no-contact",
                  bill.customer.name.ar ?? "", bill.customer.name.en ?? "",
                  address?.flat ?? "", address?.building ?? "", address?.road ?? "", address?.block ?? "",
                  address?.area.ar ?? "", address?.area.en ?? "", String(bill.total.fils), bill.due.description]
    }
}

/// One row of `sms.csv`.
struct SMSRecord {
    static let header = ["account", "period", "mobile", "language", "encoding", "segments", "link", "text"]
    var fields: [String]

    init(bill: Bill, mobile: String, message: SMSMessage, link: String) {
        fields = [bill.account, bill.month.description, mobile, bill.customer.language.rawValue,
                  message.encoding.alphabet.rawValue, String(message.encoding.segments), link, message.text]
    }
}

/// How far a run has come, reported every `every` bills.
public struct BatchProgress: Sendable {
    public static let every = 256
    public var bills: Int
    public var rejected: Int
    /// Bytes of the input read so far, when the reader can tell.
    public var bytesRead: Int?
}
