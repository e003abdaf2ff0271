@testable import FaturaMustache
import Testing

/// Values known before rendering, folded into a copy of a library; and view
/// fields found by key number.
@Suite struct FoldingTests {
    static let templates = [
        "page": """
            {{<layout}}{{$title}}{{l.title}} · {{month}}{{/title}}{{$body}}
            <p dir="{{dir}}">{{l.hello}}, {{name}}: {{{l.raw}}} {{&l.raw}} {{l.count}}</p>
              {{>row}}
            {{#rows}}<li>{{l.item}} {{label}} {{dir}}</li>{{/rows}}
            {{^rows}}{{l.none}}{{/rows}}
            {{l.missing}}{{/body}}{{/layout}}
            """,
        "layout": "<title>{{$title}}{{/title}}</title>\n{{$body}}{{/body}}\n",
        "row": "<td>{{l.item}}</td>\n<td>{{name}}</td>\n",
        "text": "{{% CONTENT_TYPE: TEXT }}\n{{l.title}} & {{l.raw}} {{name}}\n",
    ]
    static let catalog: MustacheValue = .dictionary([
        "title": "Bill & <more>", "hello": "Hello", "raw": "<b>R&D</b>", "count": 42, "item": "Item", "none": "None",
    ])

    static func context(rows: [String]) -> MustacheValue {
        .dictionary([
            "l": catalog, "dir": "ltr", "month": "October", "name": "Amal <A>",
            "rows": .list(rows.map { .dictionary(["label": .string($0)]) }),
        ])
    }

    @Test func aFoldedLibraryRendersAsTheOriginal() throws {
        let library = try TemplateLibrary(templates: Self.templates)
        let folded = library.folding(["l", "dir"], from: .dictionary(["l": Self.catalog, "dir": "ltr"]))
        for rows in [[], ["a", "b & c"]] {
            for name in ["page", "text", "row"] {
                let expected = try library.render(name, Self.context(rows: rows))
                #expect(try folded.render(name, Self.context(rows: rows)) == expected, "\(name)")
            }
        }
        #expect(try library.render("text", Self.context(rows: [])) == "Bill & <more> & <b>R&D</b> Amal <A>\n")
    }

    @Test func foldedValuesNoLongerComeFromTheContext() throws {
        let library = try TemplateLibrary(templates: Self.templates)
        let folded = library.folding(["l"], from: .dictionary(["l": Self.catalog]))
        // The context's catalog says otherwise: the folded copy keeps the values it was given.
        let context: MustacheValue = .dictionary([
            "l": .dictionary(["title": "Other", "item": "Other"]), "dir": "rtl", "month": "M", "name": "N", "rows": [],
        ])
        let page = try folded.render("page", context)
        #expect(page.contains("<title>Bill &amp; &lt;more&gt; · M</title>"))
        #expect(page.contains("<b>R&D</b> <b>R&D</b> 42"))
        #expect(page.contains("<td>Item</td>"))
        // Not folded: the other names, sections over folded names, and names the constants lack.
        #expect(page.contains(#"<p dir="rtl">"#))
        let unfolded = try library.render("page", context)
        #expect(unfolded.contains("<title>Other · M</title>"))
    }

    @Test func aNameTheConstantsLackIsStillMissingInStrictMode() throws {
        let library = try TemplateLibrary(templates: Self.templates, options: .strict)
        let folded = library.folding(["l"], from: .dictionary(["l": Self.catalog]))
        #expect(throws: MustacheError.self) { try folded.render("page", Self.context(rows: [])) }
        var context = Self.context(rows: [])
        if case .dictionary(var values) = context, case .dictionary(var strings) = Self.catalog {
            strings["missing"] = "present"
            values["l"] = .dictionary(strings)
            context = .dictionary(values)
        }
        // Found at render time, from the context, like any other name.
        #expect(try folded.render("page", context).contains("present"))
    }

    /// Nothing indented: the folded copy also joins its literal runs.
    static let flat = [
        "page": """
            {{<layout}}
            {{$title}}{{l.title}} – {{name}}{{/title}}
            {{$body}}
            <ul>
            {{#rows}}
            <li>{{l.item}}: {{label}}{{#last}} (last){{/last}}</li>
            {{/rows}}
            {{^rows}}<li>{{l.none}}</li>{{/rows}}
            </ul>
            {{>note}}
            {{#rows}}{{l.item}}{{/rows}}{{l.title}}{{{l.raw}}} {{&name}}
            {{/body}}
            {{/layout}}
            """,
        "layout": "<html>\n<title>{{$title}}{{l.title}}{{/title}}</title>\n<body dir=\"{{dir}}\">\n{{$body}}{{/body}}\n</body>\n</html>\n",
        "note": "{{% CONTENT_TYPE: TEXT }}\n<p>{{l.title}} {{l.raw}} {{name}}</p>\n{{#rows}}{{label}} {{/rows}}\n",
    ]

    @Test func withNothingIndentedTheFoldedCopyJoinsItsLiteralsAndStillRendersTheSame() throws {
        let library = try TemplateLibrary(templates: Self.flat, options: .strict)
        let folded = library.folding(["l", "dir"], from: .dictionary(["l": Self.catalog, "dir": "ltr"]))
        for rows in [[], ["a"], ["a", "b & c"]] {
            var context = Self.context(rows: rows)
            if case .dictionary(var values) = context, case .list(let items) = values["rows"] {
                values["rows"] = .list(items.enumerated().map { index, item in
                    guard case .dictionary(var row) = item else { return item }
                    row["last"] = .bool(index == items.count - 1)
                    return .dictionary(row)
                })
                context = .dictionary(values)
            }
            let expected = try library.render("page", context)
            #expect(try folded.render("page", context) == expected, "\(rows)")
        }
        // Fewer instructions, none of them a line start or a run of lines.
        let before = library.program.instructions, after = folded.program.instructions
        #expect(after.count <= before.count * 4 / 5, "\(before.count) → \(after.count)")
        #expect(!after.contains { $0.op == .textLines || $0.op == .indent })
        #expect(before.contains { $0.op == .textLines })
    }

    @Test func aLibraryThatIndentsKeepsItsLineStarts() throws {
        let library = try TemplateLibrary(templates: Self.templates)
        let folded = library.folding(["l"], from: .dictionary(["l": Self.catalog]))
        #expect(folded.program.instructions.count == library.program.instructions.count)
        #expect(folded.program.instructions.contains { $0.op == .constant })
    }

    final class Row: MustacheObject {
        enum Field: String, CaseIterable { case label, amount }
        static let fields = MustacheFields<Field>()
        let label: String
        init(label: String) { self.label = label }
        func value(for key: MustacheKey) -> MustacheValue? {
            switch Self.fields[key] {
            case .label: .string(label)
            case .amount: 7
            case nil: nil
            }
        }
    }

    @Test func fieldsAreFoundByNumberForAnyLibraryAndByNameForKeysMadeByHand() throws {
        // Libraries compiled before and after the field table is made.
        let before = try TemplateLibrary(templates: ["t": "{{#rows}}{{label}}={{amount}} {{other}};{{/rows}}"])
        #expect(Row.fields[MustacheKey("label")] == .label)
        let after = try TemplateLibrary(templates: ["t": "{{#rows}}{{zzz}}{{amount}}/{{label}};{{/rows}}"])
        let context: MustacheValue = .dictionary([
            "rows": .list([.object(Row(label: "a")), .object(Row(label: "b"))]), "other": "o", "zzz": "z",
        ])
        #expect(try before.render("t", context) == "a=7 o;b=7 o;")
        #expect(try after.render("t", context) == "z7/a;z7/b;")
        #expect(Row.fields[MustacheKey("amount")] == .amount)
        #expect(Row.fields[MustacheKey("other")] == nil)
        #expect(Row.fields.names == ["label", "amount"])
    }
}
