/// Writes JSON by hand with a fixed key order, so output files are
/// byte-identical from run to run.
enum JSONText {
    /// A JSON string literal: quotes, backslashes and every control
    /// character escaped; U+2028 and U+2029 too, for JavaScript consumers.
    static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    /// The same, appended as UTF-8 bytes: a text that needs no escape is
    /// copied as it is, any other goes through the escaping of the `String` version.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        var text = text
        if !text.withUTF8({ $0.contains(where: mayNeedEscape) }) {
            out.append(UInt8(ascii: "\""))
            text.withUTF8 { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
        } else {
            var quoted = ""
            appendQuoted(text, to: &quoted)
            out.append(contentsOf: quoted.utf8)
        }
    }

    /// A whole number in decimal, as `String(value)` writes it.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = scratch.count
            repeat {
                position -= 1
                scratch[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: scratch[position...])
        }
    }

    /// Whether `byte` may start something a JSON string escapes: a control,
    /// `"`, a backslash, DEL, or E2 (the first byte of U+2028 and U+2029).
    @inline(__always)
    private static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xE2
    }

    /// Appends `text` as a JSON string literal to `out` (no string of its own when nothing needs escaping).
    static func appendQuoted(_ text: String, to out: inout String) {
        // Most values need no escape at all: U+2028 and U+2029 are E2 80 A8/A9
        // in UTF-8, so only a text with an E2 byte is looked at more closely.
        var plain = !text.utf8.contains(where: mayNeedEscape)
        if !plain {
            var previous: (UInt8, UInt8) = (0, 0)
            plain = text.utf8.allSatisfy { byte in
                defer { previous = (previous.1, byte) }
                return byte >= 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                    && !(previous == (0xE2, 0x80) && (byte == 0xA8 || byte == 0xA9))
            }
        }
        out += "\""
        defer { out += "\"" }
        if plain {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    enum Value {
        case string(String)
        case int(Int64)
        case bool(Bool)
        case null
        case strings([String])
        case ints([Int64])
        case object([(String, Value)])
        case array([Value])
        /// JSON text written as it is.
        case raw(String)
    }

    /// One object on one line: `{"a":1,"b":"x"}`.
    static func object(_ fields: [(String, Value)]) -> String {
        var out = "{"
        out.reserveCapacity(fields.count * 24)
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            appendQuoted(field.0, to: &out)
            out += ":"
            out += render(field.1, indent: nil)
        }
        return out + "}"
    }

    /// An object over several lines, two spaces an indent level.
    static func pretty(_ fields: [(String, Value)]) -> String {
        render(.object(fields), indent: "") + "\n"
    }

    private static func render(_ value: Value, indent: String?) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .raw(let text): return text
        case .strings(let items): return "[" + items.map(quoted).joined(separator: ",") + "]"
        case .ints(let items): return "[" + items.map(String.init).joined(separator: ", ") + "]"
        case .array(let items):
            guard let indent else { return "[" + items.map { render($0, indent: nil) }.joined(separator: ",") + "]" }
            if items.isEmpty { return "[]" }
            let inner = indent + "  "
            return "[\n" + items.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let fields):
            guard let indent else { return object(fields) }
            if fields.isEmpty { return "{}" }
            let inner = indent + "  "
            return "{\n" + fields.map { inner + quoted($0.0) + ": " + render($0.1, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }
}
