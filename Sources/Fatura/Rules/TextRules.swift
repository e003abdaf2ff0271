/// Rules for free text from the input (names, areas, codes, labels).
enum TextRules {
    /// Trims XML white space, makes each run of white space holding a line
    /// break or tab one space (a name an exporter wrapped over two lines is
    /// the same name, and no line break may reach a header or an SMS),
    /// removes the bidi embedding, override and isolate controls
    /// (U+202A–U+202E, U+2066–U+2069) so no value can reorder its
    /// neighbours, and keeps everything else (ZWJ and ZWNJ included).
    /// Empty when nothing is left; a control when it holds any other control
    /// character (or U+2028, U+2029), which could break a line or a header.
    /// For an identifier (a meter id), a line break or tab is a control like
    /// any other: an id is not changed without a word.
    static func clean(_ raw: String, maxScalars: Int, identifier: Bool = false) -> CleanResult {
        var raw = raw
        // One pass over the UTF-8 (names, labels and address parts: a dozen a
        // bill): the trimmed range, its scalars, and whether it holds a
        // line break or tab, a control, U+2028/U+2029 or a bidi control,
        // found from their bytes.
        let scan = raw.withUTF8 { bytes -> (start: Int, end: Int, count: Int, bidi: Bool, breaks: Bool)? in
            let trimmed = ContractText.trimXMLSpace(utf8: bytes)
            let start = trimmed.baseAddress.map { $0 - bytes.baseAddress! } ?? 0
            var count = 0
            var bidi = false
            var breaks = false
            var index = 0
            while index < trimmed.count {
                let byte = trimmed[index]
                if byte < 0x80 {
                    if byte == 0x09 || byte == 0x0A || byte == 0x0D {
                        breaks = true
                    } else if byte < 0x20 || byte == 0x7F {
                        return nil
                    }
                } else if byte == 0xC2, trimmed[index + 1] <= 0x9F {
                    return nil  // C1 controls, U+0080–U+009F
                } else if byte == 0xE2 {
                    let (second, third) = (trimmed[index + 1], trimmed[index + 2])
                    if second == 0x80, third == 0xA8 || third == 0xA9 { return nil }  // U+2028, U+2029
                    if (second == 0x80 && (0xAA...0xAE).contains(third)) || (second == 0x81 && (0xA6...0xA9).contains(third)) {
                        bidi = true  // U+202A–U+202E, U+2066–U+2069: not counted
                        index += 3
                        continue
                    }
                }
                if byte & 0xC0 != 0x80 { count += 1 }
                index += 1
            }
            return (start, start + trimmed.count, count, bidi, breaks)
        }
        guard let scan, !(identifier && scan.breaks) else { return .control }
        var text = scan.start == 0 && scan.end == raw.utf8.count
            ? raw
            : raw.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[scan.start..<scan.end]), as: UTF8.self) }
        if scan.bidi {
            // Removing a control may leave white space at either end.
            text = String(ContractText.trimXMLSpace(String(String.UnicodeScalarView(text.unicodeScalars.filter { !isBidiControl($0) }))))
        }
        var count = scan.count
        if scan.breaks {
            text = oneSpaceForBreaks(text)
            count = text.unicodeScalars.count
        }
        if text.isEmpty { return .empty }
        if count > maxScalars { return .tooLong }
        return .ok(text)
    }

    /// `text` (trimmed) with each run of XML white space that holds a tab,
    /// CR or LF made one space; runs of spaces alone are kept as they are.
    static func oneSpaceForBreaks(_ text: String) -> String {
        var out: [UInt8] = []
        var utf8 = Array(text.utf8)
        utf8.append(0)  // ends the last run
        var run = 0..<0
        var runBreaks = false
        for (index, byte) in utf8.enumerated() {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                if run.isEmpty { run = index..<index }
                run = run.lowerBound..<(index + 1)
                runBreaks = runBreaks || byte != 0x20
                continue
            }
            if !run.isEmpty {
                if runBreaks { out.append(0x20) } else { out.append(contentsOf: utf8[run]) }
                run = 0..<0
                runBreaks = false
            }
            if index < utf8.count - 1 { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
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
            case .control: "holds a control character"
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
