import ArgumentParser
import Dispatch
import Fatura
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the whole pipeline on a generated month against a plain file-writing floor (build with -c release).",
        discussion: """
        Generates N bills (or reads the export given with --input), renders them into a fresh folder, and prints bills per second, user and \
        system CPU per bill, files and bytes written and peak memory; then writes the same files (the \
        same names in the same folders, of the same sizes, each bill's in the manifest's order) with a \
        plain loop (temporary name, then rename; one writer per core) into another fresh folder: the \
        floor; then once more in place (no temporary name, as the pipeline writes inside its staging folder), \
        for comparison. Every run uses new folders, as deleting many files slows the next minutes of file creation.
        """
    )

    @Argument(help: "How many bills to generate (default: 100000).")
    var count: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Measure on this export (XML, CSV or JSON Lines) instead of a generated month.",
        discussion: "For running the bench side by side with other pipelines on the same file, made with `fatura generate`, say.",
        valueName: "file"))
    var input: String?

    @Option(name: .long, help: "Where to put the month and the outputs (default: a new folder in the temporary directory).")
    var workdir: String?

    @Option(name: .long, help: "The folder of templates and string catalogs.")
    var templates: String = "Templates"

    func validate() throws {
        if count != nil, input != nil { throw ValidationError("Give either a count of bills to generate or --input, not both.") }
        if let count, count < 1 { throw ValidationError("The count of bills must be at least 1.") }
        if let input, !FileManager.default.isReadableFile(atPath: input) { throw ValidationError("Cannot read the export \(input).") }
        // Found before the month is generated, not after.
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: templates, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("The templates folder \(templates) does not exist: run from the project's folder or give --templates.")
        }
    }

    func run() async throws {
        let base = URL(fileURLWithPath: workdir ?? NSTemporaryDirectory()).appendingPathComponent("fatura-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let input: URL
        let inputBytes: Int
        if let given = self.input {
            input = URL(fileURLWithPath: given)
            inputBytes = (try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int) ?? 0
            print("measuring on \(input.path) (\(inputBytes / 1_000_000) MB); outputs in \(base.path)")
        } else {
            let count = count ?? 100_000
            input = base.appendingPathComponent("month.xml")
            _ = FileManager.default.createFile(atPath: input.path, contents: nil)
            let handle = try FileHandle(forWritingTo: input)
            var chunk = ""
            try MonthGenerator(count: count).generate { piece in
                chunk += piece
                if chunk.utf8.count > 1 << 16 { try handle.write(contentsOf: Data(chunk.utf8)); chunk = "" }
            }
            try handle.write(contentsOf: Data(chunk.utf8))
            try handle.close()
            inputBytes = (try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int) ?? 0
            print("generated \(count) bills (\(inputBytes / 1_000_000) MB) in \(base.path)")
        }

        let output = base.appendingPathComponent("out")
        // Neither phase pays for the other's dirty pages: each starts from a clean cache.
        sync()
        let before = Usage.now()
        let start = DispatchTime.now()
        let summary = try await Batch.render(input: input.path, output: output,
                                       configuration: BatchConfiguration(templates: URL(fileURLWithPath: templates), keyRing: .development))
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let after = Usage.now()
        let files = Self.outputFiles(output)
        let sizes = files.map(\.size)
        let bytes = sizes.reduce(0, +)
        let bills = Double(max(summary.bills, 1))
        let rejects = summary.rejected > 0 ? " (\(summary.rejected) rejected)" : ""
        print("pipeline: \(summary.bills) bills\(rejects) in \(Self.fixed(wall)) s = \(Int(bills / wall)) bills/s")
        print("  CPU per bill: user \(Self.fixed((after.user - before.user) / bills * 1e6)) µs, system \(Self.fixed((after.system - before.system) / bills * 1e6)) µs")
        print("  wrote \(sizes.count) files, \(bytes / 1_000_000) MB; peak resident memory \(after.peakKB / 1024) MB")

        let writers = ProcessInfo.processInfo.activeProcessorCount
        let floor = try FloorFiles(files, in: base.appendingPathComponent("floor")).measure(writers: writers, renamed: true)
        print("floor: \(sizes.count) files of the same sizes, in the same folders, in \(Self.fixed(floor.wall)) s (\(writers) writers; "
              + "\(Self.fixed(floor.writing)) s writing, then one sync, as the pipeline makes before publishing)")
        // The floor's own system time, per bill of the run: what the kernel's file work alone costs now.
        print("  floor CPU per bill: user \(Self.fixed(floor.usage.user / bills * 1e6)) µs, "
              + "system \(Self.fixed(floor.usage.system / bills * 1e6)) µs")
        print("pipeline / floor = \(Self.fixed(wall / floor.wall))x wall time")

        // The pipeline writes in place inside its staging folder (the folder's
        // one move publishes it whole): the same loop without the renames, for comparison.
        let inPlace = try FloorFiles(files, in: base.appendingPathComponent("floor-in-place")).measure(writers: writers, renamed: false)
        print("the same files written in place (no temporary name, no rename; then the same sync): \(Self.fixed(inPlace.wall)) s, "
              + "system \(Self.fixed(inPlace.usage.system / bills * 1e6)) µs a bill; "
              + "pipeline / that = \(Self.fixed(wall / inPlace.wall))x")
        // Removing some 450,000 files slows the next minutes of file creation (and so the
        // next bench run) several-fold here: left for the user to remove when done.
        let generated = self.input == nil ? inputBytes : 0
        print("left in \(base.path) (\((bytes * 3 + generated) / 1_000_000) MB): remove it with rm -rf when done, not just before another run")
    }

    static func fixed(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// The files of a finished output folder, by path within it, with their
    /// sizes: each bill's files in the manifest's order (the order the
    /// pipeline wrote them in), then the rest.
    static func outputFiles(_ folder: URL) -> [(path: String, size: Int)] {
        var sizes: [String: Int] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let path = walker?.nextObject() as? String {
            guard walker?.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            sizes[path] = (walker?.fileAttributes?[.size] as? Int) ?? 0
        }
        var files: [(path: String, size: Int)] = []
        let manifest = (try? String(contentsOf: folder.appendingPathComponent("manifest.jsonl"), encoding: .utf8)) ?? ""
        for line in manifest.split(separator: "\n") {
            let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            for path in entry?["files"] as? [String] ?? [] {
                if let size = sizes.removeValue(forKey: path) { files.append((path, size)) }
            }
        }
        return files + sizes.keys.sorted().map { ($0, sizes[$0]!) }
    }
}

/// The floor's files: the pipeline's, by the same paths in another folder,
/// and the sizes to write.
struct FloorFiles {
    let root: URL
    let folders: [String]
    let paths: [(final: String, temporary: String)]
    let sizes: [Int]

    /// Writes the files (`write`) from a clean page cache, then syncs, as the
    /// pipeline makes its folder durable (one sync) before publishing it:
    /// the time to the end of the writes, the time with the sync, and the CPU time.
    func measure(writers: Int, renamed: Bool) throws -> (writing: Double, wall: Double, usage: Usage) {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        sync()
        let before = Usage.now()
        let start = DispatchTime.now()
        write(writers: writers, renamed: renamed)
        let writing = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        sync()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let after = Usage.now()
        return (writing, wall, Usage(user: after.user - before.user, system: after.system - before.system, peakKB: after.peakKB))
    }

    /// Its paths are made here, before any clock starts: the floor is the file work alone.
    init(_ files: [(path: String, size: Int)], in folder: URL) {
        root = folder
        folders = Set(files.map { ($0.path as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }
            .map { folder.appendingPathComponent($0).path }
        paths = files.map { file in
            let final = folder.path + "/" + file.path
            let slash = final.lastIndex(of: "/")!
            return (final, String(final[...slash]) + "." + String(final[final.index(after: slash)...]) + ".tmp")
        }
        sizes = files.map(\.size)
    }

    /// Plain writes of the same files: their folders made, then for each
    /// file, open a temporary name beside it, write, close, rename (or,
    /// not `renamed`, open the file itself, write, close).
    func write(writers: Int, renamed: Bool) {
        for folder in folders { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let payload = [UInt8](repeating: 0x61, count: sizes.max() ?? 0)
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for index in stride(from: writer, to: paths.count, by: writers) {
                let descriptor = open(renamed ? paths[index].temporary : paths[index].final, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                payload.withUnsafeBufferPointer { _ = Glibc.write(descriptor, $0.baseAddress, sizes[index]) }
                close(descriptor)
                if renamed { rename(paths[index].temporary, paths[index].final) }
            }
        }
    }
}

/// This process's CPU time and peak memory, from getrusage.
struct Usage {
    var user: Double
    var system: Double
    var peakKB: Int

    static func now() -> Usage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Usage(user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                     system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
                     peakKB: Int(usage.ru_maxrss))
    }
}
