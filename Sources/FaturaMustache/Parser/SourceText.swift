/// The UTF-8 text of one template, with a line table for error positions.
struct SourceText: Sendable {
    /// Template name, e.g. `partials/header`.
    let name: String
    /// File name used in messages, e.g. `partials/header.mustache`.
    let file: String
    let bytes: [UInt8]
    /// Offsets at which lines start (the first is 0).
    private let lineStarts: [Int]

    init(name: String, file: String, text: String) {
        self.name = name
        self.file = file
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// 1-based line and column (column counted in Unicode scalars) of `offset`.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var i = lineStarts[low]
        while i < offset && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (low + 1, column)
    }

    /// Builds an error located at `offset`.
    func error(_ code: MustacheError.Code, _ message: String, at offset: Int, name: String? = nil) -> MustacheError {
        let (line, column) = location(of: offset)
        return MustacheError(code, message, template: self.name, file: file, line: line, column: column, name: name)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
