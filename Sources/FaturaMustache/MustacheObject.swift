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
}
