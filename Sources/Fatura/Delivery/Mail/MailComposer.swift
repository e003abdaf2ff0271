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
    let domain: String

    /// Gmail clips a message whose HTML passes 102 KB.
    static let htmlLimit = 102 * 1024

    init(templates: TemplateSet) throws(MailError) {
        self.templates = templates
        let utility = templates.resources.utility
        from = try MailMailbox(name: utility.mailFromName, address: utility.mailFrom)
        replyTo = try MailMailbox(address: utility.mailReplyTo)
        domain = utility.messageIDDomain
    }

    /// The message of `page`, the view the bill's web page was rendered from.
    func message(_ page: BillPage) throws -> [UInt8] {
        let (bill, route) = (page.bill, page.route)
        var html: [UInt8] = []
        html.reserveCapacity(1 << 15)
        try templates.render("email.html", page, into: &html)
        guard html.count <= Self.htmlLimit else {
            throw MailComposerError("the e-mail HTML is \(html.count) bytes, over Gmail's clipping size of \(Self.htmlLimit)")
        }
        var text: [UInt8] = []
        text.reserveCapacity(1 << 12)
        try templates.render("email.text", page, into: &text)
        let subject = try templates.renderSubject(page)
        let name = route.channel == .email ? bill.customer.name.preferring(bill.customer.language) : nil
        let message = try MailMessage(
            from: from, replyTo: replyTo, to: MailMailbox(name: name, address: route.recipient ?? ""),
            subject: subject, date: bill.issued.startInUTC.addingTimeInterval(8 * 3600),
            messageID: "<\(bill.month).\(bill.account)@\(domain)>",
            textBytes: text, htmlBytes: html,
            headers: [("X-Fatura-Account", bill.account), ("X-Fatura-Channel", route.channel.rawValue)],
            transferEncoding: .shortest)
        return message.rendered()
    }
}

struct MailComposerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
