/// Streams the bills of a JSON Lines export one line at a time, in
/// constant memory: a header line `{"bills":{"period":…,"issued":…}}`, then
/// one bill object per line, each mapped onto the same `RecordNode` tree the
/// XML reader builds for the same bill (see the README, "Input formats").
///
/// A line that is not valid JSON, not an object, holds a value of the wrong
/// JSON type or an unknown key is a rejected record (with its line, and the
/// column for a syntax error); the run goes on. Blank lines are skipped.
public final class JSONLinesBillReader: BillSource {
    public let header: BatchHeader
    /// The batch header's line (blank lines before it are let be).
    public let headerLine: Int
    private let input: ByteInput
    private var line = 0
    private var index = 0
    private var bytes: [UInt8] = []
    /// A line longer than this is rejected without being kept in memory.
    static let maxLineBytes = 8 << 20

    public init(path: String) throws(InputError) {
        input = try ByteInput(path: path)
        try input.skipByteOrderMark()
        header = try Self.readHeader(input: input, bytes: &bytes, line: &line, file: path)
        headerLine = line
    }

    public func next() throws(InputError) -> (record: RecordNode, position: SourcePosition)? {
        while let tooLong = try Self.readLine(input: input, into: &bytes) {
            line += 1
            if !tooLong, Self.isBlank(bytes) { continue }
            index += 1
            let position = SourcePosition(line: line, index: index)
            if tooLong {
                return (Self.faulty(line, .malformedRecord, "line \(line) is longer than \(Self.maxLineBytes >> 20) MiB; a bill is far shorter"), position)
            }
            let value: JSONLineValue
            do {
                value = try JSONLineParser.parse(bytes)
            } catch {
                return (Self.faulty(line, .malformedRecord, "line \(line), column \(error.column): JSON syntax error: \(error.message)"), position)
            }
            var mapping = JSONBillMapping(line: line, bytes: bytes)
            return (mapping.bill(value), position)
        }
        return nil
    }

    static func faulty(_ line: Int, _ code: BillRejection.Code, _ message: String) -> RecordNode {
        RecordNode(name: "bill", line: line, fault: RecordNode.Fault(code, message))
    }

    // MARK: Lines

    /// Reads the next line (without its CR LF or LF) into `bytes`; nil at the
    /// end of the file, else whether the line was too long to keep.
    static func readLine(input: ByteInput, into bytes: inout [UInt8]) throws(InputError) -> Bool? {
        if bytes.capacity > 1 << 20 { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
        var tooLong = false
        var empty = true
        loop: while true {
            switch try input.copy(until: 0x0A, or: 0x0A, or: 0x0A, into: &bytes) {
            case .byte:
                empty = false
                break loop
            case .more:
                empty = false
                if bytes.count > maxLineBytes {
                    tooLong = true
                    bytes.removeAll(keepingCapacity: true)
                }
            case .end:
                if empty, bytes.isEmpty { return nil }
                break loop
            }
        }
        if bytes.count > maxLineBytes {
            tooLong = true
            bytes.removeAll(keepingCapacity: true)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return tooLong
    }

    static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    // MARK: The header line

    static let headerShape = #"{"bills":{"period":"YYYY-MM","issued":"YYYY-MM-DD"}}"#

    private static func readHeader(input: ByteInput, bytes: inout [UInt8], line: inout Int, file: String) throws(InputError) -> BatchHeader {
        var found: JSONLineValue?
        while let tooLong = try readLine(input: input, into: &bytes) {
            line += 1
            if !tooLong, isBlank(bytes) { continue }
            guard !tooLong else {
                throw InputError(.notABillExport, file: file, line: line, message: "the first line must be the batch header \(headerShape)")
            }
            do {
                found = try JSONLineParser.parse(bytes)
            } catch {
                throw InputError(.malformed, file: file, line: line, column: error.column,
                                 message: "the batch header line is not valid JSON: \(error.message)")
            }
            break
        }
        guard let found else {
            throw InputError(.notABillExport, file: file, line: max(line, 1), message: "the file is empty: a JSON Lines export starts with the batch header \(headerShape)")
        }
        guard case .object(let members) = found, members.count == 1, members[0].key == "bills",
              case .object(let fields) = members[0].value
        else {
            throw InputError(.notABillExport, file: file, line: line, message: "the first line must be the batch header \(headerShape)")
        }
        var period: String?
        var issued: String?
        for field in fields {
            guard field.key == "period" || field.key == "issued" else {
                throw InputError(.notABillExport, file: file, line: line, column: JSONLineParser.column(field.offset, in: bytes),
                                 message: "the batch header has an unknown key \(TextRules.quoted(field.key)); it holds only period and issued")
            }
            guard case .string(let text) = field.value else {
                throw InputError(.notABillExport, file: file, line: line, column: JSONLineParser.column(field.offset, in: bytes),
                                 message: "the batch header's \(field.key) must be a string, found \(field.value.kind)")
            }
            guard (field.key == "period" ? period : issued) == nil else {
                throw InputError(.notABillExport, file: file, line: line, column: JSONLineParser.column(field.offset, in: bytes),
                                 message: "the batch header has \(field.key) twice")
            }
            if field.key == "period" { period = text } else { issued = text }
        }
        guard let periodText = period else {
            throw InputError(.notABillExport, file: file, line: line, message: "the batch header has no period (YYYY-MM)")
        }
        guard let month = BillingMonth(periodText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "the batch header's period \(TextRules.quoted(periodText)) is not a month YYYY-MM")
        }
        guard let issuedText = issued else {
            throw InputError(.notABillExport, file: file, line: line, message: "the batch header has no issued date (YYYY-MM-DD)")
        }
        guard let date = CalendarDate(issuedText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "the batch header's issued \(TextRules.quoted(issuedText)) is not a date YYYY-MM-DD")
        }
        return BatchHeader(period: month, issued: date)
    }
}

/// Maps one bill object onto the tree the XML reader builds for the same
/// bill. Keys that stand for XML attributes become attributes, keys that
/// stand for elements become children (a repeated key a repeated element),
/// and `{"ar":…,"en":…}` objects become one element per `xml:lang`. The
/// first fault found (an unknown key, a value of the wrong type) is kept on
/// the bill, which is still built so the rejection can name its account.
struct JSONBillMapping {
    let line: Int
    /// The line's bytes, for the column of a fault.
    let bytes: [UInt8]
    private var fault: RecordNode.Fault?

    init(line: Int, bytes: [UInt8]) {
        self.line = line
        self.bytes = bytes
    }

    /// "line 3, column 17" for the key of `member`.
    private func place(_ member: JSONLineMember) -> String {
        "line \(line), column \(JSONLineParser.column(member.offset, in: bytes))"
    }

    /// What one JSON object holds: which keys are attributes, which text
    /// children, which `{"ar":…,"en":…}` children, which nested objects.
    private struct Shape {
        var attributes: Set<String> = []
        var leaves: Set<String> = []
        var localized: Set<String> = []
        var special: Set<String> = []
    }

    private static let shapes: [String: Shape] = [
        "customer": Shape(attributes: ["language", "category"], localized: ["name"]),
        "address": Shape(leaves: ["flat", "building", "road", "block"], localized: ["area"]),
        "contact": Shape(leaves: ["email", "mobile"], special: ["relative_email"]),
        "delivery": Shape(attributes: ["prefer"]),
        "period": Shape(attributes: ["from", "to"]),
        "balance": Shape(attributes: ["previous", "payments"]),
        "meter": Shape(attributes: ["service", "id", "previous", "current", "unit", "reading"]),
        "charge": Shape(attributes: ["code", "service", "quantity", "unit", "rate", "amount"], localized: ["label"]),
        "history": Shape(attributes: ["service"], special: ["months"]),
        "month": Shape(attributes: ["period", "quantity"]),
    ]

    mutating func bill(_ value: JSONLineValue) -> RecordNode {
        var bill = RecordNode(name: "bill", line: line)
        guard case .object(let members) = value else {
            bill.fault = RecordNode.Fault(.malformedRecord, "line \(line): a bill must be a JSON object, found \(value.kind)")
            return bill
        }
        for member in members {
            switch member.key {
            case "account", "number":
                attribute(member, of: &bill, path: "the bill")
            case "customer", "address", "contact", "delivery", "period", "balance":
                element(member.value, named: member.key, path: member.key, key: member, into: &bill)
            case "due", "total":
                leaf(member, into: &bill, path: "the bill")
            case "meters", "charges", "history":
                let name = member.key == "history" ? "history" : String(member.key.dropLast())
                for (offset, item) in items(member, path: "the bill").enumerated() {
                    element(item, named: name, path: "\(member.key)[\(offset)]", key: member, into: &bill)
                }
            default:
                unknown(member, path: "the bill")
            }
        }
        bill.fault = fault
        return bill
    }

    // MARK: Pieces

    private mutating func note(_ code: BillRejection.Code, _ message: String) {
        if fault == nil { fault = RecordNode.Fault(code, message) }
    }

    private mutating func unknown(_ member: JSONLineMember, path: String) {
        note(.unknownElement, "\(place(member)): the key \(TextRules.quoted(member.key)) in \(path) is not part of a bill in the contract")
    }

    private mutating func wrongType(_ member: JSONLineMember, path: String, expected: String) {
        note(.malformedRecord, "\(place(member)): \(TextRules.quoted(member.key)) in \(path) must be \(expected), found \(member.value.kind)")
    }

    /// The text of a string, or the exact source text of a number; nil for
    /// null (absent) and for any other type (a fault).
    private mutating func scalar(_ member: JSONLineMember, path: String) -> String? {
        switch member.value {
        case .string(let text), .number(let text): return text
        case .null: return nil
        default:
            wrongType(member, path: path, expected: "a string")
            return nil
        }
    }

    private mutating func attribute(_ member: JSONLineMember, named name: String? = nil, of node: inout RecordNode, path: String) {
        guard let text = scalar(member, path: path) else { return }
        let name = name ?? member.key
        if node.attribute(name) != nil {
            note(.malformedRecord, "\(place(member)): \(TextRules.quoted(member.key)) appears twice in \(path)")
            return
        }
        node.attributes.append((name, text))
    }

    private mutating func leaf(_ member: JSONLineMember, named name: String? = nil, into parent: inout RecordNode, path: String) {
        guard let text = scalar(member, path: path) else { return }
        parent.children.append(RecordNode(name: name ?? member.key, line: line, text: text))
    }

    /// The items of an array value; none (and a fault unless null) otherwise.
    private mutating func items(_ member: JSONLineMember, path: String) -> [JSONLineValue] {
        switch member.value {
        case .array(let items): return items
        case .null: return []
        default:
            wrongType(member, path: path, expected: "an array")
            return []
        }
    }

    /// The members of an object value; nil (and a fault unless null) otherwise.
    /// `key` is the member that holds the value, for the message.
    private mutating func members(_ value: JSONLineValue, path: String, key: JSONLineMember) -> [JSONLineMember]? {
        switch value {
        case .object(let members): return members
        case .null: return nil
        default:
            note(.malformedRecord, "\(place(key)): \(path) must be an object, found \(value.kind)")
            return nil
        }
    }

    /// One element from one object, by the shape of its name.
    private mutating func element(_ value: JSONLineValue, named name: String, path: String, key: JSONLineMember, into parent: inout RecordNode) {
        guard let members = members(value, path: path, key: key) else { return }
        let shape = Self.shapes[name] ?? Shape()
        var node = RecordNode(name: name, line: line)
        for child in members {
            if shape.attributes.contains(child.key) {
                attribute(child, of: &node, path: path)
            } else if shape.leaves.contains(child.key) {
                leaf(child, into: &node, path: path)
            } else if shape.localized.contains(child.key) {
                localized(child, into: &node, path: "\(path).\(child.key)")
            } else if shape.special.contains(child.key), child.key == "months" {
                for (offset, item) in items(child, path: path).enumerated() {
                    element(item, named: "month", path: "\(path).months[\(offset)]", key: child, into: &node)
                }
            } else if shape.special.contains(child.key), child.key == "relative_email" {
                relativeEmail(child, into: &node, path: "\(path).relative_email")
            } else {
                unknown(child, path: path)
            }
        }
        parent.children.append(node)
    }

    /// `{"ar":"…","en":"…"}`: one element per language, in the object's order.
    private mutating func localized(_ member: JSONLineMember, into parent: inout RecordNode, path: String) {
        guard let members = members(member.value, path: path, key: member) else { return }
        for language in members {
            guard let text = scalar(language, path: path) else { continue }
            parent.children.append(RecordNode(name: member.key, line: line, lang: language.key, text: text))
        }
    }

    /// `{"address":"…","relation":"…"}` → `<relative-email relation="…">…</relative-email>`.
    private mutating func relativeEmail(_ member: JSONLineMember, into parent: inout RecordNode, path: String) {
        guard let members = members(member.value, path: path, key: member) else { return }
        var node = RecordNode(name: "relative-email", line: line)
        var address = false
        for child in members {
            switch child.key {
            case "address":
                guard !address else {
                    note(.malformedRecord, "\(place(child)): \"address\" appears twice in \(path)")
                    continue
                }
                address = true
                if let text = scalar(child, path: path) { node.text = text }
            case "relation":
                attribute(child, of: &node, path: path)
            default:
                unknown(child, path: path)
            }
        }
        parent.children.append(node)
    }
}
