/// Splits a CSV file (RFC 4180, UTF-8 with or without a BOM, CRLF, LF or CR
/// line ends) into records, streaming through `ByteInput`, and keeps the
/// physical line each record starts on.
///
/// Quoted fields may hold commas, doubled quotes and line breaks. Empty lines
/// between records are skipped. A quote that is never closed stops the run
/// (nothing after it can be split reliably); a quote anywhere else than
/// around a whole field only marks its record as faulty.
final class CSVRecordParser {
    /// The bytes of the current record's fields, one after the other.
    private(set) var bytes: [UInt8] = []
    /// Where each field of the current record ends in `bytes`.
    private(set) var fieldEnds: [Int] = []
    /// The physical line the current record starts on.
    private(set) var recordLine = 0
    /// The 1-based field of the current record with a stray quote, if any.
    private(set) var strayQuoteField: Int?
    /// The current record was longer than `maxRecordBytes` and was not kept.
    private(set) var tooLong = false
    /// Fields in the current record (also when it was too long to keep).
    private(set) var fieldCount = 0

    static let maxRecordBytes = 8 << 20

    private let input: ByteInput
    /// The line the parser is on (1-based).
    private var line = 1

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    init(path: String) throws(InputError) {
        input = try ByteInput(path: path)
        try input.skipByteOrderMark()
    }

    var file: String { input.path }

    /// The text of field `index` (0-based), or nil when it is not UTF-8.
    func field(_ index: Int) -> String? {
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return String(validUTF8: bytes[start..<fieldEnds[index]])
    }

    /// The text of field `index`, with invalid UTF-8 replaced (for messages).
    func lossyField(_ index: Int) -> String {
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return String(decoding: bytes[start..<fieldEnds[index]], as: UTF8.self)
    }

    /// Reads the next record; false at the end of the file.
    func next() throws(InputError) -> Bool {
        if bytes.capacity > 1 << 20 { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
        fieldEnds.removeAll(keepingCapacity: true)
        strayQuoteField = nil
        tooLong = false
        fieldCount = 0

        // Empty lines between records are skipped.
        while true {
            guard let byte = try input.peek() else { return false }
            if byte == Self.lf {
                _ = try input.next()
                line += 1
            } else if byte == Self.cr {
                _ = try input.next()
                if try input.peek() == Self.lf { _ = try input.next() }
                line += 1
            } else {
                break
            }
        }
        recordLine = line
        while true {
            fieldCount += 1
            let recordEnds = try input.peek() == Self.quote ? try quotedField() : try plainField(from: bytes.count)
            if tooLong {
                bytes.removeAll(keepingCapacity: true)
            } else {
                fieldEnds.append(bytes.count)
            }
            if recordEnds { return true }
        }
    }

    /// Reads an unquoted field (or the rest of a field after its closing
    /// quote); true when the record ends with it.
    private func plainField(from fieldStart: Int) throws(InputError) -> Bool {
        var ends = true
        loop: while true {
            switch try input.copy(until: Self.comma, or: Self.lf, or: Self.cr, into: &bytes) {
            case .byte(Self.comma):
                ends = false
                break loop
            case .byte(Self.lf):
                line += 1
                break loop
            case .byte:
                if try input.peek() == Self.lf { _ = try input.next() }
                line += 1
                break loop
            case .more:
                checkSize()
            case .end:
                break loop
            }
        }
        checkSize()
        if !tooLong, strayQuoteField == nil, bytes[min(fieldStart, bytes.count)...].contains(Self.quote) {
            strayQuoteField = fieldCount
        }
        return ends
    }

    /// Reads a field that starts with a quote; true when the record ends with it.
    private func quotedField() throws(InputError) -> Bool {
        _ = try input.next()
        let openLine = line
        while true {
            switch try input.copy(until: Self.quote, or: Self.lf, or: Self.cr, into: &bytes) {
            case .byte(Self.quote):
                if try input.peek() == Self.quote {
                    _ = try input.next()
                    bytes.append(Self.quote)
                    continue
                }
                // The closing quote: a comma, a line end or the end of the file must follow.
                switch try input.peek() {
                case Self.comma?:
                    _ = try input.next()
                    return false
                case Self.lf?:
                    _ = try input.next()
                    line += 1
                    return true
                case Self.cr?:
                    _ = try input.next()
                    if try input.peek() == Self.lf { _ = try input.next() }
                    line += 1
                    return true
                case nil:
                    return true
                default:
                    if strayQuoteField == nil { strayQuoteField = fieldCount }
                    return try plainField(from: bytes.count)
                }
            case .byte(Self.lf):
                bytes.append(Self.lf)
                line += 1
            case .byte:
                bytes.append(Self.cr)
                if try input.peek() == Self.lf {
                    _ = try input.next()
                    bytes.append(Self.lf)
                }
                line += 1
            case .more:
                checkSize()
            case .end:
                throw InputError(.malformed, file: input.path, line: openLine,
                                 message: "unterminated quote: field \(fieldCount) of the record at line \(recordLine) opens a quote on line \(openLine) that is never closed before the end of the file")
            }
            checkSize()
        }
    }

    private func checkSize() {
        if bytes.count > Self.maxRecordBytes {
            tooLong = true
            bytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
        }
    }
}
