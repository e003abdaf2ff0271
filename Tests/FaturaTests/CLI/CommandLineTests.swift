import Foundation
import Testing
@testable import Fatura

/// Runs the built `fatura` executable, as an operator would.
enum FaturaBinary {
    static let url: URL = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return folder.appendingPathComponent("fatura")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `fatura arguments`; with `stdin`, that file's bytes come through a pipe.
    /// A command may end without reading its input (a usage error): writing
    /// to the closed pipe must fail, not end the test run. Set once.
    static let ignoringBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// With `timeout`, a command still running then is stopped (SIGTERM): a server that should not have started.
    /// `unsetting` names environment variables the command must not see.
    static func run(_ arguments: [String], in directory: URL = Fixture.packageRoot, stdin: URL? = nil, timeout: Double? = nil,
                    unsetting: [String] = []) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !unsetting.isEmpty { process.environment = ProcessInfo.processInfo.environment.filter { !unsetting.contains($0.key) } }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        if let input { process.standardInput = input }
        try process.run()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
        }
        if let stdin, let writer = input?.fileHandleForWriting {
            _ = ignoringBrokenPipes
            let data = try Data(contentsOf: stdin)
            DispatchQueue.global().async {
                try? writer.write(contentsOf: data)
                try? writer.close()
            }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("fatura on the command line", .serialized)
struct CommandLineTests {
    static let sample = Fixture.packageRoot.appendingPathComponent("Samples/bills-2026-10.xml").path

    static func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func rendersTheSampleMonth() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.sample, "--out", out.path])
        #expect(result.status == 3, "some sample bills are rejected: \(result.stderr)")

        let manifest = try Self.lines(out.appendingPathComponent("manifest.jsonl"))
        #expect(manifest.count == 10)
        let channels = manifest.map { $0["channel"] as! String }
        #expect(Set(channels) == ["email", "sms", "relative-email", "paper"])
        let first = manifest[0]
        #expect(first["account"] as? String == "1002345678")
        #expect(first["number"] as? String == "2026100001")
        #expect(first["period"] as? String == "2026-10")
        #expect(first["recipient"] as? String == "m.ali@example.com")
        #expect(first["language"] as? String == "ar")
        #expect(first["total_fils"] as? Int == 6545)
        #expect(first["files"] as? [String] == ["bills/678/1002345678-2026-10.html", "email/678/1002345678-2026-10.eml"])
        #expect(manifest.contains { $0["total_fils"] as? Int == -14340 })
        #expect(manifest.filter { $0["channel"] as? String == "paper" }.allSatisfy { $0["recipient"] is NSNull })

        for entry in manifest {
            for file in entry["files"] as! [String] {
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
            }
        }

        let rejects = try Self.lines(out.appendingPathComponent("rejects.jsonl"))
        #expect(rejects.map { $0["code"] as! String } == ["not-reconciled", "invalid-amount", "due-before-issued", "duplicate-number", "invalid-account"])
        #expect(rejects.map { $0["index"] as! Int } == [11, 12, 13, 14, 15])
        #expect(rejects[0]["account"] as? String == "1002345690")
        #expect(rejects[4]["account"] is NSNull)
        #expect(rejects.allSatisfy { ($0["line"] as? Int ?? 0) > 0 && !($0["message"] as? String ?? "").isEmpty })

        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        #expect(summary["bills"] as? Int == 15)
        #expect(summary["accepted"] as? Int == 10)
        #expect(summary["rejected"] as? Int == 5)
        #expect(summary["channels"] as? [String: Int] == ["email": 2, "sms": 4, "relative-email": 2, "paper": 2])
        let expectedDue = manifest.compactMap { $0["total_fils"] as? Int }.filter { $0 > 0 }.reduce(0, +)
        #expect(summary["total_due_fils"] as? Int == expectedDue)
        #expect(summary["total_credit_fils"] as? Int == 14340)

        // Nothing is left beside the output.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(siblings == ["out"])
    }

    @Test func pagesAreBilingualAndEscaped() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        _ = try FaturaBinary.run(["render", Self.sample, "--out", out.path])
        let arabic = try String(contentsOf: out.appendingPathComponent("bills/678/1002345678-2026-10.html"), encoding: .utf8)
        #expect(arabic.contains(#"<html lang="ar" dir="rtl">"#))
        #expect(arabic.contains("محمد علي حسن"))
        #expect(arabic.contains("Mohammed Ali Hasan"))
        #expect(arabic.contains("فاتورة الكهرباء والماء"))
        #expect(arabic.contains("Electricity and water bill"))
        #expect(arabic.contains(#"lang="en" dir="ltr""#))
        #expect(arabic.contains("6.545"))

        let english = try String(contentsOf: out.appendingPathComponent("bills/684/1002345684-2026-10.html"), encoding: .utf8)
        #expect(english.contains(#"<html lang="en" dir="ltr">"#))
        #expect(english.contains("John O&#39;Neill &amp; Partners"))
        #expect(!english.contains("O'Neill & Partners"))
        #expect(english.contains("BHD\u{00A0}14.340"), "a credit shows its amount, with CLDR's no-break space")
        #expect(english.contains("Nothing to pay"))
    }

    @Test func rendersAreByteIdentical() throws {
        let a = Fixture.temporaryFolder().appendingPathComponent("a")
        let b = Fixture.temporaryFolder().appendingPathComponent("b")
        _ = try FaturaBinary.run(["render", Self.sample, "--out", a.path])
        _ = try FaturaBinary.run(["render", Self.sample, "--out", b.path])
        let files = try FileManager.default.subpathsOfDirectory(atPath: a.path).sorted()
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: b.path).sorted()))
        for file in files where file.hasSuffix(".html") || file.hasSuffix(".eml") || file.hasSuffix(".jsonl") || file.hasSuffix(".csv") || file.hasSuffix(".json") {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file)), "\(file)")
        }
    }

    @Test func aMalformedFileStopsAndLeavesNoOutput() throws {
        let folder = Fixture.temporaryFolder()
        let input = Fixture.file(Fixture.document(Fixture.bill, Fixture.bill.replacingOccurrences(of: "</due>", with: "</dew>")))
        let out = folder.appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", input, "--out", out.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains(":"))
        #expect(result.stderr.contains("dew"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func aMalformedFileDoesNotReplaceAnEarlierOutput() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        #expect(try FaturaBinary.run(["render", Self.sample, "--out", out.path]).status == 3)
        let input = Fixture.file("<bills")
        #expect(try FaturaBinary.run(["render", input, "--out", out.path]).status == 65)
        #expect(try Self.lines(out.appendingPathComponent("manifest.jsonl")).count == 10)
    }

    @Test func anAllGoodMonthExitsZero() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Fixture.file(Fixture.document(Fixture.bill)), "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("rejects.jsonl"), encoding: .utf8).isEmpty)
    }

    @Test func refusesToReplaceAFolderThatIsNotAnOutput() throws {
        let folder = Fixture.temporaryFolder()
        try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let result = try FaturaBinary.run(["render", Self.sample, "--out", folder.path])
        #expect(result.status == 73)
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    @Test func aMissingInputExits66() throws {
        let result = try FaturaBinary.run(["check", "/nonexistent/bills.xml"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/bills.xml"))
    }

    @Test func missingTemplatesExit78() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.sample, "--out", out.path, "--templates", "/nonexistent"])
        #expect(result.status == 78)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func checkPrintsOneLinePerRejectedBill() throws {
        let result = try FaturaBinary.run(["check", Self.sample])
        #expect(result.status == 3)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix(Self.sample + ":215: bill 11 (account 1002345690): not-reconciled:"))
        #expect(result.stderr.contains("15 bills: 10 accepted"))
    }

    @Test func templateRenderUsesJSONAsTheContext() throws {
        let folder = Fixture.temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try "{{#people}}{{> partials/person}}{{/people}}{{^people}}nobody{{/people}}".write(
            to: folder.appendingPathComponent("list.mustache"), atomically: true, encoding: .utf8)
        try "<{{name}} {{age}} {{admin}}>".write(
            to: folder.appendingPathComponent("partials/person.mustache"), atomically: true, encoding: .utf8)
        let data = folder.appendingPathComponent("data.json")
        try #"{"people":[{"name":"Ali & \"Noor\"","age":30,"admin":true},{"name":"سارة","age":2.5,"admin":false}]}"#
            .write(to: data, atomically: true, encoding: .utf8)
        let result = try FaturaBinary.run(["template", "render", folder.path, "list", "--data", data.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "<Ali &amp; &quot;Noor&quot; 30 true><سارة 2.5 false>")

        let missing = try FaturaBinary.run(["template", "render", folder.path, "nothing", "--data", data.path])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("list, partials/person"))

        try "{\"people\": [".write(to: data, atomically: true, encoding: .utf8)
        let broken = try FaturaBinary.run(["template", "render", folder.path, "list", "--data", data.path])
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("line 1"))
    }

    @Test func templateRenderStrictRefusesMissingVariables() throws {
        let folder = Fixture.temporaryFolder()
        try "Dear {{name}}".write(to: folder.appendingPathComponent("t.mustache"), atomically: true, encoding: .utf8)
        let data = folder.appendingPathComponent("d.json")
        try "{}".write(to: data, atomically: true, encoding: .utf8)
        #expect(try FaturaBinary.run(["template", "render", folder.path, "t", "--data", data.path]).stdout == "Dear ")
        let strict = try FaturaBinary.run(["template", "render", folder.path, "t", "--data", data.path, "--strict"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("t.mustache:1:6"))
        #expect(strict.stderr.contains("name"))
    }

    @Test func smsBillsGoToSmsCsvWithSignedLinks() throws {
        let folder = Fixture.temporaryFolder()
        let ring = folder.appendingPathComponent("ring.json").path
        let created = try FaturaBinary.run(["keys", "new", "--ring", ring])
        #expect(created.status == 0)
        let out = folder.appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.sample, "--out", out.path, "--ring", ring])
        #expect(result.status == 3)
        #expect(!result.stderr.contains("DEVELOPMENT"))

        let csv = try String(contentsOf: out.appendingPathComponent("sms.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("account,period,mobile,language,encoding,segments,link,text\r\n"))
        let rows = csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.count == 4)
        #expect(rows.contains { $0.hasPrefix("1002345679,2026-10,+97333987654,en,GSM-7,1,https://b.example.bh/") })
        #expect(rows.contains { $0.hasPrefix("1002345687,2026-10,+97336001122,ar,UCS-2,2,https://b.example.bh/") })

        let manifest = try Self.lines(out.appendingPathComponent("manifest.jsonl"))
        for entry in manifest {
            let link = try #require(entry["link"] as? String)
            let verified = try FaturaBinary.run(["link", "verify", link, "--ring", ring, "--at", "2026-11-24"])
            #expect(verified.status == 0)
            #expect(verified.stdout.contains("account: \(entry["account"] as! String)"))
            #expect(verified.stdout.contains("period: 2026-10"))
        }
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"development_key\": false"))
    }

    @Test func withoutARingLinksAreSignedWithTheDevelopmentKeyLoudly() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.sample, "--out", out.path])
        #expect(result.stderr.contains("WARNING"))
        #expect(result.stderr.contains("DEVELOPMENT key"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"development_key\": true"))
    }

    @Test func anSmsThatCannotFitRejectsItsBill() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", Self.sample, "--out", out.path, "--sms-max-parts-ar", "1"])
        #expect(result.status == 3)
        let rejects = try Self.lines(out.appendingPathComponent("rejects.jsonl"))
        let sms = try #require(rejects.first { $0["code"] as? String == "sms-too-long" })
        #expect(sms["account"] as? String == "1002345687")
        #expect((sms["line"] as? Int ?? 0) > 0)
        #expect((sms["message"] as? String)?.contains("sms-short.ar needs 2") == true)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("bills/687/1002345687-2026-10.html").path))
    }

    /// A bill whose e-mail passes Gmail's clipping size (a thousand charges)
    /// is valid, and the contract gives it a channel: it goes by SMS (its
    /// link opens the whole bill) or, with no mobile number, on paper, and
    /// the run says so. It used to be rejected, reaching nobody (and before
    /// that, it stopped the run after `check` had passed the file).
    @Test func anEmailTooLargeSendsItsBillBySMSOrOnPaper() throws {
        let charges = String(repeating: #"<charge code="MUNICIPAL" amount="0.003"/>"#, count: 1000)
        let large = Fixture.bill.replacingOccurrences(of: #"<charge code="MUNICIPAL" amount="3.000"/>"#, with: charges)
        func numbered(_ bill: String, _ last: Int) -> String {
            bill.replacingOccurrences(of: "1002345678", with: "100234567\(last)").replacingOccurrences(of: "2026100001", with: "202610000\(last)")
        }
        let withoutMobile = numbered(large, 9).replacingOccurrences(of: #"<mobile>+97333123456</mobile>"#, with: "")
        #expect(withoutMobile != numbered(large, 9), "the fixture has a mobile number")
        let input = Fixture.file(Fixture.document(large, withoutMobile, numbered(Fixture.bill, 7)))
        #expect(try FaturaBinary.run(["check", input]).status == 0, "the bills are valid")
        let folder = Fixture.temporaryFolder()
        let out = folder.appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", input, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("bill 1 (account 1002345678): email-too-large: the e-mail's HTML is "), "\(result.stderr)")
        #expect(result.stderr.contains("over Gmail's clipping size of 104448; sent by sms instead of email"), "\(result.stderr)")
        #expect(result.stderr.contains("bill 2 (account 1002345679): email-too-large: "), "\(result.stderr)")
        #expect(result.stderr.contains("sent on paper instead of email"), "\(result.stderr)")
        #expect(result.stderr.contains("3 accepted (email 1, sms 1, relative-email 0, paper 1), 0 rejected, 2 of the accepted sent another way (email-too-large)"), "\(result.stderr)")
        #expect(try Self.lines(out.appendingPathComponent("rejects.jsonl")).isEmpty)
        let manifest = try Self.lines(out.appendingPathComponent("manifest.jsonl"))
        #expect(manifest.map { $0["channel"] as? String } == ["sms", "paper", "email"])
        #expect(manifest.map { $0["rerouted"] as? String } == ["email-too-large", "email-too-large", nil])
        #expect(manifest[0]["recipient"] as? String == "+97333123456")
        let sms = try String(contentsOf: out.appendingPathComponent("sms.csv"), encoding: .utf8)
        #expect(sms.contains("1002345678,2026-10,+97333123456,"), "\(sms)")
        let paper = try String(contentsOf: out.appendingPathComponent("paper.csv"), encoding: .utf8)
        #expect(paper.contains("1002345679,2026100009,2026-10,ar,email-too-large,"), "\(paper)")
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains(#""rerouted": {\#n    "email-too-large": 2\#n  }"#), "\(summary)")
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains(#"<tr><th scope="row"><code dir="ltr">email-too-large</code></th><td class="num">2</td></tr>"#))
        // Every bill has its page; only the small one an e-mail.
        for account in ["1002345678", "1002345679", "1002345677"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("bills/\(account.suffix(3))/\(account)-2026-10.html").path))
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("email/678").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("email/677/1002345677-2026-10.eml").path))
        // With an SMS that cannot fit, the bill with a mobile number goes on paper too: not rejected.
        let tight = folder.appendingPathComponent("tight")
        let squeezed = try FaturaBinary.run(["render", input, "--out", tight.path, "--sms-max-parts-ar", "1"])
        #expect(squeezed.status == 0, "\(squeezed.stderr)")
        #expect(try Self.lines(tight.appendingPathComponent("rejects.jsonl")).isEmpty)
        #expect(try Self.lines(tight.appendingPathComponent("manifest.jsonl")).map { $0["channel"] as? String } == ["paper", "paper", "email"])
        #expect(squeezed.stderr.contains("bill 1 (account 1002345678): email-too-large: "), "\(squeezed.stderr)")
        #expect(!squeezed.stderr.contains("sms-too-long"), "\(squeezed.stderr)")
        // Shards of it merge into the same lists and summary.
        var shares: [String] = []
        for k in 1...2 {
            let share = folder.appendingPathComponent("share\(k)").path
            #expect(try FaturaBinary.run(["render", input, "--out", share, "--shard", "\(k)/2"]).status == 0)
            shares.append(share)
        }
        let merged = folder.appendingPathComponent("merged")
        #expect(try FaturaBinary.run(["merge", "--out", merged.path] + shares).status == 0)
        for name in ["manifest.jsonl", "summary.json", "sms.csv", "paper.csv", "report.html"] {
            #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: out.appendingPathComponent(name)), "\(name)")
        }
    }

    /// A bad e-mail address sends the bill the next way it has, said by
    /// `check` and `render` alike and listed for the contact-update campaign;
    /// it used to reject the bill, which reached nobody.
    @Test func aBadAddressSendsTheBillAnotherWay() throws {
        let noOther = Fixture.bill.replacingOccurrences(of: "m.ali@example.com", with: "n/a")
            .replacingOccurrences(of: "<mobile>+97333123456</mobile>", with: "")
            .replacingOccurrences(of: #"<relative-email relation="son">ali.m@example.com</relative-email>"#, with: "")
        let input = Fixture.file(Fixture.document(noOther))
        let said = #"bill 1 (account 1002345678): invalid-email: <email> at line \#(StructureMessageTests.line(of: "<email>")): "n/a" is not a plain e-mail address (local@domain.tld); sent on paper instead of email"#
        let check = try FaturaBinary.run(["check", input])
        #expect(check.status == 0)
        #expect(check.stdout.contains(said), "\(check.stdout)")
        #expect(check.stderr.contains("1 accepted (email 0, sms 0, relative-email 0, paper 1), 0 rejected, 1 of the accepted sent another way (invalid-email)"), "\(check.stderr)")
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let render = try FaturaBinary.run(["render", input, "--out", out.path])
        #expect(render.status == 0)
        #expect(render.stderr.contains(said), "\(render.stderr)")
        let paper = try String(contentsOf: out.appendingPathComponent("paper.csv"), encoding: .utf8)
        #expect(paper.contains("1002345678,2026100001,2026-10,ar,invalid-email,"), "\(paper)")
        #expect(try Self.lines(out.appendingPathComponent("manifest.jsonl")).first?["rerouted"] as? String == "invalid-email")
    }

    /// A bill sent another way for a bad address is not lost after: its
    /// SMS that cannot fit sends it on paper, and an e-mail to the relative
    /// too large sends it on by SMS or paper, keeping `invalid-email` (for
    /// the contact-update campaign) and saying what followed.
    @Test func aBillSentAnotherWayForABadAddressIsNotLostAfter() throws {
        let bad = Fixture.bill.replacingOccurrences(of: "m.ali@example.com", with: "n/a")
        let charges = String(repeating: #"<charge code="MUNICIPAL" amount="0.003"/>"#, count: 1000)
        let large = bad.replacingOccurrences(of: "1002345678", with: "1002345679").replacingOccurrences(of: "2026100001", with: "2026100002")
            .replacingOccurrences(of: #"<charge code="MUNICIPAL" amount="3.000"/>"#, with: charges)
            .replacingOccurrences(of: "<mobile>+97333123456</mobile>", with: "")
        let input = Fixture.file(Fixture.document(bad, large))
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let result = try FaturaBinary.run(["render", input, "--out", out.path, "--sms-max-parts-ar", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.lines(out.appendingPathComponent("rejects.jsonl")).isEmpty)
        let manifest = try Self.lines(out.appendingPathComponent("manifest.jsonl"))
        #expect(manifest.map { $0["channel"] as? String } == ["paper", "paper"])
        #expect(manifest.map { $0["rerouted"] as? String } == ["invalid-email", "invalid-email"])
        let paper = try String(contentsOf: out.appendingPathComponent("paper.csv"), encoding: .utf8)
        #expect(paper.components(separatedBy: ",invalid-email,").count == 3, "\(paper)")
        #expect(result.stderr.contains(#"bill 1 (account 1002345678): invalid-email: <email> at line"#) && result.stderr.contains("sent on paper instead of email"), "\(result.stderr)")
        #expect(result.stderr.contains(#"(local@domain.tld); then the e-mail's HTML is "#), "\(result.stderr)")
        #expect(result.stderr.contains(#"2 accepted (email 0, sms 0, relative-email 0, paper 2), 0 rejected, 2 of the accepted sent another way (invalid-email)"#), "\(result.stderr)")
        // check, which renders nothing, counts the same reasons.
        let check = try FaturaBinary.run(["check", input, "--format", "xml"])
        #expect(check.stderr.contains("2 of the accepted sent another way (invalid-email)"), "\(check.stderr)")
    }

    /// A billing month no link can carry stops `check` and `render` at the
    /// header (exit 65), not `render` alone at its first bill (exit 70).
    @Test func aMonthNoLinkCanCarryStopsAtTheHeader() throws {
        let input = Fixture.file(Fixture.document(Fixture.bill.replacingOccurrences(of: "2026-10-01", with: "1999-12-01")
            .replacingOccurrences(of: "2026-10-31", with: "1999-12-31"),
            root: Fixture.root.replacingOccurrences(of: "period=\"2026-10\"", with: "period=\"1999-12\"")))
        for command in [["check", input], ["render", input, "--out", Fixture.temporaryFolder().appendingPathComponent("out").path]] {
            let result = try FaturaBinary.run(command)
            #expect(result.status == 65, "\(command[0]): \(result.stderr)")
            #expect(result.stderr.contains("the billing month 1999-12 is outside the months a bill's link can carry (2000-01 to 2341-04)"), "\(result.stderr)")
            // Named at the line it was read from, as the README's 65 says.
            let rootLine = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").firstIndex { $0.contains("<bills") }.map { $0 + 1 }
            #expect(result.stderr.contains("\(input):\(try #require(rootLine)): "), "\(result.stderr)")
        }
    }

    /// In JSON Lines, after blank lines, the header's own line is named.
    @Test func aJSONLinesMonthNoLinkCanCarryIsNamedAtItsLine() throws {
        let file = Fixture.temporaryFolder().appendingPathComponent("far.jsonl")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "\n\n\n{\"bills\":{\"period\":\"1999-12\",\"issued\":\"2000-01-02\"}}\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try FaturaBinary.run(["check", file.path])
        #expect(result.status == 65 && result.stderr.contains("\(file.path):4: the billing month 1999-12"), "\(result.stderr)")
    }

    @Test func linkCommandsSayWhyATokenFails() throws {
        let ring = Fixture.temporaryFolder().appendingPathComponent("ring.json").path
        _ = try FaturaBinary.run(["keys", "new", "--ring", ring])
        let signed = try FaturaBinary.run(["link", "sign", "--account", "1002345678", "--period", "2026-10", "--ring", ring])
        #expect(signed.status == 0)
        #expect(!signed.stderr.contains("WARNING"), "a ring of mode 0600 is as it should be: \(signed.stderr)")
        // A ring others can read is used, with a warning.
        chmod(ring, 0o644)
        let readable = try FaturaBinary.run(["link", "sign", "--account", "1002345678", "--period", "2026-10", "--ring", ring])
        #expect(readable.status == 0 && readable.stdout == signed.stdout)
        #expect(readable.stderr.contains("can be read by any user (mode 644)") && readable.stderr.contains("chmod 600"), "\(readable.stderr)")
        chmod(ring, 0o640)
        let group = try FaturaBinary.run(["link", "sign", "--account", "1002345678", "--period", "2026-10", "--ring", ring])
        #expect(!group.stderr.contains("WARNING"), "a ring its group can read is let be: \(group.stderr)")
        chmod(ring, 0o600)
        let link = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix("https://b.example.bh/"))

        let expired = try FaturaBinary.run(["link", "verify", link, "--ring", ring, "--at", "2027-02-01"])
        #expect(expired.status == 4)
        #expect(expired.stdout.contains("verifies: no (expired)"))
        #expect(expired.stdout.contains("account: 1002345678"), "signed is not encrypted: the holder can read it")

        var forged = Array(link)
        forged[forged.count - 1] = forged.last == "A" ? "B" : "A"
        let bad = try FaturaBinary.run(["link", "verify", String(forged), "--ring", ring, "--at", "2026-11-24"])
        #expect(bad.status == 4)
        #expect(bad.stdout.contains("bad tag"))

        let rotated = try FaturaBinary.run(["keys", "new", "--ring", ring])
        #expect(rotated.stdout.contains("key 2 is now active"))
        #expect(try FaturaBinary.run(["link", "verify", link, "--ring", ring, "--at", "2026-11-24"]).status == 0)
        #expect(try FaturaBinary.run(["keys", "retire", "1", "--ring", ring]).status == 0)
        let retired = try FaturaBinary.run(["link", "verify", link, "--ring", ring, "--at", "2026-11-24"])
        #expect(retired.stdout.contains("retired key"))
        #expect(try FaturaBinary.run(["keys", "retire", "2", "--ring", ring]).status == 78)

        let list = try FaturaBinary.run(["keys", "list", "--ring", ring])
        #expect(list.stdout == "1\tretired\t\(CalendarDate.today)\n2\tactive\t\(CalendarDate.today)\n")
        let secrets = try String(contentsOfFile: ring, encoding: .utf8)
            .components(separatedBy: "\"secret\" : \"").dropFirst().map { String($0.prefix(44)) }
        #expect(secrets.count == 2)
        for output in [signed, expired, bad, rotated, retired, list] {
            for secret in secrets { #expect(!(output.stdout + output.stderr).contains(secret)) }
        }
    }

    /// A pipe's format cannot be detected: the command line must name it (64).
    @Test func aPipeWithoutAFormatIsAUsageError() throws {
        let sample = URL(fileURLWithPath: Self.sample)
        for command in [["check", "-"], ["render", "-", "--out", Fixture.temporaryFolder().appendingPathComponent("o").path]] {
            let result = try FaturaBinary.run(command, stdin: sample)
            #expect(result.status == 64, "\(command[0]): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("The format of standard input cannot be detected; name it with --format xml, csv or jsonl."), "\(result.stderr)")
            #expect(result.stderr.contains("Usage: fatura \(command[0])"), "the command's own usage: \(result.stderr)")
        }
        #expect(try FaturaBinary.run(["check", "-", "--format", "xml"], stdin: sample).status == 3)
        // A folder is no pipe: it cannot be read (66), format or not.
        let folder = Fixture.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for extra in [[], ["--format", "xml"], ["--format", "csv"]] {
            let result = try FaturaBinary.run(["check", folder.path] + extra)
            #expect(result.status == 66 && result.stderr.contains("is a folder, not a bill export"), "\(result.status) \(result.stderr)")
        }
    }

    /// Set-up faults of the key and link commands end with their own codes and one line.
    @Test func keyAndLinkCommandsSayWhatIsMissing() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = try FaturaBinary.run(["keys", "list"], in: folder, unsetting: ["FATURA_KEY_RING"])
        #expect(list.status == 64, "\(list.status) \(list.stderr)")
        #expect(list.stderr.contains("name the key ring") && !list.stderr.contains("ExitCode"), "\(list.stderr)")
        let ring = folder.appendingPathComponent("ring.json").path
        #expect(try FaturaBinary.run(["keys", "new", "--ring", ring], in: folder).status == 0)
        // No Templates/ here: the link base is not known.
        let sign = ["link", "sign", "--account", "1002345678", "--period", "2026-10", "--ring", ring]
        let missing = try FaturaBinary.run(sign, in: folder)
        #expect(missing.status == 78, "\(missing.status) \(missing.stderr)")
        #expect(missing.stderr.contains("give --base-url, or --utility FILE"), "\(missing.stderr)")
        let utility = Fixture.packageRoot.appendingPathComponent("Templates/utility.json").path
        let signed = try FaturaBinary.run(sign + ["--utility", utility], in: folder)
        #expect(signed.status == 0 && signed.stdout.hasPrefix("https://"), "\(signed.stderr)")
    }

    @Test func theSummaryLineCountsOneBillAsOne() throws {
        var summary = BatchSummary(header: BatchHeader(period: try #require(BillingMonth("2026-10")), issued: try #require(CalendarDate("2026-11-02"))))
        summary.bills = 1
        summary.accepted = 1
        summary.channels[.email] = 1
        #expect(summary.line.hasPrefix("2026-10: 1 bill: 1 accepted (email 1, "), "\(summary.line)")
        summary.bills = 2
        #expect(summary.line.hasPrefix("2026-10: 2 bills: "), "\(summary.line)")
    }

    @Test func theSampleSnapshotsMatch() throws {
        let result = try FaturaBinary.run(["snapshot"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("\(SampleSet.Output.allCases.count * 20) matched, 0 differ, 0 missing, 0 stale\n"), "\(result.stderr)")
    }

    @Test func aTemplateChangeFailsTheSnapshotsWithADiffUntilRecorded() throws {
        let folder = Fixture.temporaryFolder()
        let samples = folder.appendingPathComponent("Samples")
        try FileManager.default.copyItem(at: Fixture.packageRoot.appendingPathComponent("Samples"), to: samples)
        let templates = try templateCopy()
        let catalog = templates.appendingPathComponent("strings/en.json")
        try String(contentsOf: catalog, encoding: .utf8).replacingOccurrences(of: "\"Total to pay\"", with: "\"Amount to pay\"")
            .write(to: catalog, atomically: true, encoding: .utf8)
        let arguments = ["snapshot", "--samples", samples.path, "--templates", templates.path]
        let failed = try FaturaBinary.run(arguments)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("--- bills-2026-10/1002345679.en.html (snapshot)"))
        // The old line, then the new one, under a hunk's line numbers.
        #expect(failed.stdout.contains("-<h2>Total to pay"))
        #expect(failed.stdout.contains("+<h2>Amount to pay"))
        let hunk = try #require(failed.stdout.components(separatedBy: "--- bills-2026-10/1002345679.en.html (snapshot)").dropFirst().first)
        #expect(hunk.range(of: #"\n@@ -\d+,\d+ \+\d+,\d+ @@\n"#, options: .regularExpression) != nil, "\(hunk.prefix(400))")
        #expect(try #require(hunk.range(of: "-<h2>Total to pay")).lowerBound < hunk.range(of: "+<h2>Amount to pay")!.lowerBound)
        #expect(!failed.stdout.contains(".sms.txt (snapshot)"), "SMS text did not change")
        #expect(try FaturaBinary.run(arguments + ["--record"]).status == 0)
        #expect(try FaturaBinary.run(arguments).status == 0)

        // A new sample has no snapshots yet; a sample taken away leaves stale ones.
        let month = samples.appendingPathComponent("bills-2026-10.xml")
        try FileManager.default.moveItem(at: month, to: samples.appendingPathComponent("bills-2026-11.xml"))
        let moved = try FaturaBinary.run(arguments)
        #expect(moved.status == 1)
        #expect(moved.stderr.contains("0 matched, 0 differ, 80 missing, 80 stale\n"), "\(moved.stderr)")
        let recorded = try FaturaBinary.run(arguments + ["--record"])
        #expect(recorded.stderr.contains("0 matched, 0 differ, 0 missing, 0 stale; 80 recorded, 80 removed\n"), "\(recorded.stderr)")
        #expect(!FileManager.default.fileExists(atPath: samples.appendingPathComponent("snapshots/bills-2026-10").path),
                "the folder of the sample taken away is removed with its files")

        // An SMS template that no longer fits: every sample it breaks is named, and the others still compared.
        for name in ["sms.en", "sms-short.en"] {
            let sms = templates.appendingPathComponent("\(name).mustache")
            try (String(contentsOf: sms, encoding: .utf8) + String(repeating: " padding", count: 30)).write(to: sms, atomically: true, encoding: .utf8)
        }
        let broken = try FaturaBinary.run(arguments)
        #expect(broken.status == 1, "\(broken.stderr)")
        #expect(broken.stdout.contains("bills-2026-11/1002345679.en.sms.txt: cannot be rendered (sample bills-2026-11, account 1002345679, en):"), "\(broken.stdout)")
        #expect(broken.stderr.contains(" matched, "), "the rest is compared")
    }

    @Test func aProgressLineOnlyOnATerminal() throws {
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        let plain = try FaturaBinary.run(["render", Self.sample, "--out", out.path])
        #expect(!plain.stderr.contains("\u{1B}[K") && !plain.stderr.contains(" bills, "), "not a terminal: no progress line")
        #expect(plain.stderr.contains("15 bills: 10 accepted"), "the final summary line always")

        // script(1) gives the command a terminal.
        let command = [FaturaBinary.url.path, "render", Self.sample, "--out", out.path].joined(separator: " ")
        let onTerminal = try Self.runUnderTerminal(command)
        // A run this short shows bills and rejects (a rate and time left come after a second).
        #expect(onTerminal.contains("\r\u{1B}[K") && onTerminal.contains(" bills, ") && onTerminal.contains(" rejected"), "\(onTerminal)")
        #expect(!onTerminal.contains(" 0 bills/s") && !onTerminal.contains("about 0:00 left"), "\(onTerminal)")
        #expect(onTerminal.contains("\u{1B}[K"), "the line is cleared before the summary")
        #expect(onTerminal.contains("15 bills: 10 accepted"))
        let quiet = try Self.runUnderTerminal(command + " --quiet")
        #expect(!quiet.contains("\u{1B}[K") && !quiet.contains(" bills, "), "\(quiet)")
        #expect(quiet.contains("15 bills: 10 accepted"))
    }

    /// The bench on a small month: every figure the README names is printed,
    /// the pipeline's and the floor's, with the files it wrote.
    @Test func theBenchPrintsThePipelineAndTheFloor() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try FaturaBinary.run(["bench", "40", "--workdir", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("generated 40 bills"))
        #expect(out.contains("pipeline: 40 bills in "))
        #expect(out.contains("  CPU per bill: user "))
        #expect(out.contains("peak resident memory"))
        #expect(out.contains("floor: ") && out.contains("  floor CPU per bill: user "), "\(out)")
        #expect(out.contains("pipeline / floor = "))
        // The floor wrote as many files as the pipeline.
        let written = out.components(separatedBy: "wrote ").dropFirst().first?.prefix { $0 != " " } ?? ""
        #expect(Int(written) ?? 0 > 40, "\(out)")
        #expect(out.contains("floor: \(written) files of the same sizes"), "\(out)")
        // The floor's files are the pipeline's: the same paths, the same sizes.
        let base = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first)
        func files(_ name: String) -> [String: Int] {
            var files: [String: Int] = [:]
            let walker = FileManager.default.enumerator(atPath: base.appendingPathComponent(name).path)
            while let path = walker?.nextObject() as? String {
                if walker?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
                    files[path] = walker?.fileAttributes?[.size] as? Int
                }
            }
            return files
        }
        let output = files("out")
        #expect(output.keys.contains { $0.hasPrefix("bills/") && $0.hasSuffix(".html") } && output.keys.contains { $0.hasPrefix("email/") })
        #expect(files("floor") == output)
        // Written a third time in place, as the pipeline writes: the same files again, and no temporary ones.
        #expect(out.contains("the same files written in place") && out.contains("pipeline / that = "), "\(out)")
        #expect(files("floor-in-place") == output)
    }

    /// The bench on a given export (to run it on the same file as another
    /// pipeline): nothing generated, the file's bills measured, rejects
    /// counted; a count and an export together are refused.
    @Test func theBenchMeasuresAGivenExport() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try FaturaBinary.run(["bench", "--input", Self.sample, "--workdir", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("measuring on \(URL(fileURLWithPath: Self.sample).path)"), "\(result.stdout)")
        #expect(!result.stdout.contains("generated"))
        #expect(result.stdout.contains("pipeline: 15 bills (5 rejected) in "), "\(result.stdout)")
        #expect(result.stdout.contains("pipeline / floor = "))
        let base = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first)
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("month.xml").path))
        let both = try FaturaBinary.run(["bench", "40", "--input", Self.sample, "--workdir", folder.path])
        #expect(both.status == 64 && both.stderr.contains("either a count"), "\(both.stderr)")
        // A templates folder that is not there is said before a month is generated.
        let elsewhere = folder.appendingPathComponent("elsewhere")
        let noTemplates = try FaturaBinary.run(["bench", "40", "--workdir", elsewhere.path, "--templates", folder.appendingPathComponent("none").path])
        #expect(noTemplates.status == 64 && noTemplates.stderr.contains("templates folder"), "\(noTemplates.stderr)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path))
    }

    /// `serve` and `preview` on a port another program holds end at once,
    /// saying so, with the set-up's code (not 1 and NIO's words).
    @Test func aServerWhosePortIsTakenSaysSo() throws {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(holder, pointer, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, pointer, &length) == 0
            }
        }
        try #require(bound)
        let port = String(UInt16(bigEndian: address.sin_port))
        let out = Fixture.temporaryFolder().appendingPathComponent("out")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        _ = try FaturaBinary.run(["render", Self.sample, "--out", out.path, "--quiet"])
        for arguments in [["serve", "--out", out.path], ["preview"]] {
            let result = try FaturaBinary.run(arguments + ["--port", port], timeout: 30)
            #expect(result.status == 78, "\(arguments[0]): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("cannot listen on 127.0.0.1 port \(port): Address already in use"), "\(result.stderr)")
        }
        let wrong = try FaturaBinary.run(["preview", "--port", "70000"], timeout: 30)
        #expect(wrong.status == 64 && wrong.stderr.contains("not a port"), "\(wrong.stderr)")
    }

    static func runUnderTerminal(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = Fixture.packageRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func shardsAreDisjointAndMergeIntoTheWholeRun() throws {
        let folder = Fixture.temporaryFolder()
        let month = folder.appendingPathComponent("month.xml")
        #expect(try FaturaBinary.run(["generate", "120", "--out", month.path]).status == 0)
        for input in [month.path, Self.sample] {
            let whole = folder.appendingPathComponent("whole-\(input.hashValue)")
            _ = try FaturaBinary.run(["render", input, "--out", whole.path])
            var shardFolders: [URL] = []
            var files: [String] = []
            for k in 1...3 {
                let shard = folder.appendingPathComponent("shard\(k)-\(input.hashValue)")
                let result = try FaturaBinary.run(["render", input, "--out", shard.path, "--shard", "\(k)/3"])
                #expect([0, 3].contains(result.status), "\(result.stderr)")
                shardFolders.append(shard)
                files += Self.billFiles(shard)
            }
            #expect(Set(files).count == files.count, "no bill is rendered by two shards")
            #expect(files.sorted() == Self.billFiles(whole).sorted(), "the shards' union is the whole run")
            let merged = folder.appendingPathComponent("merged-\(input.hashValue)")
            let result = try FaturaBinary.run(["merge", "--out", merged.path] + shardFolders.map(\.path))
            #expect([0, 3].contains(result.status), "\(result.stderr)")
            for name in ["manifest.jsonl", "rejects.jsonl", "summary.json", "sms.csv", "paper.csv", "report.html"] {
                #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: whole.appendingPathComponent(name)), "\(name)")
            }
            // Each share says which it is; merge refuses a set that is not every share once,
            // whose lists would leave bills out with no word.
            #expect(try String(contentsOf: shardFolders[1].appendingPathComponent("summary.json"), encoding: .utf8).contains(#""shard": "2/3""#))
            for (given, says) in [([shardFolders[0], shardFolders[1]], "share 3/3 is missing"),
                                  ([shardFolders[0], shardFolders[1], shardFolders[1], shardFolders[2]], "share 2/3 is given twice"),
                                  ([shardFolders[0], whole], "is not the output of a --shard run")] {
                let refused = try FaturaBinary.run(["merge", "--out", folder.appendingPathComponent("refused").path] + given.map(\.path))
                #expect(refused.status == 65 && refused.stderr.contains(says), "\(refused.stderr)")
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("refused").path))
            }
        }
        // Share 2 of a corrected export (one name, the same size and bills), or
        // rendered with another option: not the same run's, so not merged.
        let corrected = folder.appendingPathComponent("corrected.xml")
        let original = try String(contentsOf: month, encoding: .utf8)
        let fixed = original.replacingOccurrences(of: ">Ahmed Hasan<", with: ">Ahmad Hasan<")
        #expect(fixed != original && fixed.utf8.count == original.utf8.count)
        try fixed.write(to: corrected, atomically: true, encoding: .utf8)
        let shares = (1...3).map { folder.appendingPathComponent("shard\($0)-\(month.path.hashValue)") }
        for (index, arguments) in [["render", corrected.path, "--shard", "2/3"], ["render", month.path, "--shard", "2/3", "--arabic-digits"]].enumerated() {
            let other = folder.appendingPathComponent("other-\(index)")
            #expect([0, 3].contains(try FaturaBinary.run(arguments + ["--out", other.path]).status))
            let refused = try FaturaBinary.run(["merge", "--out", folder.appendingPathComponent("refused").path, shares[0].path, other.path, shares[2].path])
            #expect(refused.status == 65 && refused.stderr.contains("another export, or with other templates, keys or options"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("refused").path))
        }
        // The same run asked for in other words (the format named, the default
        // utility file given, the file's link base given, by another path): merged.
        let same = folder.appendingPathComponent("same-2")
        let sameResult = try FaturaBinary.run(["render", folder.path + "/./" + month.lastPathComponent, "--shard", "2/3", "--format", "xml",
                                               "--utility", "Templates/utility.json", "--link-base-url", "https://b.example.bh",
                                               "--jobs", "1", "--out", same.path])
        #expect([0, 3].contains(sameResult.status), "\(sameResult.stderr)")
        let merged2 = folder.appendingPathComponent("merged-2")
        let accepted = try FaturaBinary.run(["merge", "--out", merged2.path, shares[0].path, same.path, shares[2].path])
        #expect([0, 3].contains(accepted.status), "\(accepted.stderr)")
        // Merged where there are no templates: the lists, and no report, with a word.
        let noTemplates = try FaturaBinary.run(["merge", "--out", folder.appendingPathComponent("merged-3").path] + shares.map(\.path), in: folder)
        #expect([0, 3].contains(noTemplates.status) && noTemplates.stderr.contains("report.html is not written"), "\(noTemplates.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged-3/manifest.jsonl").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged-3/report.html").path))
        // Merged with other digits than the shards had: the lists, and no report that would not be the run's.
        let otherLook = try FaturaBinary.run(["merge", "--out", folder.appendingPathComponent("merged-4").path, "--arabic-digits"] + shares.map(\.path))
        #expect([0, 3].contains(otherLook.status) && otherLook.stderr.contains("report.html is not written: the shards were rendered with other templates"), "\(otherLook.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged-4/sms.csv").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged-4/report.html").path))
        // A share read from a pipe cannot name its export: refused, saying so.
        let piped = folder.appendingPathComponent("piped-2")
        let pipedResult = try FaturaBinary.run(["render", "-", "--format", "xml", "--shard", "2/3", "--out", piped.path], stdin: month)
        #expect([0, 3].contains(pipedResult.status), "\(pipedResult.stderr)")
        let noRun = try FaturaBinary.run(["merge", "--out", folder.appendingPathComponent("refused").path, shares[0].path, piped.path, shares[2].path])
        #expect(noRun.status == 65 && noRun.stderr.contains("names no run"), "\(noRun.stderr)")
        // An --out that would lose pages: one of the shards, or a whole run's folder.
        let whole = folder.appendingPathComponent("whole-\(month.path.hashValue)")
        for out in [shares[0], whole] {
            let before = Self.billFiles(out)
            let refused = try FaturaBinary.run(["merge", "--out", out.path] + shares.map(\.path))
            #expect(refused.status == 73, "\(refused.stderr)")
            #expect(!before.isEmpty && Self.billFiles(out) == before, "its pages and e-mails stay")
        }
        #expect(try FaturaBinary.run(["render", Self.sample, "--out", folder.appendingPathComponent("x").path, "--shard", "4/3"]).status == 64)
    }

    static func billFiles(_ folder: URL) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".html") && $0.hasPrefix("bills/") || $0.hasSuffix(".eml") }
    }
}

@Suite("The snapshots' line diff")
struct LineDiffTests {
    @Test func itCountsAsDiffDoes() {
        // diff -u of these two texts says exactly this.
        #expect(LineDiff.unified("a\nb\n", "a\nc\n") == "@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
        #expect(LineDiff.unified("a\nb", "a\nb\n") == "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
        #expect(LineDiff.unified("", "a\n") == "@@ -0,0 +1 @@\n+a\n")
        // Saved with CR LF: every line differs, and says why.
        #expect(LineDiff.unified("x\r\ny\r\n", "x\ny\n") == "@@ -1,2 +1,2 @@\n-x␍\n-y␍\n+x\n+y\n")
    }
}
