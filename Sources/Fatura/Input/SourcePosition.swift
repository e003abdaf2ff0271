/// Where a record stands in its source: the line its bill starts on, and the
/// bill's 1-based index in file order.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var index: Int

    public init(line: Int, index: Int) {
        self.line = line
        self.index = index
    }

    public var description: String { "line \(line), bill \(index)" }
}
