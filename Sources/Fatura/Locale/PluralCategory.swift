/// CLDR plural categories. Foundation on Linux has no working plural
/// look-up (`.stringsdict` and `inflected()` are missing), so the category
/// is chosen here by CLDR's published rules for our two languages, and the
/// catalogs hold one string per category: `days_one`, `days_few`, ….
public enum PluralCategory: String, Sendable, CaseIterable {
    case zero, one, two, few, many, other

    /// The category's place in ``allCases``.
    var index: Int {
        switch self {
        case .zero: 0
        case .one: 1
        case .two: 2
        case .few: 3
        case .many: 4
        case .other: 5
        }
    }

    /// CLDR's cardinal rule for a whole number.
    ///
    /// Arabic: 0 zero; 1 one; 2 two; n % 100 in 3...10 few; n % 100 in
    /// 11...99 many; everything else other. English: 1 one; else other.
    public static func of(_ number: Int, in language: Language) -> PluralCategory {
        let n = number.magnitude
        switch language {
        case .en:
            return n == 1 ? .one : .other
        case .ar:
            switch n {
            case 0: return .zero
            case 1: return .one
            case 2: return .two
            default:
                switch n % 100 {
                case 3...10: return .few
                case 11...99: return .many
                default: return .other
                }
            }
        }
    }

    /// The categories a language's rule can produce: its catalog needs a
    /// string for each.
    public static func used(by language: Language) -> [PluralCategory] {
        switch language {
        case .en: [.one, .other]
        case .ar: allCases
        }
    }
}
