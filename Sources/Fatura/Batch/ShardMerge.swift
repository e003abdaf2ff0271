import Crypto
import FaturaMustache
public import Foundation

/// `fatura merge`: the manifests, rejects, SMS and paper lists and
/// summaries of N shard outputs combined into what one run over the whole
/// month writes, in input order. The bills' files stay in the shards'
/// folders (each machine keeps and serves its own).
public enum ShardMerge {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Merges `shards` into `destination`; with `templates`, also writes
    /// `report.html`, the single run's, when `look` (theirs:
    /// ``lookDigest(templates:utility:arabicIndicDigits:)``) is the
    /// shards' (`onReportSkipped` hears why when it is not).
    public static func merge(_ shards: [URL], into destination: URL, templates: TemplateSet? = nil, look: String? = nil,
                             onReportSkipped: (String) -> Void = { _ in }) throws -> BatchSummary {
        guard !shards.isEmpty else { throw Failure("no shard folders given") }
        var manifest: [(index: Int, line: Substring)] = []
        var rejects: [(index: Int, line: Substring)] = []
        var indexOfAccount: [Substring: Int] = [:]
        var summary: BatchSummary?
        var sms: [(account: Substring, row: Substring)] = []
        var paper: [(account: Substring, row: Substring)] = []
        var smsHeader = "", paperHeader = ""
        var parts: [(folder: String, shard: Shard?)] = []
        var firstRun: (folder: String, run: String?)?
        var firstLook: String?
        for shard in shards {
            func text(_ name: String) throws -> String {
                do { return try String(contentsOf: shard.appendingPathComponent(name), encoding: .utf8) } catch {
                    throw Failure("\(shard.path) has no readable \(name): is it a finished Fatura output?")
                }
            }
            for line in try text("manifest.jsonl").split(separator: "\n") {
                let index = try Self.index(line, in: shard)
                manifest.append((index, line))
                if let account = Self.field("account", line) { indexOfAccount[account] = index }
            }
            for line in try text("rejects.jsonl").split(separator: "\n") {
                rejects.append((try Self.index(line, in: shard), line))
            }
            let part = try BatchSummary(json: Data(try text("summary.json").utf8), file: shard.path)
            parts.append((shard.path, part.shard))
            // Shares of two exports (a retried pod on a corrected file) or of
            // two sets of options would make lists of bills that were never one month.
            if part.shard != nil, part.run == nil {
                throw Failure("\(shard.path) names no run (its summary.json has no \"run\": rendered from a pipe, or by an earlier version of fatura), so it cannot be told to be a share of the same export as the others: render the shares from the export file")
            }
            if let firstRun, part.shard != nil, firstRun.run != part.run {
                throw Failure("\(shard.path) was rendered from another export, or with other templates, keys or options, than \(firstRun.folder): merge combines the shares of one run split with --shard")
            }
            if firstRun == nil {
                firstRun = (shard.path, part.run)
                firstLook = part.look
            }
            if let existing = summary {
                guard existing.period == part.period, existing.issued == part.issued else {
                    throw Failure("\(shard.path) is of another month (\(part.period)) than the first shard (\(existing.period))")
                }
                summary = existing.adding(part)
            } else {
                summary = part
            }
            let smsRecords = Self.csvRecords(try text("sms.csv"))
            if let header = smsRecords.first { smsHeader = String(header) }
            sms += smsRecords.dropFirst().map { (Self.firstField($0), $0) }
            let paperRecords = Self.csvRecords(try text("paper.csv"))
            if let header = paperRecords.first { paperHeader = String(header) }
            paper += paperRecords.dropFirst().map { (Self.firstField($0), $0) }
        }
        try Self.checkComplete(parts)
        var report = templates
        if report != nil, let look, let theirs = firstLook, theirs != look {
            onReportSkipped("the shards were rendered with other templates, utility details or digits than given here (--templates, --utility, --arabic-digits)")
            report = nil
        }
        summary!.shard = nil
        summary!.run = nil
        summary!.look = nil
        try Self.checkDestination(destination, shards: shards)
        let folder = try OutputFolder(destination: destination)
        func ordered(_ rows: [(account: Substring, row: Substring)]) -> String {
            rows.sorted { (indexOfAccount[$0.account] ?? 0) < (indexOfAccount[$1.account] ?? 0) }.map { $0.row + "\r\n" }.joined()
        }
        try folder.write("manifest.jsonl", manifest.sorted { $0.index < $1.index }.map { $0.line + "\n" }.joined())
        try folder.write("rejects.jsonl", rejects.sorted { $0.index < $1.index }.map { $0.line + "\n" }.joined())
        try folder.write("sms.csv", smsHeader + "\r\n" + ordered(sms))
        try folder.write("paper.csv", paperHeader + "\r\n" + ordered(paper))
        try folder.write("summary.json", summary!.json)
        if let templates = report {
            do { try folder.write("report.html", try templates.renderReport(summary!)) } catch let error as OutputError { throw error } catch {
                throw Failure("report: \(error)")
            }
        }
        try folder.publish()
        return summary!
    }

    /// What the pages and the report look like: the files a template set
    /// loads (templates and catalogs, by their path within the folder) and
    /// the utility details, by content, and the digits. A share's summary
    /// carries it, so that `merge` can tell whether its own templates would
    /// write the single run's report.
    public static func lookDigest(templates: URL, utility: URL?, arabicIndicDigits: Bool) -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Array((text + "\n").utf8)) }
        add("digits \(arabicIndicDigits)")
        var files: [(name: String, url: URL)] = []
        // As the templates are read: links followed.
        // A folder that cannot be read leaves its files out here; loading the templates says so.
        for file in (try? FolderWalk.files(under: templates.path)) ?? [] {
            let name = "/" + file
            if file.hasSuffix(".mustache") || (file.hasSuffix(".json") && name.hasPrefix("/strings/")) {
                files.append((name, templates.appendingPathComponent(file)))
            }
        }
        files.append(("utility", utility ?? templates.appendingPathComponent("utility.json")))
        for file in files.sorted(by: { $0.name < $1.name }) {
            guard let data = FileManager.default.contents(atPath: file.url.path) else { continue }
            add("file \(file.name) \(data.count)")
            hasher.update(data: data)
        }
        return hasher.finalize().hexString
    }

    /// The merged folder replaces `destination` only when that is an
    /// earlier merge: not one of the shards, nor any output holding pages
    /// or e-mails, which would be lost (a mistyped `--out`).
    static func checkDestination(_ destination: URL, shards: [URL]) throws(OutputError) {
        let target = destination.standardizedFileURL.resolvingSymlinksInPath().path
        for shard in shards where shard.standardizedFileURL.resolvingSymlinksInPath().path == target {
            throw OutputError("--out \(destination.path) is one of the shards: merging into it would replace its pages and e-mails; choose another folder")
        }
        for name in ["bills", "email"] where FileManager.default.fileExists(atPath: destination.appendingPathComponent(name).path) {
            throw OutputError("--out \(destination.path) holds a run's \(name)/ (a render output, not a merged one): merging into it would remove them; choose another folder")
        }
    }

    /// Every share of one `--shard K/N` split, each once: with one left out,
    /// its bills would be missing from the lists (SMS, paper) with no word.
    static func checkComplete(_ parts: [(folder: String, shard: Shard?)]) throws {
        var seen: [Int: String] = [:]
        var count: Int?
        for (folder, shard) in parts {
            guard let shard else {
                throw Failure("\(folder) is not the output of a --shard run (its summary.json names no shard): merge combines the outputs of fatura render --shard K/N")
            }
            if let count, count != shard.count {
                throw Failure("\(folder) is share \(shard) of another split than the first's (of \(count))")
            }
            count = shard.count
            if let other = seen[shard.index] {
                throw Failure("share \(shard) is given twice: \(other) and \(folder)")
            }
            seen[shard.index] = folder
        }
        if let count, seen.count < count {
            let missing = (1...count).filter { seen[$0] == nil }.map { "\($0)/\(count)" }
            throw Failure("share\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing: merge needs every share of the split once, or their bills would be left out")
        }
    }

    static func index(_ line: Substring, in shard: URL) throws -> Int {
        guard let text = field("index", line), let index = Int(text) else {
            throw Failure("\(shard.path): a line without an index: \(line.prefix(80))")
        }
        return index
    }

    /// The value of a top-level string or number field of one of our JSON lines.
    static func field(_ name: String, _ line: Substring) -> Substring? {
        guard let range = line.range(of: "\"\(name)\":") else { return nil }
        var rest = line[range.upperBound...]
        if rest.first == "\"" {
            rest = rest.dropFirst()
            return rest.prefix { $0 != "\"" }
        }
        return rest.prefix { $0 != "," && $0 != "}" }
    }

    /// RFC 4180 records (CRLF-separated, quotes respected), without their CRLF.
    static func csvRecords(_ text: String) -> [Substring] {
        var records: [Substring] = []
        var start = text.startIndex
        var quoted = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if !quoted, character == "\r\n" {
                records.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { records.append(text[start...]) }
        return records
    }

    static func firstField(_ row: Substring) -> Substring { row.prefix { $0 != "," } }
}

extension BatchSummary {
    /// Reads a `summary.json` this program wrote.
    init(json data: Data, file: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let period = (object["period"] as? String).flatMap({ BillingMonth($0) }),
              let issued = (object["issued"] as? String).flatMap({ CalendarDate($0) })
        else { throw ShardMerge.Failure("\(file)/summary.json is not a Fatura summary") }
        self.init(header: BatchHeader(period: period, issued: issued))
        bills = object["bills"] as? Int ?? 0
        accepted = object["accepted"] as? Int ?? 0
        rejected = object["rejected"] as? Int ?? 0
        for (name, count) in object["channels"] as? [String: Int] ?? [:] {
            if let channel = Channel(rawValue: name), count > 0 { channels[channel] = count }
        }
        dueFils = Int64(object["total_due_fils"] as? Int ?? 0)
        creditFils = Int64(object["total_credit_fils"] as? Int ?? 0)
        for (name, parts) in object["sms_parts"] as? [String: Int] ?? [:] {
            if let language = Language(rawValue: name), parts > 0 { smsParts[language] = parts }
        }
        developmentKey = object["development_key"] as? Bool ?? false
        shard = (object["shard"] as? String).flatMap(Shard.init)
        run = object["run"] as? String
        look = object["look"] as? String
        for (name, count) in object["rejects_by_code"] as? [String: Int] ?? [:] {
            if let code = BillRejection.Code(rawValue: name) { rejectsByCode[code] = count }
        }
        for (name, lines) in object["rejects_first_lines"] as? [String: [Int]] ?? [:] {
            if let code = BillRejection.Code(rawValue: name) { firstRejectLines[code] = lines }
        }
        for (name, count) in object["rerouted"] as? [String: Int] ?? [:] {
            if let reason = ReroutedBill.Reason(rawValue: name), count > 0 { rerouted[reason] = count }
        }
    }

    /// The sum of two shards' summaries.
    func adding(_ other: BatchSummary) -> BatchSummary {
        var sum = self
        sum.bills += other.bills
        sum.accepted += other.accepted
        sum.rejected += other.rejected
        sum.channels.merge(other.channels, uniquingKeysWith: +)
        sum.dueFils += other.dueFils
        sum.creditFils += other.creditFils
        sum.smsParts.merge(other.smsParts, uniquingKeysWith: +)
        sum.developmentKey = developmentKey || other.developmentKey
        sum.shard = nil
        sum.run = nil
        sum.look = nil
        sum.rejectsByCode.merge(other.rejectsByCode, uniquingKeysWith: +)
        sum.rerouted.merge(other.rerouted, uniquingKeysWith: +)
        sum.firstRejectLines.merge(other.firstRejectLines) { Array(($0 + $1).sorted().prefix(Self.firstLinesKept)) }
        return sum
    }
}
