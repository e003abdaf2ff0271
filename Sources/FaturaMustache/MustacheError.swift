/// An error from loading, compiling, checking or rendering templates, or from
/// decoding JSON.
///
/// ``description`` is meant for humans and names the file, line and column,
/// e.g. `bill.mustache:12:7: unclosed section 'charges', expected {{/charges}}`.
/// Match on ``code`` to handle errors programmatically.
public struct MustacheError: Error, CustomStringConvertible, Sendable {
    /// What went wrong. New codes may be added in future versions, so do not
    /// switch exhaustively over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unclosedSection = "unclosed section"
            case mismatchedClosingTag = "mismatched closing tag"
            case unexpectedClosingTag = "unexpected closing tag"
            case unclosedTag = "unclosed tag"
            case invalidDelimiters = "invalid delimiters"
            case invalidTagName = "invalid tag name"
            case invalidPragma = "invalid pragma"
            case invalidParentContent = "invalid content in parent tag"
            case missingPartial = "missing partial"
            case unknownTemplate = "unknown template"
            case missingVariable = "missing variable"
            case unknownName = "unknown name"
            case rawOutput = "raw output"
            case recursionLimit = "recursion limit"
            case invalidJSON = "invalid JSON"
            case io = "I/O error"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        public var description: String { base.rawValue }

        /// A `{{#x}}`, `{{^x}}`, `{{$x}}` or `{{<x}}` tag has no closing tag.
        public static let unclosedSection = Code(.unclosedSection)
        /// A closing tag names a different section than the one that is open.
        public static let mismatchedClosingTag = Code(.mismatchedClosingTag)
        /// A closing tag appears while no section is open.
        public static let unexpectedClosingTag = Code(.unexpectedClosingTag)
        /// A tag's closing delimiter is missing.
        public static let unclosedTag = Code(.unclosedTag)
        /// A set-delimiter tag `{{=<% %>=}}` is malformed.
        public static let invalidDelimiters = Code(.invalidDelimiters)
        /// A tag name is empty, contains whitespace or empty dotted segments.
        public static let invalidTagName = Code(.invalidTagName)
        /// A `{{% ... }}` pragma is malformed or unknown.
        public static let invalidPragma = Code(.invalidPragma)
        /// A `{{<parent}}` tag contains something other than text, comments,
        /// delimiter changes and `{{$block}}` definitions.
        public static let invalidParentContent = Code(.invalidParentContent)
        /// Strict mode: a `{{>partial}}` or `{{<parent}}` names no template.
        public static let missingPartial = Code(.missingPartial)
        /// `render` was asked for a template name the library does not have.
        public static let unknownTemplate = Code(.unknownTemplate)
        /// Strict mode: an interpolated name resolved to nothing.
        public static let missingVariable = Code(.missingVariable)
        /// ``TemplateLibrary/unknownNames(allowed:)``: a name outside the allowed set.
        public static let unknownName = Code(.unknownName)
        /// ``TemplateLibrary/rawOutputs``: a value written without HTML escaping.
        public static let rawOutput = Code(.rawOutput)
        /// Partials or blocks nested too deeply (usually unbounded recursion).
        public static let recursionLimit = Code(.recursionLimit)
        /// The JSON text could not be decoded.
        public static let invalidJSON = Code(.invalidJSON)
        /// A template file or directory could not be read.
        public static let io = Code(.io)
    }

    /// What went wrong.
    public let code: Code
    /// Template name (relative path without extension), when known.
    public let template: String?
    /// File name used in messages, e.g. `partials/header.mustache`, when known.
    public let file: String?
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column (in Unicode scalars), when known.
    public let column: Int?
    /// The tag or key name involved, when there is one (e.g. the missing variable).
    public let name: String?
    /// Human-readable explanation without the location prefix.
    public let message: String

    init(
        _ code: Code,
        _ message: String,
        template: String? = nil,
        file: String? = nil,
        line: Int? = nil,
        column: Int? = nil,
        name: String? = nil
    ) {
        self.code = code
        self.message = message
        self.template = template
        self.file = file
        self.line = line
        self.column = column
        self.name = name
    }

    /// `file:line:column: message`, leaving out the parts that are unknown.
    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let line {
                prefix += ":\(line)"
                if let column { prefix += ":\(column)" }
            }
            prefix += ": "
        } else if let line {
            prefix = "line \(line)"
            if let column { prefix += ", column \(column)" }
            prefix += ": "
        }
        return prefix + message
    }
}
