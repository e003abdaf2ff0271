/// A view model that templates can read from.
///
/// View models are classes (usually `final class` with `let` properties, which
/// makes them `Sendable`): a nested view model is then passed around by
/// reference, never copied or boxed, and ``MustacheValue`` stays a small value
/// that the renderer handles without reference-counting traffic.
///
/// Conform your view models to this protocol and answer the keys the
/// templates use. Returning `nil` means "I have no such key": the renderer then
/// climbs the context stack to the enclosing objects, exactly as the Mustache
/// spec describes. Return ``MustacheValue/null`` to say "I have this key, and
/// it is empty" (which stops the climb).
///
/// `value(for:)` must be a pure function of the key (same answer every time,
/// no side effects): the renderer may call it several times or cache its
/// answers for the duration of one render.
///
/// ```swift
/// final class ChargeRow: MustacheObject {
///     let label: String
///     let amount: String
///     init(label: String, amount: String) { self.label = label; self.amount = amount }
///     func value(for key: MustacheKey) -> MustacheValue? {
///         switch key.name {
///         case "label": return .string(label)
///         case "amount": return .string(amount)
///         default: return nil
///         }
///     }
/// }
/// ```
public protocol MustacheObject: AnyObject, Sendable {
    /// Returns the value for `key`, or `nil` when this object has no such key.
    func value(for key: MustacheKey) -> MustacheValue?

    /// Appends the value for `key` to `output`, exactly as the renderer
    /// appends `value(for: key)`; returns `false`, writing nothing, when
    /// this object has no such key.
    ///
    /// The renderer calls it for a `{{name}}` tag answered by an object
    /// pushed by a section (a list item, say), where a view with many rows
    /// is asked the most, and by the root when it says ``writesFields``:
    /// writing a field straight into the output skips making a
    /// ``MustacheValue`` (and retaining and releasing its text).
    /// The default asks ``value(for:)``; implement it only for speed, and
    /// only as the same answer:
    /// ```swift
    /// func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
    ///     switch Self.fields[key] {
    ///     case .label: output.append(label)
    ///     case .amount: output.append(amount)
    ///     case nil: return false
    ///     }
    ///     return true
    /// }
    /// ```
    func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool

    /// Whether, as the context a template is rendered against, this object
    /// is asked to ``write(_:to:)`` every `{{name}}` it answers. When false
    /// (the default), the renderer asks ``value(for:)`` once per name and
    /// render and keeps the answer: right for an object whose answers take
    /// work. Return true only when `write` is cheap (fields already made).
    var writesFields: Bool { get }
}

extension MustacheObject {
    public var writesFields: Bool { false }

    /// Appends `value(for: key)`. (Inlinable, so that each conforming type
    /// gets a copy that calls its `value(for:)` directly.)
    @inlinable
    public func write(_ key: MustacheKey, to output: inout MustacheOutput) -> Bool {
        guard let value = value(for: key) else { return false }
        output.append(value)
        return true
    }
}
