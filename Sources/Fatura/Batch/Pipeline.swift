import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The stages of `Batch.render`: the intake (read, check, route, in file
// order), chunks of work for the child tasks, what rendering a chunk gives,
// and the list files its results are committed to.

/// What becomes of one input record.
enum WorkItem: Sendable {
    /// The bill, its route, where it is, and why the route is not the channel it would have gone by, if so.
    case render(Bill, Route, SourcePosition, ReroutedBill?)
    case reject(RejectedBill)
}

/// Reads the records of a file in order, checks and routes each, and tells
/// which the run renders (its shard's).
///
/// The file-wide uniqueness rules need a first pass over a regular file
/// (``FirstPass``). Without `overlap` the intake waits for it before the
/// first record; with `overlap` records are read and checked at once, the
/// checker remembering every number and account until the first pass is
/// done (then only its candidates), so its verdicts are the same either way.
/// If the first pass is not done by the time `trackedBeforeFirstPass`
/// numbers or accounts are remembered, reading waits for it there, which
/// keeps memory flat. A file larger than `overlapLimit` waits for it at
/// its first record even with `overlap`: there reading beside the first
/// pass would save at most the time of those records, a small share of a
/// long run, and cost memory (the pass's filter and buffer, and the keys
/// remembered, held beside the rendering's). A fault in the file is this
/// pass's to report, at the record it is in, whatever the timing.
///
/// The candidates cover the file only if both passes read the same bytes:
/// reading stops (``InputError/Kind/unreadable``) when the first pass could
/// not read the whole file, and when the file is not, at the end of reading,
/// the file it was at the start (an export still being written, say).
struct Intake {
    let reader: any BillSource
    let header: BatchHeader
    private var checker: BatchChecker
    private let shard: Shard?
    /// The first pass while it is not yet adopted.
    private var firstPass: FirstPass?
    private let trackedBeforeFirstPass: Int
    /// Records read so far.
    private(set) var records = 0
    /// The record being checked (its arrays go back to the reader for a later one).
    private var record = FlatRecord()
    private let path: String
    /// The file as it was when reading began (nil for a pipe or device).
    private let snapshot: InputSnapshot?

    /// Numbers (and as many accounts) remembered at most before reading
    /// waits for the first pass: about 1.5 MB of keys.
    static let trackedBeforeFirstPass = 16_384

    /// The largest file read beside its first pass (256 MiB, about 170,000
    /// bills of `fatura generate` in XML). Reading beside it saves at most
    /// the time of the 16,384 bills remembered meanwhile (about two seconds
    /// here): a tenth of a run of 100,000 bills, a hundredth of a million.
    /// What it costs is memory: a million bills (1.5 GB) to the disk peaked
    /// at 52.2 to 53.8 MB read beside it, against 49.2 to 49.5 for 10,000.
    static let overlapLimit: Int64 = 256 << 20

    /// Whether reading waits for the first pass at its first record.
    let waitsForFirstPass: Bool

    /// Whether the first pass's candidates are adopted (for tests).
    var adoptedFirstPass: Bool { firstPass == nil }

    var bytesRead: Int? { reader.bytesRead }

    /// Opens `input`, starting the first pass on a regular file; without
    /// `overlap`, waits for it (`onScan` hears how far it is); a file over
    /// `overlapLimit` bytes waits at its first record. A pipe or
    /// device cannot be read twice: it is read once, remembering every
    /// number and account (memory then grows with the input, about a hundred
    /// bytes a bill).
    init(input: String, format: InputFormat?, shard: Shard?, overlap: Bool = false,
         trackedBeforeFirstPass: Int = Intake.trackedBeforeFirstPass, overlapLimit: Int64 = Intake.overlapLimit,
         onScan: (BatchProgress) -> Void) throws(BatchError) {
        self.shard = shard
        self.trackedBeforeFirstPass = trackedBeforeFirstPass
        path = input
        let snapshot = InputSnapshot(path: input)
        self.snapshot = snapshot
        let firstPass = snapshot != nil ? FirstPass(input: input, format: format) : nil
        // A large file waits at its first record, not here: the output
        // folder is set up (and a refused `--resume` said) at once.
        waitsForFirstPass = firstPass != nil && !(overlap && (snapshot?.size ?? 0) <= overlapLimit)
        if let firstPass, !overlap { _ = firstPass.wait(onProgress: onScan) }
        do { reader = try InputFormat.openReader(path: input, format: format) } catch {
            firstPass?.stop()
            throw .input(error)
        }
        header = reader.header
        // Every bill of the month gets a signed link: a month no link can
        // carry would stop the run at its first bill, after `check` passed it.
        guard LinkToken.carries(header.period) else {
            firstPass?.stop()
            throw .input(InputError(.notABillExport, file: input, line: reader.headerLine,
                                    message: "the billing month \(header.period) is outside the months a bill's link can carry (\(LinkToken.months))"))
        }
        checker = BatchChecker(header: header)
        self.firstPass = firstPass
        if !overlap { try adoptFirstPass(onScan: onScan) }
    }

    /// Once the first pass is done, the checker keeps only its candidates;
    /// past `trackedBeforeFirstPass` keys, this waits for it. Throws when
    /// the first pass could not read the whole file, or the file changed
    /// since reading began (found here, not only at the end of reading, an
    /// export still being written stops the run before most of its bills
    /// are rendered): its candidates would leave out the repeats of the
    /// bills it did not see.
    private mutating func adoptFirstPass(onScan: (BatchProgress) -> Void) throws(BatchError) {
        guard let firstPass else { return }
        let mustWait = waitsForFirstPass || checker.tracked >= trackedBeforeFirstPass
        guard let candidates = mustWait ? firstPass.wait(onProgress: onScan) : firstPass.result else { return }
        if let failure = firstPass.failure {
            throw .input(InputError(.unreadable, file: failure.file, line: failure.line, column: failure.column,
                                    message: "the first pass could not read the whole file, so repeated numbers and accounts cannot be looked for: \(failure.message)"))
        }
        try checkUnchanged()
        checker.adopt(candidates)
        self.firstPass = nil
    }

    /// Throws when the file is not the one reading began with.
    private func checkUnchanged() throws(BatchError) {
        guard let snapshot, let change = snapshot.change(to: InputSnapshot(path: path)) else { return }
        throw .input(InputError(.unreadable, file: path,
                                message: "the file changed while it was read (\(change)): run again once the export is complete"))
    }

    /// Stops a first pass nobody will wait for (a run that stopped early).
    func stopFirstPass() {
        firstPass?.stop()
    }

    /// The next record's fate (nil when it is another shard's), or nil at the
    /// end of the file; `onScan` hears how far the first pass is while reading waits for it.
    mutating func next(onScan: (BatchProgress) -> Void = { _ in }) throws(BatchError) -> (item: WorkItem?, position: SourcePosition)? {
        if firstPass != nil { try adoptFirstPass(onScan: onScan) }
        let next: SourcePosition?
        do { next = try reader.next(into: &record) } catch {
            // A file cut off because it is still being written is told as that.
            try checkUnchanged()
            throw .input(error)
        }
        guard let position = next else {
            try checkUnchanged()
            return nil
        }
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
            let (route, instead) = Router.routeNaming(bill.contact, prefer: bill.preferredChannel)
            let rerouted = instead.map { instead in
                ReroutedBill(position: position, account: bill.account, reason: .invalidEmail, message: instead.why,
                             from: instead.channel, to: route.channel)
            }
            return (.render(bill, route, position, rerouted), position)
        case .failure(let rejected):
            return (.reject(rejected), position)
        }
    }
}

/// A run of consecutive records for one child task.
///
/// A class, so that the task can take the items out whole and move each
/// bill out to render it: a struct captured by the task's closure shares its
/// array with it, and the first change copies the array, bill by bill. One
/// task at a time has a chunk (the reading task makes it, then one child
/// renders it), hence the unchecked `Sendable`.
final class Chunk: @unchecked Sendable {
    let sequence: Int
    private var items: [WorkItem]
    /// Input records done once this chunk is committed.
    let records: Int

    init(sequence: Int, items: [WorkItem], records: Int) {
        self.sequence = sequence
        self.items = items
        self.records = records
    }

    /// The items, left to the caller alone (the chunk keeps none).
    func takeItems() -> [WorkItem] {
        let taken = items
        items = []
        return taken
    }
}

/// What rendering a chunk gives, committed in order by the calling task.
struct ChunkResult: Sendable {
    enum Outcome: Sendable {
        /// What the lists and the summary need of a bill done (not the bill:
        /// a chunk's bills are freed as they are rendered, not when it commits).
        case accepted(total: Money, channel: Channel, manifest: [UInt8], sms: (row: String, language: Language, parts: Int)?, paper: String?,
                      rerouted: ReroutedBill?)
        case rejected(RejectedBill)
    }

    var sequence: Int
    var outcomes: [Outcome]
    var records: Int

    func commit(into summary: inout BatchSummary, lists: Lists, onReject: (RejectedBill) -> Void,
                onReroute: (ReroutedBill) -> Void) throws(OutputError) {
        for outcome in outcomes {
            switch outcome {
            case .accepted(let total, let channel, let manifest, let sms, let paper, let rerouted):
                if let rerouted {
                    onReroute(rerouted)
                    summary.count(rerouted)
                }
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
///
/// A chunk's files are written by threads of their own (``FileWriters``),
/// not by the task: it hands them over and waits, suspended, until they
/// are written before it returns (so a chunk is committed only once its
/// files are, as checkpoints need). Writing blocks in the kernel, on the
/// disk and on its folders' locks; a render thread (``RenderThreads``, one
/// a core) blocked there would leave a core idle with bills waiting to be
/// rendered, and each system call on a rendering thread costs its user
/// work too.
struct RenderContext: Sendable {
    let templates: TemplateSet
    let mail: MailComposer
    let signer: LinkSigner
    let sms: SMSComposer
    let folder: OutputFolder

    func render(_ chunk: Chunk) async throws(BatchError) -> ChunkResult {
        // Each item moved out of the chunk's array (last first, so reversed):
        // a bill is not copied, field by field, to be rendered, and is freed
        // once it is.
        var items = chunk.takeItems()
        var outcomes: [ChunkResult.Outcome] = []
        outcomes.reserveCapacity(items.count)
        var files: [(path: String, bytes: [UInt8])] = []
        files.reserveCapacity(items.count * 2)
        items.reverse()
        while let item = items.popLast() {
            switch consume item {
            case .render(let bill, let route, let position, let rerouted):
                outcomes.append(try render(bill, route, position, rerouted: rerouted, files: &files))
            case .reject(let rejected):
                outcomes.append(.rejected(rejected))
            }
        }
        if !files.isEmpty, let failure = await FileWriters.shared.write(files, into: folder) {
            throw .output(failure)
        }
        return ChunkResult(sequence: chunk.sequence, outcomes: outcomes, records: chunk.records)
    }

    /// Renders one bill; its files (page, then e-mail) are appended to `files`.
    /// A bill whose e-mail would pass Gmail's clipping size goes by SMS or on
    /// paper instead (``Router/routeWithoutEmail(_:)``): it is valid, and the
    /// contract gives every valid bill a channel.
    private func render(_ bill: Bill, _ route: Route, _ position: SourcePosition, rerouted: ReroutedBill?,
                        files written: inout [(path: String, bytes: [UInt8])]) throws(BatchError) -> ChunkResult.Outcome {
        var route = route
        var rerouted = rerouted
        // Each step leaves the e-mails (which cannot be too large again) or ends on paper.
        while true {
            switch try attempt(bill, route, position, rerouted: rerouted, files: &written) {
            case .done(.rejected(let rejected)) where rejected.rejection.code == .smsTooLong && rerouted != nil && route.channel != .paper:
                // A bill sent another way is not lost to an SMS that cannot fit: it goes on paper.
                route = Route(channel: .paper, recipient: nil)
                rerouted?.to = .paper
            case .done(let outcome):
                return outcome
            case .emailTooLarge(let message):
                let other = Router.routeWithoutEmail(bill.contact)
                if var earlier = rerouted {
                    // Already sent another way (a bad address): that stays its reason, for the
                    // contact-update campaign, and what happened next is added.
                    earlier.message += "; then \(message)"
                    earlier.to = other.channel
                    rerouted = earlier
                } else {
                    rerouted = ReroutedBill(position: position, account: bill.account, reason: .emailTooLarge,
                                            message: message, from: route.channel, to: other.channel)
                }
                route = other
            }
        }
    }

    private enum Attempt {
        case done(ChunkResult.Outcome)
        /// The e-mail of the route passes Gmail's clipping size (why); nothing was appended.
        case emailTooLarge(String)
    }

    /// Renders one bill by `route`.
    private func attempt(_ bill: Bill, _ route: Route, _ position: SourcePosition, rerouted: ReroutedBill?,
                         files written: inout [(path: String, bytes: [UInt8])]) throws(BatchError) -> Attempt {
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
                return .done(.rejected(RejectedBill(position: position, account: bill.account, rejection: rejection)))
            }
        }
        var page: [UInt8] = []
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
            } catch let error as MailComposerError where error.tooLarge {
                // Found from the bill's data (hundreds of charges, say): that bill alone goes another way.
                return .emailTooLarge(error.description)
            } catch {
                throw .render(account: bill.account, message: "e-mail: \(error)")
            }
            files.append(OutputLayout.email(account: bill.account, month: bill.month))
        }
        written.append((files[0], page))
        if let email { written.append((files[1], email)) }
        let smsLine = message.flatMap { message in
            route.recipient.map { mobile in
                (row: CSV.row(SMSRecord(bill: bill, mobile: mobile, message: message, link: link).fields),
                 language: bill.customer.language, parts: message.encoding.segments)
            }
        }
        return .done(.accepted(
            total: bill.total, channel: route.channel,
            manifest: ManifestEntry.json(index: position.index, bill: bill, route: route, link: link, files: files,
                                         rerouted: rerouted?.reason),
            sms: smsLine,
            paper: route.channel == .paper ? CSV.row(PaperRecord(bill: bill, rerouted: rerouted?.reason).fields) : nil,
            rerouted: rerouted))
    }
}

/// Threads that write chunks' files, one a core, started once a process:
/// a write blocked in the kernel holds one of them, never a render thread.
final class FileWriters: Sendable {
    static let shared = FileWriters(count: ProcessInfo.processInfo.activeProcessorCount)

    private struct Job {
        var files: [(path: String, bytes: [UInt8])]
        var folder: OutputFolder
        var done: CheckedContinuation<OutputError?, Never>
    }

    private let threads: WorkerThreads<Job>

    init(count: Int) {
        threads = WorkerThreads(count: count, named: "fatura files") { job in
            var job: Job? = job
            var failure: OutputError?
            do throws(OutputError) {
                for file in job!.files { try job!.folder.write(file.path, file.bytes) }
            } catch {
                failure = error
            }
            // The files and the folder are let go before the task goes on: the
            // run may end at once, and its folder must not outlive it here.
            let done = job!.done
            job = nil
            done.resume(returning: failure)
        }
    }

    /// Writes `files` into `folder` on a writer thread; nil when every one
    /// is written, else the first failure (the files after it are not written).
    func write(_ files: [(path: String, bytes: [UInt8])], into folder: OutputFolder) async -> OutputError? {
        await withCheckedContinuation { done in
            threads.submit(Job(files: files, folder: folder, done: done))
        }
    }
}

/// Threads that run a render's tasks, one a core, started once a process:
/// the reading task and the chunks' child tasks run here (by their task
/// executor preference), not on Swift's global pool.
///
/// On Linux that pool is Dispatch's, which adds a thread whenever, at its
/// once-a-second look, a worker is blocked in the kernel while tasks wait:
/// a read of the export from the disk, a page of code paged back in, a
/// write held back by the kernel once the page cache is full of dirty
/// pages, as happens some minutes into a million bills. The new thread
/// renders beside the others in a malloc arena of its own, which grows to
/// the working set of a render (about 4.6 MB) and stays: in three of five
/// million-bill runs to the disk sampled on 2026-12-07, the peak went from
/// about 50.5 MB to 55.6 to 56.0 (1.12 to 1.13 times that of 10,000
/// bills). A fixed set of
/// threads keeps memory flat; while one of them waits on the disk the
/// other renders, as before, and the files are written by ``FileWriters``.
final class RenderThreads: TaskExecutor, @unchecked Sendable {
    static let shared = RenderThreads(count: ProcessInfo.processInfo.activeProcessorCount)

    /// Set once, in `init` (the threads' work names this executor).
    private var threads: WorkerThreads<UnownedJob>?

    init(count: Int) {
        threads = WorkerThreads(count: count, named: "fatura render") { [unowned self] job in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        threads!.submit(UnownedJob(job))
    }
}

/// A fixed number of threads, started at once and kept for the process's
/// life, doing `work` on each item submitted, first in, first out. Items
/// wait in a plain array: a few at a time here (at most `--jobs` chunks).
final class WorkerThreads<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var items: [Item] = []

    /// Starts `count` threads (at least one) named `name 1`, `name 2`, ….
    init(count: Int, named name: String, work: @escaping @Sendable (Item) -> Void) {
        for index in 0..<max(1, count) {
            Thread.start(named: "\(name) \(index + 1)") { [self] in
                while true {
                    condition.lock()
                    while items.isEmpty { condition.wait() }
                    let item = items.removeFirst()
                    condition.unlock()
                    work(item)
                }
            }
        }
    }

    func submit(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }
}

extension Thread {
    /// Starts `body` on a thread of its own named `name` for the system
    /// too (`top -H`, `ps -L`, `perf`; at most 15 bytes there): Foundation
    /// names only its own object when the name is given before the start,
    /// and a new thread otherwise shows its creator's name, one of
    /// Dispatch's.
    static func start(named name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            _ = setSystemName?(pthread_self(), String(decoding: name.utf8.prefix(15), as: UTF8.self))
            body()
        }
        thread.name = name
        thread.start()
    }

    /// `pthread_setname_np`, which Swift's Glibc module leaves out (a GNU extension).
    private static let setSystemName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np").map { unsafeBitCast($0, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self) }
}
