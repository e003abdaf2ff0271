import ArgumentParser
import Dispatch
import Fatura
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the whole pipeline on a generated month against a plain file-writing floor (build with -c release).",
        discussion: """
        Generates N bills, renders them into a fresh folder, and prints bills per second, user and \
        system CPU per bill, files and bytes written and peak memory; then writes the same number of \
        files of the same sizes with a plain loop (temporary name, then rename; one writer per core) \
        into another fresh folder: the floor. Every run uses new folders, as deleting many files slows \
        the next minutes of file creation.
        """
    )

    @Argument(help: "How many bills to generate.")
    var count: Int = 100_000

    @Option(name: .long, help: "Where to put the month and the outputs (default: a new folder in the temporary directory).")
    var workdir: String?

    @Option(name: .long, help: "The folder of templates and string catalogs.")
    var templates: String = "Templates"

    func run() async throws {
        let base = URL(fileURLWithPath: workdir ?? NSTemporaryDirectory()).appendingPathComponent("fatura-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let input = base.appendingPathComponent("month.xml")
        _ = FileManager.default.createFile(atPath: input.path, contents: nil)
        let handle = try FileHandle(forWritingTo: input)
        var chunk = ""
        try MonthGenerator(count: count).generate { piece in
            chunk += piece
            if chunk.utf8.count > 1 << 16 { try handle.write(contentsOf: Data(chunk.utf8)); chunk = "" }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        try handle.close()
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int) ?? 0
        print("generated \(count) bills (\(inputBytes / 1_000_000) MB) in \(base.path)")

        let output = base.appendingPathComponent("out")
        // Neither phase pays for the other's dirty pages: each starts from a clean cache.
        sync()
        let before = Usage.now()
        let start = DispatchTime.now()
        let summary = try await Batch.render(input: input.path, output: output,
                                       configuration: BatchConfiguration(templates: URL(fileURLWithPath: templates), keyRing: .development))
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let after = Usage.now()
        let sizes = Self.fileSizes(output)
        let bytes = sizes.reduce(0, +)
        let bills = Double(max(summary.bills, 1))
        print("pipeline: \(summary.bills) bills in \(Self.fixed(wall)) s = \(Int(bills / wall)) bills/s")
        print("  CPU per bill: user \(Self.fixed((after.user - before.user) / bills * 1e6)) µs, system \(Self.fixed((after.system - before.system) / bills * 1e6)) µs")
        print("  wrote \(sizes.count) files, \(bytes / 1_000_000) MB; peak resident memory \(after.peakKB / 1024) MB")

        let floor = base.appendingPathComponent("floor")
        try FileManager.default.createDirectory(at: floor, withIntermediateDirectories: true)
        sync()
        let floorBefore = Usage.now()
        let floorStart = DispatchTime.now()
        Self.writeFloor(sizes, into: floor, writers: ProcessInfo.processInfo.activeProcessorCount)
        let written = Double(DispatchTime.now().uptimeNanoseconds - floorStart.uptimeNanoseconds) / 1e9
        // The pipeline makes its folder durable (one sync) before publishing it; so does the floor.
        sync()
        let floorWall = Double(DispatchTime.now().uptimeNanoseconds - floorStart.uptimeNanoseconds) / 1e9
        let floorAfter = Usage.now()
        print("floor: \(sizes.count) files of the same sizes in \(Self.fixed(floorWall)) s (\(ProcessInfo.processInfo.activeProcessorCount) writers; "
              + "\(Self.fixed(written)) s writing, then the same one sync the pipeline makes before publishing)")
        // The floor's own system time, per bill of the run: what the kernel's file work alone costs now.
        print("  floor CPU per bill: user \(Self.fixed((floorAfter.user - floorBefore.user) / bills * 1e6)) µs, "
              + "system \(Self.fixed((floorAfter.system - floorBefore.system) / bills * 1e6)) µs")
        print("pipeline / floor = \(Self.fixed(wall / floorWall))x wall time")
        // Removing some 300,000 files slows the next minutes of file creation (and so the
        // next bench run) several-fold here: left for the user to remove when done.
        print("left in \(base.path) (\((bytes * 2 + inputBytes) / 1_000_000) MB): remove it with rm -rf when done, not just before another run")
    }

    static func fixed(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    static func fileSizes(_ folder: URL) -> [Int] {
        var sizes: [Int] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { sizes.append(values?.fileSize ?? 0) }
        }
        return sizes
    }

    /// Plain writes of the same sizes: open a temporary name, write, close, rename.
    static func writeFloor(_ sizes: [Int], into folder: URL, writers: Int) {
        let payload = [UInt8](repeating: 0x61, count: (sizes.max() ?? 0))
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for index in stride(from: writer, to: sizes.count, by: writers) {
                let final = folder.path + "/f\(index).html"
                let temporary = final + ".tmp"
                let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                payload.withUnsafeBufferPointer { _ = write(descriptor, $0.baseAddress, sizes[index]) }
                close(descriptor)
                rename(temporary, final)
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
