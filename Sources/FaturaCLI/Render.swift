import ArgumentParser
import Fatura
import Foundation
import Synchronization

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the accepted bills of an export into an output folder.",
        discussion: """
        Writes DIR/bills/NNN/ACCOUNT-PERIOD.html, DIR/email/NNN/ACCOUNT-PERIOD.eml, \
        DIR/manifest.jsonl, DIR/rejects.jsonl, DIR/sms.csv, DIR/paper.csv, DIR/report.html and \
        DIR/summary.json (NNN: the account's last three digits). The folder is built under the \
        hidden name .DIR.partial and appears only when the run has finished; an earlier Fatura \
        output in DIR is replaced. A run that was stopped, even by kill -9, goes on with --resume \
        and gives the same bytes as one that never stopped.
        """
    )

    @Argument(help: ArgumentHelp("The bill export: XML, CSV or JSON Lines (contract urn:fatura:bill-data:1); '-' for standard input, with --format.",
                                 valueName: "input"))
    var given: String

    /// The export's path, '-' being standard input.
    var input: String { given == "-" ? "/dev/stdin" : given }

    @Option(name: .long, help: "The input's format: xml, csv or jsonl (default: detected from the file).")
    var format: InputFormat?

    @Option(name: .long, help: "The output folder.")
    var out: String

    @OptionGroup var templateOptions: TemplateOptions

    @Flag(name: .long, help: "Arabic pages with Arabic-Indic digits (٠١٢) instead of Latin ones.")
    var arabicDigits = false

    @OptionGroup var ring: KeyRingOption

    @Option(name: .long, help: ArgumentHelp("Render only share K of N (by a stable hash of the account); combine with `fatura merge`.", valueName: "K/N"))
    var shard: String?

    @Flag(name: .long, help: "No progress line (it is shown only on a terminal anyway); the final summary line stays.")
    var quiet = false

    @Option(name: .long, help: "The base of the links (default: link_base_url of the utility details).")
    var linkBaseURL: String?

    @Option(name: .long, help: "SMS parts allowed per Arabic message.")
    var smsMaxPartsAr = 2

    @Option(name: .long, help: "SMS parts allowed per English message.")
    var smsMaxPartsEn = 1

    @Option(name: .long, help: "Chunks of bills rendered at once (default: one per core, and 2); the output is the same for any number.")
    var jobs: Int = Batch.defaultJobs

    @Flag(name: .long, help: "Go on with a run that was stopped (killed, or failed on output) instead of starting over; the result is the same as an uninterrupted run.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("Records between checkpoints of the journal (for tests).", visibility: .hidden))
    var checkpointEvery = Batch.checkpointEvery

    func validate() throws {
        try InputFormat.checkNamed(format, for: input, given: given)
    }

    func run() async throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let linkBaseURL, let problem = LinkSigner.baseURLProblem(linkBaseURL) {
            throw ValidationError("--link-base-url \(linkBaseURL) \(problem)")
        }
        guard smsMaxPartsAr >= 1, smsMaxPartsEn >= 1 else { throw ValidationError("--sms-max-parts-ar and --sms-max-parts-en must be at least 1") }
        var shardValue: Shard?
        if let shard {
            guard let parsed = Shard(shard) else { throw ValidationError("--shard \(shard) is not K/N with 1 ≤ K ≤ N") }
            shardValue = parsed
        }
        var configuration = BatchConfiguration(
            templates: templateOptions.templatesURL, utility: templateOptions.utilityURL,
            arabicIndicDigits: arabicDigits, keyRing: try ring.load(), linkBaseURL: linkBaseURL,
            smsMaxParts: [.ar: smsMaxPartsAr, .en: smsMaxPartsEn], format: format)
        configuration.shard = shardValue
        configuration.jobs = jobs
        configuration.resume = resume
        configuration.checkpointEvery = max(1, checkpointEvery)
        let progress = ProgressLine(input: input, quiet: quiet)
        let output = URL(fileURLWithPath: out).standardizedFileURL
        let staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial")
        let started = Atomic<Bool>(false)
        let clearsLine = progress != nil
        let stops = Self.onStopSignal { name in
            // The progress line, if any, is cleared first (its state is the run's; the line is all there is).
            if clearsLine { FileHandleOutput.stderr("\r\u{1B}[K") }
            // Once published, the staging folder is gone and there is nothing to resume.
            if started.load(ordering: .acquiring), FileManager.default.fileExists(atPath: staging.path) {
                printError("fatura: stopped by \(name); the work done so far is kept in \(staging.path); `fatura render --resume` with the same arguments goes on from there")
            } else {
                printError("fatura: stopped by \(name)")
            }
        }
        defer { stops.forEach { $0.cancel() } }
        do {
            let summary = try await Batch.render(
                input: input, output: URL(fileURLWithPath: out), configuration: configuration,
                onReject: {
                    progress?.finish()
                    printError($0.diagnostic(file: input))
                },
                onReroute: {
                    progress?.finish()
                    printError($0.diagnostic(file: input))
                },
                onProgress: { progress?.update($0) },
                onStart: { start in
                    started.store(true, ordering: .releasing)
                    switch start {
                    case .fresh: break
                    case .startedOver:
                        printError("fatura: an interrupted run's work was dropped; `--resume` would have gone on from it")
                    case .resumed(0):
                        printError("fatura: resuming the interrupted run from the start of the file (it was stopped before its first checkpoint)")
                    case .emptied:
                        printError("fatura: the interrupted run left no journal to go on from (it was stopped before its first line reached the disk, or while publishing): its folder was emptied and the month is rendered from the start")
                    case .resumed(let done):
                        printError("fatura: resuming the interrupted run after bill \(done) of the file (the rejects and bills sent another way before it are in its rejects.jsonl and manifest.jsonl, not printed again)")
                    }
                })
            progress?.finish()
            printError(summary.line + " → \(out)")
            throw ExitStatus.of(summary)
        } catch let error as BatchError {
            progress?.finish()
            printError("fatura: \(error)")
            if case .output(let failure) = error, !failure.heldByAnotherRun, FileManager.default.fileExists(atPath: staging.path) {
                printError("fatura: the work done so far is kept in \(staging.path); `fatura render --resume` with the same arguments goes on from there")
            }
            throw ExitStatus.of(error)
        }
    }

    /// SIGTERM (a stopped pod, `kill`) and SIGINT (Ctrl-C) end the run at
    /// once, as a kill would (every moment is safe to stop at), after
    /// `report` says what is left: the signal is then raised again with its
    /// default action, so the parent sees a process the signal ended (a
    /// shell script stops at Ctrl-C rather than going on). (Without
    /// handlers, a container's first process would not even hear SIGTERM.)
    static func onStopSignal(_ report: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                report(name)
                signal(number, SIG_DFL)
                // Dispatch's threads block signals: unblocked on this one, raised at it.
                var signals = sigset_t()
                sigemptyset(&signals)
                sigaddset(&signals, number)
                pthread_sigmask(SIG_UNBLOCK, &signals, nil)
                raise(number)
                _exit(128 + number)  // not reached
            }
            source.resume()
            return source
        }
    }
}
