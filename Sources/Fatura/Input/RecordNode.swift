/// One element of a bill record as read from the source, before any rule is
/// applied: its name, attributes, text and children, with the line it starts
/// on. Every reader (XML, CSV and JSON Lines) gives these from `next()`;
/// a run reads the same records flat (``FlatRecord``), which is what the
/// one checker of the contract reads.
public struct RecordNode: Sendable {
    public var name: String
    public var line: Int
    /// Attributes without a namespace, in document order.
    public var attributes: [(name: String, value: String)]
    /// The `xml:lang` attribute, when present.
    public var lang: String?
    /// Concatenated character data (text and CDATA) directly inside the
    /// element. Read only from elements without children (the checker
    /// rejects an element with children where it wants text), so the XML
    /// reader keeps none for an element once a child starts.
    public var text: String
    public var children: [RecordNode]
    /// Set when a reader found a fault in this one record (a ragged CSV
    /// row, a JSON Lines syntax error, an unknown key), or when the element
    /// held something the contract does not allow a reader to pass on (an
    /// unexpanded entity reference, which the XML reader cannot meet while
    /// it refuses DOCTYPEs: an undeclared entity is a fault in the file; the
    /// code stays as a guard): the record is rejected with the fault's code
    /// and message, and the run goes on.
    public var fault: Fault?

    public init(
        name: String,
        line: Int,
        attributes: [(name: String, value: String)] = [],
        lang: String? = nil,
        text: String = "",
        children: [RecordNode] = [],
        fault: Fault? = nil
    ) {
        self.name = name
        self.line = line
        self.attributes = attributes
        self.lang = lang
        self.text = text
        self.children = children
        self.fault = fault
    }

    public func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name { return attribute.value }
        return nil
    }

    /// What is wrong with a record before any rule is applied. A bare message
    /// (`node.fault = "…"`) is an entity reference (see ``fault``); the
    /// readers name their own code.
    public struct Fault: Sendable, Hashable, ExpressibleByStringInterpolation {
        public var code: BillRejection.Code
        /// A sentence for people. For `entity-reference` the checker puts the
        /// element and its line before it; other readers' messages are whole.
        public var message: String

        public init(_ code: BillRejection.Code, _ message: String) {
            self.code = code
            self.message = message
        }

        public init(stringLiteral message: String) {
            self.init(.entityReference, message)
        }
    }
}

/// The attributes of the `<bills>` root: the month and issue date of the batch.
public struct BatchHeader: Sendable, Equatable {
    public var period: BillingMonth
    public var issued: CalendarDate
    /// The root's `xml:lang`, inherited by every element that has none.
    public var lang: String?

    public init(period: BillingMonth, issued: CalendarDate, lang: String? = nil) {
        self.period = period
        self.issued = issued
        self.lang = lang
    }
}

/// A source of bill records: the reader of one export file.
public protocol BillSource: AnyObject {
    /// The batch's month and issue date, read before the first record.
    var header: BatchHeader { get }
    /// The line they were read from (the root element, the header line, the first row).
    var headerLine: Int { get }
    /// The next bill record and its position, or nil at the end of the file.
    /// Throws `InputError` when the file itself is broken: the run stops.
    func next() throws(InputError) -> (record: RecordNode, position: SourcePosition)?
    /// The next bill record, flat, put into `record` (the reader may keep
    /// the arrays `record` held for a later one), and its position; nil at
    /// the end of the file. What a run reads: see ``FlatRecord``.
    func next(into record: inout FlatRecord) throws(InputError) -> SourcePosition?
    /// How far into the file the reader is, in bytes, when it can tell (for progress).
    var bytesRead: Int? { get }
    /// Calls `visit` with the raw `account` and `number` of every record
    /// from here to the end, and how far into the file it is: the first pass.
    func scanIdentities(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int?) -> Void) throws(InputError)
}

extension BillSource {
    public var bytesRead: Int? { nil }

    /// The tree of `next()`, flattened into `record`.
    public func next(into record: inout FlatRecord) throws(InputError) -> SourcePosition? {
        guard let (tree, position) = try next() else { return nil }
        record.recycle()
        record.append(tree)
        return position
    }

    /// Reads every record whole (CSV and JSON Lines records are one line each).
    public func scanIdentities(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int?) -> Void) throws(InputError) {
        while let (record, _) = try next() { visit(record.attribute("account"), record.attribute("number"), bytesRead) }
    }
}
