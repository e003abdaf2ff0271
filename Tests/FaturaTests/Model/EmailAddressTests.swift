import Testing
@testable import Fatura

@Suite("E-mail addresses: dot-atom @ host name")
struct EmailAddressTests {
    /// The rules as the contract words them, by splitting (the reader reads byte by byte).
    static func reference(_ text: String) -> Bool {
        let trimmed = ContractText.trimXMLSpace(text)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 64 else { return false }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-".utf8)
        let atoms = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard !parts[0].isEmpty, atoms.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(atext.contains) }) else { return false }
        let domain = parts[1]
        guard domain.utf8.count <= 253 else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let hostBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
        return labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.utf8.allSatisfy(hostBytes.contains)
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
    }

    @Test(arguments: [
        ("user@example.com", true), ("a.b-c+d@mail.example.bh", true), ("!#$%&'*+/=?^_`{|}~-@x.io", true),
        ("  user@example.com\n", true), ("@example.com", false), ("user@", false), ("user@com", false),
        (".user@example.com", false), ("user.@example.com", false), ("us..er@example.com", false),
        ("user@-example.com", false), ("user@example-.com", false), ("user@example..com", false),
        ("user@.example.com", false), ("user@example.com.", false), ("us er@example.com", false),
        ("user@exa_mple.com", false), ("a@b@example.com", false), ("مستخدم@example.com", false), ("", false),
    ])
    func knownAddresses(text: String, valid: Bool) {
        #expect((EmailAddress(text) != nil) == valid)
        #expect(Self.reference(text) == valid)
    }

    @Test func theLimitsAreExact() {
        let label63 = String(repeating: "a", count: 63)
        #expect(EmailAddress("u@\(label63).com") != nil)
        #expect(EmailAddress("u@\(label63)a.com") == nil)
        // 253 bytes of host: four labels of 63 and a dot between each, then ".b".
        let host253 = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(host253.utf8.count == 253)
        #expect(EmailAddress("u@\(host253)") != nil)
        #expect(EmailAddress("u@\(host253)b") == nil)
        #expect(EmailAddress(String(repeating: "l", count: 64) + "@example.com") != nil)
        #expect(EmailAddress(String(repeating: "l", count: 65) + "@example.com") == nil)
    }

    @Test func randomTextsAgreeWithTheRules() {
        var generator = SeededGenerator(seed: 2026_11_25)
        let common = ["a", "Z", "7", "-", ".", "_", "ab", "x9"]
        let rare = ["@", "!", " ", "é", "..", ".-", "-.", "@x.y", "@@", "%"]
        var valid = 0
        for _ in 0..<20_000 {
            func part() -> String {
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                    (Int.random(in: 0..<10, using: &generator) == 0 ? rare : common).randomElement(using: &generator)!
                }.joined()
            }
            // Mostly shaped like an address, so that many pass and the edges are near.
            let text = Bool.random(using: &generator) ? part() + part() : part() + "@" + part() + "." + part()
            let expected = Self.reference(text)
            #expect((EmailAddress(text) != nil) == expected, "\(String(reflecting: text))")
            if expected { valid += 1 }
        }
        // Both answers come up often enough to mean something.
        #expect(valid > 200 && valid < 19_800)
    }
}
