import CLibXML2
import Foundation

/// The first pass over an XML export: the `account` and `number` of every
/// bill, in document order, with nothing else of the file kept. It sees the
/// document as ``XMLBillReader`` does (the same parser and options; a bill
/// is an element of the contract's namespace directly inside the root) and
/// stops at the same fault, having visited every bill before it.
struct XMLIdentityScan {
    let file: String

    /// Calls `visit` for each bill with its raw attributes and the bytes read so far.
    func run(_ visit: (_ account: String?, _ number: String?, _ bytesRead: Int) -> Void) throws(InputError) {
        let state = ScanState()
        var handler = SAXContext.handler()
        handler.startElementNs = { context, _, _, uri, _, _, attributeCount, _, attributes in
            guard let context else { return }
            let state = Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue()
            state.depth.pointee += 1
            guard state.depth.pointee == 2, let uri, xmlStrEqual(uri, XMLBillReader.namespaceBytes) == 1 else { return }
            var identity: (account: String?, number: String?) = (nil, nil)
            // The first of each, as the reader takes it (libxml2 passes an
            // attribute of an undeclared prefix as one of no namespace).
            for attribute in SAXAttributes(attributes, count: attributeCount) where attribute.uri == nil {
                if identity.account == nil, xmlStrEqual(attribute.name, "account") == 1 {
                    identity.account = attribute.value
                } else if identity.number == nil, xmlStrEqual(attribute.name, "number") == 1 {
                    identity.number = attribute.value
                }
            }
            state.identities.append(identity)
        }
        handler.endElementNs = { context, _, _, _ in
            guard let context else { return }
            Unmanaged<ScanState>.fromOpaque(context).takeUnretainedValue().depth.pointee -= 1
        }
        let source = try SAXFile(path: file, handler: handler, context: state)
        while !source.finished {
            // The bills before a fault are visited before it is thrown.
            defer {
                for (account, number) in state.identities { visit(account, number, source.bytesRead) }
                state.identities.removeAll(keepingCapacity: true)
            }
            try source.feed()
        }
    }
}

private final class ScanState: SAXContext {
    /// Behind a pointer: a stored `var` of a class is checked for exclusive
    /// access (a runtime call) at each of the two uses per element.
    let depth: UnsafeMutablePointer<Int>

    override init() {
        depth = .allocate(capacity: 1)
        depth.initialize(to: 0)
        super.init()
    }

    deinit { depth.deallocate() }

    var identities: [(account: String?, number: String?)] = []
}

/// The attributes SAX2 hands to `startElementNs`: five pointers each (local
/// name, prefix, namespace URI, value, end of value).
struct SAXAttributes: Sequence {
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    init(_ base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int32) {
        self.base = base
        self.count = base == nil ? 0 : Int(count)
    }

    struct Attribute {
        let name: UnsafePointer<xmlChar>
        let uri: UnsafePointer<xmlChar>?
        let start: UnsafePointer<xmlChar>
        let end: UnsafePointer<xmlChar>
        var value: String { String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self) }
    }

    struct Iterator: IteratorProtocol {
        let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
        let count: Int
        var index = 0

        mutating func next() -> Attribute? {
            while index < count, let base {
                defer { index += 1 }
                guard let name = base[index * 5], let start = base[index * 5 + 3], let end = base[index * 5 + 4] else { continue }
                return Attribute(name: name, uri: base[index * 5 + 2], start: start, end: end)
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(base: base, count: count) }
}
