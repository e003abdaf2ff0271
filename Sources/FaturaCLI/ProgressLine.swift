import Fatura
import Foundation

/// The progress line on standard error (``BatchProgress/line(elapsed:totalBytes:)``):
/// bills, bills per second, rejects and time left, redrawn at most four
/// times a second, only on a terminal.
final class ProgressLine {
    private let totalBytes: Int?
    /// When the first pass began (with the run), and when the rendering pass did.
    private let scanStart = Date()
    private var renderStart: Date?
    private var lastDrawn = Date.distantPast
    private(set) var drawn = false

    /// Nil when standard error is not a terminal or the user asked for quiet.
    init?(input: String, quiet: Bool) {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        totalBytes = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? nil
    }

    func update(_ progress: BatchProgress) {
        let now = Date()
        // Rates and time left are of the pass the progress is of: the first
        // pass reports only while the rendering waits for it.
        if !progress.scanning, renderStart == nil { renderStart = now }
        guard now.timeIntervalSince(lastDrawn) >= 0.25 else { return }
        lastDrawn = now
        let elapsed = now.timeIntervalSince(progress.scanning ? scanStart : renderStart ?? now)
        FileHandleOutput.stderr("\r\u{1B}[K" + progress.line(elapsed: elapsed, totalBytes: totalBytes))
        drawn = true
    }

    /// Clears the line before the final summary is printed.
    func finish() {
        if drawn { FileHandleOutput.stderr("\r\u{1B}[K") }
    }
}
