import Synchronization

/// Numbers for key names, the same in every library of the process: a name
/// keeps its number once given, so a table made from numbers before a
/// library is compiled still holds for it.
enum KeyNames {
    private static let numbers = Mutex<[String: Int]>([:])

    /// The number of `name`, given now if it has none yet.
    static func number(of name: String) -> Int {
        numbers.withLock { numbers in
            if let number = numbers[name] { return number }
            let number = numbers.count
            numbers[name] = number
            return number
        }
    }
}

/// Values by key name, found from a key with one array read: the key's
/// process-wide name number indexes a table made once (a key made by hand,
/// with no number, is looked up by its name).
@usableFromInline
struct NumberedTable<Value: Sendable>: Sendable {
    @usableFromInline let byNumber: [Value?]
    @usableFromInline let byName: [String: Value]

    init(_ values: [String: Value]) {
        let numbered = values.map { (KeyNames.number(of: $0.key), $0.value) }
        var byNumber = [Value?](repeating: nil, count: (numbered.map(\.0).max() ?? -1) + 1)
        for (number, value) in numbered { byNumber[number] = value }
        self.byNumber = byNumber
        byName = values
    }

    @inlinable
    subscript(key: MustacheKey) -> Value? {
        let number = key.nameID
        if number >= 0 { return number < byNumber.count ? byNumber[number] : nil }
        return byName[key.name]
    }
}

/// The fields of a view type, found from a key with one array read (see
/// ``KeyNames``), made once per type.
///
/// ```swift
/// final class ChargeRow: MustacheObject {
///     enum Field: String, CaseIterable { case label, amount }
///     static let fields = MustacheFields<Field>()
///     func value(for key: MustacheKey) -> MustacheValue? {
///         switch Self.fields[key] {
///         case .label: .string(label)
///         case .amount: .string(amount)
///         case nil: nil
///         }
///     }
/// }
/// ```
/// A `switch` over the names instead compares strings one by one, and a
/// dictionary hashes the name, on every lookup of every render.
public struct MustacheFields<Field>: Sendable
where Field: CaseIterable & RawRepresentable & Sendable, Field.RawValue == String {
    @usableFromInline let table: NumberedTable<Field>

    public init() {
        table = NumberedTable(Dictionary(uniqueKeysWithValues: Field.allCases.map { ($0.rawValue, $0) }))
    }

    /// The field named by `key`, or nil when the type has none of that name.
    @inlinable
    public subscript(key: MustacheKey) -> Field? { table[key] }

    /// The names of all fields.
    public var names: Set<String> { Set(table.byName.keys) }
}
