/// A fault in the input file as a whole: the run stops, naming where.
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file cannot be opened or read.
        case unreadable
        /// The file is not well-formed (or not namespace-well-formed) XML.
        case malformed
        /// Well-formed, but not a bill export: wrong root, bad batch attributes, a DTD.
        case notABillExport
    }

    public let kind: Kind
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A folder given where an export was expected.
    static func folder(_ path: String) -> InputError {
        InputError(.unreadable, file: path, message: "is a folder, not a bill export")
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
