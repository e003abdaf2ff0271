/// One segment of a tag name, as handed to ``MustacheObject/value(for:)``.
///
/// A tag such as `{{customer.name}}` is split at compile time into the keys
/// `customer` and `name`. Keys created by a ``TemplateLibrary`` are interned:
/// every distinct segment name in the library gets a small integer ``id``
/// (stable for the lifetime of that library, not across libraries).
///
/// Every interned name also has a process-wide number, so that a view type can
/// find its field from a key with one array read: see ``MustacheFields``.
///
/// Small view models can simply switch on ``name``:
/// ```swift
/// func value(for key: MustacheKey) -> MustacheValue? {
///     switch key.name {
///     case "total": return .string(totalText)
///     default: return nil
///     }
/// }
/// ```
public struct MustacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The segment name, e.g. `name` for the last segment of `{{customer.name}}`.
    public let name: String
    /// Interned id of ``name`` inside the library that compiled it, or `-1` for
    /// keys created with ``init(_:)``.
    public let id: Int
    /// The process-wide number of ``name`` (see ``KeyNames``), or `-1` for keys
    /// created with ``init(_:)``.
    @usableFromInline let nameID: Int

    /// Creates a key that is not interned (``id`` is `-1`), e.g. to query a
    /// view model directly in tests.
    public init(_ name: String) {
        self.name = name
        self.id = -1
        self.nameID = -1
    }

    init(name: String, id: Int) {
        self.name = name
        self.id = id
        self.nameID = KeyNames.number(of: name)
    }

    public var description: String { name }

    /// Keys compare by ``name`` only.
    public static func == (lhs: MustacheKey, rhs: MustacheKey) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
