import FaturaMustache
import Mustache
import Testing

/// HTML escaping, raw output, value formatting and the CONTENT_TYPE pragma.
@Suite struct EscapingTests {
    func render(_ template: String, _ context: MustacheValue, options: TemplateLibrary.Options = []) throws -> String {
        try TemplateLibrary(templates: ["t": template], options: options).render("t", context)
    }

    @Test(arguments: [
        ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;"),
    ])
    func escapesEachCharacter(character: String, entity: String) throws {
        #expect(try render("[{{x}}]", ["x": .string("a\(character)b")]) == "[a\(entity)b]")
        #expect(try render("[{{{x}}}]", ["x": .string("a\(character)b")]) == "[a\(character)b]")
        #expect(try render("[{{&x}}]", ["x": .string("a\(character)b")]) == "[a\(character)b]")
        #expect(HTMLEscape.escape(character) == entity)
    }

    @Test func escapingMatchesSwiftMustacheByteForByte() throws {
        let text = "Tom & Jerry's <b>\"best\"</b> — ممتاز & جيد > 5 'quoted'"
        let ours = try render("{{x}}|{{{x}}}", ["x": .string(text)])
        let reference = try MustacheTemplate(string: "{{x}}|{{{x}}}").render(["x": text])
        #expect(ours == reference)
    }

    @Test func nonASCIITextPassesThroughUnchanged() throws {
        let arabic = "فاتورة الكهرباء: المبلغ المستحق ٣٠٩٫٧٤ ريال"
        #expect(try render("{{x}}", ["x": .string(arabic)]) == arabic)
        #expect(try render("<p lang=\"ar\">{{x}}</p>", ["x": .string(arabic + " & 😀")])
            == "<p lang=\"ar\">\(arabic) &amp; 😀</p>")
        #expect(try render("ملخص {{x}} الفاتورة", ["x": "A"]) == "ملخص A الفاتورة")
    }

    /// Every length up to three blocks, with each of the five at every
    /// position and with none: short texts (checked in one padded block),
    /// whole blocks, and tails read in a load that overlaps the block before.
    @Test func eachEscapableAtEveryPositionOfEveryLength() throws {
        let library = try TemplateLibrary(templates: ["t": "{{x}}"])
        let entities = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")]
        for length in 0...48 {
            let plain = String(repeating: "a", count: length)
            #expect(try library.render("t", ["x": .string(plain)]) == plain)
            for position in 0..<length {
                for (character, entity) in entities {
                    let before = String(repeating: "b", count: position)
                    let after = String(repeating: "c", count: length - position - 1)
                    #expect(try library.render("t", ["x": .string(before + character + after)]) == before + entity + after, "\(length) \(position)")
                }
            }
        }
    }

    @Test func escapablesAtEveryPositionOfTheSixteenByteBlocks() throws {
        // Runs of plain text of every length around a block, then one of the five, in any mix.
        var generator = SystemRandomNumberGenerator()
        let specials: [Character] = ["&", "<", ">", "\"", "'"]
        func reference(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.append(character)
                }
            }
            return out
        }
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                text += String(repeating: Bool.random(using: &generator) ? "a" : "ب", count: Int.random(in: 0...40, using: &generator))
                if Bool.random(using: &generator) { text.append(specials.randomElement(using: &generator)!) }
            }
            #expect(try render("{{x}}", ["x": .string(text)]) == reference(text), "\(text)")
        }
    }

    @Test func longAndEmptyStrings() throws {
        let long = String(repeating: "abcdefghij", count: 50) + "<" + String(repeating: "é", count: 40)
        let expected = String(repeating: "abcdefghij", count: 50) + "&lt;" + String(repeating: "é", count: 40)
        #expect(try render("{{x}}", ["x": .string(long)]) == expected)
        #expect(try render("[{{x}}]", ["x": ""]) == "[]")
        #expect(HTMLEscape.escape("") == "")
    }

    @Test func scalarFormatting() throws {
        let context: MustacheValue = [
            "i": 85, "n": -1234567890, "zero": 0, "d": 1.5, "whole": 2.0, "small": 0.25, "t": true, "f": false,
            "null": nil, "list": ["a", 1, "<"],
        ]
        #expect(try render("{{i}} {{n}} {{zero}} {{d}} {{whole}} {{small}}", context) == "85 -1234567890 0 1.5 2 0.25")
        #expect(try render("{{t}} {{f}} [{{null}}] {{list}}", context) == "true false [] a,1,&lt;")
        #expect(try render("{{i}}", ["i": .int(Int.min)]) == "\(Int.min)")
    }

    @Test func textPragmaTurnsEscapingOffForTheRestOfTheTemplate() throws {
        let context: MustacheValue = ["x": "a<b"]
        #expect(try render("{{x}} {{% CONTENT_TYPE: TEXT }}{{x}}", context) == "a&lt;b a<b")
        #expect(try render("{{% CONTENT_TYPE: TEXT }}\n{{x}}\n{{% CONTENT_TYPE: HTML }}\n{{x}}\n", context)
            == "a<b\na&lt;b\n")
    }

    @Test func textPragmaInsideASectionEndsWithTheSection() throws {
        let context: MustacheValue = ["x": "&", "s": true]
        #expect(try render("{{#s}}{{x}}{{% CONTENT_TYPE: TEXT }}{{x}}{{/s}}{{x}}", context) == "&amp;&&amp;")
    }

    @Test func partialsStartWithHTMLEscaping() throws {
        let library = try TemplateLibrary(templates: [
            "mail": "{{% CONTENT_TYPE: TEXT }}\nSubject: {{subject}}\n{{>part}}",
            "part": "Part: {{subject}}\n",
        ])
        #expect(try library.render("mail", ["subject": "Q&A"]) == "Subject: Q&A\nPart: Q&amp;A\n")
    }

    @Test func plainTextLibraryOption() throws {
        let library = try TemplateLibrary(
            templates: ["mail": "Hi {{name}} & {{{name}}}\n{{>part}}", "part": "{{name}}"], options: .plainText)
        #expect(try library.render("mail", ["name": "<Sara>"]) == "Hi <Sara> & <Sara>\n<Sara>")
        let html = try render("{{% CONTENT_TYPE: HTML }}{{x}}", ["x": "<"], options: .plainText)
        #expect(html == "&lt;")
    }

    @Test func pragmaMatchesSwiftMustache() throws {
        let templates = [
            "main": "{{x}}\n{{% CONTENT_TYPE: TEXT }}\n{{x}} {{#s}}{{x}}{{/s}}\n{{>part}}\n{{% CONTENT_TYPE: HTML }}\n{{x}}\n",
            "part": "[{{x}}]",
        ]
        let ours = try TemplateLibrary(templates: templates).render("main", ["x": "<&>", "s": true])
        var reference = MustacheLibrary()
        for (name, source) in templates { try reference.register(source, named: name) }
        let theirs = reference.render(["x": "<&>", "s": true] as [String: Any], withTemplate: "main")
        #expect(ours == theirs)
    }
}
