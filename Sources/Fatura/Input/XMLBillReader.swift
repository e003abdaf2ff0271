import CLibXML2
import Foundation

/// Streams the bills of an XML export (`urn:fatura:bill-data:1`) one record
/// at a time with libxml2's `xmlTextReader`, in constant memory.
///
/// Any prefix bound to the contract's namespace works; elements of other
/// namespaces are skipped with everything inside them. The reader refuses
/// DTDs (and with them every entity declaration), never loads an external
/// entity, DTD or XInclude, and never touches the network.
public final class XMLBillReader: BillSource {
    public static let namespace = "urn:fatura:bill-data:1"
    /// The namespace as libxml2 strings are compared, NUL-terminated.
    static let namespaceBytes: [xmlChar] = Array(namespace.utf8) + [0]
    /// No network, lines past 65,535 kept, CDATA as text.
    static let parserOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    public let header: BatchHeader
    private let reader: xmlTextReaderPtr
    private let descriptor: Int32
    private let errors: ErrorSink
    private let file: String
    private var index = 0
    private var finished = false
    /// The line of the text node just read, if the last node was one: libxml2
    /// keeps exact lines past 65,535 for text nodes only, and a text node
    /// ends where the next element starts.
    private var lineAfterText: Int?

    /// Opens `path` and reads up to the root element's attributes.
    public init(path: String) throws(InputError) {
        _ = XMLBillReader.refuseExternalEntities
        file = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.unreadable, file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        guard let reader = xmlReaderForFd(descriptor, nil, nil, Self.parserOptions) else {
            close(descriptor)
            throw InputError(.unreadable, file: path, message: "cannot read the file as XML")
        }
        self.reader = reader
        self.errors = ErrorSink()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
        }, Unmanaged.passUnretained(errors).toOpaque())
        do {
            header = try XMLBillReader.readRoot(reader: reader, errors: errors, file: path)
        } catch {
            xmlFreeTextReader(reader)
            close(descriptor)
            throw error
        }
    }

    deinit {
        xmlFreeTextReader(reader)
        close(descriptor)
    }

    /// The file position libxml2 has read to (it reads a little ahead of the record).
    public var bytesRead: Int? {
        let position = lseek(descriptor, 0, SEEK_CUR)
        return position >= 0 ? Int(position) : nil
    }

    public func next() throws(InputError) -> (record: RecordNode, position: SourcePosition)? {
        while !finished {
            guard try advance() else {
                finished = true
                return nil
            }
            let type = nodeType
            guard xmlTextReaderDepth(reader) == 1, type == XML_READER_TYPE_ELEMENT else { continue }
            guard isInContractNamespace else {
                if xmlTextReaderIsEmptyElement(reader) != 1 { try skipSubtree() }
                continue
            }
            index += 1
            let record = try readRecord(inheritedLang: header.lang)
            return (record, SourcePosition(line: record.line, index: index))
        }
        return nil
    }

    /// The raw `account` and `number` attributes of the next record,
    /// skipping everything inside it without building it: the first pass
    /// over the file (looking for repeats) needs no more.
    public func nextIdentity() throws(InputError) -> (account: String?, number: String?)? {
        while !finished {
            guard try advance() else {
                finished = true
                return nil
            }
            guard xmlTextReaderDepth(reader) == 1, nodeType == XML_READER_TYPE_ELEMENT else { continue }
            let inContract = isInContractNamespace
            var identity: (account: String?, number: String?) = (nil, nil)
            if inContract {
                index += 1
                identity = (attribute("account"), attribute("number"))
            }
            if xmlTextReaderIsEmptyElement(reader) != 1 { try skipSubtree() }
            if inContract { return identity }
        }
        return nil
    }

    /// The first pass, without building the records: see ``XMLIdentityScan``.
    public func scanIdentities(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int?) -> Void) throws(InputError) {
        try XMLIdentityScan(file: file).run { visit($0, $1, $2) }
        finished = true
    }

    private func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { fatura_xml_free(value) }
        return Self.string(value)
    }

    // MARK: Reading

    /// Moves to the next node; false at the end of the document.
    private func advance() throws(InputError) -> Bool {
        let status = xmlTextReaderRead(reader)
        if let fault = errors.first {
            throw InputError(.malformed, file: file, line: fault.line, column: fault.column, message: fault.message)
        }
        if status < 0 {
            throw InputError(.malformed, file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                             column: Int(xmlTextReaderGetParserColumnNumber(reader)), message: "the XML cannot be parsed")
        }
        guard status == 1 else { return false }
        switch nodeType {
        case XML_READER_TYPE_DOCUMENT_TYPE:
            throw InputError(.notABillExport, file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                             message: "a DOCTYPE is not allowed in bill data (no DTDs, no entity declarations)")
        case XML_READER_TYPE_TEXT, XML_READER_TYPE_WHITESPACE, XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            let line = Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader)))
            lineAfterText = line > 0 ? line : nil
        case XML_READER_TYPE_ELEMENT:
            break
        default:
            lineAfterText = nil
        }
        return true
    }

    private func skipSubtree() throws(InputError) {
        let depth = xmlTextReaderDepth(reader)
        while try advance() {
            if nodeType == XML_READER_TYPE_END_ELEMENT, xmlTextReaderDepth(reader) == depth { return }
        }
        throw unexpectedEnd()
    }

    /// Reads the element the reader is on, with everything inside it.
    private func readRecord(inheritedLang: String?) throws(InputError) -> RecordNode {
        let top = makeNode(inheritedLang: inheritedLang)
        if xmlTextReaderIsEmptyElement(reader) == 1 { return top }
        var stack = [top]
        while try advance() {
            switch nodeType {
            case XML_READER_TYPE_ELEMENT:
                guard isInContractNamespace else {
                    if xmlTextReaderIsEmptyElement(reader) != 1 { try skipSubtree() }
                    continue
                }
                let node = makeNode(inheritedLang: stack[stack.count - 1].lang)
                if xmlTextReaderIsEmptyElement(reader) == 1 {
                    stack[stack.count - 1].children.append(node)
                } else {
                    stack.append(node)
                }
            case XML_READER_TYPE_END_ELEMENT:
                let done = stack.removeLast()
                if stack.isEmpty { return done }
                stack[stack.count - 1].children.append(done)
            case XML_READER_TYPE_TEXT, XML_READER_TYPE_CDATA,
                 XML_READER_TYPE_WHITESPACE, XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
                stack[stack.count - 1].text += Self.string(xmlTextReaderConstValue(reader))
            case XML_READER_TYPE_ENTITY_REFERENCE:
                stack[stack.count - 1].fault = "an entity reference (&\(Self.string(xmlTextReaderConstLocalName(reader)));) is not allowed"
            default:
                continue // comments and processing instructions
            }
        }
        throw unexpectedEnd()
    }

    /// A node for the element the reader is on, with its attributes.
    private func makeNode(inheritedLang: String?) -> RecordNode {
        var node = RecordNode(name: Self.string(xmlTextReaderConstLocalName(reader)), line: elementLine, lang: inheritedLang)
        if xmlTextReaderHasAttributes(reader) == 1 {
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let name = Self.string(xmlTextReaderConstLocalName(reader))
                let value = Self.string(xmlTextReaderConstValue(reader))
                if let uri = xmlTextReaderConstNamespaceUri(reader) {
                    if name == "lang", Self.string(uri) == Self.xmlNamespace { node.lang = value }
                } else {
                    node.attributes.append((name, value))
                }
            }
            xmlTextReaderMoveToElement(reader)
        }
        return node
    }

    /// The line of the element the reader is on. libxml2 stores element
    /// lines in 16 bits: from line 65,535 on, the line comes from the text
    /// node before the element, or failing that from the parser's position.
    private var elementLine: Int {
        let line = Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader)))
        if line > 0, line < 65_535 { return line }
        if let lineAfterText, lineAfterText >= 65_535 { return lineAfterText }
        return max(line, Int(xmlTextReaderGetParserLineNumber(reader)))
    }

    private var nodeType: xmlReaderTypes {
        xmlReaderTypes(UInt32(truncatingIfNeeded: xmlTextReaderNodeType(reader)))
    }

    private var isInContractNamespace: Bool {
        guard let uri = xmlTextReaderConstNamespaceUri(reader) else { return false }
        return Self.namespace.withCString { strcmp(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self), $0) == 0 }
    }

    private func unexpectedEnd() -> InputError {
        InputError(.malformed, file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                   message: "the file ends inside an element")
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    // MARK: The root

    private static func readRoot(reader: xmlTextReaderPtr, errors: ErrorSink, file: String) throws(InputError) -> BatchHeader {
        while true {
            let status = xmlTextReaderRead(reader)
            if let fault = errors.first {
                throw InputError(.malformed, file: file, line: fault.line, column: fault.column, message: fault.message)
            }
            guard status == 1 else {
                throw InputError(.malformed, file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                                 message: status == 0 ? "the file has no root element" : "the XML cannot be parsed")
            }
            let type = xmlReaderTypes(UInt32(truncatingIfNeeded: xmlTextReaderNodeType(reader)))
            if type == XML_READER_TYPE_DOCUMENT_TYPE {
                throw InputError(.notABillExport, file: file, line: Int(xmlTextReaderGetParserLineNumber(reader)),
                                 message: "a DOCTYPE is not allowed in bill data (no DTDs, no entity declarations)")
            }
            if type == XML_READER_TYPE_ELEMENT { break }
        }
        let line = Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader)))
        let name = string(xmlTextReaderConstLocalName(reader))
        let uri = xmlTextReaderConstNamespaceUri(reader).map { string($0) }
        guard name == "bills", uri == namespace else {
            throw InputError(.notABillExport, file: file, line: line,
                             message: "the root element must be <bills> in namespace \(namespace), found <\(name)>"
                                 + (uri.map { " in namespace \($0)" } ?? " in no namespace"))
        }
        func attribute(_ attribute: String) -> String? {
            guard xmlTextReaderMoveToAttribute(reader, attribute) == 1 else { return nil }
            defer { xmlTextReaderMoveToElement(reader) }
            return string(xmlTextReaderConstValue(reader))
        }
        guard let periodText = attribute("period") else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> has no period attribute (YYYY-MM)")
        }
        guard let period = BillingMonth(periodText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> period \"\(periodText)\" is not a month YYYY-MM")
        }
        guard let issuedText = attribute("issued") else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> has no issued attribute (YYYY-MM-DD)")
        }
        guard let issued = CalendarDate(issuedText) else {
            throw InputError(.notABillExport, file: file, line: line, message: "<bills> issued \"\(issuedText)\" is not a date YYYY-MM-DD")
        }
        var header = BatchHeader(period: period, issued: issued)
        header.lang = xmlTextReaderConstXmlLang(reader).map { string($0) }
        return header
    }

    /// Installed once per process: libxml2 may never load an external entity
    /// or DTD. The export itself is opened by descriptor, not through this loader.
    private static let refuseExternalEntities: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()
}

/// Keeps the first error libxml2 reports for a reader.
final class ErrorSink {
    private(set) var first: (line: Int, column: Int, message: String)?

    func record(_ error: xmlError) {
        guard first == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = error.message.map { String(cString: $0) } ?? "not well-formed XML"
        while message.last?.isWhitespace == true { message.removeLast() }
        first = (Int(error.line), Int(error.int2), message)
    }
}
