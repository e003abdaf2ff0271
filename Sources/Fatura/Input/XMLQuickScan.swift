import CLibXML2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The first pass's fast way through an XML export: the `account` and
/// `number` of every bill read straight from the bytes, for a file written
/// in the plain XML an export is made of. libxml2 spends about 5 µs a bill
/// on the first pass; this, about one.
///
/// It is not a parser and checks nothing: it only finds the tags, and is
/// exact for this subset of XML: UTF-8; comments, processing instructions
/// and CDATA sections (skipped whole, as libxml2 skips them); the root
/// declaring the contract's namespace as its default one; bills (the
/// elements directly inside the root) with no namespace prefix or
/// declaration of their own, and `account` and `number` unprefixed and
/// without character or entity references. At the first thing outside it
/// (a DOCTYPE, a prefix, a reference, another encoding, a tag longer than
/// its buffer) it stops and says what it met, and the first pass starts
/// again with ``XMLIdentityScan`` (libxml2) from the top.
///
/// Nor does it look for faults; the second pass stops at one. Up to a fault
/// it sees the bills libxml2 sees (libxml2 took every byte before it), and
/// any it sees past one only add a few keys the second pass never meets. It
/// stops early at a root or bill tag that cannot be XML (an attribute with
/// no `=` or no quotes, a slash not just before `>`): a fault at the latest.
/// (An undeclared prefix is an error libxml2 reports only at the end of its
/// chunk, reading on meanwhile: hence prefixed `account` and `number` are
/// left to it.)
struct XMLQuickScan {
    enum Outcome: Equatable {
        case finished
        /// What took the file out of the subset: libxml2 must read it.
        case outside(String)
    }

    let file: String
    /// Room for the longest tag, comment or CDATA section it can read.
    var bufferSize = 1 << 20

    /// Whether the scan was checked against the libxml2 this is built with.
    /// It must see the bills libxml2 sees up to the fault libxml2 stops at,
    /// and which errors stop libxml2 (a namespace error does not stop 2.9)
    /// changes between its versions. It was checked against 2.9 (Debian
    /// 12's 2.9.14); with any other, the first pass reads with libxml2.
    static let checkedAgainstLibXML2 = isChecked(libxml2: Int(LIBXML_VERSION))

    /// Why the first pass cannot use the scan with this libxml2; nil when it can.
    static let uncheckedLibXML2: String? = checkedAgainstLibXML2
        ? nil : "the quick scan was not checked against libxml2 \(dotted(libxml2: Int(LIBXML_VERSION)))"

    static func isChecked(libxml2 version: Int) -> Bool {
        version / 100 == 209
    }

    /// A libxml2 version number (20914) as people write it (2.9.14).
    static func dotted(libxml2 version: Int) -> String {
        "\(version / 10_000).\(version / 100 % 100).\(version % 100)"
    }

    /// Calls `visit` for each bill with its raw `account` and `number` (as
    /// libxml2 gives attributes: white space normalized to spaces) and the
    /// bytes read so far; `stop` is asked before each read.
    func run(stop: () -> Bool = { false },
             _ visit: (_ account: String?, _ number: String?, _ bytesRead: Int) -> Void) throws(InputError) -> Outcome {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.unreadable, file: file, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        var tags = TagScan()
        var start = 0, end = 0, bytesRead = 0
        while !stop() {
            if start > 0 {
                if end > start { memmove(buffer, buffer + start, end - start) }
                end -= start
                start = 0
            }
            guard end < bufferSize else { return .outside("a tag, comment or CDATA section longer than \(bufferSize) bytes") }
            let count = read(descriptor, buffer + end, bufferSize - end)
            guard count >= 0 else {
                throw InputError(.unreadable, file: file, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            // What is left is cut off: a fault, for the second pass to report.
            guard count > 0 else { return .finished }
            if bytesRead == 0, let reason = Self.notUTF8(UnsafeBufferPointer(start: buffer, count: count)) {
                return .outside(reason)
            }
            end += count
            bytesRead += count
            switch tags.scan(UnsafePointer(buffer), from: start, to: end, visit: { visit($0, $1, bytesRead) }) {
            case .upTo(let next): start = next
            case .outside(let reason): return .outside(reason)
            // Nothing past it is read by the second pass.
            case .broken: return .finished
            }
        }
        return .finished
    }

    /// Why the first bytes of a file are not UTF-8 XML (a UTF-16 or UTF-32
    /// byte order mark or NUL), or nil. A declared encoding is checked
    /// with the declaration.
    static func notUTF8(_ head: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = head.first else { return nil }
        if first == 0xFE || first == 0xFF || first == 0 || head.dropFirst().first == 0 {
            return "not UTF-8 (a UTF-16 or UTF-32 file)"
        }
        // UTF-8 XML starts with its byte order mark, `<` or white space (EBCDIC's `<?xm` is 4C 6F A7 94).
        guard first == 0xEF || first == UInt8(ascii: "<") || first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D else {
            return "not UTF-8 (it does not start with `<`)"
        }
        return nil
    }
}

/// The tags of a buffer, one after another, with the depth they are at.
private struct TagScan {
    enum Step {
        /// Everything before this index is read; from it on, an unfinished tag (or nothing).
        case upTo(Int)
        case outside(String)
        /// A start tag no XML parser takes: the second pass stops there.
        case broken
    }

    var depth = 0

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")
    private static let question = UInt8(ascii: "?"), bang = UInt8(ascii: "!"), dash = UInt8(ascii: "-")
    private static let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), equals = UInt8(ascii: "=")
    private static let bracket = UInt8(ascii: "["), closingBracket = UInt8(ascii: "]"), colon = UInt8(ascii: ":")

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// The index of the first `byte` in `from..<end`.
    @inline(__always)
    private static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        guard from < end, let found = memchr(p + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - p
    }

    /// The index of the `>` ending `first first >` in `from..<end`, with
    /// `first first` at or after `from` (`-->`, `]]>`; `?>` when `first` is nil
    /// and `single` is).
    private static func findEnd(_ single: UInt8, twice: Bool, _ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        let before = twice ? 2 : 1
        var next = from + before
        while let close = find(gt, p, from: next, to: end) {
            if p[close - 1] == single && (!twice || p[close - 2] == single) { return close }
            next = close + 1
        }
        return nil
    }

    mutating func scan(_ p: UnsafePointer<UInt8>, from: Int, to end: Int,
                       visit: (_ account: String?, _ number: String?) -> Void) -> Step {
        var i = from
        while true {
            guard let open = Self.find(Self.lt, p, from: i, to: end) else { return .upTo(end) }
            i = open
            guard i + 1 < end else { return .upTo(i) }
            switch p[i + 1] {
            case Self.slash:
                guard let close = Self.find(Self.gt, p, from: i + 2, to: end) else { return .upTo(i) }
                depth -= 1
                i = close + 1
            case Self.question:
                guard let close = Self.findEnd(Self.question, twice: false, p, from: i + 2, to: end) else { return .upTo(i) }
                if let reason = Self.declaredEncoding(UnsafeBufferPointer(start: p + i, count: close + 1 - i)) {
                    return .outside(reason)
                }
                i = close + 1
            case Self.bang:
                guard i + 4 <= end else { return .upTo(i) }
                if p[i + 2] == Self.dash && p[i + 3] == Self.dash {
                    guard let close = Self.findEnd(Self.dash, twice: true, p, from: i + 4, to: end) else { return .upTo(i) }
                    i = close + 1
                } else if p[i + 2] == Self.bracket {
                    guard i + 9 <= end else { return .upTo(i) }
                    guard depth > 0, memcmp(p + i, "<![CDATA[", 9) == 0 else { return .outside("a declaration that is not a CDATA section") }
                    guard let close = Self.findEnd(Self.closingBracket, twice: true, p, from: i + 9, to: end) else { return .upTo(i) }
                    i = close + 1
                } else {
                    return .outside("a DOCTYPE or other declaration")
                }
            default:
                let level = depth + 1
                let tagEnd: Int?
                if level > 2 {
                    tagEnd = Self.skipTag(p, from: i + 1, to: end)
                } else {
                    switch Self.readTag(p, from: i + 1, to: end, level: level) {
                    case .unfinished: tagEnd = nil
                    case .outside(let reason): return .outside(reason)
                    case .broken: return .broken
                    case .read(let close, let account, let number):
                        if level == 2 {
                            visit(account.map { Self.attribute(p, $0) }, number.map { Self.attribute(p, $0) })
                        }
                        tagEnd = close
                    }
                }
                guard let close = tagEnd else { return .upTo(i) }
                // `/>`: the quotes of a value end it with a quote, so a slash here is the tag's.
                if p[close - 1] != Self.slash { depth += 1 }
                i = close + 1
            }
        }
    }

    /// The `>` of a start tag from just after its `<`, past quoted values.
    private static func skipTag(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var j = from
        while j < end {
            let byte = p[j]
            if byte == gt { return j }
            if byte == quote || byte == apostrophe {
                guard let close = find(byte, p, from: j + 1, to: end) else { return nil }
                j = close
            }
            j += 1
        }
        return nil
    }

    enum Tag {
        case unfinished
        case outside(String)
        /// Not XML: an attribute with no `=` or no quotes, a slash not before `>`.
        case broken
        /// The `>` and the values of `account` and `number`.
        case read(close: Int, account: Range<Int>?, number: Range<Int>?)
    }

    /// A start tag of the root (level 1) or of a bill (level 2), from just
    /// after its `<`, attribute by attribute.
    private static func readTag(_ p: UnsafePointer<UInt8>, from: Int, to end: Int, level: Int) -> Tag {
        var j = from
        while j < end, !isSpace(p[j]), p[j] != slash, p[j] != gt {
            if p[j] == colon { return .outside(level == 1 ? "a namespace prefix on the root" : "a namespace prefix on a bill") }
            j += 1
        }
        var account: Range<Int>?, number: Range<Int>?
        var declaresContract = false
        while true {
            while j < end, isSpace(p[j]) { j += 1 }
            guard j < end else { return .unfinished }
            if p[j] == gt || p[j] == slash {
                guard j + 1 < end || p[j] == gt else { return .unfinished }
                let close = p[j] == gt ? j : j + 1
                guard p[close] == gt else { return .broken }
                guard level == 2 || declaresContract else { return .outside("a root without the contract's default namespace") }
                return .read(close: close, account: account, number: number)
            }
            let nameStart = j
            while j < end, p[j] != equals, !isSpace(p[j]), p[j] != gt, p[j] != slash { j += 1 }
            let name = UnsafeBufferPointer(start: p + nameStart, count: j - nameStart)
            while j < end, isSpace(p[j]) { j += 1 }
            guard j < end else { return .unfinished }
            guard p[j] == equals else { return .broken }
            j += 1
            while j < end, isSpace(p[j]) { j += 1 }
            guard j < end else { return .unfinished }
            guard p[j] == quote || p[j] == apostrophe else { return .broken }
            guard let close = find(p[j], p, from: j + 1, to: end) else { return .unfinished }
            let value = j + 1 ..< close
            j = close + 1
            if name.elementsEqual("xmlns".utf8) {
                guard level == 1 else { return .outside("a namespace declaration on a bill") }
                guard UnsafeBufferPointer(start: p + value.lowerBound, count: value.count).elementsEqual(XMLBillReader.namespace.utf8) else {
                    return .outside("a root whose default namespace is not the contract's")
                }
                declaresContract = true
            } else if level == 2, name.elementsEqual("account".utf8) || name.elementsEqual("number".utf8) {
                if find(UInt8(ascii: "&"), p, from: value.lowerBound, to: value.upperBound) != nil {
                    return .outside("a reference in a bill's account or number")
                }
                // The first, as the reader takes it.
                if name.count == 7 { account = account ?? value } else { number = number ?? value }
            } else if level == 2, let separator = name.lastIndex(of: colon),
                      name[(separator + 1)...].elementsEqual("account".utf8) || name[(separator + 1)...].elementsEqual("number".utf8) {
                // Of another namespace, unless its prefix is undeclared: then libxml2
                // reports an error only at the end of its chunk, and until then
                // passes the attribute as a plain `account` or `number`.
                return .outside("a prefixed account or number on a bill")
            }
        }
    }

    /// A value as libxml2 gives it: each tab, line feed, carriage return or
    /// CR LF pair a space.
    private static func attribute(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        let bytes = UnsafeBufferPointer(start: p + range.lowerBound, count: range.count)
        guard bytes.contains(where: { $0 < 0x20 }) else { return String(decoding: bytes, as: UTF8.self) }
        var normalized: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            normalized.append(isSpace(byte) ? 0x20 : byte)
            index += 1
        }
        return String(decoding: normalized, as: UTF8.self)
    }

    /// For an XML declaration (`<?xml …?>`) naming an encoding other than
    /// UTF-8, why the file is outside the subset; nil for it, or any other
    /// processing instruction.
    private static func declaredEncoding(_ instruction: UnsafeBufferPointer<UInt8>) -> String? {
        guard instruction.count > 6, instruction[2...4].elementsEqual("xml".utf8), isSpace(instruction[5]) else { return nil }
        let text = String(decoding: instruction, as: UTF8.self)
        guard text.contains("encoding") else { return nil }
        guard let name = TextEncodingCheck.declaredEncoding(text) else { return "an XML declaration it cannot read" }
        return TextEncodingCheck.acceptedNames.contains(name.lowercased()) ? nil : "the encoding \(name)"
    }
}
