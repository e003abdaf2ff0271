import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checkpoints of a run, in its staging folder (`.journal`), from which
/// `fatura render --resume` goes on after the run was stopped (SIGKILL
/// included, and a power cut).
///
/// The first line names the run (a fingerprint of its input, templates,
/// keys and options); every later line is a checkpoint: how many input
/// records were done, the length of each list file, and the summary so
/// far. A checkpoint is handed over only after the files of every bill it
/// covers were written and the lists were written out, and its
/// line is written only after the file system holding them was synced
/// (``CheckpointWriter``): everything up to the last line is complete and
/// on the disk; whatever came after is redone. Lines are whole `write(2)`
/// calls, so a killed process leaves either a whole line or none; a torn
/// last line is ignored.
///
/// The journal is removed before the folder is published.
final class Journal {
    static let name = ".journal"

    struct Checkpoint: Equatable {
        /// Input records (read, checked, and rendered or rejected) done.
        var records: Int
        /// Bytes of `manifest.jsonl`, `rejects.jsonl`, `sms.csv`, `paper.csv`.
        var lengths: [String: Int]
        var summary: BatchSummary

        var line: String {
            JSONText.object([
                ("records", .int(Int64(records))),
                ("lengths", .object(lengths.keys.sorted().map { ($0, .int(Int64(lengths[$0]!))) })),
                ("summary", .raw(summary.compactJSON)),
            ])
        }

        init(records: Int, lengths: [String: Int], summary: BatchSummary) {
            self.records = records
            self.lengths = lengths
            self.summary = summary
        }

        init?(line: Substring) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let records = object["records"] as? Int,
                  let lengths = object["lengths"] as? [String: Int],
                  let summaryObject = object["summary"],
                  let summaryData = try? JSONSerialization.data(withJSONObject: summaryObject),
                  let summary = try? BatchSummary(json: summaryData, file: Journal.name)
            else { return nil }
            self.init(records: records, lengths: lengths, summary: summary)
        }
    }

    private let descriptor: Int32
    private let checkpoints: CheckpointWriter

    /// Syncs the file system holding the open file `descriptor`: nil when
    /// done, else why not.
    typealias Sync = @Sendable (_ descriptor: Int32) -> String?

    /// `syncfs(2)`, Linux's sync of one file system, where the C library
    /// has it (Swift's Glibc module leaves it out: it is a GNU extension);
    /// else `sync()`, every file system.
    static let syncFileSystem: Sync = {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            let syncfs = unsafeBitCast(symbol, to: SyncFS.self)
            // It reports the file system's writeback errors (EIO, ENOSPC) since Linux 5.8.
            return { descriptor in syncfs(descriptor) == 0 ? nil : String(cString: strerror(errno)) }
        }
        return { _ in
            sync()
            return nil
        }
    }()

    /// Starts a new journal for the run named by `fingerprint`; `sync`
    /// comes before each checkpoint's line (tests watch it).
    init(folder: OutputFolder, fingerprint: String, parts: [(name: String, digest: String)] = [],
         sync: @escaping Sync = Journal.syncFileSystem) throws(OutputError) {
        descriptor = open(folder.url(Self.name).path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot create the journal: \(String(cString: strerror(errno)))") }
        checkpoints = CheckpointWriter(descriptor: descriptor, sync: sync)
        var fields: [(String, JSONText.Value)] = [("fingerprint", .string(fingerprint))]
        if !parts.isEmpty { fields.append(("parts", .object(parts.map { ($0.name, .string($0.digest)) }))) }
        let header = JSONText.object(fields)
        try OutputFolder.writeAll(descriptor, Array((header + "\n").utf8), name: Self.name)
    }

    /// Starts a new journal for the run `fingerprint` names.
    convenience init(folder: OutputFolder, fingerprint: RunFingerprint) throws(OutputError) {
        try self.init(folder: folder, fingerprint: fingerprint.value, parts: fingerprint.partDigests)
    }

    /// Goes on with the journal of an interrupted run.
    private init(descriptor: Int32, sync: @escaping Sync) {
        self.descriptor = descriptor
        checkpoints = CheckpointWriter(descriptor: descriptor, sync: sync)
    }

    deinit {
        // A checkpoint still waiting covers work that was done: it is written (after its sync).
        try? checkpoints.close(writingPending: true)
        close(descriptor)
    }

    /// The interrupted run's journal, with its fingerprint and last whole
    /// checkpoint (nil when it made none), or nil when there is no journal.
    /// `parts` are the digests of what the fingerprint was made of, by name
    /// (empty in a journal of an earlier version).
    static func resume(folder: OutputFolder, sync: @escaping Sync = Journal.syncFileSystem) throws(OutputError)
        -> (journal: Journal, fingerprint: String, parts: [String: String], last: Checkpoint?)? {
        let path = folder.url(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            // No journal at all; one that is there but cannot be read is not
            // taken for none (the folder would be emptied).
            if access(path, F_OK) != 0, errno == ENOENT { return nil }
            throw OutputError("cannot read the journal of the interrupted run in \(folder.staging.path); run without --resume to start over")
        }
        let text = String(decoding: data, as: UTF8.self)
        // Only lines that ended: a last line without its line feed was torn.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        // Empty, or a first line torn: its header never reached the disk
        // (the first checkpoint's sync makes it durable), so nothing was committed.
        guard let first = lines.first else { return nil }
        guard let header = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any],
              let fingerprint = header["fingerprint"] as? String
        else {
            throw OutputError("the journal of the interrupted run in \(folder.staging.path) cannot be read; run without --resume to start over")
        }
        let last = lines.count > 1 ? Checkpoint(line: lines[lines.count - 1]) : nil
        guard lines.count == 1 || last != nil else {
            throw OutputError("the journal of the interrupted run in \(folder.staging.path) cannot be read; run without --resume to start over")
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputError("cannot open the journal: \(String(cString: strerror(errno)))") }
        // Drop a torn tail, so the next checkpoint starts on a line of its own.
        let whole = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        if whole != data.count { _ = ftruncate(descriptor, off_t(whole)) }
        return (Journal(descriptor: descriptor, sync: sync), fingerprint, header["parts"] as? [String: String] ?? [:], last)
    }

    /// Hands over a checkpoint, whose line is written once the file system
    /// is synced, without waiting for it; throws when an earlier line could
    /// not be written.
    func record(_ checkpoint: Checkpoint) throws(OutputError) {
        try checkpoints.submit(Array((checkpoint.line + "\n").utf8))
    }

    /// Waits until every checkpoint handed over is written (the last one
    /// of a run, before its folder is published); throws when one could not be.
    func finish() throws(OutputError) {
        try checkpoints.close(writingPending: true)
    }

    /// A name for a run: what its output depends on besides the time. The
    /// input by path, size, modification time and inode (reading it all
    /// again to hash it would cost a pass over the file), the templates,
    /// catalogs and utility details by content (``ShardMerge/lookDigest(templates:utility:arabicIndicDigits:)``),
    /// the options, and the keys by a link signed with the active one
    /// (which names the secret without showing it).
    static func fingerprint(input: String, configuration: BatchConfiguration, sample link: String, header: BatchHeader) -> RunFingerprint {
        var status = stat()
        let sms = configuration.smsMaxParts.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue)=\(configuration.smsMaxParts[$0]!)" }
        return RunFingerprint([
            ("input", stat(input, &status) == 0
                ? "input \(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ino)"
                : "input \(input)"),
            ("month", "month \(header.period) \(header.issued)"),
            ("rules", "rules \(Batch.outputRules)"),
            ("format", "format \(configuration.format?.rawValue ?? "detected")"),
            ("link-base", "link-base \(configuration.linkBaseURL ?? "-")"),
            ("sms", "sms \(sms)"),
            ("shard", "shard \(configuration.shard?.description ?? "-")"),
            ("keys", "keys \(configuration.keyRing?.description ?? "development") \(link)"),
            ("look", "look \(ShardMerge.lookDigest(templates: configuration.templates, utility: configuration.utility, arabicIndicDigits: configuration.arabicIndicDigits))"),
        ])
    }

    /// A link signed with the active key for a fixed account, to name the
    /// key (its secret and its id) without showing it: two rings made the
    /// same day describe themselves alike but sign differently.
    static func keySample(_ signer: LinkSigner, _ month: BillingMonth) -> String {
        signer.link(account: "100000", month: month) ?? "-"
    }

    /// The name of a `--shard` run's split, the same on every machine for
    /// every share: what the output depends on, as the run used it, not as
    /// it was asked for (a format named or detected, a utility file given
    /// or the default one, a base given or the file's, a stray file beside
    /// the templates: the same output, the same name). The export by its
    /// content (`contentDigest`), the split's count, the format read, the
    /// SMS caps, the link base and the active key (by a link signed with
    /// it), and `look` (the templates, utility details and digits).
    static func splitFingerprint(contentDigest: String, format: String, look: String, configuration: BatchConfiguration,
                                 sample link: String, header: BatchHeader) -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array((text + "\n").utf8)) }
        add("content \(contentDigest)")
        add("month \(header.period) \(header.issued)")
        add("split of \(configuration.shard?.count ?? 1)")
        add("rules \(Batch.outputRules)")
        add("format \(format)")
        add("sms \(configuration.smsMaxParts.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue)=\(configuration.smsMaxParts[$0]!)" })")
        add("link \(link)")
        add("look \(look)")
        return hasher.finalize().hexString
    }
}

/// Writes a journal's checkpoint lines from a thread of its own, each after
/// a sync of the file system (`syncfs`): the files and list lines a
/// checkpoint covers were written before it was handed over, so they reach
/// the disk before its line does, and a power cut cannot leave a line whose
/// bills' files are empty or missing. The run does not wait for the disk: a
/// checkpoint handed over while the last one is still being synced takes
/// the place of any other still waiting (it covers more), so lines may be
/// fewer than checkpoints.
private final class CheckpointWriter: @unchecked Sendable {
    // All below guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [UInt8]?
    private var closing = false
    private var closed = false
    private var failure: OutputError?

    private let descriptor: Int32
    private let sync: Journal.Sync

    init(descriptor: Int32, sync: @escaping Journal.Sync) {
        self.descriptor = descriptor
        self.sync = sync
        Thread.start(named: "fatura journal") { [self] in run() }
    }

    func submit(_ line: [UInt8]) throws(OutputError) {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        guard !closing else { return }
        pending = line
        condition.broadcast()
    }

    /// Ends the thread once the line being written (and, with
    /// `writingPending`, the one waiting) is written; throws when a line
    /// could not be. Once closed, checkpoints handed over are dropped.
    func close(writingPending: Bool) throws(OutputError) {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        if !writingPending { pending = nil }
        condition.broadcast()
        while !closed { condition.wait() }
        if let failure { throw failure }
    }

    private func run() {
        condition.lock()
        while true {
            while pending == nil, !closing { condition.wait() }
            // After a failure no line is written: the journal ends with its last good one.
            guard failure == nil, let line = pending else { break }
            pending = nil
            condition.unlock()
            let error = write(line)
            condition.lock()
            failure = error
            condition.broadcast()
        }
        pending = nil
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Syncs, then appends `line`; nil when done. A line the disk refused
    /// partway is cut off again, so the journal still ends on a whole one.
    private func write(_ line: [UInt8]) -> OutputError? {
        if let reason = sync(descriptor) {
            return OutputError("cannot make the output durable for a checkpoint (syncfs): \(reason)")
        }
        let end = lseek(descriptor, 0, SEEK_END)
        do throws(OutputError) {
            try OutputFolder.writeAll(descriptor, line, name: Journal.name)
            return nil
        } catch {
            if end >= 0 { _ = ftruncate(descriptor, end) }
            return error
        }
    }
}

/// What a run's output depends on besides the time, part by part (each a
/// line of text naming it), and one digest of them all: a resume goes on
/// only with the same, and says which parts differ when they do.
struct RunFingerprint {
    let parts: [(name: String, text: String)]

    init(_ parts: [(name: String, text: String)]) {
        self.parts = parts
    }

    /// The SHA-256 of every part's text, in order.
    var value: String {
        var hasher = SHA256()
        for part in parts { hasher.update(data: Array((part.text + "\n").utf8)) }
        return hasher.finalize().hexString
    }

    /// Each part's own digest (its text may name a secret's signature: a
    /// journal keeps digests, not texts).
    var partDigests: [(name: String, digest: String)] {
        parts.map { ($0.name, SHA256.hash(data: Array($0.text.utf8)).hexString) }
    }

    /// What a person should be told differs from an interrupted run whose
    /// journal holds `digests`: nil when none can be told (an earlier
    /// version's journal, or the same parts).
    func differences(from digests: [String: String]) -> [String]? {
        guard !digests.isEmpty else { return nil }
        let changed = partDigests.filter { digests[$0.name] != $0.digest }.map(\.name)
        guard !changed.isEmpty else { return nil }
        return changed.map { Self.descriptions[$0] ?? $0 }
    }

    static let descriptions = [
        "input": "the input file (another file, or this one changed since: its size, modification time or inode)",
        "month": "the input's billing month or issue date",
        "rules": "the version of fatura (its rules for what is rejected or how bills are routed changed)",
        "format": "--format",
        "link-base": "--link-base-url",
        "sms": "--sms-max-parts-ar or --sms-max-parts-en",
        "shard": "--shard",
        "keys": "the key ring (--ring, $FATURA_KEY_RING: another active key, or a key added or retired)",
        "look": "the templates, string catalogs, utility details (--templates, --utility) or --arabic-digits",
    ]
}

extension Digest {
    /// Lowercase hexadecimal.
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
