import FaturaMustache
import Foundation
import Testing

/// The JSON → MustacheValue decoder.
@Suite struct JSONTests {
    @Test func booleansAreNotNumbers() throws {
        let value = try MustacheValue(json: #"{"t": true, "f": false, "one": 1, "zero": 0, "n": null}"#)
        guard case .dictionary(let d) = value else {
            Issue.record("not a dictionary")
            return
        }
        guard case .bool(true)? = d["t"], case .bool(false)? = d["f"], case .int(1)? = d["one"],
            case .int(0)? = d["zero"], case .null? = d["n"]
        else {
            Issue.record("wrong types: \(d)")
            return
        }
        // And they behave as such in templates.
        let library = try TemplateLibrary(templates: ["t": "{{#f}}F{{/f}}{{#zero}}Z{{/zero}}{{t}}{{one}}"])
        #expect(try library.render("t", value) == "Ztrue1")
    }

    @Test func aKeyGivenTwice() throws {
        let text = "{\n  \"a\": 1,\n  \"b\": {\"a\": 2},\n  \"a\": 3\n}"
        guard case .dictionary(let last) = try MustacheValue(json: text), case .int(let a) = last["a"] else {
            Issue.record("not a dictionary with a number")
            return
        }
        #expect(a == 3, "the last one wins by default")
        let error = try #require(throws: MustacheError.self) { try MustacheValue(json: Array(text.utf8), refusingDuplicateKeys: true) }
        #expect(error.description == "line 4, column 3: invalid JSON: the key \"a\" is given twice in this object")
        // The same key in another object is no repeat.
        #expect(throws: Never.self) { try MustacheValue(json: Array("{\"a\": {\"a\": 1}}".utf8), refusingDuplicateKeys: true) }
    }

    @Test func numbers() throws {
        let value = try MustacheValue(json: "[0, -7, 1.5, -2.25e2, 1E3, 12345678901234567890, 3.0]")
        guard case .list(let items) = value, items.count == 7 else {
            Issue.record("bad list")
            return
        }
        guard case .int(0) = items[0], case .int(-7) = items[1], case .double(1.5) = items[2],
            case .double(-225) = items[3], case .double(1000) = items[4], case .double = items[5],
            case .double(3.0) = items[6]
        else {
            Issue.record("wrong numbers: \(items)")
            return
        }
        let library = try TemplateLibrary(templates: ["t": "{{#.}}{{.}} {{/.}}"])
        #expect(try library.render("t", value) == "0 -7 1.5 -225 1000 1.2345678901234567e+19 3 ")
    }

    @Test func nestedStructures() throws {
        let value = try MustacheValue(json: #" { "a" : [ {"b": {"c": [1, [2, {"d": "deep"}]]}} ], "e": {} } "#)
        let library = try TemplateLibrary(templates: ["t": "{{#a}}{{#b.c}}{{#.}}{{d}}{{/.}}{{/b.c}}{{/a}}"])
        #expect(try library.render("t", value) == "deep")
    }

    @Test func stringEscapes() throws {
        let value = try MustacheValue(json: #"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u0645\u0631", "\ud83d\ude00 \uD83C\uDDF8\uD83C\uDDE6", "plain é"]"#)
        guard case .list(let items) = value,
            case .string(let first) = items[0], case .string(let second) = items[1],
            case .string(let third) = items[2], case .string(let fourth) = items[3]
        else {
            Issue.record("bad strings")
            return
        }
        #expect(first == "a\"b\\c/d\u{8}\u{c}\n\r\t")
        #expect(second == "éمر")
        #expect(third == "😀 🇸🇦")
        #expect(fourth == "plain é")
    }

    @Test func dataAndByteInput() throws {
        let data = Data(#"{"x": "ممتاز"}"#.utf8)
        guard case .dictionary(let d) = try MustacheValue(json: data), case .string("ممتاز")? = d["x"] else {
            Issue.record("bad data decode")
            return
        }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[true]".utf8)
        guard case .list(let items) = try MustacheValue(json: bom), case .bool(true)? = items.first else {
            Issue.record("bad BOM decode")
            return
        }
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9), ("[1 2]", 1, 4), ("\"abc", 1, 1), ("{\"a\"\n: tru}", 2, 3), ("[\"\\ud800\"]", 1, 3),
        ("[\"\\udc00\"]", 1, 3), ("[01]", 1, 3), ("[1.]", 1, 4), ("", 1, 1), ("[\"\\x\"]", 1, 3), ("[1] 2", 1, 5),
        ("[\"a\nb\"]", 1, 4),
    ])
    func invalidJSONIsReportedWithPosition(text: String, line: Int, column: Int) throws {
        do {
            _ = try MustacheValue(json: text)
            Issue.record("expected an error for \(text.debugDescription)")
        } catch let error as MustacheError {
            #expect(error.code == .invalidJSON)
            #expect(error.line == line, "\(text.debugDescription): \(error)")
            #expect(error.column == column, "\(text.debugDescription): \(error)")
        }
    }

    @Test func deepNestingIsRejected() {
        let text = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: MustacheError.self) { _ = try MustacheValue(json: text) }
    }
}
