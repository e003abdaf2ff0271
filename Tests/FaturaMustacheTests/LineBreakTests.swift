import FaturaMustache
import Testing

/// Templates compiled with CRLF line breaks (an e-mail's parts).
@Suite struct LineBreakTests {
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\r\n")
    }

    static let templates = [
        // Sections, inverted sections, standalone lines, escaped and raw values, text before values, a pragma.
        "mail": "Dear {{name}},\n{{#rows}}\n  - {{label}}: {{{amount}}}\n{{/rows}}\n{{^rows}}\nnothing\n{{/rows}}\n{{% CONTENT_TYPE: TEXT }}\n{{note}} & more\n\n",
        "plain": "no line break {{name}}",
        // Left as they are: one calls a partial, one already holds a CR.
        "calls": "top\n{{> part}}\nend\n",
        "part": "  part {{name}}\n",
        "crlf": "already\r\n{{name}}\n",
    ]

    static let context: MustacheValue = [
        "name": "Sara & Ali <b>",
        "rows": [["label": "water", "amount": "<1.250>"], ["label": "power", "amount": "2.000"]],
        "note": "a \"note\"",
    ]

    @Test func changedTemplatesRenderTheirTextWithCRLF() throws {
        let library = try TemplateLibrary(templates: Self.templates)
        let changed = library.withCRLFLineBreaks(inTemplates: ["mail", "plain", "calls", "crlf"])
        for name in ["mail", "plain"] {
            let original = try library.render(name, Self.context)
            #expect(try changed.render(name, Self.context) == Self.crlf(original), "\(name)")
        }
        #expect(try changed.render("mail", Self.context).contains("\r\n  - water: <1.250>\r\n"))
        // Not changed: a template calling a partial, one with a CR, and one not named.
        for name in ["calls", "crlf", "part"] {
            #expect(try changed.render(name, Self.context) == (try library.render(name, Self.context)), "\(name)")
        }
        // Empty lists and other contexts take the other branches alike.
        let empty: MustacheValue = ["name": "x", "rows": [], "note": ""]
        #expect(try changed.render("mail", empty) == Self.crlf(try library.render("mail", empty)))
    }

    /// A changed template called as an indented partial: its lines still
    /// take the indentation, after each CRLF (the line starts moved with the CRs).
    @Test func anIndentedPartialKeepsItsIndentation() throws {
        let library = try TemplateLibrary(templates: ["outer": "x\n  {{> inner}}\ny\n", "inner": "a {{name}}\nb\n\nc\n"])
        let changed = library.withCRLFLineBreaks(inTemplates: ["inner"])
        #expect(try library.render("outer", ["name": "1"]) == "x\n  a 1\n  b\n  \n  c\ny\n")
        #expect(try changed.render("outer", ["name": "1"]) == "x\n  a 1\r\n  b\r\n  \r\n  c\r\ny\n")
        #expect(try changed.render("inner", ["name": "1"]) == "a 1\r\nb\r\n\r\nc\r\n")
    }

    @Test func foldedValuesAreChangedWithTheirText() throws {
        let library = try TemplateLibrary(templates: ["t": "{{l.hello}}\n{{name}}\n{{l.bye}}\n"])
        let folded = library.folding(["l"], from: ["l": ["hello": "Hello <you>", "bye": "Bye"]])
        let changed = folded.withCRLFLineBreaks(inTemplates: ["t"])
        let context: MustacheValue = ["name": "Sara", "l": ["hello": "Hello <you>", "bye": "Bye"]]
        #expect(try changed.render("t", context) == "Hello &lt;you&gt;\r\nSara\r\nBye\r\n")
        #expect(try changed.render("t", context) == Self.crlf(try library.render("t", context)))
    }
}
