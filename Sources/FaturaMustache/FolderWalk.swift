import Foundation

/// The files under a folder, as a template folder is read: links to files
/// and to folders are followed (a shared `partials/` linked in, a
/// designer's checkout linked into place). A link to a folder the walk is
/// already inside (a link back up) is not followed, so it cannot loop; a
/// folder reached by two paths is read by both.
public enum FolderWalk {
    /// The regular files under `root`, by path relative to it
    /// (`partials/header.mustache`), each folder's entries in name order.
    /// Throws ``MustacheError`` (code ``MustacheError/Code/io``) naming a
    /// folder that cannot be read.
    public static func files(under root: String) throws -> [String] {
        var files: [String] = []
        var inside: [String] = []
        func walk(_ folder: String, _ prefix: String) throws {
            let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
            guard !inside.contains(real) else { return }
            inside.append(real)
            defer { inside.removeLast() }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
                throw MustacheError(.io, "cannot list the folder '\(prefix.isEmpty ? root : prefix)'", file: prefix.isEmpty ? root : prefix)
            }
            for name in names {
                let path = folder + "/" + name
                var status = stat()
                // stat, not lstat: a link counts as what it leads to (a dangling one, as nothing).
                guard stat(path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: try walk(path, prefix + name + "/")
                case S_IFREG: files.append(prefix + name)
                default: continue
                }
            }
        }
        try walk(root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root, "")
        return files
    }
}
