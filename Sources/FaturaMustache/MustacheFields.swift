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

/// The fields of a view type, found from a key with one array read: the
/// key's process-wide name number indexes a table made once per type.
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
    @usableFromInline let byNumber: [Field?]
    @usableFromInline let byName: [String: Field]

    public init() {
        var byName: [String: Field] = [:]
        var numbered: [(Int, Field)] = []
        for field in Field.allCases {
            byName[field.rawValue] = field
            numbered.append((KeyNames.number(of: field.rawValue), field))
        }
        var byNumber = [Field?](repeating: nil, count: (numbered.map(\.0).max() ?? -1) + 1)
        for (number, field) in numbered { byNumber[number] = field }
        self.byNumber = byNumber
        self.byName = byName
    }

    /// The field named by `key`, or nil when the type has none of that name.
    @inlinable
    public subscript(key: MustacheKey) -> Field? {
        let number = key.nameID
        if number >= 0 { return number < byNumber.count ? byNumber[number] : nil }
        return byName[key.name]
    }

    /// The names of all fields.
    public var names: Set<String> { Set(byName.keys) }
}
