/// A language the bills are written in.
public enum Language: String, Sendable, CaseIterable, Hashable {
    case ar
    case en

    /// The other language of the pair.
    public var other: Language { self == .ar ? .en : .ar }
    public var isRightToLeft: Bool { self == .ar }
}

/// A metered service.
public enum Service: String, Sendable, CaseIterable, Hashable {
    case electricity
    case water
}

/// The unit a meter or a charge counts in.
public enum MeterUnit: String, Sendable, Hashable, CaseIterable {
    case kWh
    case m3
}

/// How a meter value was obtained.
public enum ReadingKind: String, Sendable, Hashable {
    case actual
    case estimated
}

public enum CustomerCategory: String, Sendable, Hashable, CaseIterable {
    case residential, commercial, industrial, government, agricultural
}

/// A text given in either or both languages.
public struct LocalizedText: Hashable, Sendable {
    public var ar: String?
    public var en: String?

    public init(ar: String? = nil, en: String? = nil) {
        self.ar = ar
        self.en = en
    }

    public subscript(language: Language) -> String? {
        get { language == .ar ? ar : en }
        set { if language == .ar { ar = newValue } else { en = newValue } }
    }

    /// The text in `language`, or in the other one when it is missing.
    public func preferring(_ language: Language) -> String? {
        self[language] ?? self[language.other]
    }

    public var isEmpty: Bool { ar == nil && en == nil }
}
