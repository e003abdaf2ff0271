import ArgumentParser
import Fatura
import Foundation

struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign and verify the short links that SMS bills carry.",
        subcommands: [LinkSign.self, LinkVerify.self]
    )
}

struct LinkSign: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Print the signed link of an account's bill for a month.")

    @Option(name: .long, help: "The account (6 to 12 digits).")
    var account: String

    @Option(name: .long, help: "The billing month, YYYY-MM.")
    var period: String

    @Option(name: .long, help: "The link base (default: link_base_url of the utility details).")
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("The utility's details, read for their link base when --base-url is not given.", valueName: "file"))
    var utility: String = "Templates/utility.json"

    @OptionGroup var ring: KeyRingOption

    func run() throws {
        guard let month = BillingMonth(period) else {
            throw ValidationError("--period \(period) is not a month YYYY-MM")
        }
        if let baseURL, let problem = LinkSigner.baseURLProblem(baseURL) {
            throw ValidationError("--base-url \(baseURL) \(problem)")
        }
        let base: String
        if let baseURL {
            base = baseURL
        } else {
            do { base = try UtilityDetails.load(URL(fileURLWithPath: utility)).linkBaseURL } catch {
                printError("fatura: \(error); give --base-url, or --utility FILE")
                throw ExitStatus.configuration
            }
        }
        let signer = LinkSigner(ring: try ring.load(), baseURL: base)
        guard let link = signer.link(account: account, month: month) else {
            throw ValidationError("no link for account \(account) and month \(period): an account has 6 to 12 digits, a month is from 2000-01 to 2341-04")
        }
        print(link)
    }
}

struct LinkVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Print what a token holds and whether it verifies (exit 0), or why not (exit 4).",
        discussion: "Reasons: malformed, unknown key, retired key, bad tag, expired."
    )

    @Argument(help: "A token or a whole link.")
    var token: String

    @Option(name: .long, help: "Verify as of this day, YYYY-MM-DD (default: today).")
    var at: String?

    @OptionGroup var ring: KeyRingOption

    func run() throws {
        var now = Date()
        if let at {
            guard let day = CalendarDate(at) else { throw ValidationError("--at \(at) is not a date YYYY-MM-DD") }
            now = day.startInUTC
        }
        if let contents = LinkSigner.read(token) {
            print("version: 1")
            print("key: \(contents.keyID)")
            print("account: \(contents.account)")
            print("period: \(contents.month)")
            print("expires: \(contents.expiresAt) 00:00 UTC")
        }
        switch LinkSigner(ring: try ring.load(), baseURL: "").verify(token, now: now) {
        case .success:
            print("verifies: yes")
        case .failure(let failure):
            print("verifies: no (\(failure.rawValue))")
            throw ExitStatus.linkRefused
        }
    }
}
