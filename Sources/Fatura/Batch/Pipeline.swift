import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The stages of `Batch.render`: the intake (read, check, route, in file
// order), chunks of work for the child tasks, what rendering a chunk gives,
// and the list files its results are committed to.

/// What becomes of one input record.
enum WorkItem: Sendable {
    case render(Bill, Route, SourcePosition)
    case reject(RejectedBill)
}

/// Reads the records of a file in order, checks and routes each, and tells
/// which the run renders (its shard's). Made after the duplicate scan.
struct Intake {
    let reader: any BillSource
    let header: BatchHeader
    private var checker: BatchChecker
    private let shard: Shard?
    /// Records read so far.
    private(set) var records = 0
    /// The record being checked (its arrays go back to the reader for a later one).
    private var record = FlatRecord()

    var bytesRead: Int? { reader.bytesRead }

    /// Scans the file for possible duplicates (`onScan` hears how far), then
    /// opens it again to read. A pipe or device cannot be read twice: it is
    /// read once, remembering every number and account (memory then grows
    /// with the input, about a hundred bytes a bill).
    init(input: String, format: InputFormat?, shard: Shard?, onScan: (BatchProgress) -> Void) throws(BatchError) {
        var status = stat()
        guard stat(input, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            do { reader = try InputFormat.openReader(path: input, format: format) } catch { throw .input(error) }
            header = reader.header
            checker = BatchChecker(header: header)
            self.shard = shard
            return
        }
        var scan = DuplicateScan()
        let first: any BillSource
        do { first = try InputFormat.openReader(path: input, format: format) } catch { throw .input(error) }
        var scanned = 0
        do {
            try first.scanIdentities { rawAccount, rawNumber, bytesRead in
                let (account, number) = BillChecker.identity(account: rawAccount, number: rawNumber)
                scan.add(number: number, account: account)
                scanned += 1
                if scanned % BatchProgress.every == 0 {
                    onScan(BatchProgress(bills: scanned, rejected: 0, bytesRead: bytesRead, scanning: true))
                }
            }
        } catch {
            throw .input(error)
        }
        do { reader = try InputFormat.openReader(path: input, format: format) } catch { throw .input(error) }
        header = reader.header
        self.checker = BatchChecker(header: header, candidates: scan.candidates)
        self.shard = shard
    }

    /// The next record's fate (nil when it is another shard's), or nil at the end of the file.
    mutating func next() throws(BatchError) -> (item: WorkItem?, position: SourcePosition)? {
        let next: SourcePosition?
        do { next = try reader.next(into: &record) } catch { throw .input(error) }
        guard let position = next else { return nil }
        records += 1
        let result = checker.check(record, at: position)
        if let shard {
            let account = switch result {
            case .success(let bill): bill.account
            case .failure(let rejected): rejected.account
            }
            guard shard.contains(account: account, index: position.index) else { return (nil, position) }
        }
        switch result {
        case .success(let bill):
            return (.render(bill, Router.route(bill.contact, prefer: bill.preferredChannel), position), position)
        case .failure(let rejected):
            return (.reject(rejected), position)
        }
    }
}

/// A run of consecutive records for one child task.
struct Chunk: Sendable {
    var sequence: Int
    var items: [WorkItem]
    /// Input records done once this chunk is committed.
    var records: Int
}

/// What rendering a chunk gives, committed in order by the calling task.
struct ChunkResult: Sendable {
    enum Outcome: Sendable {
        /// What the lists and the summary need of a bill done (not the bill:
        /// a chunk's bills are freed as they are rendered, not when it commits).
        case accepted(total: Money, channel: Channel, manifest: [UInt8], sms: (row: String, language: Language, parts: Int)?, paper: String?)
        case rejected(RejectedBill)
    }

    var sequence: Int
    var outcomes: [Outcome]
    var records: Int

    func commit(into summary: inout BatchSummary, lists: Lists, onReject: (RejectedBill) -> Void) throws(OutputError) {
        for outcome in outcomes {
            switch outcome {
            case .accepted(let total, let channel, let manifest, let sms, let paper):
                if let paper { try lists.paper.line(paper) }
                try lists.manifest.line(manifest)
                if let sms {
                    try lists.sms.line(sms.row)
                    summary.smsParts[sms.language, default: 0] += sms.parts
                }
                summary.count(total: total, via: channel)
            case .rejected(let rejected):
                onReject(rejected)
                try lists.rejects.line(rejected.json)
                summary.count(rejected)
            }
        }
    }
}

/// The list files of a run, appended to in input order.
struct Lists {
    let manifest: LineWriter
    let rejects: LineWriter
    let sms: LineWriter
    let paper: LineWriter

    /// New lists, or an interrupted run's cut back to a checkpoint's `lengths`.
    init(folder: OutputFolder, resumeAt lengths: [String: Int]?) throws(OutputError) {
        func writer(_ name: String, lineEnd: [UInt8] = [0x0A], header: [String]? = nil) throws(OutputError) -> LineWriter {
            if let lengths {
                guard let length = lengths[name] else { throw OutputError("the journal has no length for \(name)") }
                return try LineWriter(folder.url(name), lineEnd: lineEnd, resumeAt: length)
            }
            let writer = try LineWriter(folder.url(name), lineEnd: lineEnd)
            if let header { try writer.line(CSV.row(header)) }
            return writer
        }
        manifest = try writer("manifest.jsonl")
        rejects = try writer("rejects.jsonl")
        sms = try writer("sms.csv", lineEnd: [], header: SMSRecord.header)
        paper = try writer("paper.csv", lineEnd: [], header: PaperRecord.header)
    }

    var lengths: [String: Int] {
        ["manifest.jsonl": manifest.length, "rejects.jsonl": rejects.length, "sms.csv": sms.length, "paper.csv": paper.length]
    }

    func flush() throws(OutputError) {
        for writer in [manifest, rejects, sms, paper] { try writer.flush() }
    }

    func close() throws(OutputError) {
        for writer in [manifest, rejects, sms, paper] { try writer.close() }
    }
}

/// What a child task needs to render bills: all of it read-only.
struct RenderContext: Sendable {
    let templates: TemplateSet
    let mail: MailComposer
    let signer: LinkSigner
    let sms: SMSComposer
    let folder: OutputFolder

    func render(_ chunk: Chunk) throws(BatchError) -> ChunkResult {
        var page: [UInt8] = []
        page.reserveCapacity(1 << 15)
        var outcomes: [ChunkResult.Outcome] = []
        outcomes.reserveCapacity(chunk.items.count)
        for item in chunk.items {
            switch item {
            case .render(let bill, let route, let position):
                outcomes.append(try render(bill, route, position, page: &page))
            case .reject(let rejected):
                outcomes.append(.rejected(rejected))
            }
        }
        return ChunkResult(sequence: chunk.sequence, outcomes: outcomes, records: chunk.records)
    }

    private func render(_ bill: Bill, _ route: Route, _ position: SourcePosition, page: inout [UInt8]) throws(BatchError) -> ChunkResult.Outcome {
        guard let link = signer.link(account: bill.account, month: bill.month) else {
            throw .render(account: bill.account, message: "no link can be signed for billing month \(bill.month)")
        }
        var message: SMSMessage?
        if route.channel == .sms {
            let view = SMSView(bill: bill, link: link, formatter: templates.resources[bill.customer.language].formatter)
            do throws(SMSError) {
                message = try sms.compose(view, library: templates.library)
            } catch {
                guard error.kind == .tooLong else { throw .render(account: bill.account, message: error.message) }
                let rejection = BillRejection(.smsTooLong, error.message, line: position.line)
                return .rejected(RejectedBill(position: position, account: bill.account, rejection: rejection))
            }
        }
        page.removeAll(keepingCapacity: true)
        let view = BillPage(bill: bill, route: route, link: link, resources: templates.resources)
        do {
            try templates.renderPage(view, into: &page)
        } catch {
            throw .render(account: bill.account, message: "\(error)")
        }
        var files = [OutputLayout.billPage(account: bill.account, month: bill.month)]
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
            try folder.write(files[0], page)
            if let email { try folder.write(files[1], email) }
        } catch {
            throw .output(error)
        }
        let smsLine = message.flatMap { message in
            route.recipient.map { mobile in
                (row: CSV.row(SMSRecord(bill: bill, mobile: mobile, message: message, link: link).fields),
                 language: bill.customer.language, parts: message.encoding.segments)
            }
        }
        return .accepted(
            total: bill.total, channel: route.channel,
            manifest: ManifestEntry(index: position.index, bill: bill, route: route, link: link, files: files).json,
            sms: smsLine,
            paper: route.channel == .paper ? CSV.row(PaperRecord(bill: bill).fields) : nil)
    }
}
