import CLibXML2
import Foundation

/// Streams the bills of an XML export (`urn:fatura:bill-data:1`) one record
/// at a time with libxml2's SAX parser, in constant memory: the file is fed
/// a chunk at a time and each bill becomes a ``FlatRecord`` as its end tag
/// comes, without libxml2 building (and freeing) a tree of it first.
///
/// Any prefix bound to the contract's namespace works; elements of other
/// namespaces are skipped with everything inside them, but for a `<bill>`
/// and, inside a bill, the contract's element names: those are read as a
/// fault that rejects the bill (`wrong-namespace`). The reader refuses
/// DTDs (and with them every entity declaration), never loads an external
/// entity, DTD or XInclude, and never touches the network.
public final class XMLBillReader: BillSource {
    public static let namespace = "urn:fatura:bill-data:1"
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    /// The namespaces as libxml2 strings are compared, NUL-terminated.
    static let namespaceBytes: [xmlChar] = Array(namespace.utf8) + [0]
    static let xmlNamespaceBytes: [xmlChar] = Array(xmlNamespace.utf8) + [0]
    /// No network, lines past 65,535 kept, CDATA as text, the predefined
    /// entities replaced in attributes as they are in text (with DTDs
    /// refused, no other entity can be declared).
    static let parserOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOENT.rawValue)

    public let header: BatchHeader
    public var headerLine: Int { rootLine }
    private let rootLine: Int
    private let source: SAXFile
    private let state: RecordState
    private let file: String
    private var index = 0
    /// A fault found while the records before it still wait to be read.
    private var fault: InputError?

    /// Opens `path` and reads up to the root element's attributes.
    public init(path: String) throws(InputError) {
        file = path
        state = RecordState()
        source = try SAXFile(path: path, handler: RecordState.recordHandler(), context: state)
        var pending: InputError?
        while state.root == nil {
            guard !source.finished else {
                throw InputError(.malformed, file: path, line: state.line, message: "the file has no root element")
            }
            do {
                try source.feed()
            } catch {
                // libxml2 calls an empty file "Extra content at the end of the document".
                if source.finished, source.bytesRead == 0 {
                    throw InputError(.malformed, file: path, line: 1, message: "the file is empty: an XML export starts with <bills>")
                }
                guard state.root != nil else { throw error }
                // A fault in the first chunk, past the root: the bills before
                // it are read first, as before a fault in any later chunk.
                pending = error
            }
        }
        header = try Self.header(of: state.root!, file: path)
        rootLine = state.root!.line
        fault = pending
    }

    /// How many records were built into the emptied arrays of earlier ones (for tests).
    var reusedRecords: Int { state.reused }

    /// The file position the parser has read to (a chunk ahead of the record).
    public var bytesRead: Int? { source.bytesRead }

    public func next() throws(InputError) -> (record: RecordNode, position: SourcePosition)? {
        var record = FlatRecord()
        guard let position = try next(into: &record) else { return nil }
        return (record.tree, position)
    }

    /// The next record, flat, swapped into `record` (whose arrays the reader
    /// keeps for a later one), and its position; nil at the end of the file.
    public func next(into record: inout FlatRecord) throws(InputError) -> SourcePosition? {
        while !state.hasRecord {
            if let fault { throw fault }
            guard !source.finished else { return nil }
            do {
                try source.feed()
            } catch {
                // The records the chunk completed before the fault are read first.
                fault = error
            }
        }
        state.takeRecord(into: &record)
        index += 1
        return SourcePosition(line: record.nodes[0].line, index: index)
    }

    /// The first pass, without building the records: see ``XMLIdentityScan``.
    public func scanIdentities(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int?) -> Void) throws(InputError) {
        try XMLIdentityScan(file: file).run { visit($0, $1, $2) }
    }

    // MARK: The root

    private static func header(of root: RecordBuilder.Root, file: String) throws(InputError) -> BatchHeader {
        let line = root.line
        guard root.name == "bills", root.uri == namespace else {
            throw InputError(.notABillExport, file: file, line: line,
                             message: "the root element must be <bills> in namespace \(namespace), found <\(root.name)>"
                                 + (root.uri.map { " in namespace \($0)" } ?? " in no namespace"))
        }
        guard let periodText = root.node.attribute("period") else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> has no period attribute (YYYY-MM)")
        }
        guard let period = BillingMonth(periodText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> period \"\(periodText)\" is not a month YYYY-MM")
        }
        guard let issuedText = root.node.attribute("issued") else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> has no issued attribute (YYYY-MM-DD)")
        }
        guard let issued = CalendarDate(issuedText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> issued \"\(issuedText)\" is not a date YYYY-MM-DD")
        }
        return BatchHeader(period: period, issued: issued, lang: root.node.lang)
    }

    /// Installed once per process: libxml2 may never load an external entity
    /// or DTD. The export itself is read by descriptor, not through this loader.
    static func refuseExternalEntities() { _ = refusal }

    private static let refusal: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()
}

/// The SAX callbacks' side of the reader: the records being built, those done.
///
/// The state lives in a struct behind a pointer the class owns: the callbacks
/// run for every element and piece of text, and stored properties of a class
/// would be checked for exclusive access (a runtime call) on each use.
private final class RecordState: SAXContext {
    let builder: UnsafeMutablePointer<RecordBuilder>

    override init() {
        builder = .allocate(capacity: 1)
        builder.initialize(to: RecordBuilder())
        super.init()
    }

    deinit {
        builder.deinitialize(count: 1)
        builder.deallocate()
    }

    var root: RecordBuilder.Root? { builder.pointee.root }
    var reused: Int { builder.pointee.reused }
    var hasRecord: Bool { builder.pointee.hasRecord }
    func takeRecord(into record: inout FlatRecord) { builder.pointee.takeRecord(into: &record) }

    /// The callbacks (a struct of C function pointers, made for each reader).
    static func recordHandler() -> xmlSAXHandler {
        var handler = SAXContext.handler()
        handler.startElementNs = { context, name, _, uri, _, _, attributeCount, _, attributes in
            guard let context, let name else { return }
            // The reader holds the state for as long as the parser runs: borrowed, not retained.
            Unmanaged<RecordState>.fromOpaque(context)._withUnsafeGuaranteedRef {
                $0.builder.pointee.start(name, uri: uri, SAXAttributes(attributes, count: attributeCount), line: $0.line,
                                         dictionary: $0.parser?.pointee.dict)
                if let misplaced = $0.builder.pointee.misplacedBill, let parser = $0.parser {
                    // A fault in the file: the run stops here, after the bills before it.
                    $0.errors.record(line: misplaced.line, column: Int(xmlSAX2GetColumnNumber(parser)), message: misplaced.message)
                    xmlStopParser(parser)
                }
            }
        }
        handler.endElementNs = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<RecordState>.fromOpaque(context)._withUnsafeGuaranteedRef { $0.builder.pointee.end() }
        }
        // Text, CDATA (made text) and white space alike, directly inside the element.
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let context, let bytes else { return }
            Unmanaged<RecordState>.fromOpaque(context)._withUnsafeGuaranteedRef {
                $0.builder.pointee.text(UnsafeBufferPointer(start: bytes, count: Int(count)))
            }
        }
        handler.characters = characters
        handler.ignorableWhitespace = characters
        return handler
    }
}

/// The records being built from the SAX events, and those done.
///
/// Records are built flat (see ``FlatRecord``): an element's node is
/// appended when it starts, its text and attribute values go into the
/// record's bytes, and when it ends its children's indices (kept meanwhile
/// in `pending`) become its run of `childList`. Records handed out come back
/// emptied and are reused, so steady reading allocates nothing per bill.
private struct RecordBuilder {
    struct Root {
        var name: String
        var uri: String?
        var line: Int
        var node: RecordNode
    }

    var root: Root?
    /// The root's `xml:lang`, inherited by every element that has none.
    private var inheritedLang: [UInt8]?
    /// The record being read.
    private var current = FlatRecord()
    /// Node indices of the open elements of the current record, outermost first.
    private var open: [Int] = []
    /// Element and attribute names by the address libxml2 gives them, for
    /// names that are in the parser's dictionary (where each name has one
    /// address for the whole parse): a record's forty names are not made
    /// into strings again for every bill. A slot holds the last name that
    /// hashed to it.
    private var names = [(address: UnsafePointer<xmlChar>?, name: String)](repeating: (nil, ""), count: 512)
    /// Indices of the children of the open elements that have ended, each
    /// element's from `marks[level]` on.
    private var pending: [Int] = []
    private var marks: [Int] = []
    /// Records done, from `taken` on not yet read.
    private var records: [FlatRecord] = []
    private var taken = 0
    /// Emptied records, for the next ones. A chunk of the file holds some
    /// forty bills, all built before the first is taken: the pool keeps
    /// enough of them for the next chunk's (a bill built into fresh arrays
    /// costs some 25 allocations as they grow), but no more than
    /// `spareBytes` in all, and none oversized (a chunk of many tiny
    /// records must not leave a pool of large ones).
    private var spare: [FlatRecord] = []
    private var spareCapacity = 0
    static let spareBytes = 1 << 20
    /// Records built into the arrays of an earlier one (for tests).
    private(set) var reused = 0
    var hasRecord: Bool { taken < records.count }
    var depth = 0
    /// The depth of an element of another namespace being skipped with all inside it.
    var skipping: Int?
    /// Whether the bill being read is one of another namespace (or none):
    /// a record of its start tag alone, with a fault, its content skipped.
    private var foreignBill = false
    /// A contract `<bill>` found inside a skipped element outside any bill:
    /// a fault in the file (see ``start``).
    private(set) var misplacedBill: (line: Int, message: String)?
    /// The name and line of the element of another namespace being skipped outside any bill.
    private var wrapper: String?

    /// The contract's element names below the root: an element of another
    /// namespace (or none) with one of these names inside a bill is not
    /// taken for an extension and skipped, but rejects the bill.
    static let contractNames: Set<String> = [
        "bill", "customer", "name", "address", "flat", "building", "road", "block", "area", "contact", "email", "mobile",
        "relative-email", "delivery", "period", "due", "meter", "charge", "label", "balance", "total", "history", "month",
    ]

    /// An element starts (its start tag ending on `line`): the root, a node
    /// of the current record, or one of another namespace to skip with all
    /// inside it.
    mutating func start(
        _ name: UnsafePointer<xmlChar>, uri: UnsafePointer<xmlChar>?, _ attributes: SAXAttributes, line: Int, dictionary: xmlDictPtr?
    ) {
        depth += 1
        if let skipping {
            // A bill of the contract inside an element of another namespace
            // outside any bill (`<x:batch><bill>…`): skipped with it, it
            // would be lost without a word, and so would every bill after it.
            if skipping == 2, open.isEmpty, misplacedBill == nil, xmlStrEqual(name, "bill") == 1,
               let uri, xmlStrEqual(uri, XMLBillReader.namespaceBytes) == 1 {
                misplacedBill = (line, "a <bill> of the contract stands inside \(wrapper ?? "an element") of another namespace or none, not directly in <bills>: no bill inside it could be read")
            }
            return
        }
        if depth == 1 {
            let node = Self.rootNode(name, attributes, line: line)
            root = Root(name: node.name, uri: uri?.string, line: node.line, node: node)
            // Set now, not once the header is read: the chunk that holds the
            // root holds the first records too.
            inheritedLang = node.lang.map { Array($0.utf8) }
            return
        }
        if foreignBill {
            skipping = depth
            return
        }
        guard let uri, xmlStrEqual(uri, XMLBillReader.namespaceBytes) == 1 else {
            // An exporter's `xmlns=""` (or another namespace) on a bill or on
            // one of its elements would otherwise make it vanish with no
            // trace, like an extension: the bill is rejected, saying why.
            if depth == 2, xmlStrEqual(name, "bill") == 1 {
                startForeignBill(uri: uri, attributes, line: line)
                return
            }
            if depth == 2 { wrapper = "<\(name.string)> (line \(line))" }
            if let bill = open.first, current.nodes[bill].fault < 0, Self.contractNames.contains(name.string) {
                current.nodes[bill].fault = current.faults.count
                current.faults.append(RecordNode.Fault(.wrongNamespace, "<\(name.string)> at line \(line) is \(Self.namespaceText(uri)), not in the contract's \(XMLBillReader.namespace): the bill is rejected rather than read without it"))
            }
            skipping = depth
            return
        }
        // An element with element children is never read for its text (the
        // checker rejects such an element where text is wanted), so the white
        // space between a container's children is not kept.
        var lang = 0, langCount = -1
        if let parent = open.last {
            current.nodes[parent].textCount = 0
            lang = current.nodes[parent].lang
            langCount = current.nodes[parent].langCount
        } else if let inheritedLang {
            // The root's language, first in every record's bytes.
            lang = current.bytes.count
            langCount = inheritedLang.count
            current.bytes.append(contentsOf: inheritedLang)
        }
        let firstAttribute = current.attributes.count
        for attribute in attributes {
            let value = current.bytes.count
            let bytes = UnsafeBufferPointer(start: attribute.start, count: attribute.end - attribute.start)
            if let attributeURI = attribute.uri {
                // Of the attributes in a namespace only `xml:lang` is kept.
                if xmlStrEqual(attribute.name, "lang") == 1, xmlStrEqual(attributeURI, XMLBillReader.xmlNamespaceBytes) == 1 {
                    current.bytes.append(contentsOf: bytes)
                    lang = value
                    langCount = bytes.count
                }
            } else {
                current.bytes.append(contentsOf: bytes)
                current.attributes.append(FlatRecord.Attribute(name: string(attribute.name, dictionary), value: value, count: bytes.count))
            }
        }
        open.append(current.nodes.count)
        marks.append(pending.count)
        current.nodes.append(FlatRecord.Node(
            name: string(name, dictionary), line: line, lang: lang, langCount: langCount,
            attributes: firstAttribute, attributeCount: current.attributes.count - firstAttribute,
            text: current.bytes.count, textCount: 0, children: 0, childCount: 0, fault: -1))
    }

    /// A `<bill>` of another namespace, or of none: a record with its name
    /// and line only, and a fault saying why it is not read. Its account and
    /// number are named in the fault but not kept as attributes: no first
    /// pass counts them, so they must not count as used here either.
    private mutating func startForeignBill(uri: UnsafePointer<xmlChar>?, _ attributes: SAXAttributes, line: Int) {
        var identity: [String] = []
        for attribute in attributes where attribute.uri == nil {
            if xmlStrEqual(attribute.name, "account") == 1 || xmlStrEqual(attribute.name, "number") == 1 {
                identity.append("\(attribute.name.string) \(TextRules.quoted(attribute.value))")
            }
        }
        let named = identity.isEmpty ? "" : " (" + identity.joined(separator: ", ") + ")"
        foreignBill = true
        open.append(current.nodes.count)
        marks.append(pending.count)
        current.faults.append(RecordNode.Fault(.wrongNamespace, "<bill> at line \(line)\(named) is \(Self.namespaceText(uri)), not in the contract's \(XMLBillReader.namespace): it is not read (an export puts its bills in the contract's namespace)"))
        current.nodes.append(FlatRecord.Node(
            name: "bill", line: line, lang: 0, langCount: -1, attributes: current.attributes.count, attributeCount: 0,
            text: current.bytes.count, textCount: 0, children: 0, childCount: 0, fault: current.faults.count - 1))
    }

    /// "in no namespace" or "in namespace X", for a fault.
    private static func namespaceText(_ uri: UnsafePointer<xmlChar>?) -> String {
        guard let uri else { return "in no namespace (xmlns=\"\")" }
        return "in namespace \(TextRules.quoted(uri.string))"
    }

    /// An element ends: into its parent, or a record done.
    mutating func end() {
        defer { depth -= 1 }
        if let skipping {
            if skipping == depth { self.skipping = nil }
            return
        }
        if depth == 2 { foreignBill = false }
        guard depth >= 2, let index = open.popLast() else { return }
        let mark = marks.removeLast()
        let childCount = pending.count - mark
        current.nodes[index].children = current.childList.count
        current.nodes[index].childCount = childCount
        if childCount > 0 {
            current.childList.append(contentsOf: pending[mark...])
            pending.removeLast(childCount)
        }
        if open.isEmpty {
            records.append(FlatRecord())
            swap(&records[records.count - 1], &current)
            if let spareRecord = spare.popLast() {
                spareCapacity -= spareRecord.capacityBytes
                current = spareRecord
                reused += 1
            }
            // One record with a huge number of children must not size every later one.
            if pending.capacity > 1 << 10 { pending = [] }
        } else {
            pending.append(index)
        }
    }

    /// Swaps the oldest record done (there must be one) into `record`; the
    /// record it held is emptied and kept for reuse.
    mutating func takeRecord(into record: inout FlatRecord) {
        var used = FlatRecord()
        swap(&used, &record)
        swap(&record, &records[taken])
        taken += 1
        if taken == records.count {
            records.removeAll(keepingCapacity: true)
            taken = 0
        }
        if used.nodes.capacity > 0, !used.isOversized, spareCapacity + used.capacityBytes <= Self.spareBytes {
            used.removeAll()
            spareCapacity += used.capacityBytes
            spare.append(used)
        }
    }

    /// The name at `address`, from the slots when it is a dictionary name seen before.
    private mutating func string(_ address: UnsafePointer<xmlChar>, _ dictionary: xmlDictPtr?) -> String {
        let bits = UInt(bitPattern: address)
        let slot = Int(truncatingIfNeeded: (bits ^ (bits >> 9)) & 511)
        if names[slot].address == address { return names[slot].name }
        let name = address.string
        if let dictionary, xmlDictOwns(dictionary, address) == 1 { names[slot] = (address, name) }
        return name
    }

    mutating func text(_ bytes: UnsafeBufferPointer<xmlChar>) {
        // Only while no child has started: nodes are appended in document
        // order, so the element is still the last one.
        guard skipping == nil, let index = open.last, index == current.nodes.count - 1 else { return }
        // libxml2 hands text over in pieces, keeping none: a runaway value
        // (a broken export's, hundreds of megabytes) would grow the record
        // without end. Past the cap, the bill is rejected and no more is kept.
        guard current.bytes.count + bytes.count <= Self.maxRecordBytes else {
            if let bill = open.first, current.nodes[bill].fault < 0 {
                current.nodes[bill].fault = current.faults.count
                current.faults.append(RecordNode.Fault(.malformedRecord, "<\(current.nodes[index].name)> at line \(current.nodes[index].line) makes the bill's values longer than \(Self.maxRecordBytes >> 20) MiB (a bill has about 2 KB): the bill is rejected, the rest of its text not read"))
            }
            return
        }
        current.bytes.append(contentsOf: bytes)
        current.nodes[index].textCount += bytes.count
    }

    /// The most bytes of values one bill keeps (as a CSV or JSON Lines record's cap).
    static let maxRecordBytes = 8 << 20

    /// A node for the root element, with its attributes: those of no
    /// namespace in document order, and `xml:lang`.
    static func rootNode(_ name: UnsafePointer<xmlChar>, _ attributes: SAXAttributes, line: Int) -> RecordNode {
        var list: [(name: String, value: String)] = []
        var lang: String?
        for attribute in attributes {
            if let uri = attribute.uri {
                if xmlStrEqual(attribute.name, "lang") == 1, xmlStrEqual(uri, XMLBillReader.xmlNamespaceBytes) == 1 {
                    lang = attribute.value
                }
            } else {
                list.append((attribute.name.string, attribute.value))
            }
        }
        return RecordNode(name: name.string, line: line, attributes: list, lang: lang)
    }
}
