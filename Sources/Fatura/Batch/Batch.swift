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
    /// Chunks of bills rendered at once (one task each); the output is the
    /// same for any number. See ``Batch/defaultJobs``.
    public var jobs: Int = Batch.defaultJobs
    /// Go on with an interrupted run's staging folder instead of starting over.
    public var resume = false
    /// Records between checkpoints of the journal (at least).
    public var checkpointEvery = Batch.checkpointEvery

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
    case resume(String)

    public var description: String {
        switch self {
        case .input(let error): "\(error)"
        case .output(let error): "output: \(error)"
        case .templates(let error): "templates: \(error)"
        case .render(let account, let message): "rendering the bill of account \(account) failed: \(message)"
        case .resume(let message): "--resume: \(message)"
        }
    }
}

/// The monthly batch: read, check, route, sign, render, write.
///
/// `render` is a pipeline over the cores. The calling task reads the file,
/// checks each bill (the rules across the file need file order) and routes
/// it, and hands bills on in chunks; up to `jobs` chunks are rendered at
/// once, each by a child task that signs, renders the page and e-mail and
/// has their files written (by threads of their own, see `RenderContext`),
/// while the calling task reads the next chunk ahead
/// (finished chunks waiting for their turn are bounded too); all of them on
/// threads of a fixed number (``RenderThreads``). Their lines
/// (manifest, rejects, SMS and paper lists) are committed in chunk order,
/// so every file is the same whatever the number of jobs or the timing. After every few chunks a checkpoint
/// goes to the journal, from which `--resume` goes on.
///
/// Beside that, a first pass over the file (`DuplicateScan`, on a thread of
/// its own) finds the bill numbers and accounts that may repeat, so the
/// uniqueness rules stay exact while memory stays flat.
public enum Batch {
    /// The rules by which this version of Fatura makes its output from an
    /// export (what is rejected, how bills are routed): changed whenever the
    /// same export, templates and keys would give other output. A run is
    /// resumed, and shares are merged, only under the same rules.
    static let outputRules = "2026-12-07.3"

    /// Bills a child task renders at once. When the disk falls behind (the
    /// page cache full, well into a million bills), every chunk of `jobs`
    /// holds its files until they are written: at 32 bills, that added
    /// 10 MB to the peak of a million-bill run (68.5 MB, against 56 for
    /// 10,000); at 16, each chunk holds about 2 MB with what the allocator
    /// keeps, for no user time that could be measured.
    static let chunkSize = 16
    /// Chunks rendered at once unless configured: one a core, and two more
    /// whose files are being written meanwhile (not more, on a machine of many cores).
    public static let defaultJobs = ProcessInfo.processInfo.activeProcessorCount + 2
    /// Records between checkpoints (at least), unless configured: about a
    /// second of work at the pipeline's pace here. A stopped run does again
    /// up to about two of these (one checkpoint syncing, one waiting) and the
    /// chunks in flight. Each checkpoint's line waits for a sync of the file
    /// system, which writes out the metadata blocks dirtied since the last
    /// (the same inode tables and folders, again and again): every 1,024
    /// records, a render of 100,000 bills spent about 1.1 s more of system
    /// time (5.8 s against 4.7 s, two rounds on a settled disk, 2026-12-07)
    /// and 0.3 s more of wall time than one with no checkpoint at all.
    public static let checkpointEvery = 8192

    /// Reads and checks every bill of `input` without rendering anything;
    /// `onReject` hears of each rejected bill in file order, and `onReroute`
    /// of each that goes by another channel for an address it cannot use
    /// (not for an e-mail too large: nothing is rendered).
    public static func check(input: String, format: InputFormat? = nil, onReject: (RejectedBill) -> Void,
                             onReroute: (ReroutedBill) -> Void = { _ in }) throws(BatchError) -> BatchSummary {
        var intake = try Intake(input: input, format: format, shard: nil, onScan: { _ in })
        var summary = BatchSummary(header: intake.header)
        while let (item, _) = try intake.next() {
            switch item {
            case .render(let bill, let route, _, let rerouted):
                summary.count(total: bill.total, via: route.channel)
                if let rerouted {
                    onReroute(rerouted)
                    summary.count(rerouted)
                }
            case .reject(let rejected):
                onReject(rejected)
                summary.count(rejected)
            case nil: break
            }
        }
        return summary
    }

    /// Renders every accepted bill of `input` into `output`: `bills/`,
    /// `email/`, `manifest.jsonl`, `rejects.jsonl`, `sms.csv`, `paper.csv`,
    /// `report.html` and `summary.json`. The folder appears only when the
    /// run has finished. `onReject` and `onReroute` hear, in file order, of
    /// each rejected bill and each sent by another channel than its route.
    public static func render(
        input: String, output: URL, configuration: BatchConfiguration = BatchConfiguration(),
        onReject: (RejectedBill) -> Void = { _ in },
        onReroute: (ReroutedBill) -> Void = { _ in },
        onProgress: (BatchProgress) -> Void = { _ in },
        onStart: (RunStart) -> Void = { _ in }
    ) async throws(BatchError) -> BatchSummary {
        let templates: TemplateSet
        do {
            templates = try TemplateSet.load(directory: configuration.templates, utility: configuration.utility,
                                             arabicIndicDigits: configuration.arabicIndicDigits)
        } catch {
            throw .templates(error)
        }
        let mail: MailComposer
        do { mail = try MailComposer(templates: templates) } catch { throw .templates(TemplateSetupError("\(error)")) }
        let signer = LinkSigner(ring: configuration.keyRing ?? .development,
                                baseURL: configuration.linkBaseURL ?? templates.resources.utility.linkBaseURL)

        // A share names its export by content, for `merge`: read beside the run.
        let digest = configuration.shard != nil ? InputDigest(path: input) : nil
        // The first pass goes on beside the rendering (see `Intake`).
        var intake = try Intake(input: input, format: configuration.format, shard: configuration.shard, overlap: true, onScan: onProgress)
        defer { intake.stopFirstPass() }
        let header = intake.header
        let fingerprint = Journal.fingerprint(input: input, configuration: configuration,
                                              sample: Journal.keySample(signer, header.period), header: header)

        let folder: OutputFolder
        let journal: Journal
        let lists: Lists
        var summary = BatchSummary(header: header)
        var done = 0
        var cannotResume = false
        var emptied = false
        do throws(OutputError) {
            folder = try OutputFolder(destination: output, resume: configuration.resume)
            // A staging folder without a journal to trust (stopped before
            // its first line reached the disk, or killed while publishing,
            // once the journal was removed) is emptied and begun again.
            if folder.resumed, let (old, oldFingerprint, parts, last) = try Journal.resume(folder: folder) {
                guard oldFingerprint == fingerprint.value else {
                    cannotResume = true
                    if let differences = fingerprint.differences(from: parts) {
                        throw OutputError("the interrupted run in \(folder.staging.path) differs from this one in \(differences.joined(separator: "; "))")
                    }
                    throw OutputError("the interrupted run in \(folder.staging.path) had another input, templates, keys or options")
                }
                journal = old
                lists = try Lists(folder: folder, resumeAt: last?.lengths)
                if let last {
                    summary = last.summary
                    done = last.records
                }
            } else {
                if folder.resumed {
                    try folder.empty()
                    emptied = true
                }
                lists = try Lists(folder: folder, resumeAt: nil)
                journal = try Journal(folder: folder, fingerprint: fingerprint)
            }
            folder.keepWhenStopped()
            summary.developmentKey = signer.ring.isDevelopment
            summary.shard = configuration.shard
            onStart(emptied ? .emptied : folder.resumed ? .resumed(done: done) : folder.droppedInterrupted ? .startedOver : .fresh)
        } catch {
            guard cannotResume else { throw .output(error) }
            throw .resume("\(error); resume with the same input, templates, keys and options, or run without --resume to start over")
        }

        // However the run ends, the journal's last line is written (or
        // dropped) while the folder is still held: the lock stays on until then.
        defer {
            try? journal.finish()
            folder.removeUnlessKept()
        }
        let context = RenderContext(templates: templates, mail: mail, signer: signer,
                                    sms: SMSComposer(maxParts: configuration.smsMaxParts), folder: folder)
        let jobs = max(1, configuration.jobs)
        // The records a checkpoint already covers are read and checked again
        // (the rules across the file need them) but not rendered.
        while intake.records < done {
            guard try intake.next(onScan: onProgress) != nil else { break }
            if intake.records % BatchProgress.every == 0 {
                onProgress(BatchProgress(bills: intake.records, rejected: summary.rejected, bytesRead: intake.bytesRead))
            }
        }
        var sent = 0
        /// The next chunk of records, or nil at the end of the file.
        func readChunk() throws(BatchError) -> Chunk? {
            var items: [WorkItem] = []
            items.reserveCapacity(chunkSize)
            let first = intake.records
            // Another shard's records give no items: a chunk also ends after
            // enough records, so that checkpoints keep coming.
            while items.count < chunkSize, intake.records - first < chunkSize * 8 {
                guard let (item, _) = try intake.next(onScan: onProgress) else { break }
                if let item { items.append(item) }
                if intake.records % BatchProgress.every == 0 {
                    onProgress(BatchProgress(bills: intake.records, rejected: summary.rejected, bytesRead: intake.bytesRead))
                }
            }
            guard intake.records > first else { return nil }
            defer { sent += 1 }
            return Chunk(sequence: sent, items: items, records: intake.records)
        }
        do {
            // On the render threads, not Swift's pool (see `RenderThreads`).
            try await withTaskExecutorPreference(RenderThreads.shared) {
                try await withThrowingTaskGroup(of: ChunkResult.self) { group in
                    var running = 0
                    var committed = 0
                    var pending: [Int: ChunkResult] = [:]
                    var ahead: Chunk?
                    var reading = true
                    var lastCheckpoint = done
                    while true {
                        // At most `jobs` chunks rendering, and a bounded number waiting for their turn.
                        while running < jobs, sent - committed < jobs * 4 {
                            if ahead == nil, reading {
                                ahead = try readChunk()
                                reading = ahead != nil
                            }
                            guard let chunk = ahead else { break }
                            ahead = nil
                            group.addTask { try await context.render(chunk) }
                            running += 1
                        }
                        // Read ahead while the children render.
                        if ahead == nil, reading {
                            ahead = try readChunk()
                            reading = ahead != nil
                        }
                        guard running > 0, let result = try await group.next() else { break }
                        running -= 1
                        pending[result.sequence] = result
                        while let ready = pending.removeValue(forKey: committed) {
                            try ready.commit(into: &summary, lists: lists, onReject: onReject, onReroute: onReroute)
                            committed += 1
                            if ready.records - lastCheckpoint >= configuration.checkpointEvery {
                                try lists.flush()
                                try journal.record(Journal.Checkpoint(records: ready.records, lengths: lists.lengths, summary: summary))
                                lastCheckpoint = ready.records
                            }
                        }
                    }
                }
            }
        } catch let error as BatchError {
            // A fault in the file stops the run with nothing written, as when
            // the first pass finds it before the first bill.
            if case .input = error { folder.dropWhenStopped() }
            throw error
        } catch let error as OutputError {
            throw .output(error)
        } catch {
            throw .render(account: "-", message: "\(error)")
        }
        onProgress(BatchProgress(bills: intake.records, rejected: summary.rejected, bytesRead: intake.bytesRead))

        let report: String
        do {
            report = try templates.renderReport(summary)
        } catch {
            throw .render(account: "-", message: "report: \(error)")
        }
        // Read from a pipe, a share cannot name its export: it has no run name, and `merge` refuses it.
        if let digest, let content = digest.wait() {
            let format = switch intake.reader {
            case is XMLBillReader: "xml"
            case is CSVBillReader: "csv"
            default: "jsonl"
            }
            let look = ShardMerge.lookDigest(templates: configuration.templates, utility: configuration.utility,
                                             arabicIndicDigits: configuration.arabicIndicDigits)
            summary.run = Journal.splitFingerprint(contentDigest: content, format: format, look: look, configuration: configuration,
                                                   sample: Journal.keySample(signer, header.period), header: header)
            summary.look = look
        }
        do throws(OutputError) {
            try lists.close()
            try journal.record(Journal.Checkpoint(records: intake.records, lengths: lists.lengths, summary: summary))
            // Waits for one syncfs, holding its thread: once a run, before publishing.
            try journal.finish()
            try folder.write("summary.json", summary.json)
            try folder.write("report.html", report)
            try folder.publish(removing: [Journal.name])
        } catch {
            throw .output(error)
        }
        return summary
    }
}

/// One line of `manifest.jsonl`.
enum ManifestEntry {
    /// One line of `manifest.jsonl`, the keys in this order (written as
    /// ``JSONText/object(_:)`` would, without building its field list for
    /// each of a million bills, or copying the bill).
    static func json(index: Int, bill: Bill, route: Route, link: String, files: [String],
                     rerouted: ReroutedBill.Reason? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + link.utf8.count + files.reduce(0) { $0 + $1.utf8.count })
        func put(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        put(#"{"index":"#)
        JSONText.appendInteger(Int64(index), to: &out)
        put(#","account":"#)
        JSONText.appendQuoted(bill.account, to: &out)
        put(#","number":"#)
        JSONText.appendQuoted(bill.number, to: &out)
        put(#","period":"#)
        JSONText.appendQuoted(bill.month.description, to: &out)
        put(#","channel":"#)
        JSONText.appendQuoted(route.channel.rawValue, to: &out)
        put(#","recipient":"#)
        if let recipient = route.recipient {
            JSONText.appendQuoted(recipient, to: &out)
        } else {
            put("null")
        }
        put(#","language":"#)
        JSONText.appendQuoted(bill.customer.language.rawValue, to: &out)
        put(#","total_fils":"#)
        JSONText.appendInteger(bill.total.fils, to: &out)
        put(#","link":"#)
        JSONText.appendQuoted(link, to: &out)
        put(#","files":["#)
        for (index, file) in files.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(file, to: &out)
        }
        put("]")
        if let rerouted {
            put(#","rerouted":"#)
            JSONText.appendQuoted(rerouted.rawValue, to: &out)
        }
        put("}")
        return out
    }
}

/// One row of `paper.csv`: a bill with no electronic contact (or one that
/// asked for paper), with its address, for printing and the contact-update campaign.
struct PaperRecord {
    static let header = ["account", "number", "period", "language", "reason", "name_ar", "name_en",
                         "flat", "building", "road", "block", "area_ar", "area_en", "total_fils", "due"]
    var fields: [String]

    /// `rerouted`: why a bill with an e-mail address is on paper instead.
    init(bill: Bill, rerouted: ReroutedBill.Reason? = nil) {
        let hasContact = bill.contact.email != nil || bill.contact.mobile != nil || bill.contact.relativeEmail != nil
        let address = bill.address
        fields = [bill.account, bill.number, bill.month.description, bill.customer.language.rawValue,
                  rerouted?.rawValue ?? (hasContact ? "prefers-paper" : "no-contact"),
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

/// How a run began, as to an interrupted run's work.
public enum RunStart: Sendable, Equatable {
    case fresh
    /// An interrupted run's work was there and `--resume` was not given: it was dropped.
    case startedOver
    /// Going on from an interrupted run, with `done` input records already done.
    case resumed(done: Int)
    /// `--resume` found an interrupted run's folder with no journal to go on
    /// from: it was emptied, and the run begins again.
    case emptied
}

/// How far a run has come, reported every `every` bills.
public struct BatchProgress: Sendable {
    public static let every = 256
    public var bills: Int
    public var rejected: Int
    /// Bytes of the input read so far, when the reader can tell.
    public var bytesRead: Int?
    /// The first pass over the file (looking for repeated numbers and accounts).
    public var scanning = false

    /// Seconds into a pass before its rate and time left are shown: over a
    /// shorter time they would say nothing true (the first line of a pass
    /// said 0 bills/s and about 0:00 left).
    public static let measuredAfter = 1.0

    /// The progress line, `elapsed` seconds into the pass it is of: bills,
    /// then (once measured) bills per second, the rejects (rendering pass),
    /// and (once measured, for an input whose size and bytes read are known)
    /// the time left at the pass's rate so far.
    public func line(elapsed: Double, totalBytes: Int?) -> String {
        let measured = elapsed >= Self.measuredAfter
        var line = scanning ? "scanning for repeated numbers and accounts: \(bills) bills" : "\(bills) bills"
        if measured { line += ", \(Int(Double(bills) / elapsed)) bills/s" }
        if !scanning { line += ", \(rejected) rejected" }
        if measured, let totalBytes, totalBytes > 0, let read = bytesRead, read > 0 {
            let left = Int(elapsed * Double(max(0, totalBytes - read)) / Double(read))
            line += ", about \(left / 60):\(left % 60 < 10 ? "0" : "")\(left % 60) left"
        }
        return line
    }
}
