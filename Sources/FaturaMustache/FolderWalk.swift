import Foundation

/// The files under a folder, as a template folder is read: links to files
/// and to folders are followed (a shared `partials/` linked in, a
/// designer's checkout linked into place), each folder once, so a link
/// back up cannot loop.
public enum FolderWalk {
    /// The regular files under `root`, by path relative to it (`partials/header.mustache`), in name order.
    public static func files(under root: String) -> [String] {
        var files: [String] = []
        var seen: Set<String> = []
        func walk(_ folder: String, _ prefix: String) {
            // Each folder once, by where it really is.
            let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
            guard seen.insert(real).inserted else { return }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for name in names {
                let path = folder + "/" + name
                var status = stat()
                // stat, not lstat: a link counts as what it leads to.
                guard stat(path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: walk(path, prefix + name + "/")
                case S_IFREG: files.append(prefix + name)
                default: continue
                }
            }
        }
        walk(root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root, "")
        return files
    }
}
