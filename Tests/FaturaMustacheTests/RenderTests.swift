import FaturaMustache
import Testing

/// Rendering behaviour beyond the spec files: indentation of nested partials
/// and partials inside parents, large outputs, concurrency, buffers, context.
@Suite struct RenderTests {
    @Test func aTableAnswersLikeADictionaryForAnyLibrary() throws {
        let strings: [String: MustacheValue] = ["title": "Bill & more", "due": "30 Nov", "unused": "x"]
        let library = try TemplateLibrary(templates: ["page": "{{l.title}}|{{l.due}}|{{l.missing}}|{{#l.due}}yes{{/l.due}}"])
        let table = MustacheTable(strings)
        let expected = try library.render("page", ["l": .dictionary(strings)])
        #expect(try library.render("page", ["l": .object(table)]) == expected)
        #expect(expected == "Bill &amp; more|30 Nov||yes")
        // Another library, compiled after the table, interns other names at the same ids: still the right answers.
        let other = try TemplateLibrary(templates: ["page": "{{l.unused}} {{l.due}} {{l.title}}"])
        #expect(try other.render("page", ["l": .object(table)]) == "x 30 Nov Bill &amp; more")
        // And a key made by hand.
        guard case .string(let due)? = table.value(for: MustacheKey("due")) else {
            Issue.record("a key made by hand is answered")
            return
        }
        #expect(due == "30 Nov")
        #expect(table.value(for: MustacheKey("missing")) == nil)
    }

    /// Forty sections deep, past the sixteen contexts the stack starts with,
    /// so the stack moves to the heap while values (objects, strings in
    /// lists, dictionaries) are on it: every level still answers, and a
    /// name missing at the deepest level is still an error in strict mode.
    /// What the root memo keeps for a render (an object asked for by a
    /// section and by a dotted name) is released when the render ends.
    @Test func valuesKeptForARenderAreReleasedAfterIt() throws {
        final class Leaf: MustacheObject {
            func value(for key: MustacheKey) -> MustacheValue? { key.name == "x" ? "1" : nil }
        }
        final class Root: MustacheObject {
            let leaf = Leaf()
            func value(for key: MustacheKey) -> MustacheValue? {
                switch key.name {
                case "leaf": .object(leaf)
                case "n": 1
                default: nil
                }
            }
        }
        let library = try TemplateLibrary(templates: ["t": "{{#leaf}}{{x}}{{/leaf}}{{leaf.x}}{{n}}{{missing}}"])
        weak var leaf: Leaf?
        do {
            let root = Root()
            leaf = root.leaf
            for _ in 0..<3 { #expect(try library.render("t", .object(root)) == "111") }
        }
        #expect(leaf == nil, "a value kept for a render outlived it")
    }

    @Test func deepNestingMovesTheContextStackAndKeepsEveryValue() throws {
        final class Level: MustacheObject {
            let depth: Int
            let inner: MustacheValue
            init(_ depth: Int, inner: MustacheValue) { self.depth = depth; self.inner = inner }
            func value(for key: MustacheKey) -> MustacheValue? {
                switch key.name {
                case "d\(depth)": .string("level \(depth)")
                case "next": inner
                default: nil
                }
            }
        }
        let depth = 40
        var value: MustacheValue = ["leaf": "bottom & end"]
        for level in stride(from: depth - 1, through: 0, by: -1) {
            // Every third level a list of one object, every other one a dictionary, else an object.
            let object = Level(level, inner: value)
            value = level % 3 == 0 ? .list([.object(object)]) : level % 3 == 1 ? .object(object) : .dictionary(["d\(level)": .string("level \(level)"), "next": value])
        }
        var source = ""
        for level in 0..<depth { source += "{{#next}}" + (level % 5 == 0 ? "[{{d0}}]" : "") + "{{d\(level)}}," }
        source += "{{#next}}{{leaf}}{{/next}}|{{d0}}|{{d39}}|{{MISSING}}"
        for _ in 0..<depth { source += "{{/next}}" }
        let root: MustacheValue = ["next": value, "d0": "root"]
        let library = try TemplateLibrary(templates: ["deep": source])
        let output = try library.render("deep", root)
        var expected = ""
        for level in 0..<depth {
            // `d0` climbs to the nearest context that has it: level 0's object, once it is on the stack.
            expected += (level % 5 == 0 ? "[level 0]" : "") + "level \(level),"
        }
        expected += "bottom &amp; end|level 0|level 39|"
        #expect(output == expected)
        // Strict: the missing name at the bottom is reported, and the stack is unwound without a leak or crash.
        let strict = try TemplateLibrary(templates: ["deep": source], options: .strict)
        #expect(throws: MustacheError.self) { try strict.render("deep", root) }
        // And the library renders again afterwards, the same.
        #expect(try library.render("deep", root) == expected)
    }

    @Test func nestedStandalonePartialsAccumulateIndentation() throws {
        let library = try TemplateLibrary(templates: [
            "main": "<div>\n  {{>outer}}\n</div>\n",
            "outer": "<p>\n  {{>inner}}\n</p>\n",
            "inner": "a\n{{#items}}\n{{.}}\n{{/items}}\nb {{value}}\n",
        ])
        let output = try library.render("main", ["items": [1, 2], "value": "x\ny"])
        // Values are not re-indented (the spec indents template lines, not data).
        #expect(output == "<div>\n  <p>\n    a\n    1\n    2\n    b x\ny\n  </p>\n</div>\n")
    }

    @Test func partialsInsideParentBlocks() throws {
        let library = try TemplateLibrary(templates: [
            "layout": "<body>\n  {{$content}}\n  {{/content}}\n</body>\n",
            "page": "{{<layout}}\n{{$content}}\n<main>\n  {{>card}}\n</main>\n{{/content}}\n{{/layout}}\n",
            "card": "<div>\n  {{text}}\n</div>\n",
        ])
        #expect(
            try library.render("page", ["text": "hello"])
                == "<body>\n  <main>\n    <div>\n      hello\n    </div>\n  </main>\n</body>\n")
    }

    @Test func layoutWithSeveralBlocksAndDefaults() throws {
        let library = try TemplateLibrary(templates: [
            "layout": "<title>{{$title}}Fatura{{/title}}</title>\n{{$body}}\nempty\n{{/body}}\n{{$footer}}(c){{/footer}}\n",
            "bill": "{{<layout}}{{$title}}Bill {{n}}{{/title}}{{$body}}\n<p>{{n}}</p>\n{{/body}}{{/layout}}",
            "bare": "{{<layout}}{{/layout}}",
        ])
        #expect(try library.render("bill", ["n": 7]) == "<title>Bill 7</title>\n<p>7</p>\n(c)\n")
        #expect(try library.render("bare", [:]) == "<title>Fatura</title>\nempty\n(c)\n")
    }

    @Test func largeOutputsGrowBeyondTheEstimate() throws {
        let library = try TemplateLibrary(templates: ["t": "<ul>{{#rows}}<li>{{name}} &middot; {{n}}</li>{{/rows}}</ul>"])
        let rows = (0..<5000).map { MustacheValue.dictionary(["name": .string("row <\($0)>"), "n": .int($0)]) }
        var expected = "<ul>"
        for index in 0..<5000 { expected += "<li>row &lt;\(index)&gt; &middot; \(index)</li>" }
        expected += "</ul>"
        #expect(try library.render("t", ["rows": .list(rows)]) == expected)
    }

    @Test func renderAppendsToTheBuffer() throws {
        let library = try TemplateLibrary(templates: ["t": "[{{x}}]"])
        var buffer: [UInt8] = Array("page1\n".utf8)
        try library.render("t", ["x": "a"], into: &buffer)
        try library.render("t", ["x": "b"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "page1\n[a][b]")
        buffer.removeAll(keepingCapacity: true)
        try library.render("t", ["x": "c"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "[c]")
    }

    final class Counter: MustacheObject {
        let id: Int
        init(id: Int) { self.id = id }
        func value(for key: MustacheKey) -> MustacheValue? {
            switch key.name {
            case "id": return .int(id)
            case "name": return .string("obj\(id)")
            default: return nil
            }
        }
    }

    @Test func concurrentRendersShareOneLibrary() async throws {
        let library = try TemplateLibrary(templates: ["t": "{{#items}}{{name}}:{{id}}/{{title}};{{/items}}"], options: .strict)
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for task in 0..<8 {
                group.addTask {
                    let items = (0..<50).map { MustacheValue.object(Counter(id: task * 100 + $0)) }
                    var last = ""
                    for _ in 0..<20 { last = try library.render("t", ["items": .list(items), "title": .int(task)]) }
                    return (task, last)
                }
            }
            var collected: [Int: String] = [:]
            for try await (task, output) in group { collected[task] = output }
            return collected
        }
        for task in 0..<8 {
            let expected = (0..<50).map { "obj\(task * 100 + $0):\(task * 100 + $0)/\(task);" }.joined()
            #expect(results[task] == expected)
        }
    }

    @Test func contextSemantics() throws {
        let library = try TemplateLibrary(templates: [
            "climb": "{{#a}}{{name}}/{{.name}}/{{b.name}}{{/a}}|{{name}}",
            "scalar": "{{#word}}<{{.}}>{{/word}}{{#flag}}[{{.}}]{{/flag}}{{#num}}({{.}}){{/num}}",
            "null": "{{^nothing}}absent{{/nothing}}{{#nothing}}x{{/nothing}}|{{nothing}}|",
            "empty": "{{#empty}}[{{.}}]{{/empty}}{{#zero}}[{{.}}]{{/zero}}{{#emptyList}}x{{/emptyList}}{{^emptyList}}no items{{/emptyList}}",
        ])
        // `.name` looks only in the current context, not in enclosing ones.
        #expect(try library.render("climb", ["name": "root", "a": ["b": ["name": "inner"]]]) == "root//inner|root")
        // A truthy scalar is pushed; `true` renders the section without pushing.
        // (`{{.}}` inside `{{#flag}}` is then the root dictionary, which renders as nothing.)
        #expect(try library.render("scalar", ["word": "hi", "flag": true, "num": 3]) == "<hi>[](3)")
        #expect(try library.render("scalar", .dictionary(["word": "hi", "num": 3])) == "<hi>(3)")
        #expect(try library.render("null", ["nothing": nil]) == "absent||")
        // Like swift-mustache: "" and 0 are truthy, an empty list is not.
        #expect(try library.render("empty", ["empty": "", "zero": 0, "emptyList": []]) == "[][0]no items")
    }

    @Test func viewModelLookupsClimbAndRepeat() throws {
        final class Root: MustacheObject {
            func value(for key: MustacheKey) -> MustacheValue? {
                switch key.name {
                case "currency": return "SAR"
                case "rows": return .list([.object(Row(amount: "1")), .object(Row(amount: "2"))])
                case "total": return ["amount": "3", "label": "Total"]
                default: return nil
                }
            }
        }
        final class Row: MustacheObject {
            let amount: String
            init(amount: String) { self.amount = amount }
            func value(for key: MustacheKey) -> MustacheValue? { key.name == "amount" ? .string(amount) : nil }
        }
        let library = try TemplateLibrary(
            templates: ["t": "{{#rows}}{{amount}} {{currency}}, {{/rows}}{{total.label}}: {{total.amount}} {{currency}}{{#total}} ({{label}}){{/total}}"],
            options: .strict)
        #expect(try library.render("t", .object(Root())) == "1 SAR, 2 SAR, Total: 3 SAR (Total)")
        #expect(MustacheKey("total") == MustacheKey("total"))
        #expect(Root().value(for: MustacheKey("currency")).map { if case .string("SAR") = $0 { true } else { false } } == true)
    }

    /// Objects that write their own fields render exactly as objects that
    /// only answer `value(for:)`: escaped and raw tags, names climbing past
    /// them to a dictionary, an enclosing object or the root, names anchored
    /// to them (`{{.x}}`), dotted names, and every kind of value; and a name
    /// found nowhere is still an error in strict mode.
    @Test func objectsWritingTheirFieldsRenderAsTheirValues() throws {
        final class Plain: MustacheObject {
            let fields: [String: MustacheValue]
            init(_ fields: [String: MustacheValue]) { self.fields = fields }
            func value(for key: MustacheKey) -> MustacheValue? { fields[key.name] }
        }
        final class Writing: MustacheObject, @unchecked Sendable {
            let fields: [String: MustacheValue]
            var writes = 0
            init(_ fields: [String: MustacheValue]) { self.fields = fields }
            func value(for key: MustacheKey) -> MustacheValue? { fields[key.name] }
            func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
                writes += 1
                switch fields[key.name] {
                case .string(let text)?: output.append(text)
                case .int(let number)?: output.append(number)
                case .bool(let flag)?: output.append(flag)
                case let other?: output.append(other)
                case nil: return false
                }
                return true
            }
        }
        let rowFields: [[String: MustacheValue]] = [
            ["label": "a < b & \"c\"", "amount": 12, "flag": true, "ratio": 1.5, "none": nil, "items": ["x", 2, false],
             "nested": ["deep": "d'1"]],
            ["label": "plain", "amount": -3, "flag": false, "ratio": 2.0, "none": nil, "items": [], "nested": ["deep": "d2"]],
        ]
        let templates = [
            "rows": "{{#rows}}[{{label}}|{{{label}}}|{{&label}}|{{amount}}|{{flag}}|{{ratio}}|{{none}}|{{items}}|{{nested}}]{{/rows}}",
            "climb": "{{#rows}}{{title}}/{{outer}}/{{.label}}/{{.title}}/{{nested.deep}}/{{label.length}};{{/rows}}",
            "inner": "{{#rows}}{{#nested}}{{deep}}<{{label}}>{{amount}}{{/nested}}{{/rows}}",
            "wrap": "{{#wrapper}}{{#rows}}{{outer}}={{label}},{{/rows}}{{outer}}{{/wrapper}}",
            "dict": "{{#table}}{{#rows}}{{key}}:{{label}};{{/rows}}{{/table}}",
        ]
        func root(_ make: ([String: MustacheValue]) -> MustacheValue) -> MustacheValue {
            let rows = MustacheValue.list(rowFields.map(make))
            return ["title": "T & t", "rows": rows, "wrapper": make(["outer": "O<", "rows": rows]),
                    "table": ["key": "k&", "rows": rows]]
        }
        var writing: [Writing] = []
        let withWrite = root { let object = Writing($0); writing.append(object); return .object(object) }
        let withValues = root { .object(Plain($0)) }
        let library = try TemplateLibrary(templates: templates)
        for name in templates.keys.sorted() {
            let expected = try library.render(name, withValues)
            #expect(try library.render(name, withWrite) == expected, "\(name)")
        }
        #expect(try library.render("rows", withValues) == "[a &lt; b &amp; &quot;c&quot;|a < b & \"c\"|a < b & \"c\"|12|true|1.5||x,2,false|]"
            + "[plain|plain|plain|-3|false|2|||]")
        #expect(try library.render("climb", withValues).hasPrefix("T &amp; t//a &lt; b &amp; &quot;c&quot;//d&#39;1/;"))
        #expect(writing.map(\.writes).reduce(0, +) > 40)
        // Strict: a name neither the written object nor anything below it has.
        let strict = try TemplateLibrary(templates: ["missing": "{{#rows}}{{label}}{{nowhere}}{{/rows}}"], options: .strict)
        #expect(throws: MustacheError.self) { try strict.render("missing", withWrite) }
    }


    /// A root that writes its own fields (`writesFields`) renders as one
    /// whose answers are remembered: names at the root, names climbing to
    /// it out of sections, `{{.x}}` at the root, sections and dotted names
    /// over its values; and a name it lacks is still missing.
    @Test func aRootWritingItsFieldsRendersAsARememberedOne() throws {
        final class Root: MustacheObject {
            let fields: [String: MustacheValue]
            let writesFields: Bool
            init(_ fields: [String: MustacheValue], writes: Bool) { self.fields = fields; writesFields = writes }
            func value(for key: MustacheKey) -> MustacheValue? { fields[key.name] }
            func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
                guard let value = fields[key.name] else { return false }
                output.append(value)
                return true
            }
        }
        let fields: [String: MustacheValue] = [
            "name": "A & B", "count": 3, "flag": true, "items": [["x": "1<"], ["x": "2"]], "info": ["city": "Manāma"],
        ]
        let template = "{{name}}|{{{name}}}|{{.name}}|{{count}}|{{flag}}|{{missing}}|{{#items}}{{x}}{{name}}{{.name}}{{count}};{{/items}}|{{info.city}}|{{#info}}{{city}}{{name}}{{/info}}"
        let library = try TemplateLibrary(templates: ["t": template])
        let remembered = try library.render("t", .object(Root(fields, writes: false)))
        #expect(try library.render("t", .object(Root(fields, writes: true))) == remembered)
        #expect(remembered == "A &amp; B|A & B|A &amp; B|3|true||1&lt;A &amp; B3;2A &amp; B3;|Manāma|ManāmaA &amp; B")
        let strict = try TemplateLibrary(templates: ["t": "{{name}}{{missing}}"], options: .strict)
        #expect(throws: MustacheError.self) { try strict.render("t", .object(Root(fields, writes: true))) }
    }

}
