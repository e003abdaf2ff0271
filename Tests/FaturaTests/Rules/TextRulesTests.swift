import Testing
@testable import Fatura

@Suite("Text rules")
struct TextRulesTests {
    /// The fixed ranges stand for Unicode's general category Cc everywhere.
    @Test func controlsAreExactlyCategoryCc() {
        var checked = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(TextRules.isControl(scalar) == (scalar.properties.generalCategory == .control), "U+\(String(value, radix: 16))")
            checked += 1
        }
        #expect(checked == 0x110000 - 0x800)
    }

    @Test func cleaningDropsBidiControlsAndRefusesOthers() {
        #expect(TextRules.clean("  Sara\u{202E} ", maxScalars: 10) == .ok("Sara"))
        #expect(TextRules.clean("\u{2067} سارة", maxScalars: 10) == .ok("سارة"))
        #expect(TextRules.clean("Sa\u{85}ra", maxScalars: 10) == .control)
        #expect(TextRules.clean("Sa\tra", maxScalars: 10) == .control)
        #expect(TextRules.clean("\u{202A}\u{202C}", maxScalars: 10) == .empty)
        #expect(TextRules.clean("abcdef", maxScalars: 5) == .tooLong)
        #expect(TextRules.clean("ab\u{200D}c", maxScalars: 4) == .ok("ab\u{200D}c"))
    }
}
