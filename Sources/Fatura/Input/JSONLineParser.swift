/// A JSON value as one line of a JSON Lines export holds it. Numbers keep
/// their exact source text (never a binary floating-point value), and
/// objects keep every member in order, repeated keys included, so a reader
/// can treat a repeated key like a repeated XML element.
enum JSONLineValue {
    case string(String)
    /// The number exactly as written: `2.400` stays `2.400`.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONLineValue])
    case object([JSONLineMember])

    /// "a string", "an object"…: for messages.
    var kind: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

struct JSONLineMember {
    var key: String
    var value: JSONLineValue
    /// The byte offset in the line where the key starts (see `JSONLineParser.column`).
    var offset: Int
}

/// A syntax error in one line, with the 1-based column (in characters) where
/// it was found.
struct JSONLineSyntaxError: Error {
    var column: Int
    var message: String
}

/// A strict RFC 8259 parser for one line's bytes (UTF-8, no line break):
/// no comments, no trailing commas, no single quotes, no bare control
/// characters in strings, no lone surrogates, at most 64 levels deep.
struct JSONLineParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    static let maxDepth = 64

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func parse(_ line: [UInt8]) throws(JSONLineSyntaxError) -> JSONLineValue {
        let result: Result<JSONLineValue, JSONLineSyntaxError> = line.withUnsafeBufferPointer { pointer in
            var parser = JSONLineParser(pointer)
            do throws(JSONLineSyntaxError) {
                parser.skipWhitespace()
                let value = try parser.value()
                parser.skipWhitespace()
                if parser.position < pointer.count { throw parser.error("unexpected text after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The 1-based column, in characters, of a byte offset in `line`.
    static func column(_ offset: Int, in line: some Collection<UInt8>) -> Int {
        1 + line.prefix(offset).count { $0 & 0xC0 != 0x80 }
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONLineSyntaxError {
        JSONLineSyntaxError(column: Self.column(offset ?? position, in: bytes), message: message)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONLineSyntaxError) -> JSONLineValue {
        guard let byte = current else { throw error("the line ends where a value is expected") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw error("unexpected \(describe(byte)), expected a value")
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return byte >= 0x80 ? "non-ASCII byte 0x\(hex)" : "control character 0x\(hex.count == 1 ? "0" + hex : hex)"
    }

    private mutating func literal(_ word: StaticString) throws(JSONLineSyntaxError) {
        let start = position
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard position + count <= bytes.count, expected.elementsEqual(bytes[position..<(position + count)]) else {
            throw error("invalid literal, expected \(word)", at: start)
        }
        position += count
    }

    private mutating func enter() throws(JSONLineSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nested more than \(Self.maxDepth) levels deep") }
    }

    private mutating func object() throws(JSONLineSyntaxError) -> JSONLineValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [JSONLineMember] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error(current.map { "unexpected \(describe($0)), expected a key in double quotes" } ?? "the line ends inside an object")
            }
            let keyOffset = position
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw error(current.map { "unexpected \(describe($0)), expected ':' after the key" } ?? "the line ends inside an object")
            }
            position += 1
            skipWhitespace()
            members.append(JSONLineMember(key: key, value: try value(), offset: keyOffset))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            case let byte?: throw error("unexpected \(describe(byte)), expected ',' or '}' after a member")
            case nil: throw error("the line ends inside an object")
            }
        }
    }

    private mutating func array() throws(JSONLineSyntaxError) -> JSONLineValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [JSONLineValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(items)
            case let byte?: throw error("unexpected \(describe(byte)), expected ',' or ']' after an item")
            case nil: throw error("the line ends inside an array")
            }
        }
    }

    private mutating func number() throws(JSONLineSyntaxError) -> String {
        let start = position
        func digits() -> Int {
            let from = position
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
            return position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("a number needs a digit after '-'")
        }
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = current, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw error("a number may not have a leading zero")
            }
        } else {
            _ = digits()
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("a number needs a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("a number needs a digit in its exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func string() throws(JSONLineSyntaxError) -> String {
        let start = position
        position += 1
        // The fast path: no escape before the closing quote.
        var end = position
        var ascii = true
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            if byte >= 0x80 { ascii = false }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let run = UnsafeBufferPointer(rebasing: bytes[position..<end])
            let text = ascii ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
            guard let text else { throw error("the string that starts here is not valid UTF-8", at: start) }
            position = end + 1
            return text
        }
        var out: [UInt8] = []
        while true {
            guard let byte = current else { throw error("the line ends inside a string that starts here", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw error("the string that starts here is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard let escape = current else { throw error("the line ends inside a string that starts here", at: start) }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = position - 2
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("a lone surrogate \\u\(String(scalar, radix: 16, uppercase: true)) is not a character", at: escapeStart)
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("a high surrogate must be followed by a low one", at: escapeStart)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("a lone surrogate \\u\(String(scalar, radix: 16, uppercase: true)) is not a character", at: escapeStart)
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw error("invalid escape: \(describe(escape)) after a backslash", at: position - 2)
                }
            case 0x00..<0x20:
                throw error("a control character must be escaped inside a string")
            default:
                out.append(byte)
                position += 1
            }
        }
    }

    private mutating func hex4() throws(JSONLineSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw error("\\u needs four hexadecimal digits") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
