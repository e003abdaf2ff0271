import Foundation

/// The formats a bill export may come in. All three carry the same contract
/// and give the same `RecordNode` trees, so the same rules apply.
public enum InputFormat: String, CaseIterable, Sendable {
    /// XML, contract `urn:fatura:bill-data:1`.
    case xml
    /// CSV (RFC 4180): a header row, then one row per bill.
    case csv
    /// JSON Lines: a batch header line, then one bill object per line.
    case jsonl

    /// The format of the file at `path`, from its first byte that is not a
    /// byte order mark or white space: `<` is XML, `{` JSON Lines, anything
    /// else CSV. A file with no such byte goes by its extension (`.csv`,
    /// `.jsonl` or `.ndjson`; XML otherwise).
    /// Detecting reads the start of the file, which the reader then reads
    /// again: a pipe cannot be detected, and needs its format named.
    public static func detect(path: String) throws(InputError) -> InputFormat {
        let input = try ByteInput(path: path)
        guard input.isRegularFile else {
            throw InputError(.unreadable, file: path, message: "the format of a pipe or device cannot be detected: name it with --format xml, csv or jsonl")
        }
        try input.skipByteOrderMark()
        while let byte = try input.next() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "<"): return .xml
            case UInt8(ascii: "{"): return .jsonl
            default: return .csv
            }
        }
        return byExtension(path) ?? .xml
    }

    /// The format a file name suggests, if any.
    static func byExtension(_ path: String) -> InputFormat? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "xml": return .xml
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonl
        default: return nil
        }
    }

    /// Opens the reader for `path`: in `format` when given, else in the
    /// format detected from the file.
    public static func openReader(path: String, format: InputFormat? = nil) throws(InputError) -> any BillSource {
        // Said the same whichever reader would have opened it.
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw InputError.folder(path)
        }
        let chosen: InputFormat
        if let format { chosen = format } else { chosen = try detect(path: path) }
        switch chosen {
        case .xml: return try XMLBillReader(path: path)
        case .csv: return try CSVBillReader(path: path)
        case .jsonl: return try JSONLinesBillReader(path: path)
        }
    }
}
