/// Operation of an ``Instruction``.
enum Opcode: UInt8, Sendable {
    /// Append `text[a ..< a+b]`.
    case text
    /// Append `text[a ..< a+b]`; `markers[c ..< c+d]` are offsets (relative to
    /// `a`) of source line starts, where the current indentation is inserted.
    case textLines
    /// A source line start not followed by text: insert the current indentation.
    case indent
    /// Interpolate key `a`; `flag` 1 = HTML-escape (subject to pragmas), 0 = raw.
    case variable
    /// Append `text[a ..< a+b]`, then interpolate key `c` (`flag` as for
    /// `variable`): the most common pair, fused to halve dispatches.
    case textVariable
    /// `{{#key a}}`: body is the next `b` instructions.
    case section
    /// `{{^key a}}`: body is the next `b` instructions.
    case inverted
    /// `{{>template a}}` (`a` is -1 when missing); `flag` 1 = standalone, with
    /// indentation `text[b ..< b+c]`.
    case partial
    /// `{{<template a}}` with override table `d`; `flag`, `b`, `c` as for `partial`.
    case parent
    /// `{{$block a}}`: default content is the next `b` instructions.
    /// `flag`: 0 = standalone site, 1 = leading-whitespace site, 2 = inline site;
    /// overriding content is indented by `text[c ..< c+d]`.
    case block
    /// `{{% CONTENT_TYPE %}}`: `flag` 1 = HTML escaping on, 0 = off.
    case pragma
    /// A `variable` or `textVariable` whose value was known before rendering
    /// (see ``TemplateLibrary/folding(_:from:)``): append `text[a ..< a+b]`
    /// when it is HTML-escaped (`flag` as for `variable`, subject to pragmas),
    /// else `text[c ..< c+d]`; each run holds the literal text, if any, then the value.
    case constant
}

/// One compiled step. Plain data (no references), so the renderer can walk an
/// array of them without reference counting.
struct Instruction: Sendable {
    var op: Opcode
    var flag: UInt8 = 0
    var a: Int32 = 0
    var b: Int32 = 0
    var c: Int32 = 0
    var d: Int32 = 0
}

/// Lookup plan for one tag name.
struct KeyInfo: Sendable {
    /// Index of the first segment in ``Program/keySegments``.
    var first: Int32
    /// Number of segments (0 for `{{.}}`).
    var count: Int32
    var mode: TagName.Mode
}

/// Where a template's instructions are.
struct TemplateEntry: Sendable {
    var start: Int32
    var end: Int32
}

/// A block overridden by a parent tag: the block id and the instructions of
/// the replacing content.
struct OverrideEntry: Sendable {
    var block: Int32
    var start: Int32
    var end: Int32
}

/// The overrides of one parent tag: `overrideEntries[first ..< first+count]`.
struct OverrideTable: Sendable {
    var first: Int32
    var count: Int32
}

/// Source position of an instruction, for render-time errors.
struct SourceSite: Sendable {
    var template: Int32
    var line: Int32
    var column: Int32
}

/// A use of a context name in a template, for ``TemplateLibrary/unknownNames(allowed:)``.
struct NameUse: Sendable {
    /// First segment of the name (`customer` for `customer.name`).
    var root: String
    /// The name as written.
    var text: String
    var template: Int
    var line: Int
    var column: Int
    var isSection: Bool
    /// Written without HTML escaping (`{{{name}}}`, `{{&name}}`, or any
    /// after `{{% CONTENT_TYPE: TEXT }}`).
    var isRaw = false
    /// Raw because of the pragma, though written `{{name}}`.
    var isRawByPragma = false
    /// Not a name but the pragma `{{% CONTENT_TYPE: TEXT }}` itself.
    var isPragma = false
}
