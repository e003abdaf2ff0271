import Foundation

extension TemplateLibrary {
    /// Compiles every `*.mustache` file below `directory` (recursively).
    ///
    /// Template names are paths relative to `directory`, without extension and
    /// with `/` separators: `templates/partials/header.mustache` is
    /// `partials/header`. Error messages name files the same way
    /// (`partials/header.mustache:3:7: …`).
    /// - Parameters:
    ///   - directory: folder to load.
    ///   - fileExtension: extension of template files, without the dot.
    ///   - options: see ``Options``.
    /// - Throws: ``MustacheError`` (code ``MustacheError/Code/io``) when the folder
    ///   or a file cannot be read or is not UTF-8, or any compile error.
    public init(directory: String, fileExtension: String = "mustache", options: Options = []) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MustacheError(.io, "template directory '\(directory)' does not exist", file: directory)
        }
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let suffix = "." + fileExtension
        var sources: [SourceText] = []
        // Links to files and folders are followed.
        for relative in try FolderWalk.files(under: root.path) where relative.hasSuffix(suffix) {
            let url = root.appendingPathComponent(relative)
            guard let data = manager.contents(atPath: url.path) else {
                throw MustacheError(.io, "cannot read template file", file: relative)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw MustacheError(.io, "template file is not valid UTF-8", file: relative)
            }
            let name = String(relative.dropLast(suffix.count))
            sources.append(SourceText(name: name, file: relative, text: text))
        }
        try self.init(sources: sources, options: options)
    }
}
