import Crypto
public import Foundation

/// A complete RFC 5322 message: multipart/alternative with a text/plain part
/// first and a text/html part last, both UTF-8.
///
/// `rendered()` is deterministic: the same message gives the same bytes. The
/// headers come in a fixed order: From, Reply-To (when there is one), To,
/// Subject, Date, Message-ID, MIME-Version, the extra headers in their
/// order, Content-Type. Names and the subject are written as they are when
/// they are plain ASCII and as RFC 2047 encoded-words otherwise; control
/// characters in them become spaces, so no value can add a header line.
public struct MailMessage: Sendable {
    public var from: MailMailbox
    public var replyTo: MailMailbox?
    public var to: MailMailbox
    /// Any Unicode text.
    public var subject: String
    /// Written in UTC: `Mon, 02 Nov 2026 08:00:00 +0000`.
    public var date: Date
    /// `<id-left@id-right>`, both sides dot-atoms and the right a host name,
    /// at most 986 characters (a deterministic id such as
    /// `<2026-10.1002345678@bills.example.bh>`).
    public let messageID: String
    /// The plain-text part's UTF-8.
    var textBytes: [UInt8]
    /// The HTML part's UTF-8.
    var htmlBytes: [UInt8]
    public var textBody: String {
        get { String(decoding: textBytes, as: UTF8.self) }
        set { textBytes = Array(newValue.utf8) }
    }
    public var htmlBody: String {
        get { String(decoding: htmlBytes, as: UTF8.self) }
        set { htmlBytes = Array(newValue.utf8) }
    }
    /// Extra headers, written after MIME-Version. Names are checked when the
    /// message is made; values are unstructured text, written like the subject.
    public let headers: [(name: String, value: String)]
    public var transferEncoding: TransferEncoding
    /// The From and Reply-To lines made once for every message of a run
    /// (by the composer), used while `from` and `replyTo` are still theirs.
    var sender: FoldedSender?

    struct FoldedSender: Sendable {
        let from: MailMailbox
        let replyTo: MailMailbox?
        let lines: [UInt8]

        init(from: MailMailbox, replyTo: MailMailbox?) {
            self.from = from
            self.replyTo = replyTo
            lines = MailMessage.foldSender(from: from, replyTo: replyTo)
        }
    }

    /// How both parts' bodies are written.
    public enum TransferEncoding: String, Sendable {
        case quotedPrintable = "quoted-printable"
        case base64 = "base64"
        /// Each part in whichever of the two is shorter for it: quoted-
        /// printable keeps mostly-ASCII text readable, base64 takes 4 bytes
        /// for 3 where quoted-printable takes 3 for every byte of Arabic.
        case shortest = "shortest"

        /// The encoding for `body`: itself, or for `shortest` the one that
        /// writes fewer bytes, estimated from the bytes quoted-printable
        /// escapes (from 0x80, and `=`; line breaks are left out of the estimate).
        func choice(for body: [UInt8]) -> TransferEncoding {
            guard self == .shortest else { return self }
            // Quoted-printable: 3 bytes for each escaped byte, a soft break every 75, so
            // (n + 2 × escaped) × 78 / 75; base64: 4 for 3, CRLF every 76.
            let base64 = (body.count + 2) / 3 * 4 * 78 / 76
            // Quoted-printable is no longer while n + 2 × escaped ≤ most (integer division as above).
            let most = ((base64 + 1) * 75 - 1) / 78
            guard most >= body.count else { return .base64 }
            // The count stops as soon as it passes the most quoted-printable can escape.
            return Self.escapedCount(body, upTo: (most - body.count) / 2) <= (most - body.count) / 2 ? .quotedPrintable : .base64
        }

        /// The bytes of `body` that quoted-printable writes as `=XX` wherever they
        /// stand (from 0x80, and `=`), counted sixteen at a time in vector lanes;
        /// once the count passes `limit`, a count above it.
        static func escapedCount(_ body: [UInt8], upTo limit: Int = .max) -> Int {
            var count = 0
            body.withUnsafeBytes { raw in
                let high = SIMD16<UInt8>(repeating: 0x80)
                let equals = SIMD16<UInt8>(repeating: UInt8(ascii: "="))
                var index = 0
                // Blocks of 1,024 bytes: at most 64 in a lane, then the lanes are added up.
                while index + 1024 <= raw.count {
                    if count > limit { return }
                    var lanes = SIMD16<UInt8>()
                    for offset in stride(from: index, to: index + 1024, by: 16) {
                        let bytes = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                        lanes &+= SIMD16<UInt8>().replacing(with: 1, where: (bytes .>= high) .| (bytes .== equals))
                    }
                    count &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
                    index += 1024
                }
                while index + 8 <= raw.count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    count &+= (ByteWords.high(word) | ByteWords.equal(word, UInt8(ascii: "="))).nonzeroBitCount
                    index += 8
                }
                while index < raw.count {
                    count &+= raw[index] >= 0x80 || raw[index] == UInt8(ascii: "=") ? 1 : 0
                    index += 1
                }
            }
            return count
        }
    }

    /// Header names the message writes itself, or that would add recipients,
    /// and so cannot be extra headers; nor can any `Content-` header.
    static let reservedHeaders: Set<String> = [
        "from", "reply-to", "to", "cc", "bcc", "sender", "subject", "date", "message-id", "mime-version",
    ]

    /// Throws when the message-id is not `<dot-atom@host>` or an extra
    /// header's name is not 1 to 76 printable ASCII characters without a
    /// colon, or is reserved.
    public init(
        from: MailMailbox, replyTo: MailMailbox? = nil, to: MailMailbox,
        subject: String, date: Date, messageID: String,
        textBody: String, htmlBody: String,
        headers: [(String, String)] = [],
        transferEncoding: TransferEncoding = .quotedPrintable
    ) throws(MailError) {
        try self.init(from: from, replyTo: replyTo, to: to, subject: subject, date: date, messageID: messageID,
                      textBytes: Array(textBody.utf8), htmlBytes: Array(htmlBody.utf8),
                      headers: headers, transferEncoding: transferEncoding)
    }

    /// The same, with the bodies as UTF-8 bytes (as the templates render them).
    init(
        from: MailMailbox, replyTo: MailMailbox? = nil, to: MailMailbox,
        subject: String, date: Date, messageID: String,
        textBytes: [UInt8], htmlBytes: [UInt8],
        headers: [(String, String)] = [],
        transferEncoding: TransferEncoding = .quotedPrintable
    ) throws(MailError) {
        try Self.check(messageID: messageID)
        for (name, _) in headers { try Self.check(headerName: name) }
        self.init(checked: (), from: from, replyTo: replyTo, to: to, subject: subject, date: date, messageID: messageID,
                  textBytes: textBytes, htmlBytes: htmlBytes, headers: headers, transferEncoding: transferEncoding)
    }

    /// Throws unless `messageID` is `<dot-atom@host>` of at most 986 characters.
    static func check(messageID: String) throws(MailError) {
        let inner = messageID.dropFirst().dropLast()
        guard messageID.utf8.count <= 986, messageID.hasPrefix("<"), messageID.hasSuffix(">"),
              EmailAddress(inner)?.address == String(inner)
        else { throw .invalidMessageID(messageID) }
    }

    /// Throws unless `name` is 1 to 76 printable ASCII characters without a
    /// colon, and not a header the message writes itself.
    static func check(headerName name: String) throws(MailError) {
        let lower = name.lowercased()
        guard (1...76).contains(name.utf8.count),
              name.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") }),
              !Self.reservedHeaders.contains(lower), !lower.hasPrefix("content-")
        else { throw .invalidHeaderName(name) }
    }

    /// The same, for a caller that has checked the message-id and the
    /// header names itself (the composer: its header names are fixed, and
    /// its message-ids are all of one checked shape).
    init(
        checked: Void,
        from: MailMailbox, replyTo: MailMailbox?, to: MailMailbox,
        subject: String, date: Date, messageID: String,
        textBytes: [UInt8], htmlBytes: [UInt8],
        headers: [(String, String)], transferEncoding: TransferEncoding
    ) {
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.textBytes = textBytes
        self.htmlBytes = htmlBytes
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.transferEncoding = transferEncoding
    }

    /// The whole message, every line ending in CRLF and at most 998 octets.
    public func rendered() -> [UInt8] {
        let boundary = self.boundary
        var out: [UInt8] = []
        // Room for the headers and for either encoding's most (quoted-printable's
        // bound), which the encoders write into without growing the array.
        out.reserveCapacity(2048 + textBytes.count * 4 + htmlBytes.count * 4 + 16)
        func line(_ pieces: String...) {
            for piece in pieces { out.append(contentsOf: piece.utf8) }
            out.append(0x0D)
            out.append(0x0A)
        }
        if let sender, sender.from == from, sender.replyTo == replyTo {
            out.append(contentsOf: sender.lines)
        } else {
            out.append(contentsOf: Self.foldSender(from: from, replyTo: replyTo))
        }
        EncodedWord.fold("To", to.pieces, into: &out)
        EncodedWord.fold("Subject", EncodedWord.unstructured(subject), into: &out)
        line("Date: ", Self.rfc5322Date(date))
        EncodedWord.fold("Message-ID", [.token(messageID)], into: &out)
        line("MIME-Version: 1.0")
        for header in headers {
            EncodedWord.fold(header.name, EncodedWord.unstructured(header.value), into: &out)
        }
        EncodedWord.fold("Content-Type", [.token("multipart/alternative;"), .token("boundary=\"\(boundary)\"")], into: &out)
        line()
        func part(_ type: String, _ body: [UInt8]) {
            let encoding = transferEncoding.choice(for: body)
            line("--", boundary)
            line("Content-Type: ", type, "; charset=utf-8")
            line("Content-Transfer-Encoding: ", encoding.rawValue)
            line()
            Self.encode(body, as: encoding, into: &out)
            line()
        }
        part("text/plain", textBytes)
        part("text/html", htmlBytes)
        line("--", boundary, "--")
        // The room reserved is about three times what is written: the message
        // is kept (until its file is written) at its own size, which the copy
        // of ~30 KB costs a microsecond or two to make, and the peak memory of
        // a run (chunks of rendered bills waiting for the disk) about 2 MB a chunk.
        return out.capacity > out.count + out.count / 4 ? Array(out[...]) : out
    }

    /// The From and Reply-To lines of messages from `from` (and `replyTo`),
    /// each ending in CRLF.
    static func foldSender(from: MailMailbox, replyTo: MailMailbox?) -> [UInt8] {
        var out: [UInt8] = []
        EncodedWord.fold("From", from.pieces, into: &out)
        if let replyTo { EncodedWord.fold("Reply-To", replyTo.pieces, into: &out) }
        return out
    }

    /// `=_fatura_` and 16 hex digits of the SHA-256 of the message-id. `=_`
    /// never occurs in quoted-printable (`=` starts a hex pair or a soft
    /// break) or in base64, so the boundary cannot occur in either body.
    var boundary: String {
        var id = messageID
        // SHA-256's own call on the bytes: `SHA256.hash(data:)` is generic and
        // not specialized across the module boundary.
        var hasher = SHA256()
        id.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        let digest = hasher.finalize()
        let prefix = "=_fatura_"
        return String(unsafeUninitializedCapacity: prefix.utf8.count + 16) { text in
            var at = text.initialize(fromContentsOf: prefix.utf8)
            digest.withUnsafeBytes { hash in
                for byte in hash.prefix(8) {
                    text[at] = Self.hexDigits[Int(byte >> 4)]
                    text[at + 1] = Self.hexDigits[Int(byte & 0x0F)]
                    at += 2
                }
            }
            return at
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A body in a transfer encoding, line breaks made CRLF.
    static func encode(_ body: [UInt8], as encoding: TransferEncoding, into out: inout [UInt8]) {
        switch encoding {
        case .quotedPrintable, .shortest:
            QuotedPrintable.encode(body, into: &out)
        case .base64:
            Base64Body.encode(body, into: &out)
        }
    }

    /// RFC 5322 §3.3 date-time in UTC with English names (fixed tokens of
    /// the format, not locale data), by calendar arithmetic: Foundation's
    /// calendar takes microseconds a call and every e-mail has a date.
    static func rfc5322Date(_ date: Date) -> String {
        // A month's e-mails all carry the same date (its issue day at 08:00): written once.
        dates.value(for: date) { writeRFC5322Date(date) }
    }

    private static let dates = Memo<Date, String>(limit: 64)

    private static func writeRFC5322Date(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = Int(seconds - days * 86_400)
        let civil = CalendarDate(ordinal: Int(days) + CalendarDate.unixEpochOrdinal)
        let weekday = Int(((days % 7) + 11) % 7) // 1970-01-01 was a Thursday (4, Sunday being 0).
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { ContractText.padded(value, 2) }
        return "\(names[weekday]), \(two(civil.day)) \(months[civil.month - 1]) \(ContractText.padded(civil.year, 4)) "
            + "\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60)) +0000"
    }
}

/// Why a mailbox or message cannot be made.
public enum MailError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidAddress(String)
    case invalidMessageID(String)
    case invalidHeaderName(String)
    /// The utility's `message_id_domain` is not a host name.
    case invalidMessageIDDomain(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address): "\(TextRules.quoted(address)) is not a plain e-mail address (local@domain.tld)"
        case .invalidMessageID(let id): "\(TextRules.quoted(id)) is not a message-id <dot-atom@host>"
        case .invalidHeaderName(let name): "\(TextRules.quoted(name)) cannot be the name of an extra header"
        case .invalidMessageIDDomain(let domain):
            "message_id_domain \(TextRules.quoted(domain)) in the utility's details is not a host name (such as bills.example.bh)"
        }
    }
}
