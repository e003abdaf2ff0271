public import Fatura
public import Foundation
import Crypto
import HTTPTypes
public import Hummingbird
public import Logging
public import NIOCore

/// The web view behind the SMS links: `GET /TOKEN` (the token as the last
/// segment of any path: `/b/TOKEN`, a base path of its own) serves the bill page
/// of the verified account and month from the batch outputs, `/healthz`
/// answers the load balancer. Unknown, malformed and forged tokens get one
/// and the same 404 page; expired, retired-key and revoked links a 410 page
/// that says how to get the bill another way.
///
/// A link works for three months after its billing month, and a month
/// rendered in shards has its pages in the shards' folders: the view serves
/// any number of output folders (each month's, each shard's), looking for a
/// bill's page in each in turn.
public struct WebView: Sendable {
    public struct Configuration: Sendable {
        /// The batch output folders (`fatura render --out`), looked in in this order.
        public var outputs: [URL]
        public var signer: LinkSigner
        public var revocations: RevocationList
        /// The 404 and 410 pages, rendered once at start.
        public var notFoundPage: [UInt8]
        public var gonePage: [UInt8]
        /// Longest request target accepted (414 beyond).
        public var maxURLLength: Int
        public var now: @Sendable () -> Date

        public init(outputs: [URL], signer: LinkSigner, revocations: RevocationList, notFoundPage: [UInt8],
                    gonePage: [UInt8], maxURLLength: Int = 512, now: @escaping @Sendable () -> Date = { Date() }) {
            self.outputs = outputs
            self.signer = signer
            self.revocations = revocations
            self.notFoundPage = notFoundPage
            self.gonePage = gonePage
            self.maxURLLength = maxURLLength
            self.now = now
        }

        /// Renders the status pages from `templates` and checks the output folders.
        public static func load(outputs: [URL], templates: TemplateSet, signer: LinkSigner, revocations: RevocationList) throws -> Configuration {
            guard !outputs.isEmpty else { throw TemplateSetupError("no output folder to serve") }
            for output in outputs {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw TemplateSetupError("the output folder \(output.path) does not exist")
                }
            }
            for name in TemplateSet.statusTemplates where !templates.library.hasTemplate(name) {
                throw TemplateSetupError("missing template \(name).mustache")
            }
            return Configuration(outputs: outputs, signer: signer, revocations: revocations,
                                 notFoundPage: try templates.renderStatusPage("not-found"),
                                 gonePage: try templates.renderStatusPage("gone"))
        }

        /// What an operator should hear at start: folders whose links this
        /// server cannot answer (signed with the other kind of key than its
        /// ring, or with no pages, as `fatura merge` makes), and folders
        /// whose pages a folder given before them hides.
        public var warnings: [String] {
            folderWarnings + sameShareWarnings
        }

        /// Two folders of the same month and share (a month rendered again
        /// beside the first output, or a whole run beside its shards): the
        /// first given answers, the other is never read.
        private var sameShareWarnings: [String] {
            var first: [String: URL] = [:]  // "PERIOD K/N" or "PERIOD whole"
            var warnings: [String] = []
            for output in outputs {
                guard let summary = Self.summary(of: output), let period = summary["period"] as? String else { continue }
                let share = summary["shard"] as? String ?? "whole"
                let overlapping = share == "whole"
                    ? first.filter { $0.key.hasPrefix(period + " ") }.values.first
                    : first[period + " " + share] ?? first[period + " whole"]
                if let overlapping {
                    warnings.append("\(output.path) holds bills of \(period) that \(overlapping.path) holds too: the pages of \(overlapping.path), given first, are served")
                } else {
                    first[period + " " + share] = output
                }
            }
            return warnings
        }

        private static func summary(of output: URL) -> [String: Any]? {
            (try? Data(contentsOf: output.appendingPathComponent("summary.json")))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }

        private var folderWarnings: [String] {
            outputs.compactMap { output in
                guard let summary = Self.summary(of: output) else {
                    return "\(output.path) has no summary.json: it is not a finished Fatura output"
                }
                if !FileManager.default.fileExists(atPath: output.appendingPathComponent("bills").path) {
                    return "\(output.path) holds no pages (bills/): a merged output lists the bills, their pages stay in the shards' folders, serve those"
                }
                let development = summary["development_key"] as? Bool ?? false
                if development != signer.ring.isDevelopment {
                    return development
                        ? "\(output.path) was signed with the development key, not this ring: its links will not open"
                        : "\(output.path) was signed with a key ring, but this server has none (--ring): its links will not open"
                }
                return nil
            }
        }
    }

    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The routes and middleware, for an application or an in-process test.
    public func router() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: StatusPageMiddleware(notFound: configuration.notFoundPage))
        router.add(middleware: RequestLimitsMiddleware(maxURLLength: configuration.maxURLLength))
        let configuration = self.configuration
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.head("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store", .contentLength: "3"])
        }
        // A token is the link's last segment, whatever base comes before it:
        // `/TOKEN` (a base of its own host, the shipped utility details'
        // short form), `/b/TOKEN`, or a path of the utility's own
        // (`https://www.utility.bh/bills/TOKEN`).
        let bill: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            Self.bill(token: context.parameters.getCatchAll().last.map(String.init) ?? "", request: request, configuration: configuration)
        }
        router.get("**", use: bill)
        router.head("**", use: bill)
        return router
    }

    /// How long a connection may send nothing before it is closed: a
    /// client that opens connections and never finishes its requests would
    /// otherwise hold them (and the server's capacity) for ever.
    public static let idleTimeout: TimeAmount = .seconds(15)

    /// An application listening on `host:port` (port 0: any free port),
    /// stopping gracefully on SIGTERM and SIGINT through `runService()`.
    public func application(host: String, port: Int, idleTimeout: TimeAmount = Self.idleTimeout,
                            onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(), server: .http1(configuration: .init(idleTimeout: idleTimeout)),
                    configuration: .init(address: .hostname(host, port: port), serverName: nil),
                    onServerRunning: onServerRunning, logger: logger)
    }

    /// Why a server could not start listening (its port taken, an address
    /// not this machine's, a port below 1024 without the right), or nil when
    /// `error` is something else.
    public static func listenFailure(_ error: any Error) -> String? {
        guard let error = error as? IOError, [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) else { return nil }
        return String(cString: strerror(error.errnoCode))
    }

    static func bill(token: String, request: Request, configuration: Configuration) -> Response {
        let verified: LinkToken
        switch configuration.signer.verify(token, now: configuration.now()) {
        case .success(let token): verified = token
        case .failure(.expired), .failure(.retiredKey):
            return page(.gone, configuration.gonePage, request: request)
        case .failure:
            return page(.notFound, configuration.notFoundPage, request: request)
        }
        if configuration.revocations.isRevoked(token: token, account: verified.account, month: verified.month) {
            return page(.gone, configuration.gonePage, request: request)
        }
        // Nothing from the request becomes a path: only the verified account and month.
        let relative = OutputLayout.billPage(account: verified.account, month: verified.month)
        guard let data = configuration.outputs.lazy.compactMap({
            FileManager.default.contents(atPath: $0.appendingPathComponent(relative).path)
        }).first else {
            return page(.notFound, configuration.notFoundPage, request: request)
        }
        let etag = "\"" + SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store", .eTag: etag]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == etag || candidate == "W/" + etag || candidate == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(data.count)
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func page(_ status: HTTPResponse.Status, _ bytes: [UInt8], request: Request) -> Response {
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentLength: String(bytes.count)]
        if request.method == .head { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
