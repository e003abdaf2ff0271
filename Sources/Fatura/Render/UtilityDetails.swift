public import Foundation

/// How subscribers pay and reach the utility: the values the bills show in
/// "how to pay" and "how to update your contact details", from
/// `Templates/utility.json` (or a file given with `--utility`).
public struct UtilityDetails: Sendable, Codable, Equatable {
    /// A text in both languages.
    public struct Bilingual: Sendable, Codable, Equatable {
        public var ar: String
        public var en: String

        public subscript(language: Language) -> String { language == .ar ? ar : en }
    }

    public struct Centre: Sendable, Codable, Equatable {
        public var name: Bilingual
        public var hours: Bilingual
    }

    /// The payment portal, as shown (`www.example.bh/pay`) and as linked.
    public var portal: String
    public var portalURL: String
    /// The call centre number as dialled (`+97380008000`) and as shown (`8000 8000`).
    public var callCentre: String
    public var callCentreDisplay: String
    public var email: String
    /// Where subscribers update their e-mail address and mobile number.
    public var contactUpdateURL: String
    public var contactUpdate: String
    public var app: Bilingual
    public var centres: [Centre]
    /// Where the web view of a bill answers: a link is `linkBaseURL/TOKEN`.
    public var linkBaseURL: String
    /// The e-mails' From address and name, Reply-To, and the domain of their Message-IDs.
    public var mailFrom: String
    public var mailFromName: String
    public var mailReplyTo: String
    public var messageIDDomain: String

    enum CodingKeys: String, CodingKey {
        case portal, portalURL = "portal_url", callCentre = "call_centre", callCentreDisplay = "call_centre_display"
        case email, contactUpdateURL = "contact_update_url", contactUpdate = "contact_update", app, centres
        case linkBaseURL = "link_base_url"
        case mailFrom = "mail_from", mailFromName = "mail_from_name", mailReplyTo = "mail_reply_to"
        case messageIDDomain = "message_id_domain"
    }

    /// Reads the details from a JSON file, naming the file and the fault.
    public static func load(_ url: URL) throws(TemplateSetupError) -> UtilityDetails {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TemplateSetupError("missing utility details \(url.path)")
        }
        let details: UtilityDetails
        do {
            details = try JSONDecoder().decode(UtilityDetails.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw TemplateSetupError("\(url.path): \"\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))\" is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw TemplateSetupError("\(url.path): \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch {
            throw TemplateSetupError("\(url.path) is not valid JSON for utility details: \(error)")
        }
        // One typo here would send a whole month of SMS links nowhere.
        if let problem = LinkSigner.baseURLProblem(details.linkBaseURL) {
            throw TemplateSetupError("\(url.path): \"link_base_url\" \(TextRules.quoted(details.linkBaseURL)) \(problem)")
        }
        return details
    }
}
