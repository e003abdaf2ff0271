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
        #expect(TextRules.clean("Sa\tra", maxScalars: 10) == .ok("Sa ra"))
        #expect(TextRules.clean(" Mohammed\n      Ali  Hasan\r\n", maxScalars: 20) == .ok("Mohammed Ali  Hasan"))
        #expect(TextRules.clean("Sa\u{0B}ra", maxScalars: 10) == .control)
        #expect(TextRules.clean("a\n\nb", maxScalars: 3) == .ok("a b"), "counted once made one space")
        #expect(TextRules.clean("\u{202A}\u{202C}", maxScalars: 10) == .empty)
        #expect(TextRules.clean("abcdef", maxScalars: 5) == .tooLong)
        #expect(TextRules.clean("ab\u{200D}c", maxScalars: 4) == .ok("ab\u{200D}c"))
    }

    /// The byte scan gives what the scalar-by-scalar rule gives (kept here
    /// as the reference): for every scalar near the byte patterns it looks
    /// for (C0, DEL, C1, U+2028/U+2029, the bidi controls and their
    /// neighbours), alone, between letters, at the ends and among white
    /// space, under several limits.
    @Test func theByteScanCleansAsTheScalarRule() {
        func reference(_ raw: String, maxScalars: Int) -> TextRules.CleanResult {
            let trimmed = ContractText.trimXMLSpace(raw)
            var count = 0
            var hasBidiControl = false
            var breaks = false
            for scalar in trimmed.unicodeScalars {
                if TextRules.isBidiControl(scalar) {
                    hasBidiControl = true
                    continue
                }
                if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                    breaks = true
                } else if TextRules.isControl(scalar) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    return .control
                }
                count += 1
            }
            var text = String(trimmed)
            if hasBidiControl {
                text = String(ContractText.trimXMLSpace(String(String.UnicodeScalarView(trimmed.unicodeScalars.filter { !TextRules.isBidiControl($0) }))))
            }
            if breaks {
                // Each run of white space with a tab, CR or LF in it: one space.
                let space: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r"]
                var scalars: [Unicode.Scalar] = []
                var run: [Unicode.Scalar] = []
                for scalar in Array(text.unicodeScalars) + [Unicode.Scalar(UInt8(0))] {
                    if space.contains(scalar) {
                        run.append(scalar)
                        continue
                    }
                    scalars += run.allSatisfy { $0 == " " } ? run : [" "]
                    run = []
                    if scalar != Unicode.Scalar(UInt8(0)) { scalars.append(scalar) }
                }
                text = String(String.UnicodeScalarView(scalars))
                count = scalars.count
            }
            if text.isEmpty { return .empty }
            if count > maxScalars { return .tooLong }
            return .ok(text)
        }
        var scalars: [UInt32] = Array(0...0x20) + [0x41, 0x7E, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xBF, 0xC0, 0x627, 0x200D]
        scalars += Array(0x2020...0x2030) + Array(0x2060...0x206F) + [0x2080, 0x20AC, 0xFEFF, 0x1F600]
        let pieces = scalars.map { String(Unicode.Scalar($0)!) }
        let frames = [("", ""), ("Sara", ""), ("", "سارة"), ("a", "b"), (" \t", "\n "), ("\u{202E}", " x")]
        var checked = 0
        for piece in pieces {
            for (before, after) in frames {
                for text in [before + piece + after, piece + piece, before + piece + " " + piece + after] {
                    for limit in [0, 1, 3, 6, 200] {
                        #expect(TextRules.clean(text, maxScalars: limit) == reference(text, maxScalars: limit), "\(text.unicodeScalars.map { String($0.value, radix: 16) }) \(limit)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == pieces.count * 6 * 3 * 5)
    }
}
