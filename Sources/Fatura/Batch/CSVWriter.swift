/// RFC 4180 rows: fields with a comma, quote, CR or LF are quoted and
/// their quotes doubled; rows end in CRLF.
enum CSV {
    static func row(_ fields: [String]) -> String {
        var out = ""
        out.reserveCapacity(fields.reduce(2) { $0 + $1.utf8.count + 3 })
        for index in fields.indices {
            if index > 0 { out += "," }
            append(fields[index], to: &out)
        }
        out += "\r\n"
        return out
    }

    /// Appends `text` as one field, quoted when it must be.
    static func append(_ text: String, to out: inout String) {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else {
            out += text
            return
        }
        out += "\""
        out += text.utf8.contains(0x22) ? text.replacing("\"", with: "\"\"") : text
        out += "\""
    }
}
