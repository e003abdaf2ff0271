import Crypto
import Fatura
import FaturaMustache
public import Foundation
public import Hummingbird
import HTTPTypes
public import Logging

/// `fatura preview`: every sample bill × every output × both languages, each
/// rendered from the files on disk when it is asked for, so an edit shows on
/// reload; the pages reload themselves when a template or sample changes,
/// and a template error shows with its file, line and column.
public struct Preview: Sendable {
    public let templates: URL
    public let samples: URL
    public let utility: URL?
    /// Numbers in Arabic-Indic digits on Arabic pages, as `render --arabic-digits` writes them.
    public let arabicIndicDigits: Bool
    public let logger: Logger

    public init(templates: URL, samples: URL, utility: URL? = nil, arabicIndicDigits: Bool = false, logger: Logger) {
        self.templates = templates
        self.samples = samples
        self.utility = utility
        self.arabicIndicDigits = arabicIndicDigits
        self.logger = logger
    }

    public func router() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        let preview = self
        router.get("/") { _, _ in preview.index() }
        router.get("__stamp") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: preview.stamp())))
        }
        router.get("status/:name") { _, context in preview.statusPage(context.parameters.get("name") ?? "") }
        router.get("view/:output/:language/:sample/:account") { _, context in
            preview.view(output: context.parameters.get("output") ?? "", language: context.parameters.get("language") ?? "",
                         sample: context.parameters.get("sample") ?? "", account: context.parameters.get("account") ?? "")
        }
        return router
    }

    // MARK: Pages

    func index() -> Response {
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fatura preview</title>"
            + "<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.25rem .75rem;text-align:start}</style></head><body>"
            + "<h1>Fatura preview</h1><p>Templates: <code>\(escape(templates.path))</code> · samples: <code>\(escape(samples.path))</code></p>"
        do {
            let set = try SampleSet.load(samples)
            html += "<table><thead><tr><th>Sample</th><th>Account</th><th>Channel</th>"
            for output in SampleSet.Output.allCases { html += "<th>\(output.rawValue)</th>" }
            html += "</tr></thead><tbody>"
            for entry in set.entries {
                html += "<tr><td>\(escape(entry.sample))</td><td>\(entry.bill.account)</td><td>\(entry.route.channel.rawValue)</td>"
                for output in SampleSet.Output.allCases {
                    html += "<td>" + Language.allCases.map {
                        "<a href=\"/view/\(output.rawValue)/\($0.rawValue)/\(percentEncoded(entry.sample))/\(entry.bill.account)\">\($0.rawValue)</a>"
                    }.joined(separator: " · ") + "</td>"
                }
                html += "</tr>"
            }
            html += "</tbody></table>"
            html += "<p>The web view's pages for a link that leads nowhere and one that no longer works: "
                + TemplateSet.statusTemplates.map { "<a href=\"/status/\($0)\">\($0)</a>" }.joined(separator: " · ") + "</p>"
            if !set.rejected.isEmpty {
                html += "<h2>Sample bills not shown</h2><p>A run would reject them:</p><ul>"
                    + set.rejected.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>"
            }
        } catch {
            html += errorBlock("\(error)", title: "Sample error")
        }
        return page(.ok, html + Self.reloadScript + "</body></html>")
    }

    func view(output: String, language: String, sample: String, account: String) -> Response {
        guard let output = SampleSet.Output(rawValue: output), let language = Language(rawValue: language) else {
            return page(.notFound, "<p>No such view.</p>")
        }
        do {
            // The sample is found among the files of the folder, never opened by the requested name.
            guard let entry = try SampleSet.load(samples).entry(sample: sample, account: account) else {
                return page(.notFound, "<p>No sample bill \(escape(sample)) / \(escape(account)).</p>")
            }
            let templates = try TemplateSet.load(directory: self.templates, utility: utility, arabicIndicDigits: arabicIndicDigits)
            let rendered = try SampleSet.render(output, entry, language: language, templates: templates)
            switch output {
            case .page, .emailHTML:
                return servedPage(rendered)
            case .emailText, .sms:
                // A phone's width for an SMS, a mail reader's for the e-mail's text.
                let (title, width) = output == .sms ? ("SMS", "24rem") : ("E-mail text", "48rem")
                return page(.ok, "<!DOCTYPE html><html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\">"
                    + "<title>\(title) · \(entry.bill.account) · \(language.rawValue)</title></head><body>"
                    + "<pre dir=\"auto\" style=\"font-size:1.25rem;white-space:pre-wrap;max-width:\(width)\">\(escape(rendered))</pre>"
                    + Self.reloadScript + "</body></html>")
            }
        } catch {
            return errorPage(error)
        }
    }

    /// Changes whenever a file under the templates or samples changes, or
    /// the utility details given apart from them. A file reached through a
    /// link counts as the file it leads to (a shared partial linked in).
    func stamp() -> String {
        var parts: [String] = []
        func add(_ path: String) {
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else { return }
            parts.append("\(path) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_size) \(status.st_ino)")
        }
        for folder in [templates, samples] {
            // Links to files and folders followed, as the templates are read.
            for relative in (try? FolderWalk.files(under: folder.path)) ?? [] { add(folder.path + "/" + relative) }
        }
        if let utility { add(utility.path) }
        var digest: UInt64 = 1469598103934665603
        for byte in parts.sorted().joined(separator: "\n").utf8 { digest = (digest ^ UInt64(byte)) &* 1099511628211 }
        return String(digest, radix: 16)
    }

    /// A page as the web view serves it, with the reload script, under the
    /// web view's own policy: a font or stylesheet from elsewhere is blocked
    /// here as it is there.
    func servedPage(_ html: String) -> Response {
        var response = page(.ok, html.replacingOccurrences(of: "</body>", with: Self.reloadScript + "</body>"))
        response.headers[.contentSecurityPolicy] = Self.policy
        return response
    }

    /// One of the web view's status pages (404, 410), as `serve` answers it.
    func statusPage(_ name: String) -> Response {
        guard TemplateSet.statusTemplates.contains(name) else { return page(.notFound, "<p>No such page.</p>") }
        do {
            let templates = try TemplateSet.load(directory: self.templates, utility: utility, arabicIndicDigits: arabicIndicDigits)
            return servedPage(String(decoding: try templates.renderStatusPage(name), as: UTF8.self))
        } catch {
            return errorPage(error)
        }
    }

    /// What stopped a view, in its place (and reloaded once mended).
    func errorPage(_ error: any Error) -> Response {
        // A sample file that cannot be read is not the templates' fault.
        let title = error is InputError ? "Sample error" : "Template error"
        return page(.internalServerError, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title)</title></head><body>"
            + errorBlock("\(error)", title: title) + Self.reloadScript + "</body></html>")
    }

    /// The web view's policy, allowing the reload script alone (by its
    /// hash) and its requests for the stamp.
    static let policy: String = {
        let script = reloadScript.dropFirst("<script>".count).dropLast("</script>".count)
        let hash = Data(SHA256.hash(data: Array(script.utf8))).base64EncodedString()
        return StatusPageMiddleware<BasicRequestContext>.policy + "; script-src 'sha256-\(hash)'; connect-src 'self'"
    }()

    /// Polls the stamp each second and reloads the page when it changes.
    static let reloadScript = """
    <script>(()=>{let s=null;setInterval(async()=>{try{const t=await (await fetch('/__stamp',{cache:'no-store'})).text();if(s!==null&&t!==s)location.reload();s=t}catch(e){}},1000)})()</script>
    """

    func errorBlock(_ message: String, title: String = "Template error") -> String {
        "<h2 style=\"color:#a4262c\">\(title)</h2><pre style=\"white-space:pre-wrap;border:2px solid #a4262c;padding:1rem\">\(escape(message))</pre>"
    }

    func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}
