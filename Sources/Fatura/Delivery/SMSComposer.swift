public import FaturaMustache

/// One SMS, ready for the gateway.
public struct SMSMessage: Sendable, Equatable {
    public var text: String
    public var encoding: SMSEncoding
    /// The template it came from (`sms.ar`, or the shorter `sms-short.ar`).
    public var template: String
}

/// Writes a bill's SMS from `Templates/sms.LANG.mustache` in the
/// subscriber's language; when that needs more parts than the language's
/// ceiling it falls back to `sms-short.LANG.mustache`, and a bill whose
/// short text still does not fit is an error that names both counts.
public struct SMSComposer: Sendable {
    /// Parts allowed per message, by language (2 for Arabic, 1 for English).
    public var maxParts: [Language: Int]

    public static let defaultMaxParts: [Language: Int] = [.ar: 2, .en: 1]

    public init(maxParts: [Language: Int] = SMSComposer.defaultMaxParts) {
        self.maxParts = maxParts
    }

    /// `text` without line feeds and spaces at either end.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        let isPadding = { (byte: UInt8) in byte == UInt8(ascii: "\n") || byte == UInt8(ascii: " ") }
        guard let first = utf8.firstIndex(where: { !isPadding($0) }), let last = utf8.lastIndex(where: { !isPadding($0) }) else { return "" }
        return String(text[first...last])
    }

    public static func templateNames(_ language: Language) -> [String] {
        ["sms.\(language.rawValue)", "sms-short.\(language.rawValue)"]
    }

    public func compose(_ view: SMSView, library: TemplateLibrary) throws(SMSError) -> SMSMessage {
        let language = view.language
        let ceiling = maxParts[language] ?? 1
        var tried: [(String, SMSEncoding)] = []
        for name in Self.templateNames(language) {
            let text: String
            do {
                text = try library.render(name, .object(view))
            } catch {
                throw SMSError(kind: .template, account: view.account, message: "template \(name): \(error)")
            }
            let trimmed = Self.trimmed(text)
            let encoding = SMSEncoding(trimmed)
            if encoding.segments <= ceiling {
                return SMSMessage(text: trimmed, encoding: encoding, template: name)
            }
            tried.append((name, encoding))
        }
        throw SMSError(kind: .tooLong, account: view.account, message: "the SMS does not fit in \(ceiling) part\(ceiling == 1 ? "" : "s"): "
            + tried.map { "\($0.0) needs \($0.1.segments) (\($0.1.units) \($0.1.alphabet == .gsm7 ? "septets" : "UTF-16 units"), \($0.1.alphabet.rawValue))" }
            .joined(separator: ", "))
    }
}

public struct SMSError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case tooLong, template }
    public let kind: Kind
    public let account: String
    public let message: String
    public var description: String { message }
}

/// What an SMS template sees: the bill's essentials in the subscriber's
/// language, with spaces a phone shows as spaces (CLDR's no-break spaces
/// would force GSM-7 messages into UCS-2).
public final class SMSView: Sendable, MustacheObject {
    public let language: Language
    let account: String
    let month: String
    let total: String
    let credit: String
    let isCredit: Bool
    let due: String
    let link: String
    let name: String

    public init(bill: Bill, link: String, formatter: BillFormatter) {
        language = bill.customer.language
        account = bill.account
        month = Self.plainSpaces(formatter.month(bill.month))
        total = Self.plainSpaces(formatter.money(bill.total))
        credit = Self.plainSpaces(formatter.money(Money(fils: -bill.total.fils)))
        isCredit = bill.isCredit
        due = Self.plainSpaces(formatter.date(bill.due))
        self.link = link
        name = bill.customer.name.preferring(language) ?? ""
    }

    enum Field: String, CaseIterable {
        case account, month, total, credit, isCredit, due, link, name
    }

    private static let fields = MustacheFields<Field>()
    static let keys = fields.names

    public func value(for key: MustacheKey) -> MustacheValue? {
        switch Self.fields[key] {
        case .account: .string(account)
        case .month: .string(month)
        case .total: .string(total)
        case .credit: .string(credit)
        case .isCredit: .bool(isCredit)
        case .due: .string(due)
        case .link: .string(link)
        case .name: .string(name)
        case nil: nil
        }
    }

    /// `text` with its no-break spaces (U+00A0, U+202F: Foundation puts them
    /// in amounts and dates) made plain spaces, found in the UTF-8 (C2 A0,
    /// E2 80 AF); the text itself when it has none.
    static func plainSpaces(_ text: String) -> String {
        var text = text
        let replaced = text.withUTF8 { bytes -> String? in
            var out: [UInt8]?
            var index = 0
            while index < bytes.count {
                let width = bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 ? 2
                    : bytes[index] == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xAF ? 3 : 0
                if width > 0 {
                    if out == nil { out = Array(bytes[..<index]) }
                    out!.append(0x20)
                    index += width
                } else {
                    out?.append(bytes[index])
                    index += 1
                }
            }
            return out.map { String(decoding: $0, as: UTF8.self) }
        }
        return replaced ?? text
    }
}
