import FaturaMustache
import Foundation
import Testing

/// Runs every test of the official Mustache spec (core modules plus the
/// optional inheritance module). Lambdas and dynamic names are not supported
/// and are counted as skipped.
@Suite struct SpecTests {
    static let unsupported: Set<String> = ["~lambdas.json", "~dynamic-names.json"]
    static let mainTemplate = "__spec_main__"

    @Test func officialSpec() throws {
        guard let directory = SpecSupport.specDirectory() else {
            print("mustache spec: skipping, spec folder not found (set MUSTACHE_SPEC_DIR or add ../shared/mustache-spec)")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        #expect(!files.isEmpty, "no spec files in \(directory)")

        var passed = 0
        var failed = 0
        var skipped: [String] = []
        var inheritance = (passed: 0, total: 0)
        var failures: [String] = []

        for file in files {
            let cases = try SpecSupport.cases(inFile: directory + "/" + file)
            if Self.unsupported.contains(file) {
                skipped.append("\(file) \(cases.count)")
                continue
            }
            var filePassed = 0
            for test in cases {
                var templates = test.partials
                templates[Self.mainTemplate] = test.template
                let outcome: Result<String, Error> = Result {
                    try TemplateLibrary(templates: templates).render(Self.mainTemplate, test.data)
                }
                if case .success(let output) = outcome, output == test.expected {
                    filePassed += 1
                } else {
                    let got: String
                    switch outcome {
                    case .success(let output): got = output.debugDescription
                    case .failure(let error): got = "error: \(error)"
                    }
                    failures.append(
                        "\(file) '\(test.name)': template \(test.template.debugDescription), "
                            + "expected \(test.expected.debugDescription), got \(got)")
                }
            }
            passed += filePassed
            failed += cases.count - filePassed
            if file == "~inheritance.json" { inheritance = (filePassed, cases.count) }
            print("mustache spec: \(file): \(filePassed)/\(cases.count)")
        }
        for failure in failures { print("mustache spec FAILED: \(failure)") }
        if !skipped.isEmpty { print("mustache spec: skipped (unsupported): \(skipped.joined(separator: ", "))") }
        print("mustache spec: \(passed) passed, \(failed) failed (inheritance \(inheritance.passed)/\(inheritance.total))")
        #expect(failed == 0, "\(failed) spec tests failed:\n\(failures.joined(separator: "\n"))")
        #expect(passed > 0)
    }
}
