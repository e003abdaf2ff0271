import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checkpoints of a run, in its staging folder (`.journal`), from which
/// `fatura render --resume` goes on after the run was stopped (SIGKILL
/// included).
///
/// The first line names the run (a fingerprint of its input, templates,
/// keys and options); every later line is a checkpoint: how many input
/// records were done, the length of each list file, and the summary so
/// far. A checkpoint is written only after the files of every bill it
/// covers were renamed into place and the lists were written out, so
/// everything up to it is complete; whatever came after is redone. Lines
/// are whole `write(2)` calls, so a killed process leaves either a whole
/// line or none; a torn last line (power loss) is ignored.
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

    /// Starts a new journal for the run named by `fingerprint`.
    init(folder: OutputFolder, fingerprint: String) throws(OutputError) {
        descriptor = open(folder.url(Self.name).path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError("cannot create the journal: \(String(cString: strerror(errno)))") }
        try append(JSONText.object([("fingerprint", .string(fingerprint))]))
    }

    /// Goes on with the journal of an interrupted run.
    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The interrupted run's journal, with its fingerprint and last whole
    /// checkpoint (nil when it made none), or nil when there is no journal.
    static func resume(folder: OutputFolder) throws(OutputError) -> (journal: Journal, fingerprint: String, last: Checkpoint?)? {
        let path = folder.url(name).path
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // Only lines that ended: a last line without its line feed was torn.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        guard let first = lines.first,
              let header = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any],
              let fingerprint = header["fingerprint"] as? String
        else { return nil }
        let last = lines.count > 1 ? Checkpoint(line: lines[lines.count - 1]) : nil
        guard lines.count == 1 || last != nil else {
            throw OutputError("the journal of the interrupted run in \(folder.staging.path) cannot be read; run without --resume to start over")
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputError("cannot open the journal: \(String(cString: strerror(errno)))") }
        // Drop a torn tail, so the next checkpoint starts on a line of its own.
        let whole = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        if whole != data.count { _ = ftruncate(descriptor, off_t(whole)) }
        return (Journal(descriptor: descriptor), fingerprint, last)
    }

    func record(_ checkpoint: Checkpoint) throws(OutputError) {
        try append(checkpoint.line)
    }

    private func append(_ line: String) throws(OutputError) {
        try OutputFolder.writeAll(descriptor, Array((line + "\n").utf8), name: Self.name)
    }

    /// A name for a run: what its output depends on besides the time. The
    /// input by path, size, modification time and inode (reading it all
    /// again to hash it would cost a pass over the file), every template,
    /// catalog and the utility details by content, the options, and the
    /// keys by a link signed with the active one (which names the secret
    /// without showing it).
    static func fingerprint(input: String, configuration: BatchConfiguration, templates: URL, utility: URL?,
                            sample link: String, header: BatchHeader) -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array((text + "\n").utf8)) }
        var status = stat()
        if stat(input, &status) == 0 {
            add("input \(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ino)")
        } else {
            add("input \(input)")
        }
        add("month \(header.period) \(header.issued)")
        add("format \(configuration.format?.rawValue ?? "detected")")
        add("digits \(configuration.arabicIndicDigits)")
        add("link-base \(configuration.linkBaseURL ?? "-")")
        add("sms \(configuration.smsMaxParts.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue)=\(configuration.smsMaxParts[$0]!)" })")
        add("shard \(configuration.shard?.description ?? "-")")
        add("keys \(configuration.keyRing?.description ?? "development") \(link)")
        var files: [URL] = []
        if let walker = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil) {
            for case let url as URL in walker { files.append(url) }
        }
        if let utility { files.append(utility) }
        for url in files.sorted(by: { $0.path < $1.path }) {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            add("file \(url.path.hasPrefix(templates.path) ? String(url.path.dropFirst(templates.path.count)) : "utility") \(data.count)")
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
