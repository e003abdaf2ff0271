import ArgumentParser
import Fatura
import FaturaServer
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web view behind the SMS links from batch outputs.",
        discussion: """
        GET /TOKEN (or the token behind any base path, /b/TOKEN say) serves the bill of the verified account and month; /healthz answers ok. \
        Give --out once for each output folder to serve: the months whose links still work \
        (three months after the billing month), and each shard's folder of a month rendered \
        with --shard. The revocation list (--revoked) is read at start and again on SIGHUP; \
        SIGTERM stops gracefully, letting requests in flight finish.
        """
    )

    @Option(name: .long, help: ArgumentHelp("A batch output folder (fatura render --out); repeat it for several.", valueName: "dir"))
    var out: [String]

    @OptionGroup var templateOptions: TemplateOptions

    @OptionGroup var ring: KeyRingOption

    @Option(name: .long, help: "A revocation list: one token, link, or 'ACCOUNT YYYY-MM' a line.")
    var revoked: String?

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port).")
    var port: Int = 8080

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("Give at least one --out folder to serve.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port (0 to 65535).") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = {
            var logger = Logger(label: "fatura.serve")
            logger.logLevel = .info
            return logger
        }()
        let ring = try self.ring.load()
        let view: WebView
        let revocations: RevocationList
        do {
            let templates = try templateOptions.load()
            revocations = try RevocationList(file: revoked.map { URL(fileURLWithPath: $0) })
            let signer = LinkSigner(ring: ring, baseURL: templates.resources.utility.linkBaseURL)
            view = WebView(configuration: try .load(outputs: out.map { URL(fileURLWithPath: $0) }, templates: templates,
                                                    signer: signer, revocations: revocations),
                           logger: logger)
            for warning in view.configuration.warnings { printError("fatura: WARNING: \(warning)") }
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
        let hangup = revocations.reloadOnHangup(logger: logger)
        defer { hangup.cancel() }
        let app = view.application(host: host, port: port) { channel in
            logger.info("serving \(out.joined(separator: ", ")) on \(channel.localAddress?.description ?? "\(host):\(port)")")
        }
        try await runListening(app, host: host, port: port)
    }
}

/// Runs a server; one that cannot listen (the port in use, say) is told in
/// a line and ends the command with the set-up's exit code.
func runListening(_ app: some ApplicationProtocol, host: String, port: Int) async throws {
    do {
        try await app.runService()
    } catch {
        guard let reason = WebView.listenFailure(error) else { throw error }
        printError("fatura: cannot listen on \(host) port \(port): \(reason); choose another --port (or --host)")
        throw ExitStatus.configuration
    }
}
