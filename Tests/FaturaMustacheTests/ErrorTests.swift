import FaturaMustache
import Foundation
import Testing

/// Parse, load, render and check errors: codes, messages, positions.
@Suite struct ErrorTests {
    func parseError(_ source: String, name: String = "bill") -> MustacheError? {
        do {
            _ = try TemplateLibrary(templates: [name: source])
            return nil
        } catch let error as MustacheError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func unclosedSectionNamesTheOpeningTag() throws {
        let error = try #require(parseError("<table>\n  <tr>{{#charges}}\n  <td>{{amount}}</td>\n</table>\n"))
        #expect(error.code == .unclosedSection)
        #expect(error.description == "bill.mustache:2:7: unclosed section 'charges', expected {{/charges}}")
        #expect(error.template == "bill")
        #expect(error.line == 2)
        #expect(error.column == 7)
        #expect(error.name == "charges")
    }

    @Test func unclosedSectionUsesCurrentDelimiters() throws {
        let error = try #require(parseError("{{=<% %>=}}\n<%#items%>x"))
        #expect(error.description == "bill.mustache:2:1: unclosed section 'items', expected <%/items%>")
    }

    @Test func unclosedBlockAndParent() throws {
        let block = try #require(parseError("{{$content}}x"))
        #expect(block.code == .unclosedSection)
        #expect(block.description == "bill.mustache:1:1: unclosed block 'content', expected {{/content}}")
        let parent = try #require(parseError("a\n{{<layout}}{{$content}}x{{/content}}"))
        #expect(parent.code == .unclosedSection)
        #expect(parent.description == "bill.mustache:2:1: unclosed parent 'layout', expected {{/layout}}")
    }

    @Test func mismatchedClosingTag() throws {
        let error = try #require(parseError("{{#charges}}\n  {{#row}}x{{/charges}}\n"))
        #expect(error.code == .mismatchedClosingTag)
        #expect(
            error.description
                == "bill.mustache:2:12: mismatched closing tag {{/charges}}, expected {{/row}} (opened at 2:3)")
    }

    @Test func unexpectedClosingTag() throws {
        let error = try #require(parseError("total\n{{/total}}"))
        #expect(error.code == .unexpectedClosingTag)
        #expect(error.description == "bill.mustache:2:1: unexpected closing tag {{/total}}: no section is open")
    }

    @Test func unclosedTag() throws {
        let error = try #require(parseError("Dear {{customer.name,\nyour bill"))
        #expect(error.code == .unclosedTag)
        #expect(error.line == 1)
        #expect(error.column == 6)
        #expect(error.description == "bill.mustache:1:6: unclosed tag '{{customer.name,', expected '}}'")

        let triple = try #require(parseError("{{{raw}} and more"))
        #expect(triple.code == .unclosedTag)
        #expect(triple.description.contains("expected '}}}'"))
    }

    @Test func badDelimiters() throws {
        for source in ["{{=<%%>=}}", "{{= a b c =}}", "{{=<% =%>=}}"] {
            let error = try #require(parseError(source))
            #expect(error.code == .invalidDelimiters, "\(source)")
            #expect(error.line == 1 && error.column == 1)
        }
    }

    @Test func invalidNamesAndPragmas() throws {
        #expect(parseError("{{a b}}")?.code == .invalidTagName)
        #expect(parseError("{{a..b}}")?.code == .invalidTagName)
        #expect(parseError("{{#}}{{/}}")?.code == .invalidTagName)
        #expect(parseError("{{% CONTENT_TYPE: JSON }}")?.code == .invalidPragma)
        #expect(parseError("{{% SPEED: FAST }}")?.code == .invalidPragma)
        let parent = try #require(parseError("{{<layout}}{{name}}{{/layout}}"))
        #expect(parent.code == .invalidParentContent)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let error = try #require(parseError("مرحبا {{#x}}"))
        #expect(error.line == 1)
        #expect(error.column == 7)
    }

    @Test func missingPartialIsALoadErrorInStrictMode() throws {
        let templates = ["bill": "<body>\n  {{>partials/hedaer}}\n</body>", "partials/header": "<header/>"]
        do {
            _ = try TemplateLibrary(templates: templates, options: .strict)
            Issue.record("expected an error")
        } catch let error as MustacheError {
            #expect(error.code == .missingPartial)
            #expect(error.name == "partials/hedaer")
            #expect(
                error.description
                    == "bill.mustache:2:3: missing partial 'partials/hedaer': there is no template with that name")
        }
        // Default (spec) behaviour: a missing partial renders as nothing.
        let lenient = try TemplateLibrary(templates: templates)
        #expect(try lenient.render("bill", [:]) == "<body>\n</body>")
    }

    @Test func missingParentIsALoadErrorInStrictMode() throws {
        #expect(throws: MustacheError.self) {
            _ = try TemplateLibrary(templates: ["bill": "{{<layuot}}{{/layuot}}"], options: .strict)
        }
    }

    @Test func missingVariableIsARenderErrorInStrictMode() throws {
        let source = "Dear {{customer.name}},\n{{#discount}}Discount: {{discount}}{{/discount}}{{^notes}}-{{/notes}}\nTotal: {{totl}}\n"
        let library = try TemplateLibrary(templates: ["bill": source], options: .strict)
        let context: MustacheValue = ["customer": ["name": "Sara"], "total": "10.00"]
        do {
            var buffer: [UInt8] = Array("kept".utf8)
            try library.render("bill", context, into: &buffer)
            Issue.record("expected an error")
        } catch let error as MustacheError {
            #expect(error.code == .missingVariable)
            #expect(error.name == "totl")
            #expect(error.line == 3)
            #expect(error.column == 8)
            #expect(error.description == "bill.mustache:3:8: missing variable 'totl': nothing in the context has this name")
        }
        // Sections on missing names are fine, and so are nulls.
        let fixed: MustacheValue = ["customer": ["name": "Sara"], "totl": nil]
        #expect(try library.render("bill", fixed) == "Dear Sara,\n-\nTotal: \n")
        // A missing intermediate segment of a dotted name is missing too.
        #expect(throws: MustacheError.self) { try library.render("bill", ["totl": 1]) }
    }

    @Test func bufferIsUnchangedOnError() throws {
        let library = try TemplateLibrary(templates: ["bill": "0123456789{{missing}}"], options: .strict)
        var buffer: [UInt8] = Array("previous page".utf8)
        #expect(throws: MustacheError.self) { try library.render("bill", [:], into: &buffer) }
        #expect(String(decoding: buffer, as: UTF8.self) == "previous page")
    }

    @Test func unknownNamesListsEveryUse() throws {
        let library = try TemplateLibrary(templates: [
            "bill": "{{total}} {{customer.name}}\n{{#charges}}{{label}} {{.}}{{/charges}}",
            "partials/footer": "{{^notes}}none{{/notes}}",
        ])
        let errors = library.unknownNames(allowed: ["total", "label"])
        #expect(errors.map(\.code) == [.unknownName, .unknownName, .unknownName])
        #expect(errors.map(\.name) == ["customer", "charges", "notes"])
        #expect(errors.map(\.description) == [
            "bill.mustache:1:11: unknown name 'customer' in variable 'customer.name'",
            "bill.mustache:2:1: unknown name 'charges' in section 'charges'",
            "partials/footer.mustache:1:1: unknown name 'notes' in section 'notes'",
        ])
        #expect(library.referencedNames == ["total", "customer", "charges", "label", "notes"])
        #expect(library.unknownNames(allowed: library.referencedNames).isEmpty)
    }

    @Test func rawOutputsListsEveryUnescapedValue() throws {
        let library = try TemplateLibrary(templates: [
            "bill": "{{total}} {{{customer.name}}}\n{{#charges}}{{& label}} {{{.}}} {{.}}{{/charges}}",
            "partials/footer": "{{notes}}",
        ])
        let raw = library.rawOutputs
        #expect(raw.map(\.code) == [.rawOutput, .rawOutput, .rawOutput])
        #expect(raw.map(\.name) == ["customer.name", "label", "."])
        #expect(raw.map(\.description) == [
            "bill.mustache:1:11: 'customer.name' is written without HTML escaping ({{{customer.name}}} or {{&customer.name}})",
            "bill.mustache:2:13: 'label' is written without HTML escaping ({{{label}}} or {{&label}})",
            "bill.mustache:2:25: '.' is written without HTML escaping ({{{.}}} or {{&.}})",
        ])
        // A raw `.` is no name to look up.
        #expect(library.unknownNames(allowed: ["total", "customer", "charges", "label", "notes"]).isEmpty)
        #expect(library.referencedNames == ["total", "customer", "charges", "label", "notes"])
        #expect(try TemplateLibrary(templates: ["bill": "{{a}} {{#b}}{{.}}{{/b}}"]).rawOutputs.isEmpty)
    }

    /// Escaping turned off by the pragma counts too, for the rest of the body it is in.
    @Test func rawOutputsCountsWhatThePragmaLeavesUnescaped() throws {
        let library = try TemplateLibrary(templates: [
            "bill": "{{#s}}{{% CONTENT_TYPE: TEXT }}{{a}}{{/s}}{{b}}\n{{% CONTENT_TYPE: TEXT }}{{c}}{{% CONTENT_TYPE: HTML }}{{d}}",
        ])
        // Each pragma that turns escaping off, and what it leaves unescaped.
        #expect(library.rawOutputs.map(\.name) == ["% CONTENT_TYPE: TEXT", "a", "% CONTENT_TYPE: TEXT", "c"])
        #expect(library.rawOutputs[1].description == "bill.mustache:1:32: 'a' is written without HTML escaping (after {{% CONTENT_TYPE: TEXT }})")
        #expect(library.rawOutputs[2].description.hasPrefix("bill.mustache:2:1: {{% CONTENT_TYPE: TEXT }} turns HTML escaping off"))
        // A parent that turns it off before a block leaves a child's filling of it unescaped: the pragma is listed.
        let parent = try TemplateLibrary(templates: ["layout": "{{% CONTENT_TYPE: TEXT }}{{$body}}{{/body}}", "page": "{{<layout}}{{$body}}{{name}}{{/body}}{{/layout}}"])
        #expect(parent.rawOutputs.map(\.template) == ["layout"])
    }

    @Test func templateNamesAndUnknownTemplate() throws {
        let library = try TemplateLibrary(templates: ["bill": "b", "partials/header": "h"])
        #expect(library.templateNames == ["bill", "partials/header"])
        #expect(library.hasTemplate("partials/header"))
        #expect(!library.hasTemplate("partials"))
        do {
            _ = try library.render("invoice", [:])
            Issue.record("expected an error")
        } catch let error as MustacheError {
            #expect(error.code == .unknownTemplate)
            #expect(error.description == "unknown template 'invoice'")
        }
    }

    @Test func unboundedRecursionIsAnError() throws {
        let library = try TemplateLibrary(templates: ["loop": "x{{>loop}}"])
        do {
            _ = try library.render("loop", [:])
            Issue.record("expected an error")
        } catch let error as MustacheError {
            #expect(error.code == .recursionLimit)
        }
    }

    @Test func directoryLoading() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fatura-mustache-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try "{{>partials/header}}Total: {{total}}\n".write(
            to: root.appendingPathComponent("bill.mustache"), atomically: true, encoding: .utf8)
        try "<h1>{{title}}</h1>\n".write(
            to: root.appendingPathComponent("partials/header.mustache"), atomically: true, encoding: .utf8)
        try "not a template".write(to: root.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let library = try TemplateLibrary(directory: root.path, options: .strict)
        #expect(library.templateNames == ["bill", "partials/header"])
        #expect(try library.render("bill", ["title": "Bill", "total": "9.50"]) == "<h1>Bill</h1>\nTotal: 9.50\n")

        try "<h1>{{#title}}</h1>\n".write(
            to: root.appendingPathComponent("partials/header.mustache"), atomically: true, encoding: .utf8)
        do {
            _ = try TemplateLibrary(directory: root.path)
            Issue.record("expected an error")
        } catch let error as MustacheError {
            #expect(error.description == "partials/header.mustache:1:5: unclosed section 'title', expected {{/title}}")
        }

        #expect(throws: MustacheError.self) { _ = try TemplateLibrary(directory: root.path + "/missing") }
    }
}
