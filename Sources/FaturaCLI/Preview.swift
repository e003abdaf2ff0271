import ArgumentParser
import Fatura
import FaturaServer
import Foundation
import Hummingbird
import Logging

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "A local page of every sample bill × every output in both languages, rendered from the files at each request.",
        discussion: "Pages reload themselves when a template or sample changes; a template error shows with its file, line and column."
    )

    @Option(name: .long, help: "The folder of templates and string catalogs.")
    var templates: String = "Templates"

    @Option(name: .long, help: "The folder of sample months (*.xml).")
    var samples: String = "Samples"

    @Flag(name: .long, help: "Arabic-Indic digits on Arabic pages, as render --arabic-digits writes them.")
    var arabicDigits = false

    @Option(name: .long, help: "The utility's details (default: TEMPLATES/utility.json).")
    var utility: String?

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on.")
    var port: Int = 8090

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port (0 to 65535).") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "fatura.preview")
        let preview = Preview(templates: URL(fileURLWithPath: templates), samples: URL(fileURLWithPath: samples),
                              utility: utility.map { URL(fileURLWithPath: $0) }, arabicIndicDigits: arabicDigits, logger: logger)
        let host = self.host
        let app = Application(router: preview.router(), configuration: .init(address: .hostname(host, port: port)),
                              onServerRunning: { channel in
                                  logger.info("preview on http://\(host):\(channel.localAddress?.port ?? 0)/")
                              }, logger: logger)
        try await runListening(app, host: host, port: port)
    }
}
