/// A parsed tag name: `.`, `a`, `a.b.c`, or `.a` (current context only).
struct TagName: Sendable, Hashable {
    enum Mode: UInt8, Sendable {
        /// `{{.}}`: the top of the context stack.
        case implicit
        /// `{{a.b}}`: first segment climbs the context stack.
        case climbing
        /// `{{.a.b}}`: first segment is looked up in the top of the stack only.
        case anchored
    }
    var mode: Mode
    var segments: [String]
    /// The name as written in the tag.
    var text: String
}

/// How a block tag (`{{$name}}`) outside a parent sits on its line; decides the
/// indentation of overriding content.
enum BlockSite: Sendable {
    /// The tag is alone on its line (which is removed): overriding content is
    /// indented by the given bytes on every line.
    case standalone(indent: [UInt8])
    /// Only whitespace precedes the tag, but content follows on its line: that
    /// whitespace stays as text, and lines after the first are indented by it.
    case leading(indent: [UInt8])
    /// Other text precedes the tag: no indentation.
    case inline
}

/// A block definition inside a parent tag: `{{<parent}}{{$name}}...{{/name}}{{/parent}}`.
struct BlockDefinition: Sendable {
    var name: String
    var children: [Node]
    var offset: Int
}

/// Template syntax tree. Text is a byte range of the template source; standalone
/// lines and block-definition indentation have already been removed.
indirect enum Node: Sendable {
    case text(Range<Int>)
    case variable(TagName, escaped: Bool, offset: Int)
    /// `{{#name}}` / `{{^name}}`; the flags say whether the open/close tags were standalone.
    case section(TagName, inverted: Bool, children: [Node], openStandalone: Bool, closeStandalone: Bool, offset: Int)
    /// `{{>name}}`; `indent` is non-nil when the tag is standalone.
    case partial(String, indent: [UInt8]?, offset: Int)
    /// `{{<name}}...{{/name}}`; `indent` is non-nil when the tag is standalone.
    case parent(String, indent: [UInt8]?, definitions: [BlockDefinition], offset: Int)
    /// `{{$name}}default{{/name}}` outside a parent tag.
    case block(String, site: BlockSite, children: [Node], closeStandalone: Bool, offset: Int)
    /// `{{% CONTENT_TYPE: TEXT }}` / `HTML`.
    case pragma(escape: Bool, standalone: Bool, offset: Int)
}
