/// A typed rendering context: what a template is rendered against.
///
/// Truthiness (for `{{#section}}` / `{{^inverted}}`), matching swift-mustache:
/// - falsy: ``null``, `.bool(false)`, an empty ``list``, and a key that is not found;
/// - truthy: everything else, including `""`, `0` and empty dictionaries.
///
/// A truthy non-list, non-bool value is pushed onto the context stack while its
/// section renders; a list renders its section once per element, with the
/// element pushed; `.bool(true)` renders the section without pushing.
public enum MustacheValue: Sendable {
    /// JSON `null`; renders as the empty string and is falsy.
    case null
    /// Renders as `true` / `false`.
    case bool(Bool)
    /// Renders in decimal.
    case int(Int)
    /// Renders like JavaScript: `1.5` → `1.5`, `2.0` → `2`.
    case double(Double)
    /// Renders as its text (HTML-escaped by `{{x}}`, raw by `{{{x}}}` / `{{&x}}`).
    case string(String)
    /// A list: sections iterate it; empty lists are falsy.
    case list([MustacheValue])
    /// A view model.
    case object(any MustacheObject)
    /// A dictionary, e.g. decoded JSON.
    case dictionary([String: MustacheValue])

    /// Looks up one key segment in this value (no stack climbing).
    /// Returns `nil` when the value has no such key.
    @inlinable
    public func child(_ key: MustacheKey) -> MustacheValue? {
        switch self {
        case .object(let object): return object.value(for: key)
        case .dictionary(let dictionary): return dictionary[key.name]
        default: return nil
        }
    }

    /// `false` for ``null``, `.bool(false)` and empty lists; `true` otherwise.
    @inlinable
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .list(let items): return !items.isEmpty
        default: return true
        }
    }
}

extension MustacheValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: MustacheValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        var dictionary: [String: MustacheValue] = [:]
        dictionary.reserveCapacity(elements.count)
        for (key, value) in elements { dictionary[key] = value }
        self = .dictionary(dictionary)
    }
}
