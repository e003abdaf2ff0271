public import Foundation

/// `fatura snapshot`: every sample through every output in both languages,
/// compared with the files kept in `SAMPLES/snapshots/`, for the designers'
/// own CI.
public struct Snapshots {
    public struct Report: Sendable {
        /// Snapshot files compared and equal.
        public var matched = 0
        /// Readable differences, one entry a file.
        public var differences: [String] = []
        /// Outputs with no snapshot yet (a new sample).
        public var missing: [String] = []
        /// Files written (with `record`).
        public var recorded: [String] = []
        /// Snapshot files no sample produces any more.
        public var stale: [String] = []
        /// Such files removed (with `record`).
        public var removed: [String] = []

        public var passed: Bool { differences.isEmpty && missing.isEmpty && stale.isEmpty }

        /// `N matched, N differ, N missing, N stale`, and what `record` wrote and removed.
        public var line: String {
            var line = "snapshots: \(matched) matched, \(differences.count) differ, \(missing.count) missing, \(stale.count) stale"
            if !recorded.isEmpty || !removed.isEmpty { line += "; \(recorded.count) recorded, \(removed.count) removed" }
            return line
        }
    }

    /// Renders and compares (or, with `record`, rewrites and prunes).
    public static func run(samples: URL, templates: TemplateSet, record: Bool) throws -> Report {
        let folder = samples.appendingPathComponent("snapshots")
        let set = try SampleSet.load(samples)
        var report = Report()
        var expected: Set<String> = []
        for entry in set.entries {
            for output in SampleSet.Output.allCases {
                for language in Language.allCases {
                    let name = SampleSet.snapshotName(output, entry, language: language)
                    expected.insert(name)
                    let rendered: String
                    do {
                        rendered = try SampleSet.render(output, entry, language: language, templates: templates)
                    } catch {
                        // Every sample is tried: the designer sees each one the change broke.
                        report.differences.append("\(name): cannot be rendered (sample \(entry.sample), account \(entry.bill.account), \(language.rawValue)): \(error)")
                        continue
                    }
                    let url = folder.appendingPathComponent(name)
                    let stored = try? String(contentsOf: url, encoding: .utf8)
                    if stored == rendered {
                        report.matched += 1
                    } else if record {
                        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try Data(rendered.utf8).write(to: url, options: .atomic)
                        report.recorded.append(name)
                    } else if let stored {
                        report.differences.append("--- \(name) (snapshot)\n+++ \(name) (rendered)\n" + LineDiff.unified(stored, rendered))
                    } else {
                        report.missing.append(name)
                    }
                }
            }
        }
        let existing = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".txt") }
        for name in existing.sorted() where !expected.contains(name) {
            if record {
                let url = folder.appendingPathComponent(name)
                try FileManager.default.removeItem(at: url)
                // The folder of a sample taken away goes with its last file.
                let parent = url.deletingLastPathComponent()
                if parent.standardizedFileURL != folder.standardizedFileURL,
                   (try? FileManager.default.contentsOfDirectory(atPath: parent.path))?.isEmpty == true {
                    try? FileManager.default.removeItem(at: parent)
                }
                report.removed.append(name)
            } else {
                report.stale.append(name)
            }
        }
        return report
    }
}

/// A small line diff for people: the changed lines with three lines of
/// context around them, in unified form (`@@ -old +new @@` hunks, removed
/// lines before added ones); a carriage return shows as `␍`, and a last
/// line without a line feed is said so, as `diff -u` says it.
enum LineDiff {
    /// A line, and whether it is a text's last with no line feed after it
    /// (so `a` and `a` + line feed differ, as the files do).
    struct Line: Equatable {
        var text: Substring
        var unterminated: Bool
    }

    static func unified(_ old: String, _ new: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        // Longest common subsequence table, from the end.
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        // Each line with its number in the old and the new text.
        var lines: [(mark: Character, line: Line, old: Int, new: Int)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i], i, j)); i += 1; j += 1
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                lines.append(("-", a[i], i, j)); i += 1
            } else {
                lines.append(("+", b[j], i, j)); j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var shown = IndexSet()
        for index in changed { shown.insert(integersIn: max(0, index - context)...min(lines.count - 1, index + context)) }
        var out = ""
        for run in shown.rangeView {
            let hunk = lines[run]
            let oldCount = hunk.filter { $0.mark != "+" }.count
            let newCount = hunk.filter { $0.mark != "-" }.count
            // As diff -u writes them: a count of one is left out, an empty range starts at the line before.
            func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start + 1)" : "\(start + (count > 0 ? 1 : 0)),\(count)" }
            out += "@@ -\(range(hunk.first!.old, oldCount)) +\(range(hunk.first!.new, newCount)) @@\n"
            for entry in hunk {
                out += "\(entry.mark)\(entry.line.text.replacingOccurrences(of: "\r", with: "␍"))\n"
                if entry.line.unterminated { out += "\\ No newline at end of file\n" }
            }
        }
        return out
    }

    /// The lines of `text`, split at each line feed byte (a CR before it
    /// stays in the line: Swift's `Character` would take CR LF as one).
    static func lines(_ text: String) -> [Line] {
        var lines: [Line] = []
        var start = text.startIndex
        for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: "\n") {
            lines.append(Line(text: text[start..<index], unterminated: false))
            start = text.utf8.index(after: index)
        }
        if start < text.endIndex { lines.append(Line(text: text[start...], unterminated: true)) }
        return lines
    }
}
