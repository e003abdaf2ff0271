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
        /// Files written (with `record`).
        public var recorded: [String] = []
        /// Snapshot files no sample produces any more.
        public var stale: [String] = []

        public var passed: Bool { differences.isEmpty && stale.isEmpty }
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
                    let rendered = try SampleSet.render(output, entry, language: language, templates: templates)
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
                        report.differences.append("\(name): no snapshot yet (record it with fatura snapshot --record)")
                    }
                }
            }
        }
        let existing = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".txt") }
        for name in existing.sorted() where !expected.contains(name) {
            if record {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                report.recorded.append("\(name) (removed)")
            } else {
                report.stale.append(name)
            }
        }
        return report
    }
}

/// A small line diff for people: the changed lines with three lines of
/// context around them, in unified form.
enum LineDiff {
    static func unified(_ old: String, _ new: String, context: Int = 3) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        // Longest common subsequence table, from the end.
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var lines: [(Character, Substring)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i])); i += 1; j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                lines.append(("+", b[j])); j += 1
            } else {
                lines.append(("-", a[i])); i += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].0 != " " }
        var shown = IndexSet()
        for index in changed { shown.insert(integersIn: max(0, index - context)...min(lines.count - 1, index + context)) }
        var out = ""
        var previous: Int?
        for index in shown {
            if let previous, index != previous + 1 { out += "…\n" }
            out += "\(lines[index].0)\(lines[index].1)\n"
            previous = index
        }
        return out
    }
}
