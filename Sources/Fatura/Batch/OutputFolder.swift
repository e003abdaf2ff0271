public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The output folder of a run, built under a hidden staging name beside the
/// destination and moved into place only when the run has finished, so a
/// run that stops never leaves a folder that looks complete.
public final class OutputFolder {
    public let destination: URL
    public let staging: URL
    private var published = false
    /// Subfolders already made in this run.
    private var folders: Set<Substring> = []

    /// Files every finished run writes; a folder holding one of them is a
    /// Fatura output that a new run may replace.
    static let markers = ["summary.json", "manifest.jsonl"]

    public init(destination: URL) throws(OutputError) {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial-\(getpid())")
        try Self.checkReplaceable(self.destination)
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: staging.path) {
                try FileManager.default.removeItem(at: staging)
            }
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError("cannot create the output folder beside \(self.destination.path): \(error.localizedDescription)")
        }
    }

    deinit {
        if !published { try? FileManager.default.removeItem(at: staging) }
    }

    /// Refuses to replace a folder that is not empty and not a Fatura output.
    static func checkReplaceable(_ url: URL) throws(OutputError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw OutputError("\(url.path) exists and is not a folder")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        guard entries.isEmpty || markers.contains(where: entries.contains) else {
            throw OutputError("\(url.path) is not empty and is not a Fatura output folder; choose another --out")
        }
    }

    public func url(_ relative: String) -> URL {
        staging.appendingPathComponent(relative)
    }

    public func makeFolder(_ relative: String) throws(OutputError) {
        do {
            try FileManager.default.createDirectory(at: url(relative), withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create \(relative): \(error.localizedDescription)")
        }
    }

    public func write(_ relative: String, _ text: String) throws(OutputError) {
        try write(relative, Array(text.utf8))
    }

    /// Writes a file of the staging folder with plain system calls: no
    /// fsync per file (Foundation's `Data.write` makes one, which costs more
    /// than everything else a bill needs); `publish` makes the whole folder
    /// durable once, before it appears.
    public func write(_ relative: String, _ bytes: [UInt8]) throws(OutputError) {
        if let slash = relative.lastIndex(of: "/") {
            let folder = relative[..<slash]
            if !folders.contains(folder) {
                try makeFolder(String(folder))
                folders.insert(folder)
            }
        }
        let path = staging.path + "/" + relative
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError("cannot create \(relative): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(relative): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Moves the finished folder into place, replacing an earlier output.
    public func publish() throws(OutputError) {
        let manager = FileManager.default
        // Everything written reaches the disk before the folder takes its name.
        sync()
        do {
            try Self.checkReplaceable(destination)
            if manager.fileExists(atPath: destination.path) {
                let old = destination.deletingLastPathComponent()
                    .appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
                try manager.moveItem(at: destination, to: old)
                try manager.moveItem(at: staging, to: destination)
                try manager.removeItem(at: old)
            } else {
                try manager.moveItem(at: staging, to: destination)
            }
            published = true
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError("cannot move the finished output to \(destination.path): \(error.localizedDescription)")
        }
    }
}

/// The output cannot be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
