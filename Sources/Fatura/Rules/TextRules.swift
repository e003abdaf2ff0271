/// Rules for free text from the input (names, areas, codes, labels).
enum TextRules {
    /// Trims XML white space, removes the bidi embedding, override and
    /// isolate controls (U+202A–U+202E, U+2066–U+2069) so no value can
    /// reorder its neighbours, and keeps everything else (ZWJ and ZWNJ included).
    /// Nil when what is left is empty or holds a control character (a line
    /// break or tab included) that could break a line or a header.
    static func clean(_ raw: String, maxScalars: Int) -> CleanResult {
        let trimmed = ContractText.trimXMLSpace(raw)
        var count = 0
        var hasBidiControl = false
        for scalar in trimmed.unicodeScalars {
            if isBidiControl(scalar) {
                hasBidiControl = true
                continue
            }
            if isControl(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                return .control
            }
            count += 1
        }
        var text = String(trimmed)
        if hasBidiControl {
            // Removing a control may leave white space at either end.
            text = String(ContractText.trimXMLSpace(String(String.UnicodeScalarView(trimmed.unicodeScalars.filter { !isBidiControl($0) }))))
        }
        if text.isEmpty { return .empty }
        if count > maxScalars { return .tooLong }
        return .ok(text)
    }

    /// Unicode's general category Cc (C0, DEL and C1), by its fixed ranges.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    enum CleanResult: Equatable {
        case ok(String)
        case empty
        case control
        case tooLong

        func problem(limit: Int) -> String {
            switch self {
            case .ok: ""
            case .empty: "is empty"
            case .control: "holds a control character (a line break, tab or other control)"
            case .tooLong: "is longer than \(limit) characters"
            }
        }
    }

    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Quotes a value for a message, shortened and with controls made visible.
    static func quoted(_ value: String) -> String {
        var shown = ""
        for scalar in value.unicodeScalars.prefix(60) {
            if isControl(scalar) || isBidiControl(scalar) {
                shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        if value.unicodeScalars.count > 60 { shown += "…" }
        return "\"\(shown)\""
    }
}
