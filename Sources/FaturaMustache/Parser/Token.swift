/// The kind of a Mustache tag, from its sigil.
enum TagKind: Equatable, Sendable {
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (raw).
    case variable(escaped: Bool)
    /// `{{#name}}`
    case section
    /// `{{^name}}`
    case inverted
    /// `{{/name}}`
    case close
    /// `{{! ... }}`
    case comment
    /// `{{>name}}`
    case partial
    /// `{{<name}}`
    case parent
    /// `{{$name}}`
    case block
    /// `{{=<% %>=}}`
    case setDelimiters
    /// `{{% NAME: VALUE }}`
    case pragma
}

/// One tag as found in the source, with what the standalone rules need.
struct Tag: Sendable {
    var kind: TagKind
    /// The tag content with sigil and padding removed (the name; for pragmas the whole content).
    var name: String
    /// Offset of the opening delimiter.
    var start: Int
    /// Offset just past the closing delimiter.
    var end: Int
    /// Start of the tag's line, when only spaces/tabs lie between it and the tag.
    var lineStart: Int?
    /// Offset just past the end of the tag's line (after `\n`, or the end of
    /// the source), when only spaces/tabs lie between the tag and it.
    var lineEnd: Int?
    /// Delimiters in effect for this tag, for messages.
    var open: String
    var close: String

    /// The tag alone on its line (only whitespace around it).
    var isStandalone: Bool { lineStart != nil && lineEnd != nil }

    /// `{{/name}}` spelled with the delimiters in effect for this tag.
    var expectedClose: String { "\(open)/\(name)\(close)" }
}

/// A piece of template source.
enum Token: Sendable {
    /// Literal text: a byte range of the source.
    case text(Range<Int>)
    case tag(Tag)
}
