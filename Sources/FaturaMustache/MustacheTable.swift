/// A constant dictionary for templates (a string catalog, say) that answers
/// keys by their process-wide numbers (see ``MustacheFields``): an array
/// read, where a `.dictionary` value hashes the name on every lookup. A key
/// made with ``MustacheKey/init(_:)`` is answered by its name.
public final class MustacheTable: MustacheObject {
    private let table: NumberedTable<MustacheValue>

    public init(_ values: [String: MustacheValue]) {
        table = NumberedTable(values)
    }

    /// The names the table answers, with their values.
    public var entries: [String: MustacheValue] { table.byName }

    public func value(for key: MustacheKey) -> MustacheValue? { table[key] }
}
