/// Streams the bills of a CSV export one row at a time, in constant memory:
/// a header row naming the columns, then one row per bill, each mapped onto
/// the same `RecordNode` tree the XML reader builds for the same bill (see
/// the README, "Input formats", for the columns).
///
/// The header row must name only known columns, each once, and every
/// required one; otherwise the run stops there. Every row carries the batch's
/// `period` and `issued`: the pair the most of the first ``headerRows``
/// full rows (as many fields as the header) carry gives them, and a row
/// that disagrees is rejected, so one stray first row cannot take the
/// batch's month with it. A ragged row or a stray quote rejects that row
/// alone; an unterminated quote stops the run. The file is read once,
/// front to back.
public final class CSVBillReader: BillSource {
    public let header: BatchHeader
    private let parser: CSVRecordParser
    private let layout: CSVLayout
    /// The first line with the batch's period and issued date.
    private let headerSourceLine: Int
    public var headerLine: Int { headerSourceLine }
    private var index = 0
    /// The rows read before `header` was known, in file order.
    private var waiting: [Row] = []
    private var nextWaiting = 0

    /// The full rows the batch's period and issued date are chosen from, at
    /// most: fewer once `heldRows` rows (of any shape) or `heldBytes` of
    /// fields are held, so that the look-ahead stays small.
    static let headerRows = 64
    static let heldRows = 4096
    static let heldBytes = 1 << 20
    /// A fault in the file met while looking ahead: thrown after the rows before it.
    private var pendingFault: InputError?

    private enum Row {
        /// Too long, or with more or fewer fields than the header: only its shape is kept.
        case misshapen(line: Int, fields: Int, tooLong: Bool)
        case full(line: Int, fields: [String], fault: RecordNode.Fault?)
    }

    public init(path: String) throws(InputError) {
        parser = try CSVRecordParser(path: path)
        guard try parser.next() else {
            throw InputError(.notABillExport, file: path, line: 1,
                             message: "the file is empty: a CSV export starts with a header row naming its columns")
        }
        layout = try CSVLayout(parser: parser)
        // The pairs of the first full rows with a month and a date, in the
        // order first seen: the one most rows carry is the batch's.
        var pairs: [(header: BatchHeader, line: Int, rows: Int)] = []
        var fullRows = 0
        var firstRowProblem: InputError?
        var heldBytes = 0
        while fullRows < Self.headerRows {
            // Past the first full row, what is held is bounded: a file of
            // ragged or huge rows is then read as it comes.
            if fullRows > 0, waiting.count >= Self.heldRows || heldBytes >= Self.heldBytes { break }
            do throws(InputError) {
                guard try parser.next() else { break }
            } catch {
                // A fault in the file among the first rows (an unterminated
                // quote): the rows before it are read first, as before a later one.
                guard fullRows > 0 else { throw error }
                pendingFault = error
                break
            }
            guard !parser.tooLong, parser.fieldCount == layout.count else {
                waiting.append(.misshapen(line: parser.recordLine, fields: parser.fieldCount, tooLong: parser.tooLong))
                continue
            }
            if fullRows == 0 { firstRowProblem = Self.firstRowProblem(parser: parser, layout: layout) }
            fullRows += 1
            let (fields, fault) = Self.fields(parser: parser, layout: layout)
            heldBytes += fields.reduce(0) { $0 + $1.utf8.count }
            waiting.append(.full(line: parser.recordLine, fields: fields, fault: fault))
            guard let period = BillingMonth(fields[layout.period]), let issued = CalendarDate(fields[layout.issued]) else { continue }
            let pair = BatchHeader(period: period, issued: issued)
            if let seen = pairs.firstIndex(where: { $0.header == pair }) {
                pairs[seen].rows += 1
            } else {
                pairs.append((pair, parser.recordLine, 1))
            }
        }
        guard fullRows > 0 else {
            throw InputError(.notABillExport, file: path, line: layout.line,
                             message: waiting.isEmpty
                                 ? "the file has a header row but no bill rows: the batch's period and issued date come from the rows"
                                 : "no row has as many fields as the header (\(layout.count)): the batch's period and issued date cannot be read")
        }
        // No row has a month and a date (the columns are wrong, say): stopped
        // at the first, as for a bad `<bills>`.
        guard !pairs.isEmpty else {
            let problem = firstRowProblem!
            throw InputError(problem.kind, file: path, line: problem.line,
                             message: problem.message + (fullRows > 1 ? ", nor has any of the first \(fullRows) rows a month and a date" : ""))
        }
        // The first of the most carried (max(by:) keeps the first of equals).
        let chosen = pairs.max { $0.rows < $1.rows }!
        header = chosen.header
        headerSourceLine = chosen.line
    }

    public func next() throws(InputError) -> (record: RecordNode, position: SourcePosition)? {
        if nextWaiting < waiting.count {
            let row = waiting[nextWaiting]
            nextWaiting += 1
            if nextWaiting == waiting.count {
                waiting = []
                nextWaiting = 0
            }
            index += 1
            switch row {
            case .misshapen(let line, let fields, let tooLong):
                return (Self.misshapen(line: line, fields: fields, tooLong: tooLong, columns: layout.count),
                        SourcePosition(line: line, index: index))
            case .full(let line, let fields, let fault):
                return (record(fields, fault: fault, line: line), SourcePosition(line: line, index: index))
            }
        }
        if let pendingFault { throw pendingFault }
        guard try parser.next() else { return nil }
        index += 1
        let line = parser.recordLine
        let position = SourcePosition(line: line, index: index)
        guard !parser.tooLong, parser.fieldCount == layout.count else {
            return (Self.misshapen(line: line, fields: parser.fieldCount, tooLong: parser.tooLong, columns: layout.count), position)
        }
        let (fields, fault) = Self.fields(parser: parser, layout: layout)
        return (record(fields, fault: fault, line: line), position)
    }

    /// A row too long to keep, or with more or fewer fields than the header.
    private static func misshapen(line: Int, fields: Int, tooLong: Bool, columns: Int) -> RecordNode {
        let message = tooLong
            ? "line \(line): the row is longer than \(CSVRecordParser.maxRecordBytes >> 20) MiB; a bill is far shorter"
            : "line \(line): the row has \(fields) field\(fields == 1 ? "" : "s") but the header has \(columns) columns"
        return RecordNode(name: "bill", line: line, fault: RecordNode.Fault(.malformedRecord, message))
    }

    /// The fields of the parser's current row, which has one per column,
    /// and the fault of a field that is not valid UTF-8 or has a stray quote.
    private static func fields(parser: CSVRecordParser, layout: CSVLayout) -> (fields: [String], fault: RecordNode.Fault?) {
        let line = parser.recordLine
        var fields: [String] = []
        fields.reserveCapacity(layout.count)
        var fault: RecordNode.Fault?
        for column in 0..<layout.count {
            if let text = parser.field(column) {
                fields.append(text)
            } else {
                fields.append(parser.lossyField(column))
                if fault == nil {
                    fault = RecordNode.Fault(.malformedRecord, "line \(line): column \(layout.names[column]) is not valid UTF-8")
                }
            }
        }
        if let stray = parser.strayQuoteField, fault == nil {
            fault = RecordNode.Fault(.malformedRecord,
                                     "line \(line): column \(layout.names[stray - 1]) has a quote that does not enclose the whole field (RFC 4180: quote the field, and double a quote inside it)")
        }
        return (fields, fault)
    }

    /// The bill of a full row.
    private func record(_ fields: [String], fault: RecordNode.Fault?, line: Int) -> RecordNode {
        var record = layout.record(fields, line: line)
        record.fault = fault ?? Self.batchFault(fields, layout: layout, header: header, headerLine: headerSourceLine, line: line)
        return record
    }

    /// A row whose period or issued date is not the batch's.
    private static func batchFault(_ fields: [String], layout: CSVLayout, header: BatchHeader, headerLine: Int, line: Int) -> RecordNode.Fault? {
        let period = fields[layout.period]
        let issued = fields[layout.issued]
        if BillingMonth(period) != header.period {
            return RecordNode.Fault(.malformedRecord,
                                    "line \(line): period \(TextRules.quoted(period)) is not the batch's \(header.period) (the pair the most of the first rows carry, from line \(headerLine)); every row of an export has the same period and issued")
        }
        if CalendarDate(issued) != header.issued {
            return RecordNode.Fault(.malformedRecord,
                                    "line \(line): issued \(TextRules.quoted(issued)) is not the batch's \(header.issued) (the pair the most of the first rows carry, from line \(headerLine)); every row of an export has the same period and issued")
        }
        return nil
    }

    /// Why the first full row's period and issue date are not a month and a
    /// date (nil when they are): the run stops with it when no row of the
    /// first ones has them.
    private static func firstRowProblem(parser: CSVRecordParser, layout: CSVLayout) -> InputError? {
        let line = parser.recordLine
        let periodText = parser.lossyField(layout.period)
        let issuedText = parser.lossyField(layout.issued)
        func stop(_ message: String) -> InputError {
            InputError(.notABillExport, file: parser.file, line: line, message: message)
        }
        if periodText.isEmpty { return stop("the first bill row has no period (YYYY-MM); the batch's period is taken from the rows") }
        if BillingMonth(periodText) == nil { return stop("period \(TextRules.quoted(periodText)) of the first bill row is not a month YYYY-MM") }
        if issuedText.isEmpty { return stop("the first bill row has no issued date (YYYY-MM-DD); the batch's issue date is taken from the rows") }
        if CalendarDate(issuedText) == nil { return stop("issued \(TextRules.quoted(issuedText)) of the first bill row is not a date YYYY-MM-DD") }
        return nil
    }
}

/// The columns of a CSV export: which column holds what, checked against
/// the layout when the header row is read.
struct CSVLayout {
    /// The columns of one bill that are not numbered.
    enum Column: String, CaseIterable {
        case account, number
        case language, category, name_ar, name_en
        case flat, building, road, block, area_ar, area_en
        case email, mobile, relative_email, relation
        case prefer
        case period_from, period_to
        case due
        case balance_previous, balance_payments
        case total
        case period, issued
    }

    static let required: [Column] = [.account, .number, .period_from, .period_to, .due, .total, .period, .issued]

    /// A numbered group of columns: `meterN_…`, `chargeN_…`, `historyN_…`.
    struct Group {
        var prefix: String
        var fields: [String]
        var required: [String]
    }

    static let meter = Group(prefix: "meter", fields: ["service", "id", "previous", "current", "unit", "reading"],
                             required: ["service", "id", "previous", "current"])
    static let charge = Group(prefix: "charge", fields: ["code", "service", "quantity", "unit", "rate", "amount", "label_ar", "label_en"],
                              required: ["code", "amount"])
    static let history = Group(prefix: "history", fields: ["service", "months"], required: ["service", "months"])
    static let groups = [meter, charge, history]
    static let meterGroup = 0, chargeGroup = 1, historyGroup = 2

    let names: [String]
    let line: Int
    var count: Int { names.count }
    /// The column of each fixed field.
    private var fixed: [Column: Int]
    /// For each group, its numbers in order with the column of each field.
    private var numbered: [[(number: Int, columns: [Int?])]]
    let period: Int
    let issued: Int

    init(parser: CSVRecordParser) throws(InputError) {
        let file = parser.file
        line = parser.recordLine
        let line = line
        func stop(_ message: String) -> InputError {
            InputError(.notABillExport, file: file, line: line, message: message)
        }
        if parser.tooLong { throw stop("the header row is longer than \(CSVRecordParser.maxRecordBytes >> 20) MiB") }
        var names: [String] = []
        for column in 0..<parser.fieldCount {
            guard let name = parser.field(column) else { throw stop("column \(column + 1) of the header row is not valid UTF-8") }
            names.append(name)
        }
        if let stray = parser.strayQuoteField {
            throw stop("column \(stray) of the header row has a quote that does not enclose the whole field")
        }
        self.names = names

        var fixed: [Column: Int] = [:]
        var groups: [[Int: [Int?]]] = Self.groups.map { _ in [:] }
        var seen: [String: Int] = [:]
        for (column, name) in names.enumerated() {
            if let first = seen[name] {
                throw stop("the header names column \(TextRules.quoted(name)) twice (columns \(first + 1) and \(column + 1))")
            }
            seen[name] = column
            if let known = Column(rawValue: name) {
                fixed[known] = column
            } else if let (group, number, field) = Self.numberedColumn(name) {
                groups[group][number, default: [Int?](repeating: nil, count: Self.groups[group].fields.count)][field] = column
            } else {
                throw stop("unknown column \(TextRules.quoted(name)) (column \(column + 1) of the header row): it is not part of the CSV layout of a bill")
            }
        }
        for column in Self.required where fixed[column] == nil {
            throw stop("the header has no column \(column.rawValue), which is required")
        }
        if groups[Self.chargeGroup].isEmpty {
            throw stop("the header has no column charge1_code, which is required: a bill has at least one charge")
        }
        for (group, numbers) in groups.enumerated() {
            let layout = Self.groups[group]
            for (number, columns) in numbers.sorted(by: { $0.key < $1.key }) {
                for field in layout.required where columns[layout.fields.firstIndex(of: field)!] == nil {
                    throw stop("the header has no column \(layout.prefix)\(number)_\(field), which is required beside the other \(layout.prefix)\(number) columns")
                }
            }
        }
        self.fixed = fixed
        numbered = groups.map { $0.sorted { $0.key < $1.key }.map { (number: $0.key, columns: $0.value) } }
        period = fixed[.period]!
        issued = fixed[.issued]!
    }

    /// `charge12_label_ar` → (group 1, number 12, field 6).
    private static func numberedColumn(_ name: String) -> (Int, Int, Int)? {
        for (group, layout) in groups.enumerated() where name.hasPrefix(layout.prefix) {
            let rest = name.dropFirst(layout.prefix.count)
            guard let underscore = rest.firstIndex(of: "_") else { return nil }
            let digits = rest[..<underscore]
            guard !digits.isEmpty, digits.count <= 4, digits.first != "0", digits.utf8.allSatisfy(\.isASCIIDigit),
                  let number = Int(digits),
                  let field = layout.fields.firstIndex(of: String(rest[rest.index(after: underscore)...]))
            else { return nil }
            return (group, number, field)
        }
        return nil
    }

    // MARK: Rows

    /// The bill of one row: the tree the XML reader builds for the same
    /// bill. An empty cell is an absent attribute or element; a containing
    /// element (customer, address…) is there when any of its cells is.
    func record(_ fields: [String], line: Int) -> RecordNode {
        func cell(_ column: Column) -> String? {
            guard let index = fixed[column] else { return nil }
            let text = fields[index]
            return text.isEmpty ? nil : text
        }
        func attributes(_ pairs: [(String, String?)]) -> [(name: String, value: String)] {
            pairs.compactMap { name, value in value.map { (name, $0) } }
        }
        func leaves(_ pairs: [(String, String?, String?)]) -> [RecordNode] {
            pairs.compactMap { name, lang, text in text.map { RecordNode(name: name, line: line, lang: lang, text: $0) } }
        }
        func element(_ name: String, _ attributes: [(name: String, value: String)], _ children: [RecordNode] = []) -> RecordNode? {
            attributes.isEmpty && children.isEmpty ? nil : RecordNode(name: name, line: line, attributes: attributes, children: children)
        }

        var children: [RecordNode?] = []
        children.append(element("customer", attributes([("language", cell(.language)), ("category", cell(.category))]),
                                leaves([("name", "ar", cell(.name_ar)), ("name", "en", cell(.name_en))])))
        children.append(element("address", [], leaves([
            ("flat", nil, cell(.flat)), ("building", nil, cell(.building)), ("road", nil, cell(.road)), ("block", nil, cell(.block)),
            ("area", "ar", cell(.area_ar)), ("area", "en", cell(.area_en)),
        ])))
        var contact = leaves([("email", nil, cell(.email)), ("mobile", nil, cell(.mobile))])
        let relation = cell(.relation)
        if let relative = cell(.relative_email) ?? relation.map({ _ in "" }) {
            contact.append(RecordNode(name: "relative-email", line: line, attributes: attributes([("relation", relation)]), text: relative))
        }
        children.append(element("contact", [], contact))
        children.append(element("delivery", attributes([("prefer", cell(.prefer))])))
        children.append(element("period", attributes([("from", cell(.period_from)), ("to", cell(.period_to))])))
        children.append(contentsOf: leaves([("due", nil, cell(.due))]))
        func values(_ columns: [Int?]) -> [String?] {
            columns.map { index in index.flatMap { fields[$0].isEmpty ? nil : fields[$0] } }
        }
        for (_, columns) in numbered[Self.meterGroup] {
            let cells = values(columns)
            children.append(element("meter", attributes(zip(Self.meter.fields, cells).map { ($0, $1) })))
        }
        for (_, columns) in numbered[Self.chargeGroup] {
            let cells = values(columns)
            children.append(element("charge", attributes(zip(Self.charge.fields.prefix(6), cells.prefix(6)).map { ($0, $1) }),
                                    leaves([("label", "ar", cells[6]), ("label", "en", cells[7])])))
        }
        children.append(element("balance", attributes([("previous", cell(.balance_previous)), ("payments", cell(.balance_payments))])))
        children.append(contentsOf: leaves([("total", nil, cell(.total))]))
        for (_, columns) in numbered[Self.historyGroup] {
            let cells = values(columns)
            children.append(element("history", attributes([("service", cells[0])]), Self.months(cells[1] ?? "", line: line)))
        }
        return RecordNode(name: "bill", line: line,
                          attributes: attributes([("account", cell(.account)), ("number", cell(.number))]),
                          children: children.compactMap { $0 })
    }

    /// `2025-10=780;2025-11=612` → `<month period="2025-10" quantity="780"/>…`.
    /// Empty items are skipped; an item without `=` has no quantity.
    static func months(_ text: String, line: Int) -> [RecordNode] {
        text.split(separator: ";").map { item in
            guard let equals = item.firstIndex(of: "=") else {
                return RecordNode(name: "month", line: line, attributes: [("period", String(item))])
            }
            return RecordNode(name: "month", line: line, attributes: [
                ("period", String(item[..<equals])), ("quantity", String(item[item.index(after: equals)...])),
            ])
        }
    }
}
