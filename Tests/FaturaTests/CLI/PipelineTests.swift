import Foundation
import Testing
@testable import Fatura

/// The monthly batch as a pipeline: the same bytes for any number of jobs,
/// and a run killed at any moment finishes with `--resume` exactly as if
/// it had never stopped.
@Suite("The pipeline: jobs, kill and resume", .serialized)
struct PipelineTests {
    /// The progress line gives a rate and time left only once a pass has run
    /// long enough to measure them, then at the pass's rate so far.
    @Test func theProgressLineGivesARateAndTimeLeftOnceMeasured() {
        var progress = BatchProgress(bills: 256, rejected: 3, bytesRead: 400_000)
        // The first line of a pass: no 0 bills/s, no "about 0:00 left".
        #expect(progress.line(elapsed: 0, totalBytes: 1_000_000) == "256 bills, 3 rejected")
        #expect(progress.line(elapsed: 0.9, totalBytes: 1_000_000) == "256 bills, 3 rejected")
        // 2 s for 40% of the bytes: 3 s left.
        #expect(progress.line(elapsed: 2, totalBytes: 1_000_000) == "256 bills, 128 bills/s, 3 rejected, about 0:03 left")
        #expect(progress.line(elapsed: 2, totalBytes: nil) == "256 bills, 128 bills/s, 3 rejected")
        progress.bytesRead = 4_000
        #expect(progress.line(elapsed: 50, totalBytes: 1_000_000) == "256 bills, 5 bills/s, 3 rejected, about 207:30 left")
        progress.scanning = true
        #expect(progress.line(elapsed: 0.2, totalBytes: 1_000_000) == "scanning for repeated numbers and accounts: 256 bills")
        #expect(progress.line(elapsed: 2, totalBytes: nil) == "scanning for repeated numbers and accounts: 256 bills, 128 bills/s")
    }

    /// A generated month with some bad bills mixed in (a duplicate number,
    /// a duplicate account, a wrong total), so rejects are part of the order.
    static let month: URL = {
        let folder = Fixture.temporaryFolder()
        let generated = folder.appendingPathComponent("generated.xml")
        _ = try? FaturaBinary.run(["generate", "1500", "--out", generated.path])
        var text = (try? String(contentsOf: generated, encoding: .utf8)) ?? ""
        // Bill 700 takes bill 10's number, bill 900 bill 20's account; bill 1100's total is off by a fils.
        let bills = text.components(separatedBy: "<bill account=\"")
        func header(_ index: Int) -> (account: String, number: String) {
            let head = bills[index].prefix { $0 != ">" }
            let account = head.prefix { $0 != "\"" }
            let number = head.split(separator: "\"")[2]
            return (String(account), String(number))
        }
        var edited = bills
        edited[700] = edited[700].replacingOccurrences(of: "number=\"\(header(700).number)\"", with: "number=\"\(header(10).number)\"")
        edited[900] = edited[900].replacingOccurrences(of: "\(header(900).account)\"", with: "\(header(20).account)\"")
        if let range = edited[1100].range(of: #"<total>[0-9.]+</total>"#, options: .regularExpression) {
            edited[1100].replaceSubrange(range, with: "<total>999.999</total>")
        }
        text = edited.joined(separator: "<bill account=\"")
        let month = folder.appendingPathComponent("month.xml")
        try? text.write(to: month, atomically: true, encoding: .utf8)
        return month
    }()

    /// An uninterrupted run with one job: what every other run must equal.
    static let reference: URL = {
        let out = Fixture.temporaryFolder().appendingPathComponent("reference")
        _ = try? FaturaBinary.run(["render", month.path, "--out", out.path, "--jobs", "1"])
        return out
    }()

    /// Every file of an output folder, by relative path.
    static func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            var isDirectory: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[path] = try Data(contentsOf: url)
        }
        return files
    }

    static func expectSameTree(_ folder: URL, _ label: String) throws {
        let expected = try tree(reference)
        let actual = try tree(folder)
        #expect(Set(actual.keys) == Set(expected.keys), "\(label): the same files")
        let different = expected.keys.filter { actual[$0] != nil && actual[$0] != expected[$0] }.sorted()
        #expect(different.isEmpty, "\(label): files that differ: \(different.prefix(5))")
    }

    @Test func theReferenceRunHasRejectsAmongItsBills() throws {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.reference.appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(summary["bills"] as? Int == 1500)
        #expect(summary["rejected"] as? Int == 3)
        let codes = try String(contentsOf: Self.reference.appendingPathComponent("rejects.jsonl"), encoding: .utf8)
        #expect(codes.contains("duplicate-number") && codes.contains("duplicate-account") && codes.contains("not-reconciled"), "\(codes)")
    }

    @Test(arguments: [2, 3, 8])
    func anyNumberOfJobsGivesTheSameBytes(_ jobs: Int) throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("jobs\(jobs)")
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--jobs", "\(jobs)"])
        #expect(result.status == 3, "\(result.stderr)")
        try Self.expectSameTree(out, "--jobs \(jobs)")
    }

    /// The journal's checkpoints so far (its lines after the first).
    static func checkpoints(_ staging: URL) -> Int {
        guard let text = try? String(contentsOf: staging.appendingPathComponent(".journal"), encoding: .utf8) else { return 0 }
        return max(0, text.split(separator: "\n").count - 1)
    }

    /// Starts a render and kills it (SIGKILL) once `when` holds of the
    /// staging folder, or when it has run `after` seconds; returns whether it
    /// was killed before it finished.
    static func renderAndKill(_ out: URL, resume: Bool, extra: [String] = [], when: @escaping (URL) -> Bool, after limit: TimeInterval = 60) throws -> Bool {
        let process = Process()
        process.executableURL = FaturaBinary.url
        process.arguments = ["render", month.path, "--out", out.path, "--jobs", "2", "--checkpoint-every", "64", "--quiet"]
            + (resume ? ["--resume"] : []) + extra
        process.currentDirectoryURL = Fixture.packageRoot
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let staging = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).partial")
        let start = Date()
        while process.isRunning, !when(staging), Date().timeIntervalSince(start) < limit {
            usleep(2_000)
        }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return killed
    }

    /// Whatever a killed run left in its staging folder: every file of the
    /// bills its journal's last checkpoint covers (the manifest's lines up to
    /// the length recorded there) is whole, the same bytes as the
    /// uninterrupted run's, since `--resume` trusts them; any later file is
    /// whole or cut short (files are written in place, and `--resume` writes
    /// those again); and there are no temporary files. Returns the files the
    /// checkpoint covers.
    @discardableResult
    static func expectCheckpointedFilesWhole(_ staging: URL) throws -> [String] {
        let expected = try tree(reference)
        let left = try tree(staging)
        var covered: [String] = []
        let journal = (try? String(contentsOf: staging.appendingPathComponent(".journal"), encoding: .utf8)) ?? ""
        // As `--resume` reads it: a last line without its line feed was torn by the kill.
        var lines = journal.split(separator: "\n")
        if !journal.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        if lines.count > 1, let last = Journal.Checkpoint(line: lines.last!) {
            let length = last.lengths["manifest.jsonl"] ?? 0
            let manifest = try Data(contentsOf: staging.appendingPathComponent("manifest.jsonl"))
            #expect(manifest.count >= length, "the manifest reaches its checkpoint")
            for line in manifest.prefix(length).split(separator: UInt8(ascii: "\n")) {
                let entry = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                for path in entry?["files"] as? [String] ?? [] {
                    covered.append(path)
                    #expect(left[path] != nil && left[path] == expected[path], "\(path), covered by the last checkpoint, is whole")
                }
            }
        }
        for (path, data) in left where path.hasPrefix("bills/") || path.hasPrefix("email/") {
            #expect(!(path as NSString).lastPathComponent.hasPrefix("."), "\(path): no temporary files")
            #expect(expected[path]?.starts(with: data) == true, "\(path) is the reference's file or the start of it")
        }
        return covered
    }

    @Test func killedAtSeveralPointsAndResumedGivesTheSameBytes() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        // Killed while scanning or just after the folder appeared, then after
        // 2, 4 and 6 checkpoint lines (each written after a sync, so on a
        // busy disk they may come slower than the bills); each time resumed,
        // and killed again.
        #expect(try Self.renderAndKill(out, resume: false, when: { FileManager.default.fileExists(atPath: $0.path) }))
        try Self.expectCheckpointedFilesWhole(staging)
        for target in [2, 4, 6] {
            let killed = try Self.renderAndKill(out, resume: true, when: { Self.checkpoints($0) >= target })
            #expect(killed, "the run was still going at checkpoint \(target)")
            #expect(Self.checkpoints(staging) >= target)
            #expect(try !Self.expectCheckpointedFilesWhole(staging).isEmpty, "the checkpoint covers bills' files")
        }
        // Killed mid-chunk, at a moment no checkpoint chose.
        #expect(try Self.renderAndKill(out, resume: true, when: { _ in false }, after: 0.4))
        try Self.expectCheckpointedFilesWhole(staging)
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing appears under the output's name before the end")

        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--checkpoint-every", "64"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("resuming the interrupted run"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staging.path))
        try Self.expectSameTree(out, "killed and resumed")
    }

    /// A file after the last checkpoint may be cut short by a kill (files
    /// are written in place in the staging folder): `--resume` writes it
    /// again, whole, and nothing cut short reaches the output.
    @Test func aFileCutShortAfterTheLastCheckpointIsWrittenAgain() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        try #require(try Self.renderAndKill(out, resume: false, when: { Self.checkpoints($0) >= 2 }), "killed before the end")
        let covered = Set(try Self.expectCheckpointedFilesWhole(staging))
        #expect(!covered.isEmpty)
        // The reference's first bill file the checkpoint does not cover, cut to half its length.
        let manifest = try String(contentsOf: Self.reference.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let later = manifest.split(separator: "\n").lazy
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .flatMap { $0["files"] as? [String] ?? [] }
            .first { !covered.contains($0) }
        let path = try #require(later)
        let whole = try Data(contentsOf: Self.reference.appendingPathComponent(path))
        let cut = staging.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: cut.deletingLastPathComponent(), withIntermediateDirectories: true)
        try whole.prefix(whole.count / 2).write(to: cut)
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--checkpoint-every", "64"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(try Data(contentsOf: out.appendingPathComponent(path)) == whole, "\(path) was written again")
        try Self.expectSameTree(out, "a cut file after the checkpoint")
    }

    /// SIGTERM (a pod being stopped) and SIGINT (Ctrl-C) stop a run at once,
    /// saying what is kept; the run then resumes to the same bytes.
    @Test(arguments: [SIGTERM, SIGINT])
    func aStopSignalSaysWhatIsKeptAndTheRunResumes(_ number: Int32) throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        let process = Process()
        process.executableURL = FaturaBinary.url
        process.arguments = ["render", Self.month.path, "--out", out.path, "--jobs", "2", "--checkpoint-every", "64", "--quiet"]
        process.currentDirectoryURL = Fixture.packageRoot
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let start = Date()
        // At the first checkpoint: the month is far from done (its lines are written after a sync, so they may lag).
        while process.isRunning, Self.checkpoints(staging) < 1, Date().timeIntervalSince(start) < 60 { usleep(2_000) }
        #expect(process.isRunning, "the run was still going at its first checkpoint")
        kill(process.processIdentifier, number)
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // Ended by the signal, as the parent sees it (a shell reports 128 + its number).
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == number, "\(said)")
        let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(said.contains("stopped by \(name); the work done so far is kept in \(staging.path)"), "\(said)")
        try Self.expectCheckpointedFilesWhole(staging)
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume"])
        #expect(result.status == 3, "\(result.stderr)")
        try Self.expectSameTree(out, "stopped by \(name) and resumed")
    }

    /// A second run on an output another run is writing stops (73) without
    /// calling that run's work its own to resume.
    @Test func aRunOnAFolderAnotherRunHoldsSaysSo() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let lock = open(staging.appendingPathComponent(".lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0)
        defer { close(lock) }
        for resume in [false, true] {
            let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path] + (resume ? ["--resume"] : []))
            #expect(result.status == 73, "\(result.stderr)")
            #expect(result.stderr.contains("another fatura run is writing"), "\(result.stderr)")
            #expect(!result.stderr.contains("--resume` with the same arguments goes on"), "\(result.stderr)")
        }
    }

    /// As the Kubernetes Job runs it: a shard killed and resumed gives the shard's uninterrupted output.
    @Test func aKilledShardResumes() throws {
        let folder = Fixture.temporaryFolder()
        let whole = folder.appendingPathComponent("whole")
        #expect(try FaturaBinary.run(["render", Self.month.path, "--out", whole.path, "--shard", "2/3"]).status == 3)
        let out = folder.appendingPathComponent("out")
        #expect(try Self.renderAndKill(out, resume: false, extra: ["--shard", "2/3"], when: { Self.checkpoints($0) >= 3 }))
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--shard", "2/3", "--resume"])
        #expect([0, 3].contains(result.status), "\(result.stderr)")
        #expect(result.stderr.contains("resuming the interrupted run"), "\(result.stderr)")
        let expected = try Self.tree(whole)
        let actual = try Self.tree(out)
        #expect(Set(actual.keys) == Set(expected.keys))
        #expect(expected.keys.filter { actual[$0] != expected[$0] }.isEmpty)
        #expect(expected.keys.filter { $0.hasPrefix("bills/") }.count > 300, "the shard renders about a third of the month")
    }

    /// Killed before its first checkpoint (with bills written), a run resumed
    /// says it starts from the beginning, not "after bill 0".
    @Test func aRunKilledBeforeItsFirstCheckpointResumesFromTheStart() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let bills = out.deletingLastPathComponent().appendingPathComponent(".out.partial/bills")
        #expect(try Self.renderAndKill(out, resume: false, extra: ["--checkpoint-every", "1000000"], when: { _ in
            ((try? FileManager.default.contentsOfDirectory(atPath: bills.path))?.count ?? 0) > 20
        }))
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("resuming the interrupted run from the start of the file"), "\(result.stderr)")
        try Self.expectSameTree(out, "resumed from the start")
    }

    /// Two rings made the same day describe themselves alike: the resume
    /// tells them apart by what they sign (the links of one run must all verify with one ring).
    @Test func resumeRefusesAnotherRingMadeTheSameDay() throws {
        let folder = Fixture.temporaryFolder()
        let rings = ["r1.json", "r2.json"].map { folder.appendingPathComponent($0).path }
        for ring in rings { #expect(try FaturaBinary.run(["keys", "new", "--ring", ring]).status == 0) }
        let out = folder.appendingPathComponent("out")
        #expect(try Self.renderAndKill(out, resume: false, extra: ["--ring", rings[0]], when: { Self.checkpoints($0) >= 1 }))
        let other = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--ring", rings[1]])
        #expect(other.status == 64, "\(other.stderr)")
        #expect(other.stderr.contains("differs from this one in the key ring"), "\(other.stderr)")
        let same = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--ring", rings[0]])
        #expect(same.status == 3, "\(same.stderr)")
    }

    @Test func resumeRefusesAnotherInputOrOptions() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        #expect(try Self.renderAndKill(out, resume: false, when: { Self.checkpoints($0) >= 1 }))
        let other = try FaturaBinary.run(["render", CommandLineTests.sample, "--out", out.path, "--resume"])
        #expect(other.status == 64)
        #expect(other.stderr.contains("--resume"), "\(other.stderr)")
        // Each refusal names what differs, and only that.
        #expect(other.stderr.contains("differs from this one in the input file (another file"), "\(other.stderr)")
        #expect(!other.stderr.contains("utility details"), "\(other.stderr)")
        let digits = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--arabic-digits"])
        #expect(digits.status == 64)
        #expect(digits.stderr.contains("differs from this one in the templates, string catalogs, utility details (--templates, --utility) or --arabic-digits;"),
                "\(digits.stderr)")
        #expect(!digits.stderr.contains("input file"), "\(digits.stderr)")
        let caps = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume", "--sms-max-parts-en", "3", "--shard", "1/2"])
        #expect(caps.status == 64)
        #expect(caps.stderr.contains("differs from this one in --sms-max-parts-ar or --sms-max-parts-en; --shard;"), "\(caps.stderr)")
        #expect(Self.checkpoints(out.deletingLastPathComponent().appendingPathComponent(".out.partial")) >= 1,
                "a refused resume keeps the interrupted run's work")
        // Without --resume, the interrupted run's work is dropped and the run starts over.
        let fresh = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--jobs", "1"])
        #expect(fresh.status == 3, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("interrupted run's work was dropped"), "\(fresh.stderr)")
        try Self.expectSameTree(out, "started over")
    }

    /// A pipe cannot be read twice: it is read once, and the output is the file's.
    @Test(arguments: ["/dev/stdin", "-"])
    func aPipedMonthGivesTheSameBytes(_ name: String) throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("piped")
        let process = Process()
        process.executableURL = FaturaBinary.url
        process.arguments = ["render", name, "--format", "xml", "--out", out.path, "--quiet"]
        process.currentDirectoryURL = Fixture.packageRoot
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = try Data(contentsOf: Self.month)
        #expect(data.count > 1 << 20, "more than a pipe's buffer")
        let writer = input.fileHandleForWriting
        DispatchQueue.global().async {
            try? writer.write(contentsOf: data)
            try? writer.close()
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        try Self.expectSameTree(out, "piped as \(name)")
    }

    /// A staging folder with no journal to trust (killed while publishing,
    /// once the journal was removed, say) may hold another input's files:
    /// `--resume` empties it before it begins again, so none is published.
    /// So is one whose journal is empty or holds only a torn first line (a
    /// power cut before its header reached the disk).
    @Test(arguments: [nil, "", #"{"fingerprint":"#])
    func aStagingFolderWithoutAJournalIsEmptiedBeforeItIsBegunAgain(_ journal: String?) throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        let stale = staging.appendingPathComponent("bills/999/9999999999-2026-09.html")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("another month's bill".utf8).write(to: stale)
        if let journal { try Data(journal.utf8).write(to: staging.appendingPathComponent(".journal")) }
        try Data("{}".utf8).write(to: staging.appendingPathComponent("summary.json"))
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("left no journal to go on from") && result.stderr.contains("its folder was emptied"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("bills/999/9999999999-2026-09.html").path))
        try Self.expectSameTree(out, "--resume on a staging folder without a journal")
    }

    /// A journal whose first line ended but is not a run's header is not
    /// taken for no journal: the folder is kept, and `--resume` refuses.
    @Test func aJournalWhoseHeaderCannotBeReadIsNotTakenForNone() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        let kept = staging.appendingPathComponent("bills/001/kept.html")
        try FileManager.default.createDirectory(at: kept.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("work".utf8).write(to: kept)
        try Data("not a header\n{\"records\":64}\n".utf8).write(to: staging.appendingPathComponent(".journal"))
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume"])
        #expect(result.status != 0 && result.status != 3, "\(result.status)")
        #expect(result.stderr.contains("cannot be read; run without --resume to start over"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: kept.path), "the interrupted run's work is kept")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func resumeWithNothingToResumeIsAnOrdinaryRun() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.month.path, "--out", out.path, "--resume"])
        #expect(result.status == 3, "\(result.stderr)")
        try Self.expectSameTree(out, "--resume on a fresh folder")
    }
}

@Suite("Uniqueness across the file in flat memory")
struct DuplicateScanTests {
    /// Keys with repeats, checked by a filter small enough to mistake many
    /// innocent keys: every real repeat must still be a candidate, since the
    /// second pass tracks exactly the candidates (so its verdicts are a full set's).
    @Test(arguments: [1 << 6, 1 << 10, 1 << 20])
    func everyRealRepeatIsACandidateWhateverTheFilterMistakes(_ bits: Int) {
        var generator = SystemRandomNumberGenerator()
        let numbers = (0..<3000).map { _ in String(Int.random(in: 0..<2500, using: &generator)) }
        var scan = DuplicateScan(filterBits: bits)
        for number in numbers { scan.add(number: number, account: nil) }
        var seen: Set<String> = []
        var repeated: Set<String> = []
        for number in numbers where !seen.insert(number).inserted { repeated.insert(DuplicateScan.numberKey(number)) }
        #expect(repeated.isSubset(of: scan.candidates), "every real repeat is a candidate")
        if bits >= 1 << 20 {
            #expect(scan.candidates.count < repeated.count + 10, "a large filter mistakes few keys")
        }
    }

    @Test func aBloomFilterRemembersAndRarelyMistakes() {
        var filter = BloomFilter(bits: 1 << 20)
        let firstTimeSeen = (0..<2000).filter { filter.insert("key\($0)") }.count
        #expect(firstTimeSeen < 5, "\(firstTimeSeen) new keys looked seen")
        for index in 0..<2000 {
            let again = filter.insert("key\(index)")
            #expect(again, "key\(index) is remembered")
        }
        // 2,000 keys in a million bits: a new key looks seen about once in a million.
        let mistaken = (0..<10_000).filter { filter.insert("other\($0)") }.count
        #expect(mistaken < 5, "\(mistaken) new keys looked seen")
    }
}

/// An export still being written: the file holds its bills cut off in the
/// 200th, until `finish` writes the rest.
struct ExportBeingWritten {
    let text: [UInt8]
    let cut: Int
    let path: String

    init(_ bills: [String]) throws {
        text = Array(Fixture.document(bills.joined(separator: "\n")).utf8)
        cut = Array(Fixture.document(bills[..<200].joined(separator: "\n")).utf8).count - 200
        path = Fixture.file(Data(text[..<cut]))
    }

    func finish() throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text[cut...]))
        try handle.close()
    }
}

/// The first pass runs beside the second (`Intake(overlap: true)`): the
/// checker remembers every key until the first pass is done, then only its
/// candidates. Verdicts and faults must not depend on when that happens.
@Suite("The first pass beside the second")
struct OverlappedFirstPassTests {
    /// What a verdict says, to compare two checkers' verdicts by.
    static func verdict(_ result: Result<Bill, RejectedBill>) -> String {
        switch result {
        case .success(let bill): "accepted \(bill.number)"
        case .failure(let rejected): "\(rejected.rejection.code) \(rejected.rejection.message)"
        }
    }

    /// Numbers and accounts with repeats near and far, checked by a checker
    /// that never adopts and by checkers adopting a small filter's
    /// candidates (many innocent keys among them) at every kind of moment.
    @Test(arguments: [0, 1, 2, 57, 299, 598, 600])
    func adoptingTheCandidatesAtAnyRecordGivesTheSameVerdicts(_ adoptAt: Int) {
        var generator = SystemRandomNumberGenerator()
        let identities = (0..<600).map { _ in
            (account: String(1_000_000 + Int.random(in: 0..<450, using: &generator)),
             number: "N" + String(Int.random(in: 0..<500, using: &generator)))
        }
        var scan = DuplicateScan(filterBits: 1 << 8)
        for identity in identities { scan.add(number: identity.number, account: identity.account) }
        let header = BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!)
        var full = BatchChecker(header: header)
        var adopting = BatchChecker(header: header)
        var duplicates = 0
        for (index, identity) in identities.enumerated() {
            if index == adoptAt { adopting.adopt(scan.candidates) }
            let record = RecordNode(name: "bill", line: index + 2, attributes: [("account", identity.account), ("number", identity.number)])
            let position = SourcePosition(line: index + 2, index: index + 1)
            let expected = Self.verdict(full.check(record, at: position))
            #expect(Self.verdict(adopting.check(record, at: position)) == expected, "bill \(index + 1)")
            if expected.hasPrefix("duplicate") { duplicates += 1 }
        }
        #expect(duplicates > 100, "the keys repeat")
        if adoptAt < identities.count {
            #expect(adopting.tracked < full.tracked, "only candidates are remembered once adopted")
        }
    }

    static func bills(_ count: Int, repeatNumberOf: Int? = nil) -> [String] {
        var bills: [String] = (0..<count).map { (index: Int) -> String in
            let account = String(1_002_000_000 + index), number = String(2_026_000_000 + index)
            return Fixture.bill.replacingOccurrences(of: "1002345678", with: account).replacingOccurrences(of: "2026100001", with: number)
        }
        if let repeatNumberOf {
            // The last bill takes an early bill's number.
            bills[count - 1] = bills[count - 1].replacingOccurrences(of: String(2_026_000_000 + count - 1), with: String(2_026_000_000 + repeatNumberOf))
        }
        return bills
    }

    static func rejects(_ intake: inout Intake) throws -> [String] {
        var rejected: [String] = []
        while let (item, _) = try intake.next() {
            if case .reject(let bill)? = item { rejected.append("\(bill.position.index) \(bill.rejection.message)") }
        }
        return rejected
    }

    /// Reading ahead of the first pass up to its limit, waiting there, or
    /// waiting first: the same rejects.
    @Test(arguments: [1, 5, 64, Intake.trackedBeforeFirstPass])
    func aRepeatIsFoundWhereverReadingWaitsForTheFirstPass(_ limit: Int) throws {
        let input = Fixture.file(Fixture.document(Self.bills(200, repeatNumberOf: 3).joined(separator: "\n")))
        var sequential = try Intake(input: input, format: .xml, shard: nil) { _ in }
        let expected = try Self.rejects(&sequential)
        #expect(expected.count == 1 && expected[0].hasPrefix("200 ") && expected[0].contains("bill 4"), "\(expected)")
        var overlapped = try Intake(input: input, format: .xml, shard: nil, overlap: true, trackedBeforeFirstPass: limit) { _ in }
        #expect(try Self.rejects(&overlapped) == expected)
    }

    /// A file over the overlap limit waits for its first pass at its first
    /// record, even when reading beside it was asked for (`render` asks):
    /// memory stays that of the rendering alone. One at the limit is read
    /// beside it. Either way, the same rejects.
    @Test func aFileOverTheOverlapLimitWaitsForItsFirstPassFirst() throws {
        let input = Fixture.file(Fixture.document(Self.bills(200, repeatNumberOf: 3).joined(separator: "\n")))
        let size = try #require(InputSnapshot(path: input)).size
        var sequential = try Intake(input: input, format: .xml, shard: nil) { _ in }
        #expect(sequential.adoptedFirstPass)
        let expected = try Self.rejects(&sequential)
        var over = try Intake(input: input, format: .xml, shard: nil, overlap: true, overlapLimit: size - 1) { _ in }
        #expect(over.waitsForFirstPass)
        // Its first record comes only once the first pass is done and adopted.
        // (A file this small is often scanned by then anyway: the flag above
        // is what fails without the rule; this says waiting adopts.)
        #expect(try over.next() != nil)
        #expect(over.adoptedFirstPass)
        // (The first bill is not the repeat: the rejects after it are all of them.)
        #expect(try Self.rejects(&over) == expected)
        var atLimit = try Intake(input: input, format: .xml, shard: nil, overlap: true, overlapLimit: size) { _ in }
        #expect(!atLimit.waitsForFirstPass)
        #expect(try Self.rejects(&atLimit) == expected)
    }

    /// A fault after many bills: reading goes on to the fault itself and
    /// stops there with the same error, whether it waited for the first pass
    /// or not, and whether the first pass or the reading got there first.
    @Test func aFaultStopsReadingAtTheSameRecordWhateverTheTiming() throws {
        let text = Fixture.document(Self.bills(100).joined(separator: "\n") + "\n<bill account=\"1\" <broken/>")
        let input = Fixture.file(text)
        var errors: [InputError] = []
        for (limit, overlap) in [(10, true), (10, true), (1000, true), (1000, true), (10, false), (1000, false)] {
            var intake = try Intake(input: input, format: .xml, shard: nil, overlap: overlap, trackedBeforeFirstPass: limit) { _ in }
            let (read, fault) = try Self.readToStop(&intake)
            guard let fault else { Issue.record("the fault should stop reading"); continue }
            errors.append(fault)
            #expect(read == 100, "limit \(limit)")
        }
        #expect(errors.count == 6 && Set(errors.map(\.description)).count == 1, "\(errors)")
        #expect(errors.first?.kind == .malformed)
        #expect(errors.first?.line == text.split(separator: "\n", omittingEmptySubsequences: false).count - 2)
    }

    /// An export still being written: the first pass reads the file cut
    /// off, the second reads on into what was added since, where a repeat
    /// the first pass never saw would go through unseen once its candidates
    /// are adopted. Reading stops at the end instead, saying why.
    @Test func aFileThatGrowsWhileItIsReadStopsReading() throws {
        var bills = Self.bills(260)
        // Two bills past the cut share a number.
        bills[259] = bills[259].replacingOccurrences(of: "2026000259", with: "2026000230")
        let export = try ExportBeingWritten(bills)
        #expect(export.cut > 4 << 16, "the second pass has more than its first chunks to read after the cut")
        var intake = try Intake(input: export.path, format: .xml, shard: nil, overlap: true, trackedBeforeFirstPass: 1) { _ in }
        // The second record waits for the first pass, which has read the cut file to its end.
        _ = try intake.next()
        _ = try intake.next()
        try export.finish()
        let (read, stop) = try Self.readToStop(&intake, read: 2)
        let fault = try #require(stop, "reading should stop at the end of the grown file")
        #expect(fault.kind == .unreadable)
        #expect(fault.message.contains("changed while it was read") && fault.message.contains("size went from \(export.cut) to \(export.text.count)"),
                "\(fault.message)")
        #expect(read == 260, "every bill was read before the end")
    }

    /// Reads on until `intake` stops: the records read (from `read` on), and
    /// the input error it stopped with, or nil at the end of the file.
    static func readToStop(_ intake: inout Intake, read: Int = 0) throws -> (read: Int, fault: InputError?) {
        var read = read
        do {
            while try intake.next() != nil { read += 1 }
            return (read, nil)
        } catch .input(let fault) {
            return (read, fault)
        }
    }

    /// The same export, grown before the first pass's candidates are
    /// adopted: reading stops there, not after every bill was rendered.
    @Test func aFileThatChangedBeforeTheFirstPassIsAdoptedStopsReadingThere() throws {
        let export = try ExportBeingWritten(Self.bills(260))
        var intake = try Intake(input: export.path, format: .xml, shard: nil, overlap: true, trackedBeforeFirstPass: 1) { _ in }
        try export.finish()
        // The candidates are adopted at the first record if the first pass is
        // done by then, else at the second, which waits for it; either way,
        // whatever the first pass read, the file is found changed there.
        // (Growing the file after the first record raced the first pass: on
        // a loaded machine it could be done, and adopted, before the growth.)
        var read = 0
        do {
            while try intake.next() != nil {
                read += 1
                if read == 2 { break }
            }
            Issue.record("reading should stop when the first pass is adopted")
        } catch {
            guard case .input(let fault) = error else { Issue.record("\(error)"); return }
            #expect(fault.kind == .unreadable && fault.message.contains("changed while it was read"), "\(fault.message)")
            #expect(read <= 1)
        }
    }

    /// A first pass that cannot read the file keeps why, and its candidates
    /// are not taken for the file's; a fault in the file is no such failure.
    @Test func aFirstPassThatCannotReadTheFileSaysSo() {
        let folder = FirstPass(input: Fixture.temporaryFolder().path, format: .xml)
        _ = folder.wait { _ in }
        #expect(folder.failure?.kind == .unreadable, "\(String(describing: folder.failure))")
        let broken = FirstPass(input: Fixture.file(Fixture.document(Self.bills(3).joined(separator: "\n") + "\n<bill <broken/>")), format: .xml)
        _ = broken.wait { _ in }
        #expect(broken.failure == nil)
    }

    @Test func aRunStoppedByAFaultLeavesNothing() throws {
        let text = Fixture.document(Self.bills(300).joined(separator: "\n") + "\n<bill account=\"1\" <broken/>")
        let input = Fixture.file(text)
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", input, "--out", out.path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("bills.xml:\(text.split(separator: "\n", omittingEmptySubsequences: false).count - 2)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let staging = out.deletingLastPathComponent().appendingPathComponent(".out.partial")
        #expect(!FileManager.default.fileExists(atPath: staging.path), "no staging folder is left")
    }
}

/// A checkpoint's line is written only after the file system was synced,
/// from a thread of its own: the run never waits for the disk, and a line
/// never reaches the disk before the files it covers.
@Suite("Checkpoints after a sync")
struct SyncedCheckpointTests {
    /// A sync that waits until the test lets it go, counting how often it ran.
    final class GatedSync: @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        let gate = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var count = 0
        var syncs: Int { lock.withLock { count } }

        var sync: Journal.Sync {
            { [self] _ in
                lock.withLock { count += 1 }
                entered.signal()
                gate.wait()
                return nil
            }
        }
    }

    static func checkpoint(_ records: Int) -> Journal.Checkpoint {
        let header = BatchHeader(period: BillingMonth("2026-10")!, issued: CalendarDate("2026-11-02")!)
        return Journal.Checkpoint(records: records, lengths: ["manifest.jsonl": records * 10], summary: BatchSummary(header: header))
    }

    static func lines(_ folder: OutputFolder) throws -> [String] {
        try String(contentsOf: folder.url(Journal.name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aLineWaitsForItsSyncAndWaitingCheckpointsGiveWayToTheLatest() throws {
        let folder = try OutputFolder(destination: Fixture.temporaryFolder().appendingPathComponent("out"))
        let gated = GatedSync()
        let journal = try Journal(folder: folder, fingerprint: "f", sync: gated.sync)
        try journal.record(Self.checkpoint(64))
        gated.entered.wait()
        // The sync has begun and not ended: no checkpoint line yet, and the run goes on.
        #expect(try Self.lines(folder).count == 1)
        try journal.record(Self.checkpoint(128))
        try journal.record(Self.checkpoint(192))
        #expect(try Self.lines(folder).count == 1)
        gated.gate.signal()
        // The first line is written; 192 took 128's place and waits for a sync of its own.
        gated.entered.wait()
        let afterOne = try Self.lines(folder)
        #expect(afterOne.count == 2 && afterOne[1].contains("\"records\":64"), "\(afterOne)")
        gated.gate.signal()
        try journal.finish()
        let all = try Self.lines(folder)
        #expect(all.count == 3 && all[2].contains("\"records\":192"), "\(all)")
        #expect(gated.syncs == 2)
        // Read back as a resume reads it: the last line is the last checkpoint.
        let resumed = try Journal.resume(folder: folder, sync: { _ in nil })
        #expect(resumed?.fingerprint == "f")
        #expect(resumed?.last?.records == 192)
        withExtendedLifetime(journal) {}
    }

    /// A sync that fails (a writeback error) writes no line, then or later:
    /// the journal keeps ending on a line whose work is on the disk.
    @Test func aFailedSyncWritesNoLine() throws {
        let folder = try OutputFolder(destination: Fixture.temporaryFolder().appendingPathComponent("out"))
        let journal = try Journal(folder: folder, fingerprint: "f", sync: { _ in "Input/output error" })
        try journal.record(Self.checkpoint(64))
        do {
            try journal.finish()
            Issue.record("the failed sync should be reported")
        } catch {
            #expect(error.message.contains("syncfs") && error.message.contains("Input/output error"), "\(error)")
        }
        #expect(try Self.lines(folder) == [#"{"fingerprint":"f"}"#])
        #expect(throws: OutputError.self) { try journal.record(Self.checkpoint(128)) }
        #expect(try Self.lines(folder).count == 1)
    }

    /// Swift's Glibc module leaves `syncfs` out; the journal finds it in the C library.
    @Test func theSyncIsOfOneFileSystem() {
        #expect(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") != nil)
    }
}

/// Publishing: the staging folder takes the output's name with nothing of
/// the run's own in it, an earlier output is replaced, and earlier outputs
/// left behind by killed runs are removed by the next run.
@Suite("Publishing the output")
struct PublishingTests {
    @Test func publishingLeavesNoBookkeepingAndReplacesAnEarlierOutput() throws {
        let parent = Fixture.temporaryFolder()
        let out = parent.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("bills/001"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: out.appendingPathComponent("summary.json"))
        try Data("last month".utf8).write(to: out.appendingPathComponent("bills/001/old.html"))
        let folder = try OutputFolder(destination: out)
        try folder.write("bills/001/new.html", Array("this month".utf8))
        try folder.write("summary.json", Array("{\"bills\":1}".utf8))
        let journal = try Journal(folder: folder, fingerprint: "f", sync: { _ in nil })
        try journal.finish()
        try folder.publish(removing: [Journal.name])
        let entries = try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted()
        #expect(entries == ["bills", "bills/001", "bills/001/new.html", "summary.json"], "\(entries)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"], "nothing beside it")
        withExtendedLifetime(journal) {}
    }

    /// A file that cannot be written whole (the disk full) is reported by
    /// name and reason and not left behind to look written: here its name
    /// leads to /dev/full, where every write fails with ENOSPC.
    @Test func aFileTheDiskCannotHoldIsReportedAndRemoved() throws {
        let folder = try OutputFolder(destination: Fixture.temporaryFolder().appendingPathComponent("out"))
        try folder.makeFolder("bills/001")
        try FileManager.default.createSymbolicLink(atPath: folder.url("bills/001/full.html").path, withDestinationPath: "/dev/full")
        do {
            try folder.write("bills/001/full.html", Array(repeating: 0x61, count: 4096))
            Issue.record("a write to a full disk should fail")
        } catch {
            #expect(error.message == "cannot write bills/001/full.html: \(String(cString: strerror(ENOSPC)))", "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url("bills/001").path).isEmpty, "nothing left under its name")
        // The folder still takes other files.
        try folder.write("bills/001/next.html", Array("whole".utf8))
        #expect(try Data(contentsOf: folder.url("bills/001/next.html")) == Data("whole".utf8))
    }

    /// A run stopped with nothing to keep removes its staging folder as it
    /// ends, and only then: once the path is another run's staging folder,
    /// neither another call nor letting the first folder go touches it.
    @Test func aStoppedRunRemovesItsStagingFolderOnce() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        var first: OutputFolder? = try OutputFolder(destination: out)
        let staging = try #require(first).staging
        try first!.write("bills/001/a.html", Array("a".utf8))
        first!.removeUnlessKept()
        #expect(!FileManager.default.fileExists(atPath: staging.path))
        let second = try OutputFolder(destination: out)
        #expect(second.staging == staging)
        try second.write("bills/001/b.html", Array("b".utf8))
        first!.removeUnlessKept()
        first = nil
        #expect(FileManager.default.fileExists(atPath: staging.appendingPathComponent("bills/001/b.html").path))
        // A folder kept for `--resume` stays.
        second.keepWhenStopped()
        second.removeUnlessKept()
        #expect(FileManager.default.fileExists(atPath: staging.path))
    }

    @Test func earlierOutputsLeftByKilledRunsAreRemovedByTheNextRun() throws {
        let parent = Fixture.temporaryFolder()
        let out = parent.appendingPathComponent("out")
        // A process id no process has, and this process's own (a run still removing its earlier output).
        let gone = parent.appendingPathComponent(OutputFolder.replacedName(of: out, pid: 2_147_483_000))
        let running = parent.appendingPathComponent(OutputFolder.replacedName(of: out, pid: getpid()))
        let other = parent.appendingPathComponent(".other.old-2147483000")
        for folder in [gone, running, other] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: folder.appendingPathComponent("summary.json"))
        }
        // No output in place: a run killed between moving the earlier output
        // aside and moving its own in left no other copy, and it stays.
        let first = try OutputFolder(destination: out)
        #expect(FileManager.default.fileExists(atPath: gone.path))
        try first.publish()
        #expect(!FileManager.default.fileExists(atPath: gone.path), "removed once an output is in place")
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: other.path), "another output's folder is not this run's to remove")
        // The next run finds the output in place and removes what is left, at its start.
        try FileManager.default.createDirectory(at: gone, withIntermediateDirectories: true)
        let second = try OutputFolder(destination: out)
        #expect(!FileManager.default.fileExists(atPath: gone.path))
        withExtendedLifetime(second) {}
    }
}

/// A render's tasks run on threads of a fixed number (`RenderThreads`),
/// not on Swift's global pool, which on Linux adds a thread (and with it a
/// malloc arena of some megabytes) when one of its own waits on the disk.
@Suite("The render threads")
struct RenderThreadsTests {
    static func threadName() -> String { Thread.current.name ?? "" }

    @Test func tasksThatPreferThemRunOnThem() async {
        let names = await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask(executorPreference: RenderThreads.shared) {
                    await Task.yield()
                    return Self.threadName()
                }
            }
            var names: [String] = []
            for await name in group { names.append(name) }
            return names
        }
        #expect(names.count == 16)
        #expect(names.allSatisfy { $0.hasPrefix("fatura render ") }, "\(names)")
    }

    /// The reading task (which calls `onProgress` every 256 bills) runs
    /// there too: `withTaskExecutorPreference` moves the task onto the
    /// executor as its closure starts, before any wait (checked with a
    /// program marking its own threads), so even on a machine of many cores,
    /// whose first chunks are read before any wait, bill 256 is read there.
    @Test func theReadingTaskRunsOnTheRenderThreads() async throws {
        let output = Fixture.temporaryFolder().appendingPathComponent("out")
        var names: Set<String> = []
        let summary = try await Batch.render(input: PipelineTests.month.path, output: output, onProgress: { progress in
            if !progress.scanning, progress.bills % BatchProgress.every == 0 { names.insert(Self.threadName()) }
        })
        #expect(summary.bills == 1500)
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("fatura render ") }, "\(names)")
    }
}
