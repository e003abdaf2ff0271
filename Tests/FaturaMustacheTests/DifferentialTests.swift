import FaturaMustache
import Mustache
import Testing

/// Renders the same templates and data through FaturaMustache and
/// swift-mustache 2.1.1 and requires byte-identical output.
@Suite struct DifferentialTests {
    static let templates: [String: String] = [
        "layout": """
            <!DOCTYPE html>
            <html lang="{{lang}}">
            <head><title>{{$title}}Fatura{{/title}}</title></head>
            <body>
            {{>partials/header}}
            {{$content}}
            <p>No content</p>
            {{/content}}
            {{$footer}}<footer>{{company.name}}</footer>{{/footer}}
            </body>
            </html>

            """,
        "partials/header": """
            <header>
              <h1>{{company.name}} &middot; {{company.slogan}}</h1>
            </header>

            """,
        "partials/row": "<tr><td>{{name}}</td><td>{{price}} {{currency}}</td></tr>\n",
        "bill": """
            {{<layout}}
            {{$title}}Bill {{bill.number}}{{/title}}
            {{$content}}
            <h2>{{customer.name}} ({{customer.address.city}})</h2>
            {{! a comment line }}
            <table>
            {{#items}}
            {{>partials/row}}
            {{/items}}
            {{^items}}
            <tr><td>No items</td></tr>
            {{/items}}
            </table>
            {{#customer}}
            <p>{{name}} — {{address.street}}, {{address.city}}; {{currency}}</p>
            {{/customer}}
            {{#flags.paid}}<p>Paid</p>{{/flags.paid}}{{^flags.paid}}<p>Due {{bill.due}}</p>{{/flags.paid}}
            <ul>{{#tags}}<li>{{.}}</li>{{/tags}}</ul>
            <pre>{{{raw}}} {{&raw}} {{raw}}</pre>
            {{#matrix}}[{{#.}}{{.}},{{/.}}]{{/matrix}}
            {{=<% %>=}}
            <p><% bill.number %> {{not a tag}}</p>
            <%={{ }}=%>
            <p>{{count}} items, total {{total}}</p>
            {{/content}}
            {{/layout}}
            """,
        "plain": """
            Dear {{customer.name}},
            {{#items}}
              - {{name}}: {{price}}
            {{/items}}
            {{#empty}}never{{/empty}}{{^empty}}(none empty){{/empty}}
            Thanks, {{company.name}}
            """,
        "list-partial": "<ul>\n  {{>partials/item}}\n</ul>\n",
        "partials/item": "<li>one</li>\n<li>two</li>\n",
    ]

    static let json = #"""
        {
          "lang": "ar",
          "currency": "SAR",
          "company": {"name": "Al-Noor Power & Water", "slogan": "Light <for> \"all\""},
          "bill": {"number": "INV-7", "due": "2026-11-30"},
          "customer": {"name": "Sara O'Neil", "address": {"street": "شارع الملك فهد", "city": "Riyadh"}},
          "items": [
            {"name": "Energy <tier 1>", "price": "224.46"},
            {"name": "Meter & service", "price": "10.00"},
            {"name": "رسوم البلدية", "price": "5.00", "currency": "ريال"}
          ],
          "empty": [],
          "flags": {"paid": false},
          "tags": ["a", "b&c", "د"],
          "matrix": [[1, 2], [3]],
          "raw": "<b>bold</b>",
          "count": 3,
          "total": 239.46
        }
        """#

    /// swift-mustache's context is `Any`: nested dictionaries and arrays.
    static func reference(_ value: MustacheValue) -> Any {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag
        case .int(let number): return number
        case .double(let number): return number
        case .string(let text): return text
        case .list(let items): return items.map(reference)
        case .dictionary(let dictionary): return dictionary.mapValues(reference)
        case .object: return ""
        }
    }

    @Test(arguments: ["bill", "plain", "list-partial"])
    func sameOutputAsSwiftMustache(template: String) throws {
        let data = try MustacheValue(json: Self.json)
        let ours = try TemplateLibrary(templates: Self.templates, options: .strict).render(template, data)

        var library = MustacheLibrary()
        for (name, source) in Self.templates { try library.register(source, named: name) }
        let theirs = try #require(library.render(Self.reference(data), withTemplate: template))

        #expect(ours == theirs)
        #expect(!ours.isEmpty)
    }

    final class Row: MustacheObject {
        let name: String
        let price: String
        init(name: String, price: String) {
            self.name = name
            self.price = price
        }
        func value(for key: MustacheKey) -> MustacheValue? {
            switch key.name {
            case "name": return .string(name)
            case "price": return .string(price)
            default: return nil
            }
        }
    }

    final class Page: MustacheObject {
        let rows: [MustacheValue]
        init(rows: [Row]) { self.rows = rows.map { .object($0) } }
        func value(for key: MustacheKey) -> MustacheValue? {
            switch key.name {
            case "items": return .list(rows)
            case "currency": return "SAR"
            case "customer": return ["name": "Sara & co"]
            case "company": return ["name": "Fatura"]
            case "empty": return false
            default: return nil
            }
        }
    }

    @Test func viewModelsRenderLikeDictionaries() throws {
        let page = Page(rows: [Row(name: "A<1>", price: "1.00"), Row(name: "B", price: "2.00")])
        let ours = try TemplateLibrary(templates: Self.templates).render("plain", .object(page))
        let context: [String: Any] = [
            "items": [["name": "A<1>", "price": "1.00"], ["name": "B", "price": "2.00"]],
            "currency": "SAR", "customer": ["name": "Sara & co"], "company": ["name": "Fatura"], "empty": false,
        ]
        var library = MustacheLibrary()
        for (name, source) in Self.templates { try library.register(source, named: name) }
        #expect(ours == library.render(context, withTemplate: "plain"))
    }
}
