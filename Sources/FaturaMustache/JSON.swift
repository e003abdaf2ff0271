/// A small, strict JSON decoder (RFC 8259) producing ``MustacheValue``.
///
/// Objects become ``MustacheValue/dictionary(_:)``, arrays ``MustacheValue/list(_:)``,
/// numbers without fraction or exponent that fit in `Int` become
/// ``MustacheValue/int(_:)``, other numbers ``MustacheValue/double(_:)``,
/// `true`/`false` ``MustacheValue/bool(_:)`` and `null` ``MustacheValue/null``.
/// String escapes, including `\u` surrogate pairs, are decoded; lone
/// surrogates are rejected. Duplicate object keys: the last one wins, or,
/// with `refusingDuplicateKeys`, an error naming the second.
extension MustacheValue {
    /// Decodes JSON text.
    /// - Throws: ``MustacheError`` with code ``MustacheError/Code/invalidJSON``,
    ///   naming line and column of the problem.
    public init(json: String) throws {
        var text = json
        self = try text.withUTF8 { try JSONReader.decode($0) }
    }

    /// Decodes JSON bytes (UTF-8), e.g. `Data` or `[UInt8]`.
    public init<Bytes: Collection>(json bytes: Bytes, refusingDuplicateKeys: Bool = false) throws where Bytes.Element == UInt8 {
        if let value = try bytes.withContiguousStorageIfAvailable({ try JSONReader.decode($0, refusingDuplicateKeys: refusingDuplicateKeys) }) {
            self = value
        } else {
            let array = Array(bytes)
            self = try array.withUnsafeBufferPointer { try JSONReader.decode($0, refusingDuplicateKeys: refusingDuplicateKeys) }
        }
    }
}

/// Recursive-descent JSON decoder over UTF-8 bytes.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    private static let maxDepth = 512
    private var refusingDuplicateKeys = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, refusingDuplicateKeys: Bool = false) throws -> MustacheValue {
        var decoder = JSONReader(bytes)
        decoder.refusingDuplicateKeys = refusingDuplicateKeys
        // Skip a UTF-8 byte order mark.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { decoder.position = 3 }
        decoder.skipWhitespace()
        let value = try decoder.parseValue()
        decoder.skipWhitespace()
        if decoder.position < bytes.count { throw decoder.error("unexpected data after the JSON value") }
        return value
    }

    private func error(_ message: String, at offset: Int? = nil) -> MustacheError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < offset {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return MustacheError(.invalidJSON, "invalid JSON: \(message)", line: line, column: column)
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

    private mutating func parseValue() throws -> MustacheValue {
        guard let byte = current else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character, expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("invalid literal, expected '\(literal)'") }
        for i in 0..<count where bytes[position + i] != literal.utf8Start[i] {
            throw error("invalid literal, expected '\(literal)'")
        }
        position += count
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws -> MustacheValue {
        try enter()
        defer { depth -= 1 }
        position += 1  // {
        var dictionary: [String: MustacheValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .dictionary(dictionary)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
            let keyStart = position
            let key = try parseString()
            if refusingDuplicateKeys, dictionary[key] != nil {
                throw error("the key \"\(key)\" is given twice in this object", at: keyStart)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
            position += 1
            skipWhitespace()
            dictionary[key] = try parseValue()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .dictionary(dictionary)
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func parseArray() throws -> MustacheValue {
        try enter()
        defer { depth -= 1 }
        position += 1  // [
        var items: [MustacheValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .list(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .list(items)
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseString() throws -> String {
        let start = position
        position += 1  // opening quote
        var runStart = position
        var out: [UInt8] = []
        var escaped = false
        while true {
            guard position < bytes.count else { throw error("unterminated string", at: start) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if !escaped {
                    let run = UnsafeBufferPointer(rebasing: bytes[runStart..<position])
                    position += 1
                    return try validated(run, at: runStart)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                position += 1
                return try validated(out, at: runStart)
            } else if byte == UInt8(ascii: "\\") {
                if !escaped {
                    escaped = true
                    out.reserveCapacity(position - runStart + 16)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                position += 1
                guard let code = current else { throw error("unterminated escape") }
                position += 1
                switch code {
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
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired high surrogate in \\u escape", at: escapeStart) }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("invalid low surrogate in \\u escape", at: escapeStart)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired low surrogate in \\u escape", at: escapeStart)
                    }
                    // Unicode.Scalar(UInt32) fails only for surrogates, excluded above.
                    let unicodeScalar = Unicode.Scalar(scalar)!
                    out.append(contentsOf: UTF8.encode(unicodeScalar)!)
                default:
                    throw error("invalid escape '\\\(Unicode.Scalar(code))'", at: position - 2)
                }
                runStart = position
            } else if byte < 0x20 {
                throw error("unescaped control character in string")
            } else {
                position += 1
            }
        }
    }

    private func validated<C: Collection>(_ utf8: C, at offset: Int) throws -> String where C.Element == UInt8 {
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: offset)
        }
        return string
    }

    private mutating func parseNumber() throws -> MustacheValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("invalid number")
        }
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() > 0 else { throw error("expected digits after '.' in number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() > 0 else { throw error("expected digits in number exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let int = Int(text) { return .int(int) }
        guard let double = Double(text) else { throw error("invalid number", at: start) }
        return .double(double)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }
}
