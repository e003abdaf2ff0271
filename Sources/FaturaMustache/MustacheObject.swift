/// A view model that templates can read from.
///
/// Conform your view models to this protocol and answer the keys the
/// templates use. Returning `nil` means "I have no such key": the renderer then
/// climbs the context stack to the enclosing objects, exactly as the Mustache
/// spec describes. Return ``MustacheValue/null`` to say "I have this key, and
/// it is empty" (which stops the climb).
///
/// ```swift
/// struct ChargeRow: MustacheObject {
///     let label: String
///     let amount: String
///     func value(for key: MustacheKey) -> MustacheValue? {
///         switch key.name {
///         case "label": return .string(label)
///         case "amount": return .string(amount)
///         default: return nil
///         }
///     }
/// }
/// ```
public protocol MustacheObject: Sendable {
    /// Returns the value for `key`, or `nil` when this object has no such key.
    func value(for key: MustacheKey) -> MustacheValue?
}
