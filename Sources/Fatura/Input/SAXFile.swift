import CLibXML2
import Foundation

/// What the SAX callbacks of a parse report besides the document: libxml2's
/// first error, and whether a DOCTYPE came (refused: no DTDs in bill data).
/// The handlers set here are the only ones besides a pass's own element and
/// text callbacks: no entity declaration, external subset or entity lookup.
class SAXContext {
    let errors = ErrorSink()
    var sawDoctype = false
    /// The parser feeding the callbacks (set once it exists).
    fileprivate(set) var parser: xmlParserCtxtPtr?

    /// The line the parser is on: in a callback, where the tag it reports ends.
    var line: Int { parser.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0 }

    /// Callbacks every parse of an export has: a DOCTYPE is noted (and the
    /// parse stopped by the feeder), errors are kept.
    static func handler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            let state = Unmanaged<SAXContext>.fromOpaque(context).takeUnretainedValue()
            state.sawDoctype = true
            // Stopped here, before its declarations are even read (none would be kept:
            // there is no entity or subset callback, and no entity loader).
            if let parser = state.parser { xmlStopParser(parser) }
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            Unmanaged<SAXContext>.fromOpaque(context).takeUnretainedValue().errors.record(error.pointee)
        }
        return handler
    }
}

/// An export file fed to libxml2's push parser a chunk at a time, with
/// `SAXContext` callbacks: the same options for every pass (no network,
/// lines past 65,535 kept, CDATA as text, the predefined entities replaced
/// in attributes as in text; no DTD gets as far as declaring anything).
final class SAXFile {
    let file: String
    private let descriptor: Int32
    private let parser: xmlParserCtxtPtr
    private let context: SAXContext
    private var buffer = [CChar](repeating: 0, count: 1 << 16)
    private(set) var bytesRead = 0
    private(set) var finished = false

    init(path: String, handler: xmlSAXHandler, context: SAXContext) throws(InputError) {
        XMLBillReader.refuseExternalEntities()
        file = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.unreadable, file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var handler = handler
        guard let parser = xmlCreatePushParserCtxt(&handler, Unmanaged.passUnretained(context).toOpaque(), nil, 0, path) else {
            close(descriptor)
            throw InputError(.unreadable, file: path, message: "cannot read the file as XML")
        }
        _ = xmlCtxtUseOptions(parser, XMLBillReader.parserOptions)
        context.parser = parser
        self.parser = parser
        self.context = context
    }

    deinit {
        xmlFreeParserCtxt(parser)
        close(descriptor)
    }

    /// Parses the next chunk of the file (at its end, finishes the document);
    /// the callbacks run meanwhile. Throws for a read error, a DOCTYPE or a
    /// fault in the XML, which stop the parse.
    func feed() throws(InputError) {
        guard !finished else { return }
        let first = bytesRead == 0
        var count = 0
        // The first chunk is read through the end of the XML declaration, whose
        // encoding is checked (a pipe may give a few bytes at a time).
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadable, file: file, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            count += got
            guard first, got > 0, count < buffer.count else { break }
            let declaration = buffer.withUnsafeBytes { TextEncodingCheck.declarationEnd(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            // Enough to tell: past a byte order mark's room and not in an unfinished declaration.
            if count >= 8, !declaration.isDeclaration || declaration.end != nil { break }
        }
        bytesRead += count
        finished = count == 0
        if first, let fault = buffer.withUnsafeBytes({ TextEncodingCheck.xmlFault(UnsafeRawBufferPointer(rebasing: $0[..<count])) }) {
            finished = true
            throw InputError(.notABillExport, file: file, line: 1, message: fault)
        }
        let status = buffer.withUnsafeBufferPointer { xmlParseChunk(parser, $0.baseAddress, Int32(count), finished ? 1 : 0) }
        if context.sawDoctype {
            finished = true
            throw InputError(.notABillExport, file: file, line: line,
                             message: "a DOCTYPE is not allowed in bill data (no DTDs, no entity declarations)")
        }
        if let fault = context.errors.first {
            finished = true
            throw InputError(.malformed, file: file, line: fault.line, column: fault.column, message: fault.message)
        }
        if xmlDictSize(parser.pointee.dict) > Self.nameLimit {
            finished = true
            throw InputError(.notABillExport, file: file, line: line, message: "the file has over 20,000 different names of elements, attributes and namespace prefixes and URIs (a bill export has about 100): stopped, as the XML library slows with every new name and reading on could take hours")
        }
        if status != 0 {
            finished = true
            throw InputError(.malformed, file: file, line: line, column: Int(xmlSAX2GetColumnNumber(parser)),
                             message: "the XML cannot be parsed")
        }
    }

    private var line: Int { Int(xmlSAX2GetLineNumber(parser)) }

    /// The most distinct names a file may have. libxml2 2.9 keeps names in a
    /// dictionary of at most 16,384 buckets, so each name past ~50,000 makes
    /// every lookup slower: 20,000 bills of 100 made-up element names each
    /// took over two minutes to read. Checked after each 64 KiB chunk (which
    /// adds at most a few thousand names), so the dictionary stays small.
    static let nameLimit = 20_000
}

/// Keeps the first error libxml2 reports for a parse.
final class ErrorSink {
    private(set) var first: (line: Int, column: Int, message: String)?

    func record(_ error: xmlError) {
        guard first == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = error.message.map { String(cString: $0) } ?? "not well-formed XML"
        while message.last?.isWhitespace == true { message.removeLast() }
        first = (Int(error.line), Int(error.int2), message)
    }

    /// A fault of the reader's own (the file is XML, but not one a bill
    /// can be read from as it stands): kept as libxml2's are.
    func record(line: Int, column: Int, message: String) {
        guard first == nil else { return }
        first = (line, column, message)
    }
}

extension UnsafePointer where Pointee == xmlChar {
    /// A libxml2 string (UTF-8, NUL-terminated).
    var string: String { String(cString: self) }
}
