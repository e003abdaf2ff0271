public import Fatura
public import Foundation
public import Logging
import Synchronization

/// Links that must no longer open their bill, though they verify: read
/// from a file at start and again on SIGHUP. One entry a line: a token (or a
/// whole link), or an account and a month (`1002345678 2026-10`); `#` starts
/// a comment.
public final class RevocationList: Sendable {
    struct Entries: Sendable {
        var tokens: Set<String> = []
        var bills: Set<String> = []
    }

    public let file: URL?
    private let entries: Mutex<Entries>

    /// An empty list, or the list of `file` (which must be readable and valid).
    public init(file: URL?) throws(RevocationError) {
        self.file = file
        entries = Mutex(try file.map(Self.read) ?? Entries())
    }

    public var count: Int { entries.withLock { $0.tokens.count + $0.bills.count } }

    public func isRevoked(token: String, account: String, month: BillingMonth) -> Bool {
        entries.withLock { $0.tokens.contains(token) || $0.bills.contains("\(account) \(month)") }
    }

    /// Reads the file again; on a fault the old list stays in force.
    public func reload() throws(RevocationError) {
        guard let file else { return }
        let fresh = try Self.read(file)
        entries.withLock { $0 = fresh }
    }

    static func read(_ file: URL) throws(RevocationError) -> Entries {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw RevocationError("cannot read revocation list \(file.path)")
        }
        var entries = Entries()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count == 2, let month = BillingMonth(fields[1]),
               (6...12).contains(fields[0].count), fields[0].allSatisfy(\.isASCII), fields[0].allSatisfy(\.isNumber) {
                entries.bills.insert("\(fields[0]) \(month)")
            } else if fields.count == 1, let token = fields[0].split(separator: "/").last, token.count == LinkToken.length {
                entries.tokens.insert(String(token))
            } else {
                throw RevocationError("\(file.path):\(number + 1): expected a token, a link, or an account and a month (YYYY-MM)")
            }
        }
        return entries
    }

    /// Reloads the list whenever the process receives SIGHUP. Keep the
    /// returned source alive for as long as reloading should work.
    public func reloadOnHangup(logger: Logger) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [self] in
            do {
                try reload()
                logger.info("revocation list reloaded", metadata: ["entries": "\(count)"])
            } catch {
                logger.error("revocation list not reloaded, the old one stays", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        return source
    }
}

public struct RevocationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
