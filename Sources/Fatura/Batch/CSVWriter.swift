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
        guard needsQuotes(text) else {
            out += text
            return
        }
        out += "\""
        out += text.utf8.contains(0x22) ? text.replacing("\"", with: "\"\"") : text
        out += "\""
    }

    /// Whether `text` has a comma, a quote or a line break (an SMS text is a
    /// few hundred bytes: scanned as contiguous UTF-8, not byte by byte
    /// through the generic sequence path).
    static func needsQuotes(_ text: String) -> Bool {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            for byte in bytes where byte <= 0x2C && (byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A) {
                return true
            }
            return false
        }
        if let found = text.utf8.withContiguousStorageIfAvailable(scan) { return found }
        var copy = text
        return copy.withUTF8(scan)
    }
}
