/// A set of compiled Mustache templates, ready to render.
///
/// Compile once (at start-up), then render many times from any thread: the
/// library is immutable and `Sendable`. Every tag is resolved at compile time;
/// partials (`{{>name}}`) and parents (`{{<name}}`) refer to other templates of
/// the same library by name, e.g. `partials/header`.
///
/// ```swift
/// let library = try TemplateLibrary(directory: "templates", options: .strict)
/// var page: [UInt8] = []
/// try library.render("bill", .object(billViewModel), into: &page)
/// ```
///
/// Supported: the Mustache spec (interpolation, sections, inverted sections,
/// comments, partials, set delimiters) and its inheritance module (parents and
/// blocks), plus swift-mustache's pragma `{{% CONTENT_TYPE: TEXT }}` (turns off
/// HTML escaping of `{{name}}` for the rest of the template or section) and
/// `{{% CONTENT_TYPE: HTML }}` (turns it back on). Lambdas and dynamic names
/// are not supported.
public struct TemplateLibrary: Sendable {
    /// Load and render options.
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Catch mistakes instead of rendering empty strings, as the spec would:
        /// - loading throws when a `{{>partial}}` or `{{<parent}}` names no template;
        /// - rendering throws when an interpolated name (`{{x}}`, `{{{x}}}`,
        ///   `{{&x}}`) resolves to nothing. A value that is present but
        ///   ``MustacheValue/null`` renders empty. Sections on missing names are
        ///   not errors: absent means falsy.
        public static let strict = Options(rawValue: 1 << 0)

        /// Every template starts without HTML escaping, as if it began with
        /// `{{% CONTENT_TYPE: TEXT }}` (for plain-text e-mails, CSV, …).
        public static let plainText = Options(rawValue: 1 << 1)
    }

    let program: Program

    /// The options the library was compiled with.
    public let options: Options

    /// Compiles templates given as source text.
    /// - Parameters:
    ///   - templates: template name (e.g. `bill`, `partials/header`) → Mustache source.
    ///   - options: see ``Options``.
    /// - Throws: ``MustacheError`` for the first syntax error (in name order),
    ///   naming template, line and column; in strict mode also for missing partials.
    public init(templates: [String: String], options: Options = []) throws {
        let sources = templates.map { SourceText(name: $0.key, file: "\($0.key).mustache", text: $0.value) }
        try self.init(sources: sources, options: options)
    }

    init(sources: [SourceText], options: Options) throws {
        let sorted = sources.sorted { $0.name < $1.name }
        var index: [String: Int] = [:]
        for (number, source) in sorted.enumerated() { index[source.name] = number }
        let trees = try sorted.map { try Parser.parse($0) }
        var compiler = Compiler(templateIndex: index, strict: options.contains(.strict), escapeByDefault: !options.contains(.plainText))
        for (number, source) in sorted.enumerated() {
            try compiler.compile(trees[number], template: number, source: source)
        }
        self.options = options
        self.program = Program(
            compiler: compiler, names: sorted.map(\.name), files: sorted.map(\.file),
            strict: options.contains(.strict), escapeByDefault: !options.contains(.plainText))
    }

    init(program: Program, options: Options) {
        self.program = program
        self.options = options
    }

    /// Names of all templates, sorted.
    public var templateNames: [String] { program.templateNames }

    /// Whether a template with this name exists.
    public func hasTemplate(_ name: String) -> Bool { program.templateIndex[name] != nil }

    /// Renders template `name` against `context`, appending UTF-8 to `buffer`.
    ///
    /// The output is written directly into `buffer`'s storage; reuse one buffer
    /// across renders (`buffer.removeAll(keepingCapacity: true)`) to avoid
    /// reallocating. On error, `buffer` is left as it was.
    /// - Throws: ``MustacheError`` when there is no such template, in strict
    ///   mode when a variable is missing, or when partials recurse without end.
    public func render(_ name: String, _ context: MustacheValue, into buffer: inout [UInt8]) throws {
        guard let template = program.templateIndex[name] else {
            throw MustacheError(.unknownTemplate, "unknown template '\(name)'", name: name)
        }
        try Renderer.render(program, template: template, context: context, into: &buffer)
    }

    /// Renders template `name` against `context` and returns the text.
    public func render(_ name: String, _ context: MustacheValue) throws -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        try render(name, context, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// First segments of all names used by variables and sections
    /// (`customer` for `{{customer.name}}`; `{{.}}` excluded).
    public var referencedNames: Set<String> { Set(program.nameUses.lazy.filter { $0.root != "." }.map(\.root)) }

    /// Every use of a variable or section name whose first segment is not in
    /// `allowed`, as errors with template, line, column and name, in template
    /// and position order. Use at start-up to check that view models can
    /// provide every name the templates use.
    public func unknownNames(allowed: Set<String>) -> [MustacheError] {
        program.nameUses
            .filter { $0.root != "." && !allowed.contains($0.root) }
            .map { use in
                let kind = use.isSection ? "section" : "variable"
                return MustacheError(
                    .unknownName, "unknown name '\(use.root)' in \(kind) '\(use.text)'",
                    template: program.templateNames[use.template], file: program.templateFiles[use.template],
                    line: use.line, column: use.column, name: use.root)
            }
    }

    /// Every `{{>name}}` and `{{<name}}` of the library: the template it
    /// is in (name, file, line, column) and the template it names.
    public var inclusions: [(template: String, file: String, line: Int, column: Int, includes: String)] {
        program.inclusions.map { (program.templateNames[$0.template], program.templateFiles[$0.template], $0.line, $0.column, $0.name) }
    }

    /// Every value written without HTML escaping (`{{{name}}}`, `{{&name}}`,
    /// `{{{.}}}`, or any after `{{% CONTENT_TYPE: TEXT }}`), as errors with
    /// template, line, column and name, in template and position order. Use
    /// at start-up where no value may be written raw (values from untrusted
    /// input), but in the templates that are plain text.
    public var rawOutputs: [MustacheError] {
        program.nameUses.filter(\.isRaw).map { use in
            let how = use.isRawByPragma ? "after {{% CONTENT_TYPE: TEXT }}" : "{{{\(use.text)}}} or {{&\(use.text)}}"
            return MustacheError(
                .rawOutput, use.isPragma ? "{{% CONTENT_TYPE: TEXT }} turns HTML escaping off for what follows it, blocks filled in by other templates included"
                                         : "'\(use.text)' is written without HTML escaping (\(how))",
                template: program.templateNames[use.template], file: program.templateFiles[use.template],
                line: use.line, column: use.column, name: use.text)
        }
    }
}
