import Fatura
import FaturaServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A batch output of the sample month, a ring, and a web view over them.
struct WebViewFixture {
    let output: URL
    let ring: KeyRing
    let links: [String: String]
    let revokedFile: URL

    init() async throws {
        let folder = Fixture.temporaryFolder()
        output = folder.appendingPathComponent("out")
        var ring = KeyRing.new(created: "2026-01-01")
        _ = try ring.addKey(created: "2026-11-01")
        self.ring = ring
        _ = try? await Batch.render(input: SampleBills.file, output: output,
                              configuration: BatchConfiguration(templates: SampleBills.templates, keyRing: ring))
        var links: [String: String] = [:]
        for line in try String(contentsOf: output.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n") {
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            links[entry["account"] as! String] = entry["link"] as? String
        }
        self.links = links
        revokedFile = folder.appendingPathComponent("revoked.txt")
        try "# revoked by the call centre\n1002345679 2026-10\n".write(to: revokedFile, atomically: true, encoding: .utf8)
    }

    func token(_ account: String) -> String { String(links[account]!.split(separator: "/").last!) }

    func view(ring: KeyRing? = nil, now: Date = CalendarDate("2026-11-24")!.startInUTC, logger: Logger = Logger(label: "test")) throws -> WebView {
        let templates = SampleBills.templateSet
        var configuration = try WebView.Configuration.load(
            outputs: [output], templates: templates, signer: LinkSigner(ring: ring ?? self.ring, baseURL: "https://b.example.bh"),
            revocations: try RevocationList(file: revokedFile))
        configuration.now = { now }
        return WebView(configuration: configuration, logger: logger)
    }
}

@Suite("The web view behind the links", .serialized)
struct WebViewTests {
    let fixture: WebViewFixture

    init() async throws {
        fixture = try await WebViewFixture()
    }

    func test(_ view: WebView, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: view.router())
        try await app.test(.router, body)
    }

    static func expectSecurityHeaders(_ response: TestResponse) {
        let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
        #expect(policy.contains("default-src 'none'"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("http"))
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        #expect(response.headers[.cacheControl]?.contains("no-store") == true)
    }

    /// At `/b/TOKEN`, and at `/TOKEN` for a link signed with a base of its
    /// own host (the shipped `https://b.example.bh`); the fixed paths keep
    /// their own answers.
    @Test func aValidLinkServesItsBill() async throws {
        let token = fixture.token("1002345678")
        let expected = try Data(contentsOf: fixture.output.appendingPathComponent(OutputLayout.billPage(account: "1002345678", month: BillingMonth("2026-10")!)))
        try await test(try fixture.view()) { client in
            for path in ["/b/\(token)", "/\(token)"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(Data(buffer: response.body) == expected)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[.cacheControl] == "private, no-store")
                    #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
                    Self.expectSecurityHeaders(response)
                }
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/abc", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func headAndConditionalGetWork() async throws {
        let token = fixture.token("1002345678")
        try await test(try fixture.view()) { client in
            let etag = try await client.execute(uri: "/b/\(token)", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] != nil)
                return response.headers[.eTag]
            }
            let tag = try #require(etag)
            try await client.execute(uri: "/b/\(token)", method: .get, headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/b/\(token)", method: .get, headers: [.ifNoneMatch: "\"other\""]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func malformedUnknownAndForgedTokensGetTheSame404() async throws {
        let token = fixture.token("1002345678")
        var forged = Array(token)
        forged[10] = forged[10] == "A" ? "B" : "A"
        let otherRing = LinkSigner(ring: .new(created: "2026-01-01"), baseURL: "").token(account: "1002345678", month: BillingMonth("2026-10")!)!
        let development = LinkSigner(ring: .development, baseURL: "").token(account: "1002345678", month: BillingMonth("2026-10")!)!
        let unissued = LinkSigner(ring: fixture.ring, baseURL: "").token(account: "999999", month: BillingMonth("2026-10")!)!
        let paths = ["/b/\(String(forged))", "/b/abc", "/b/\(otherRing)", "/b/\(development)", "/b/\(unissued)",
                     "/b/..%2F..%2Fetc%2Fpasswd", "/b/../../etc/passwd", "/bills/1002345678-2026-10.html", "/nothing"]
        try await test(try fixture.view()) { client in
            var bodies: Set<Data> = []
            for path in paths {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    Self.expectSecurityHeaders(response)
                    bodies.insert(Data(buffer: response.body))
                }
            }
            #expect(bodies.count == 1, "one and the same 404 page")
            #expect(String(decoding: bodies.first!, as: UTF8.self).contains("هذا الرابط لا يؤدي إلى فاتورة"))
        }
    }

    @Test func expiredRetiredAndRevokedLinksAreGone() async throws {
        let token = fixture.token("1002345678")
        var retiredRing = fixture.ring
        _ = try retiredRing.addKey(created: "2027-01-01")
        try retiredRing.retire(2)
        let cases: [(WebView, String)] = [
            (try fixture.view(now: CalendarDate("2027-02-01")!.startInUTC), token),
            (try fixture.view(ring: retiredRing), token),
            (try fixture.view(), fixture.token("1002345679")),
        ]
        for (view, token) in cases {
            try await test(view) { client in
                try await client.execute(uri: "/b/\(token)", method: .get) { response in
                    #expect(response.status == .gone)
                    let body = String(buffer: response.body)
                    // Expired, its key retired, or revoked: one wording true of each.
                    #expect(body.contains("لم يعد هذا الرابط صالحًا"))
                    #expect(body.contains("This link no longer works"))
                    #expect(body.contains("8000 8000"), "how to get the bill another way")
                    Self.expectSecurityHeaders(response)
                }
            }
        }
    }

    @Test func revocationsReloadAndAcceptTokens() async throws {
        let revocations = try RevocationList(file: fixture.revokedFile)
        let month = BillingMonth("2026-10")!
        #expect(revocations.isRevoked(token: "x", account: "1002345679", month: month))
        #expect(!revocations.isRevoked(token: fixture.token("1002345678"), account: "1002345678", month: month))
        try "\(fixture.links["1002345678"]!)\n".write(to: fixture.revokedFile, atomically: true, encoding: .utf8)
        try revocations.reload()
        #expect(revocations.isRevoked(token: fixture.token("1002345678"), account: "1002345678", month: month))
        #expect(!revocations.isRevoked(token: "x", account: "1002345679", month: month))
        try "1002345678 2026-13\n".write(to: fixture.revokedFile, atomically: true, encoding: .utf8)
        #expect(throws: RevocationError.self) { try revocations.reload() }
        #expect(revocations.isRevoked(token: fixture.token("1002345678"), account: "1002345678", month: month), "a bad file keeps the old list")
    }

    @Test func limitsAndMethods() async throws {
        let token = fixture.token("1002345678")
        try await test(try fixture.view()) { client in
            try await client.execute(uri: "/b/\(token)", method: .post, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
                Self.expectSecurityHeaders(response)
            }
            try await client.execute(uri: "/b/" + String(repeating: "A", count: 600), method: .get) { response in
                #expect(response.status == .uriTooLong)
            }
            try await client.execute(uri: "/b/\(token)", method: .get, headers: [.contentLength: "5"], body: ByteBuffer(string: "hello")) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
                Self.expectSecurityHeaders(response)
            }
        }
    }

    @Test func theAccessLogNeverHoldsAWholeToken() async throws {
        let collector = LogCollector()
        let token = fixture.token("1002345678")
        let logger = Logger(label: "test") { _ in collector }
        try await test(try fixture.view(logger: logger)) { client in
            try await client.execute(uri: "/b/\(token)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/b/\(token)x", method: .get) { #expect($0.status == .notFound) }
            // The root form of the links, and what may follow a token there.
            try await client.execute(uri: "/\(token)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/\(token)", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/\(token)/x", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/\(token)%20", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            // Behind a base path of the utility's own.
            try await client.execute(uri: "/bills/2026/\(token)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/bills/2026/\(token)x", method: .get) { #expect($0.status == .notFound) }
        }
        let lines = collector.lines
        #expect(lines.count == 9)
        #expect(lines.allSatisfy { !$0.contains(token) && !$0.contains(String(token.prefix(7))) })
        #expect(lines[0].contains("GET /b/\(token.prefix(6))… 200"))
        #expect(lines[2].contains("GET /\(token.prefix(6))… 200"))
        #expect(lines[6].contains("GET /healthz 200"))
    }

    /// A link works for three months, and a sharded month's pages stay in
    /// its shards' folders: one server answers the links of every folder given.
    @Test func oneServerAnswersEveryMonthAndShardItIsGiven() async throws {
        let folder = Fixture.temporaryFolder()
        // The month before, as the utility would export it: the same subscribers.
        let september = folder.appendingPathComponent("2026-09.xml")
        try String(contentsOfFile: SampleBills.file, encoding: .utf8)
            .replacingOccurrences(of: #"period="2026-10""#, with: #"period="2026-09""#)
            .write(to: september, atomically: true, encoding: .utf8)
        var outputs: [URL] = []
        var links: [(account: String, link: String, page: String)] = []
        for (input, shard) in [(september.path, nil), (SampleBills.file, "1/2"), (SampleBills.file, "2/2")] as [(String, String?)] {
            let output = folder.appendingPathComponent("out-\(outputs.count)")
            var configuration = BatchConfiguration(templates: SampleBills.templates, keyRing: fixture.ring)
            configuration.shard = shard.flatMap(Shard.init)
            _ = try? await Batch.render(input: input, output: output, configuration: configuration)
            outputs.append(output)
            for line in try String(contentsOf: output.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n") {
                let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let page = try String(contentsOf: output.appendingPathComponent((entry["files"] as! [String])[0]), encoding: .utf8)
                links.append((entry["account"] as! String, entry["link"] as! String, page))
            }
        }
        #expect(links.count == 20, "ten bills in September, ten in October's two shards")
        var configuration = try WebView.Configuration.load(
            outputs: outputs, templates: SampleBills.templateSet, signer: LinkSigner(ring: fixture.ring, baseURL: "https://b.example.bh"),
            revocations: RevocationList(file: nil))
        configuration.now = { CalendarDate("2026-11-24")!.startInUTC }
        #expect(configuration.warnings.isEmpty, "\(configuration.warnings)")
        try await test(WebView(configuration: configuration, logger: Logger(label: "test"))) { [links] client in
            for (account, link, page) in links {
                let token = String(link.split(separator: "/").last!)
                try await client.execute(uri: "/\(token)", method: .get) { response in
                    #expect(response.status == .ok, "\(account) \(link)")
                    // The page of the link's own month and folder (September's and October's differ).
                    #expect(String(buffer: response.body) == page, "\(account) \(link)")
                }
            }
        }
        let october = try #require(links.first { $0.account == links[0].account && $0.link != links[0].link })
        #expect(links[0].page != october.page, "September's page and October's differ, so each link was served its own")
    }

    /// Folders a server could not answer for are named at start.
    @Test func foldersItCannotAnswerForAreNamed() async throws {
        let folder = Fixture.temporaryFolder()
        let development = folder.appendingPathComponent("development")
        _ = try? await Batch.render(input: SampleBills.file, output: development,
                                    configuration: BatchConfiguration(templates: SampleBills.templates, keyRing: nil))
        let pagesLess = folder.appendingPathComponent("pages-less")
        try FileManager.default.createDirectory(at: pagesLess, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture.output.appendingPathComponent("summary.json"), to: pagesLess.appendingPathComponent("summary.json"))
        let configuration = try WebView.Configuration.load(
            outputs: [fixture.output, development, pagesLess], templates: SampleBills.templateSet,
            signer: LinkSigner(ring: fixture.ring, baseURL: "https://b.example.bh"), revocations: RevocationList(file: nil))
        let warnings = configuration.warnings
        // All three are of 2026-10: the two after the first are also named as overlapping it.
        #expect(warnings.count == 4 && warnings.filter { $0.contains("holds bills of 2026-10 that \(fixture.output.path) holds too") }.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.contains(development.path) && $0.contains("development key") })
        #expect(warnings.contains { $0.contains(pagesLess.path) && $0.contains("no pages") })
        // The same month twice (rendered again beside the first output): the first answers, and the server says so.
        let twice = folder.appendingPathComponent("twice")
        try FileManager.default.copyItem(at: fixture.output, to: twice)
        let doubled = try WebView.Configuration.load(
            outputs: [fixture.output, twice], templates: SampleBills.templateSet,
            signer: LinkSigner(ring: fixture.ring, baseURL: "https://b.example.bh"), revocations: RevocationList(file: nil))
        #expect(doubled.warnings.count == 1 && doubled.warnings[0].contains("\(twice.path) holds bills of 2026-10 that \(fixture.output.path) holds too"), "\(doubled.warnings)")
        let noRing = try WebView.Configuration.load(
            outputs: [fixture.output], templates: SampleBills.templateSet,
            signer: LinkSigner(ring: .development, baseURL: "https://b.example.bh"), revocations: RevocationList(file: nil))
        #expect(noRing.warnings.count == 1 && noRing.warnings[0].contains("--ring"), "\(noRing.warnings)")
    }

    /// A connection that never finishes its request is closed once idle,
    /// so clients that open many cannot hold the server's capacity.
    @Test func aConnectionThatSendsNothingMoreIsClosed() async throws {
        let app = try fixture.view().application(host: "127.0.0.1", port: 0, idleTimeout: .milliseconds(300))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let partial = "GET / HTTP/1.1\r\nHost: x\r\n"
            #expect(send(socket, partial, partial.utf8.count, 0) == partial.utf8.count)
            // Closed by the server: a read returns the end of the stream (with a 2 s limit on waiting).
            var limit = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            let start = ContinuousClock.now
            var byte: UInt8 = 0
            let received = recv(socket, &byte, 1, 0)
            #expect(received == 0, "the server closed the idle connection (recv gave \(received))")
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test func aLiveServerAnswersARealHTTPClient() async throws {
        let token = fixture.token("1002345678")
        let app = Application(router: try fixture.view().router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = URL(string: "http://127.0.0.1:\(port)/b/\(token)")!
            let (data, response) = try await URLSession.shared.data(from: url)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self).contains("1002345678"))
            let (_, missing) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/b/nope")!)
            #expect((missing as? HTTPURLResponse)?.statusCode == 404)
        }
    }
}

/// Keeps the messages logged through it.
final class LogCollector: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { lock.withLock { messages } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { messages.append(event.message.description) }
    }
}
