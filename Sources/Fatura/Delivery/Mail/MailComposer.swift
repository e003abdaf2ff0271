import Foundation

/// Builds a bill's e-mail from the templates: a bilingual subject from
/// `email-subject`, the plain text from `email.text` and the mail-client
/// HTML from `email.html`, addressed to the subscriber or the relative.
/// Everything is deterministic: the Date is the issue date at 08:00 UTC and
/// the Message-ID is made of the month, account and configured domain.
struct MailComposer: Sendable {
    let templates: TemplateSet
    let from: MailMailbox
    let replyTo: MailMailbox
    /// The From and Reply-To lines, the same on every message: folded once.
    let sender: MailMessage.FoldedSender
    let domain: String

    /// Gmail clips a message whose HTML passes 102 KB.
    static let htmlLimit = 102 * 1024

    init(templates: TemplateSet) throws(MailError) {
        self.templates = templates
        let utility = templates.resources.utility
        from = try MailMailbox(name: utility.mailFromName, address: utility.mailFrom)
        replyTo = try MailMailbox(address: utility.mailReplyTo)
        sender = MailMessage.FoldedSender(from: from, replyTo: replyTo)
        domain = utility.messageIDDomain
        // Every message-id is `<YYYY-MM.ACCOUNT@domain>` with an account of
        // 6 to 12 digits: the domain, and the longest such id, are checked
        // once here, before any bill is rendered, not per message.
        do {
            try MailMessage.check(messageID: Self.messageID(month: "2026-10", account: "999999999999", domain: domain))
        } catch {
            throw .invalidMessageIDDomain(domain)
        }
        for name in Self.headerNames { try MailMessage.check(headerName: name) }
    }

    static let headerNames = ["X-Fatura-Account", "X-Fatura-Channel"]

    static func messageID(month: String, account: String, domain: String) -> String {
        "<\(month).\(account)@\(domain)>"
    }

    /// The message of `page`, the view the bill's web page was rendered from.
    func message(_ page: BillPage) throws -> [UInt8] {
        let (bill, route) = (page.bill, page.route)
        var html: [UInt8] = []
        html.reserveCapacity(1 << 15)
        // Both parts with CRLF line breaks, the form their bodies are encoded in.
        try templates.renderMailPart("email.html", page, into: &html)
        guard html.count <= Self.htmlLimit else {
            throw MailComposerError(
                "the e-mail's HTML is \(html.count) bytes (with CRLF line breaks, as sent), over Gmail's clipping size of \(Self.htmlLimit)",
                tooLarge: true)
        }
        var text: [UInt8] = []
        text.reserveCapacity(1 << 12)
        try templates.renderMailPart("email.text", page, into: &text)
        let subject = try templates.renderSubject(page)
        let name = route.channel == .email ? bill.customer.name.preferring(bill.customer.language) : nil
        let messageID = Self.messageID(month: bill.month.description, account: bill.account, domain: domain)
        // An account as the checker passes it has the shape checked at init; any other is checked here.
        if BillChecker.validAccount(bill.account) != bill.account {
            try MailMessage.check(messageID: messageID)
        }
        var message = MailMessage(
            checked: (),
            from: from, replyTo: replyTo, to: try MailMailbox(name: name, address: route.recipient ?? ""),
            subject: subject, date: bill.issued.startInUTC.addingTimeInterval(8 * 3600),
            messageID: messageID,
            textBytes: text, htmlBytes: html,
            headers: [(Self.headerNames[0], bill.account), (Self.headerNames[1], route.channel.rawValue)],
            transferEncoding: .shortest)
        message.sender = sender
        return message.rendered()
    }
}

struct MailComposerError: Error, CustomStringConvertible {
    let description: String
    /// The bill's own e-mail is too large (its data, not the templates or
    /// the setup): the bill goes another way (``Router/routeWithoutEmail(_:)``).
    let tooLarge: Bool

    init(_ description: String, tooLarge: Bool = false) {
        self.description = description
        self.tooLarge = tooLarge
    }
}
