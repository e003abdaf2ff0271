/// Bill data is UTF-8 (contract `urn:fatura:bill-data:1`). A file that
/// says it is written in another encoding is refused at its start, before
/// any bill: read as UTF-8 its text would be wrong, and read as it says
/// (libxml2 obeys an XML declaration) it would be out of contract; either
/// way every name and address would reach the subscribers garbled.
enum TextEncodingCheck {
    /// Why a file starting with `bytes` is not UTF-8, from a byte order mark
    /// of UTF-16 or UTF-32, the NUL bytes of a first character written in
    /// either without one, or an XML declaration in EBCDIC; nil otherwise.
    static func byteOrderFault(_ bytes: some Collection<UInt8>) -> String? {
        let start = Array(bytes.prefix(4))
        func starts(with prefix: [UInt8]) -> Bool { start.starts(with: prefix) }
        let name: String
        if starts(with: [0x00, 0x00, 0xFE, 0xFF]) || starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            name = "UTF-32 (it starts with a UTF-32 byte order mark)"
        } else if starts(with: [0xFE, 0xFF]) || starts(with: [0xFF, 0xFE]) {
            name = "UTF-16 (it starts with a UTF-16 byte order mark)"
        } else if start.count == 4, start.filter({ $0 == 0 }).count == 3, start[0] != 0 || start[3] != 0 {
            name = "UTF-32 (its first character takes four bytes, three of them zero)"
        } else if starts(with: [0x4C, 0x6F, 0xA7, 0x94]) {
            // `<?xm` in EBCDIC: libxml2 would read it, and obey its declaration.
            name = "EBCDIC (it starts with <?xm in EBCDIC)"
        } else if start.count >= 2, (start[0] == 0) != (start[1] == 0) {
            // No UTF-8 text file starts with a NUL byte, or has one second.
            name = "UTF-16 (its first character takes two bytes, one of them zero)"
        } else {
            return nil
        }
        return "the file is written in \(name); bill data must be UTF-8: export it again as UTF-8"
    }

    /// Encoding names an export may declare: UTF-8 as libxml2 knows it.
    /// (Not ASCII: libxml2 would stop at the first Arabic letter with
    /// "Extra content at the end of the document".)
    static let acceptedNames: Set<String> = ["utf-8", "utf8"]

    /// The start of an XML file through its declaration: its first bytes
    /// (after a UTF-8 byte order mark) and, when it has a declaration,
    /// whether `bytes` hold its end (`?>`).
    static func declarationEnd(_ bytes: UnsafeRawBufferPointer) -> (isDeclaration: Bool, end: Int?) {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        let text = bytes[start...]
        guard text.starts(with: "<?xml".utf8), let next = text.dropFirst(5).first,
              next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D
        else { return (false, nil) }
        var index = start + 5
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: ">") { return (true, index + 2) }
            index += 1
        }
        return (true, nil)
    }

    /// Why an XML file starting with `bytes` (its first chunk, read through
    /// the end of its declaration or as far as it goes) is not UTF-8: a byte
    /// order fault, an XML declaration naming another encoding than UTF-8
    /// (any case), or one that does not end in `bytes`; nil for a
    /// UTF-8 file.
    static func xmlFault(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let fault = byteOrderFault(bytes) { return fault }
        let (isDeclaration, end) = declarationEnd(bytes)
        guard isDeclaration else { return nil }
        guard let end else {
            return bytes.count >= 1 << 16 ? "the XML declaration does not end (with ?>) within the first 64 KiB of the file" : nil
        }
        let declaration = String(decoding: bytes[..<end], as: UTF8.self)
        guard let name = declaredEncoding(declaration), !acceptedNames.contains(name.lowercased()) else { return nil }
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
