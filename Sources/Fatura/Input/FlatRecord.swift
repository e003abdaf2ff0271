/// A bill record as read, flat: its elements in document order in one array,
/// their attributes in a second, every attribute value, text and `xml:lang`
/// in one byte buffer, and each element's children as a run of indices in a
/// fourth. This is what the checker reads.
///
/// A `RecordNode` tree makes an array of attributes and one of children
/// per element, and strings for every value, each allocated, reference
/// counted and freed again per bill; a flat record is four arrays that a
/// reader fills, hands over and gets back emptied, so reading a month makes
/// no allocation per bill once the first few records have sized them.
/// `RecordNode` trees (the CSV and JSON Lines readers, tests) are flattened
/// with ``append(_:)``; ``tree`` gives the tree back.
public struct FlatRecord: Sendable {
    struct Node: Sendable {
        var name: String
        var line: Int
        /// `xml:lang` as `bytes[lang ..< lang + langCount]`; `langCount` is -1 when there is none.
        var lang: Int
        var langCount: Int
        var attributes: Int
        var attributeCount: Int
        var text: Int
        var textCount: Int
        /// `childList[children ..< children + childCount]` are the node indices of the children.
        var children: Int
        var childCount: Int
        /// An index into `faults`, or -1.
        var fault: Int
    }

    struct Attribute: Sendable {
        var name: String
        var value: Int
        var count: Int
    }

    var nodes: [Node] = []
    var attributes: [Attribute] = []
    var bytes: [UInt8] = []
    var childList: [Int] = []
    var faults: [RecordNode.Fault] = []

    public init() {}

    /// A flat copy of `tree`.
    public init(_ tree: RecordNode) {
        _ = append(tree)
    }

    /// Empties the record, keeping its arrays' capacity for the next one.
    mutating func removeAll() {
        nodes.removeAll(keepingCapacity: true)
        attributes.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        childList.removeAll(keepingCapacity: true)
        if !faults.isEmpty { faults.removeAll() }
    }

    /// Whether the arrays hold far more than a bill needs (a real one has
    /// some 40 elements and 2 KB of values; these are the arrays of a
    /// hostile record): such a record is not kept for reuse.
    var isOversized: Bool {
        bytes.capacity > 1 << 16 || nodes.capacity > 1 << 10 || attributes.capacity > 1 << 10 || childList.capacity > 1 << 10
    }

    /// The bytes its arrays' capacity takes.
    var capacityBytes: Int {
        bytes.capacity + nodes.capacity * MemoryLayout<Node>.stride
            + attributes.capacity * MemoryLayout<Attribute>.stride + childList.capacity * MemoryLayout<Int>.stride
    }

    /// Empties the record for the next one, or drops its arrays when they are oversized.
    mutating func recycle() {
        if isOversized { self = FlatRecord() } else { removeAll() }
    }

    /// Appends `tree` and everything inside it; returns the index of its node.
    /// The first node appended is the record's element.
    @discardableResult
    public mutating func append(_ tree: RecordNode) -> Int {
        let index = nodes.count
        let (lang, langCount) = tree.lang.map { appendBytes($0) } ?? (0, -1)
        let firstAttribute = attributes.count
        for attribute in tree.attributes {
            let (value, count) = appendBytes(attribute.value)
            attributes.append(Attribute(name: attribute.name, value: value, count: count))
        }
        let (text, textCount) = appendBytes(tree.text)
        var fault = -1
        if let found = tree.fault {
            fault = faults.count
            faults.append(found)
        }
        nodes.append(Node(
            name: tree.name, line: tree.line, lang: lang, langCount: langCount,
            attributes: firstAttribute, attributeCount: tree.attributes.count,
            text: text, textCount: textCount, children: 0, childCount: 0, fault: fault))
        let children = tree.children.map { append($0) }
        nodes[index].children = childList.count
        nodes[index].childCount = children.count
        childList.append(contentsOf: children)
        return index
    }

    private mutating func appendBytes(_ text: String) -> (Int, Int) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        return (start, bytes.count - start)
    }

    /// The record's element, read in place for the duration of `body`
    /// (the record must not be empty).
    func withRoot<Result, Failure: Error>(_ body: (FlatElement) throws(Failure) -> Result) throws(Failure) -> Result {
        precondition(!nodes.isEmpty, "an empty record")
        // Typed throws do not pass through the buffer closures: the error is carried out.
        var failure: Failure?
        let result: Result? = nodes.withUnsafeBufferPointer { nodes in
            attributes.withUnsafeBufferPointer { attributes in
                bytes.withUnsafeBufferPointer { bytes in
                    childList.withUnsafeBufferPointer { childList in
                        faults.withUnsafeBufferPointer { faults in
                            var parts = FlatElement.Parts(
                                nodes: nodes.baseAddress!, attributes: attributes.baseAddress, bytes: bytes.baseAddress,
                                childList: childList.baseAddress, faults: faults.baseAddress, faultCount: faults.count)
                            return withUnsafePointer(to: &parts) { parts in
                                do throws(Failure) {
                                    return try body(FlatElement(parts: parts, index: 0))
                                } catch {
                                    failure = error
                                    return nil
                                }
                            }
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        return result!
    }

    /// The record as a tree.
    public var tree: RecordNode {
        nodes.isEmpty ? RecordNode(name: "", line: 0) : withRoot { $0.tree }
    }
}

/// One element of a ``FlatRecord``, read in place: valid only inside the
/// record's `withRoot`. It answers what a `RecordNode` does, making
/// strings of the record's bytes when they are asked for.
struct FlatElement {
    struct Parts {
        let nodes: UnsafePointer<FlatRecord.Node>
        let attributes: UnsafePointer<FlatRecord.Attribute>?
        let bytes: UnsafePointer<UInt8>?
        let childList: UnsafePointer<Int>?
        let faults: UnsafePointer<RecordNode.Fault>?
        let faultCount: Int

        func string(_ start: Int, _ count: Int) -> String {
            guard count > 0, let bytes else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes + start, count: count), as: UTF8.self)
        }
    }

    let parts: UnsafePointer<Parts>
    let index: Int

    @inline(__always)
    private var node: UnsafePointer<FlatRecord.Node> { parts.pointee.nodes + index }

    var name: String { node.pointee.name }
    var line: Int { node.pointee.line }

    var lang: String? {
        let count = node.pointee.langCount
        return count < 0 ? nil : parts.pointee.string(node.pointee.lang, count)
    }

    /// The text directly inside the element (none is kept for an element with children).
    var text: String { parts.pointee.string(node.pointee.text, node.pointee.textCount) }

    var fault: RecordNode.Fault? {
        let fault = node.pointee.fault
        return fault < 0 ? nil : parts.pointee.faults![fault]
    }

    /// Whether the record holds a fault anywhere.
    var recordHasFaults: Bool { parts.pointee.faultCount > 0 }

    func attribute(_ name: String) -> String? {
        attributeBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// An optional attribute: nil when absent, and when empty or only XML
    /// white space (an exporter's `prefer=""` is a value it does not have,
    /// as an empty CSV cell is).
    func optionalAttribute(_ name: String) -> String? {
        optionalAttributeBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    func optionalAttributeBytes(_ name: String) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = attributeBytes(name), ContractText.trimXMLSpace(utf8: bytes).count > 0 else { return nil }
        return bytes
    }

    /// The UTF-8 of attribute `name`, read in place (valid as long as the
    /// element): for values parsed into numbers and dates, which need no string.
    func attributeBytes(_ name: String) -> UnsafeBufferPointer<UInt8>? {
        let first = node.pointee.attributes
        for index in first..<(first + node.pointee.attributeCount) {
            let attribute = parts.pointee.attributes! + index
            // Lengths first: most names asked for are not the one at hand.
            if attribute.pointee.name.utf8.count == name.utf8.count, attribute.pointee.name == name {
                let count = attribute.pointee.count
                return UnsafeBufferPointer(start: count > 0 ? parts.pointee.bytes.map { $0 + attribute.pointee.value } : nil, count: count)
            }
        }
        return nil
    }

    var attributes: [(name: String, value: String)] {
        let first = node.pointee.attributes
        return (first..<(first + node.pointee.attributeCount)).map { index in
            let attribute = parts.pointee.attributes![index]
            return (attribute.name, parts.pointee.string(attribute.value, attribute.count))
        }
    }

    var children: Children { Children(parts: parts, first: node.pointee.children, count: node.pointee.childCount) }

    /// The element and everything inside it as a tree.
    var tree: RecordNode {
        RecordNode(name: name, line: line, attributes: attributes, lang: lang, text: text,
                   children: children.map(\.tree), fault: fault)
    }

    /// An element's children, in document order.
    struct Children: RandomAccessCollection {
        let parts: UnsafePointer<Parts>
        let first: Int
        let count: Int

        var startIndex: Int { 0 }
        var endIndex: Int { count }

        subscript(position: Int) -> FlatElement {
            precondition(position >= 0 && position < count, "child index out of range")
            return FlatElement(parts: parts, index: parts.pointee.childList![first + position])
        }
    }
}
