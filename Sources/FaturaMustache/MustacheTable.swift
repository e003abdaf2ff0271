/// A constant dictionary for templates (a string catalog, say) that answers
/// the keys of one library by their interned ids: an array read, where a
/// `.dictionary` value hashes the name on every lookup.
///
/// A key of another library, or made with ``MustacheKey/init(_:)``, is still
/// answered, through the dictionary: the id is only trusted when the name
/// at that id is the key's own.
public final class MustacheTable: MustacheObject {
    private let byName: [String: MustacheValue]
    private let names: [String]
    private let byID: [MustacheValue?]

    public init(_ values: [String: MustacheValue], library: TemplateLibrary) {
        byName = values
        names = library.program.segmentNames
        byID = names.map { values[$0] }
    }

    /// The names the table answers, with their values.
    public var entries: [String: MustacheValue] { byName }

    public func value(for key: MustacheKey) -> MustacheValue? {
        if key.id >= 0, key.id < names.count, names[key.id] == key.name { return byID[key.id] }
        return byName[key.name]
    }
}
