import Crypto
import Fatura
import FaturaServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("The designers' preview", .serialized)
struct PreviewTests {
    /// A partial linked in from elsewhere, and utility details kept apart
    /// from the templates: an edit to either reloads the pages too.
    @Test func anEditBehindALinkOrToTheUtilityDetailsReloads() async throws {
        let templates = try templateCopy()
        let shared = templates.deletingLastPathComponent().appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let footer = templates.appendingPathComponent("partials/footer.mustache")
        let target = shared.appendingPathComponent("footer.mustache")
        try FileManager.default.moveItem(at: footer, to: target)
        try FileManager.default.createSymbolicLink(at: footer, withDestinationURL: target)
        let utility = shared.appendingPathComponent("utility.json")
        try FileManager.default.copyItem(at: templates.appendingPathComponent("utility.json"), to: utility)
        let preview = Preview(templates: templates, samples: SampleBills.file.deletingLastPathComponentURL, utility: utility,
                              logger: Logger(label: "test"))
        try await Application(router: preview.router()).test(.router) { client in
            var stamps: [String] = []
            for edit in [target, utility] {
                stamps.append(try await client.execute(uri: "/__stamp", method: .get) { String(buffer: $0.body) })
                let text = try String(contentsOf: edit, encoding: .utf8)
                try (edit == utility ? text.replacingOccurrences(of: "\"portal\"", with: " \"portal\"") : text + "\n").write(to: edit, atomically: false, encoding: .utf8)
            }
            stamps.append(try await client.execute(uri: "/__stamp", method: .get) { String(buffer: $0.body) })
            #expect(Set(stamps).count == 3, "\(stamps)")
        }
    }

    /// The web view's 404 and 410 pages, as serve answers them.
    @Test func theStatusPagesArePreviewed() async throws {
        let preview = Preview(templates: SampleBills.templates, samples: SampleBills.file.deletingLastPathComponentURL, logger: Logger(label: "test"))
        try await Application(router: preview.router()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("<a href=\"/status/gone\">gone</a>"))
            }
            try await client.execute(uri: "/status/gone", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("This link no longer works") && body.contains("/__stamp"))
            }
            try await client.execute(uri: "/status/not-found", method: .get) { response in
                #expect(String(buffer: response.body).contains("<html lang=\"ar\" dir=\"rtl\""))
            }
            try await client.execute(uri: "/status/bill", method: .get) { response in
                #expect(response.status == .notFound, "only the status pages")
            }
        }
    }

    @Test func arabicDigitsShowAsARunWritesThem() async throws {
        for digits in [false, true] {
            let preview = Preview(templates: SampleBills.templates, samples: SampleBills.file.deletingLastPathComponentURL,
                                  arabicIndicDigits: digits, logger: Logger(label: "test"))
            try await Application(router: preview.router()).test(.router) { client in
                try await client.execute(uri: "/view/page/ar/bills-2026-10/1002345678", method: .get) { response in
                    let body = String(buffer: response.body)
                    #expect(body.contains("1002345678"), "an account number stays in Latin digits")
                    #expect(body.contains("٦٫٥٤٥") == digits, "the total in Arabic-Indic digits only when asked")
                }
            }
        }
    }

    /// The sample's rejected bills are listed with their reasons, and a
    /// sample file that cannot be read is called a sample error, not a template's.
    @Test func rejectedSamplesAreListedAndABrokenSampleIsCalledSo() async throws {
        let samples = Fixture.temporaryFolder().appendingPathComponent("Samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: SampleBills.file), to: samples.appendingPathComponent("bills-2026-10.xml"))
        let preview = Preview(templates: SampleBills.templates, samples: samples, logger: Logger(label: "test"))
        try await Application(router: preview.router()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<h2>Sample bills not shown</h2>"))
                #expect(body.components(separatedBy: "<li><code>bills-2026-10.xml:").count - 1 == 5, "the sample's five rejected bills")
                #expect(body.contains(": due-before-issued: &lt;due&gt; at line 239 is 2026-10-30"), "\(body.suffix(600))")
            }
            let text = try String(contentsOf: URL(fileURLWithPath: SampleBills.file), encoding: .utf8)
            try String(text.prefix(text.count / 2)).write(to: samples.appendingPathComponent("bills-2026-10.xml"), atomically: true, encoding: .utf8)
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains(">Sample error</h2>"))
            }
            try await client.execute(uri: "/view/page/en/bills-2026-10/1002345678", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(body.contains("<title>Sample error</title>") && !body.contains("Template error"), "\(body)")
            }
        }
    }

    @Test func listsEverySampleOutputAndReflectsAnEditOnReload() async throws {
        let templates = try templateCopy()
        let preview = Preview(templates: templates, samples: SampleBills.file.deletingLastPathComponentURL, logger: Logger(label: "test"))
        try await Application(router: preview.router()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok)
                for output in ["page", "email-html", "email-text", "sms"] {
                    for language in ["ar", "en"] {
                        #expect(body.contains("/view/\(output)/\(language)/bills-2026-10/1002345678"))
                    }
                }
            }
            // The two text views say which they are.
            for (output, title) in [("email-text", "E-mail text"), ("sms", "SMS")] {
                try await client.execute(uri: "/view/\(output)/en/bills-2026-10/1002345678", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("<title>\(title) · 1002345678 · en</title>"))
                }
            }
            let stamp = try await client.execute(uri: "/__stamp", method: .get) { String(buffer: $0.body) }
            try await client.execute(uri: "/view/page/en/bills-2026-10/1002345678", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Total to pay"))
                #expect(String(buffer: response.body).contains("/__stamp"), "the page reloads itself")
                // Under the web view's policy, its reload script allowed by its hash.
                let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.hasPrefix("default-src 'none'; style-src 'unsafe-inline'"), "\(policy)")
                #expect(policy.hasSuffix("; connect-src 'self'"), "\(policy)")
                // The hash is the served script's own, so the browser runs it (and nothing else).
                let body = String(buffer: response.body)
                let script = try #require(body.components(separatedBy: "<script>").last?.components(separatedBy: "</script>").first)
                let hash = Data(SHA256.hash(data: Array(script.utf8))).base64EncodedString()
                #expect(policy.contains("; script-src 'sha256-\(hash)';"), "\(policy)")
            }

            // A designer edits a catalog and a template while the preview runs.
            let catalog = templates.appendingPathComponent("strings/en.json")
            try String(contentsOf: catalog, encoding: .utf8).replacingOccurrences(of: "\"Total to pay\"", with: "\"Amount to pay\"")
                .write(to: catalog, atomically: true, encoding: .utf8)
            try await client.execute(uri: "/view/page/en/bills-2026-10/1002345678", method: .get) { response in
                #expect(String(buffer: response.body).contains("Amount to pay"))
            }
            let newStamp = try await client.execute(uri: "/__stamp", method: .get) { String(buffer: $0.body) }
            #expect(newStamp != stamp)

            // A broken template shows its place instead of a blank page.
            try "<p>{{#charges}}\n".write(to: templates.appendingPathComponent("partials/footer.mustache"), atomically: true, encoding: .utf8)
            try await client.execute(uri: "/view/page/en/bills-2026-10/1002345678", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(body.contains("Template error"))
                #expect(body.contains("footer"))
                #expect(body.contains(":1:"))
            }
            try await client.execute(uri: "/view/sms/ar/bills-2026-10/1002345687", method: .get) { response in
                #expect(response.status == .internalServerError, "every view loads the whole template folder")
            }
            try await client.execute(uri: "/view/page/en/..%2F..%2Fetc/1002345678", method: .get) { response in
                #expect(response.status != .ok)
            }
        }
    }
}

extension String {
    var deletingLastPathComponentURL: URL { URL(fileURLWithPath: self).deletingLastPathComponent() }
}
