import Fatura
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let contentTypeOptions = Self("X-Content-Type-Options")!
    static let frameOptions = Self("X-Frame-Options")!
}

/// Security headers on every response, and the web view's own 404 page for
/// any path it does not serve (so a probe learns nothing from the answer).
struct StatusPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let notFound: [UInt8]

    /// The pages are self-contained: nothing external may load, not even from this host.
    static var policy: String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = WebView.page(.notFound, notFound, request: request)
        } catch let error as HTTPError {
            var headers = error.headers
            headers[.contentType] = "text/plain; charset=utf-8"
            response = Response(status: error.status, headers: headers,
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "\(error.status.code) \(error.status.reasonPhrase)\n")))
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentTypeOptions] = "nosniff"
        response.headers[.frameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// GET and HEAD only, no request body, and a bounded request target.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxURLLength: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            throw HTTPError(.methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        guard request.uri.description.utf8.count <= maxURLLength else { throw HTTPError(.uriTooLong) }
        if let length = request.headers[.contentLength], length != "0" { throw HTTPError(.contentTooLarge) }
        if request.headers[.transferEncoding] != nil { throw HTTPError(.contentTooLarge) }
        return try await next(request, context)
    }
}

/// One line a request, with the token cut to its first six characters so
/// the log can never be used to open a bill.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        logger.info("\(request.method) \(Self.redacted(request.uri.path)) \(response.status.code) \(elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1))))")
        return response
    }

    /// `/b/QCAH33GI4UEV-5TJvIxboT3L` → `/b/QCAH33…`, and the root form
    /// `/QCAH33GI4UEV-5TJvIxboT3L` → `/QCAH33…`: any path but `/healthz`
    /// may hold a token (with something after it, say), so every other path
    /// keeps six characters after its `/` or `/b/`.
    static func redacted(_ path: String) -> String {
        if path == "/healthz" || path == "/" { return path }
        let prefix = path.hasPrefix("/b/") ? "/b/" : "/"
        let rest = path.dropFirst(prefix.count)
        return rest.count > 6 ? prefix + rest.prefix(6) + "…" : path
    }
}
