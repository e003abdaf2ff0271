import CLibXML2
import Foundation

/// The first pass over an XML export: the `account` and `number` of every
/// bill, in document order, through libxml2's SAX parser, which builds no
/// tree (the text reader builds and frees a node for everything in the
/// file, which made this pass cost most of what reading the bills does).
///
/// It sees the document as ``XMLBillReader`` does: the same parser, the same
/// options, a bill is an element of the contract's namespace directly inside
/// the root, and attribute values come decoded and normalised the same way;
/// the first fault stops it with libxml2's message and position.
struct XMLIdentityScan {
    let file: String

    /// Calls `visit` for each bill with its raw attributes and the bytes read so far.
    func run(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int) -> Void) throws(InputError) {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.unreadable, file: file, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }

        let state = ScanState()
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            guard let context else { return }
            let state = Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue()
            state.depth += 1
            guard state.depth == 2, let uri, xmlStrEqual(uri, XMLBillReader.namespaceBytes) == 1, let attributes else { return }
            var account: String?
            var number: String?
            for index in 0..<Int(attributeCount) {
                // Five pointers an attribute: local name, prefix, URI, value, end of value.
                guard attributes[index * 5 + 2] == nil, let name = attributes[index * 5],
                      let value = attributes[index * 5 + 3], let end = attributes[index * 5 + 4] else { continue }
                let text = String(decoding: UnsafeBufferPointer(start: value, count: end - value), as: UTF8.self)
                if xmlStrEqual(name, "account") == 1 { account = text } else if xmlStrEqual(name, "number") == 1 { number = text }
            }
            state.identities.append((account, number))
            _ = localName
        }
        handler.endElementNs = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue().depth -= 1
        }
        // The reader has refused a DTD before the root already; one here stops the scan all the same.
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue().sawDoctype = true
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue().errors.record(error.pointee)
        }

        let context = Unmanaged.passUnretained(state).toOpaque()
        guard let parser = xmlCreatePushParserCtxt(&handler, context, nil, 0, file) else {
            throw InputError(.unreadable, file: file, message: "cannot read the file as XML")
        }
        defer { xmlFreeParserCtxt(parser) }
        // Entities replaced: only the predefined ones can occur (no DTD, no entity declarations are
        // kept), and SAX then hands over `&amp;` decoded, as the reader's attributes are.
        _ = xmlCtxtUseOptions(parser, XMLBillReader.parserOptions | Int32(XML_PARSE_NOENT.rawValue))

        var buffer = [CChar](repeating: 0, count: 1 << 18)
        var bytesRead = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else {
                throw InputError(.unreadable, file: file, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            bytesRead += count
            let status = buffer.withUnsafeBufferPointer { xmlParseChunk(parser, $0.baseAddress, Int32(count), count == 0 ? 1 : 0) }
            if state.sawDoctype { xmlStopParser(parser) }
            for (account, number) in state.identities { visit(account, number, bytesRead) }
            state.identities.removeAll(keepingCapacity: true)
            if state.sawDoctype {
                throw InputError(.notABillExport, file: file, line: Int(xmlSAX2GetLineNumber(parser)),
                                 message: "a DOCTYPE is not allowed in bill data (no DTDs, no entity declarations)")
            }
            if let fault = state.errors.first {
                throw InputError(.malformed, file: file, line: fault.line, column: fault.column, message: fault.message)
            }
            if status != 0 {
                throw InputError(.malformed, file: file, line: Int(xmlSAX2GetLineNumber(parser)),
                                 column: Int(xmlSAX2GetColumnNumber(parser)), message: "the XML cannot be parsed")
            }
            if count == 0 { return }
        }
    }
}

/// What the SAX callbacks of one scan share.
private final class ScanState {
    var depth = 0
    var identities: [(account: String?, number: String?)] = []
    var sawDoctype = false
    let errors = ErrorSink()
}
