import FaturaMustache
import Foundation

/// Locates and decodes the official Mustache spec JSON files.
enum SpecSupport {
    /// `MUSTACHE_SPEC_DIR`, else `<package root>/../shared/mustache-spec`, where the
    /// package root is the nearest folder above this file holding `Package.swift`.
    static func specDirectory(filePath: String = #filePath) -> String? {
        let manager = FileManager.default
        if let fromEnvironment = ProcessInfo.processInfo.environment["MUSTACHE_SPEC_DIR"], !fromEnvironment.isEmpty {
            return manager.fileExists(atPath: fromEnvironment) ? fromEnvironment : nil
        }
        var folder = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let spec = folder.appendingPathComponent("../shared/mustache-spec").standardized.path
                return manager.fileExists(atPath: spec) ? spec : nil
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    struct SpecCase {
        var file: String
        var name: String
        var template: String
        var partials: [String: String]
        var data: MustacheValue
        var expected: String
    }

    /// All tests of one spec file.
    static func cases(inFile path: String) throws -> [SpecCase] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try MustacheValue(json: data)
        let file = URL(fileURLWithPath: path).lastPathComponent
        guard case .dictionary(let top) = root, case .list(let tests)? = top["tests"] else {
            throw SpecError("\(file): no 'tests' array")
        }
        return try tests.map { test in
            guard case .dictionary(let fields) = test,
                case .string(let name)? = fields["name"],
                case .string(let template)? = fields["template"],
                case .string(let expected)? = fields["expected"]
            else { throw SpecError("\(file): malformed test") }
            var partials: [String: String] = [:]
            if case .dictionary(let given)? = fields["partials"] {
                for (key, value) in given {
                    guard case .string(let text) = value else { throw SpecError("\(file): bad partial \(key)") }
                    partials[key] = text
                }
            }
            return SpecCase(
                file: file, name: name, template: template, partials: partials, data: fields["data"] ?? .null,
                expected: expected)
        }
    }

    struct SpecError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
