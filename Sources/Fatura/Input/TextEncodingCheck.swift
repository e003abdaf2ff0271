/// Bill data is UTF-8 (contract `urn:fatura:bill-data:1`). A file that
/// says it is written in another encoding is refused at its start, before
/// any bill: read as UTF-8 its text would be wrong, and read as it says
/// (libxml2 obeys an XML declaration) it would be out of contract; either
/// way every name and address would reach the subscribers garbled.
enum TextEncodingCheck {
    /// Why a file starting with `bytes` is not UTF-8, from a byte order mark
    /// of UTF-16 or UTF-32 or the `<` of UTF-16 without one; nil otherwise.
    static func byteOrderFault(_ bytes: some Collection<UInt8>) -> String? {
        let start = Array(bytes.prefix(4))
        func starts(with prefix: [UInt8]) -> Bool { start.starts(with: prefix) }
        let name: String
        if starts(with: [0x00, 0x00, 0xFE, 0xFF]) || starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            name = "UTF-32 (it starts with a UTF-32 byte order mark)"
        } else if starts(with: [0xFE, 0xFF]) || starts(with: [0xFF, 0xFE]) {
            name = "UTF-16 (it starts with a UTF-16 byte order mark)"
        } else if starts(with: [0x00, 0x3C]) || starts(with: [0x3C, 0x00]) {
            name = "UTF-16 (its first character is a \"<\" of two bytes)"
        } else {
            return nil
        }
        return "the file is written in \(name); bill data must be UTF-8: export it again as UTF-8"
    }

    /// Why an XML file starting with `bytes` (its first chunk) is not
    /// UTF-8: a byte order fault, or an XML declaration naming another
    /// encoding than UTF-8 (any case); nil for a UTF-8 file.
    static func xmlFault(_ bytes: some Collection<UInt8>) -> String? {
        if let fault = byteOrderFault(bytes) { return fault }
        var text = bytes.prefix(512)[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        guard text.starts(with: Array("<?xml".utf8)), let next = text.dropFirst(5).first,
              next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D
        else { return nil }
        let declaration = String(decoding: text.prefix { $0 != UInt8(ascii: ">") }, as: UTF8.self)
        guard let name = declaredEncoding(declaration), name.lowercased() != "utf-8" else { return nil }
        return "the XML declaration names the encoding \"\(name)\"; bill data must be UTF-8 (encoding=\"UTF-8\", or none): export it again as UTF-8"
    }

    /// The value of `encoding` in an XML declaration's text, if it has one.
    static func declaredEncoding(_ declaration: String) -> String? {
        guard let keyword = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[keyword.upperBound...].drop { " \t\n\r=".contains($0) }
        guard let delimiter = rest.first, delimiter == "\"" || delimiter == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != delimiter })
    }
}
