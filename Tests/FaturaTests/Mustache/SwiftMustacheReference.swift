import FaturaMustache
import Foundation
import Mustache

/// hummingbird-project/swift-mustache, the reference engine: our typed
/// values seen through its `MustacheParent` protocol, and a library of the
/// same template folder.
struct ReferenceContext: MustacheParent {
    let value: MustacheValue

    func child(named name: String) -> Any? {
        value.child(MustacheKey(name)).flatMap(Self.convert)
    }

    static func convert(_ value: MustacheValue) -> Any? {
        switch value {
        case .null: nil
        case .bool(let bool): bool
        case .int(let int): int
        case .double(let double): double
        case .string(let string): string
        case .list(let items): items.map { convert($0) as Any }
        case .object, .dictionary: ReferenceContext(value: value)
        }
    }
}

enum ReferenceEngine {
    /// Every `*.mustache` under `directory`, registered by its relative name.
    static func library(_ directory: URL) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        let base = directory.standardizedFileURL.path
        let walker = FileManager.default.enumerator(atPath: base)!
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".mustache") else { continue }
            let source = try String(contentsOfFile: base + "/" + relative, encoding: .utf8)
            try library.register(source, named: String(relative.dropLast(".mustache".count)))
        }
        return library
    }

    static func render(_ library: MustacheLibrary, _ name: String, _ value: MustacheValue) -> String? {
        library.render(ReferenceContext(value: value), withTemplate: name)
    }
}
