public import Foundation
import Mustache

/// Renders the bill templates with hummingbird-project/swift-mustache.
public struct SwiftMustacheRenderer: BillRenderer {
    /// The templates the renderer needs; checked when it is made.
    public static let requiredTemplates = ["bill"]

    private let library: MustacheLibrary

    /// Loads every `*.mustache` under `directory` (names like
    /// `partials/header`) and checks that the required templates exist.
    public init(templates directory: URL) throws(TemplateSetupError) {
        let sources = try TemplateFiles.load(directory)
        var library = MustacheLibrary()
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(source, named: name)
            } catch {
                throw TemplateSetupError("\(directory.path)/\(name).mustache: \(error)")
            }
        }
        for name in Self.requiredTemplates where library.getTemplate(named: name) == nil {
            throw TemplateSetupError("missing template \(directory.path)/\(name).mustache")
        }
        self.library = library
    }

    public func renderPage(_ view: BillPageView) throws -> String {
        guard let page = library.render(view, withTemplate: "bill") else {
            throw TemplateSetupError("template bill is missing")
        }
        return page
    }
}

/// Finds the template sources of a directory.
enum TemplateFiles {
    /// Every `*.mustache` file under `directory`, by name without extension.
    static func load(_ directory: URL) throws(TemplateSetupError) -> [String: String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TemplateSetupError("template folder \(directory.path) does not exist")
        }
        let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: base) else {
            throw TemplateSetupError("template folder \(directory.path) cannot be read")
        }
        var sources: [String: String] = [:]
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".mustache") else { continue }
            let path = base + "/" + relative
            guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TemplateSetupError("template \(path) cannot be read as UTF-8")
            }
            sources[String(relative.dropLast(".mustache".count))] = source
        }
        return sources
    }
}
