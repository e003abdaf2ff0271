import Crypto
import Foundation
import Testing
@testable import Fatura

@Suite("HMAC-SHA256 known answers (RFC 4231)")
struct HMACKnownAnswerTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test(arguments: [
        // Test cases 1, 2, 3 and 6 of RFC 4231, HMAC-SHA-256.
        (hex(String(repeating: "0b", count: 20)), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (hex(String(repeating: "aa", count: 20)), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (hex(String(repeating: "aa", count: 131)), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func rfc4231(key: [UInt8], data: [UInt8], expected: String) {
        let mac = HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key))
        #expect(Array(mac) == Self.hex(expected))
        // The signer's own HMAC over SHA-256 states, with no context.
        let (inner, outer) = LinkSigner.hashers(SymmetricKey(data: key), context: [])
        #expect(Array(LinkSigner.code(data, inner: inner, outer: outer)) == Self.hex(expected))
    }

    /// The signer's HMAC from SHA-256 states against swift-crypto's `HMAC`
    /// for keys of every length around the block size and payloads of many.
    @Test func theSignersHMACIsSwiftCryptos() {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 16, 32, 55, 63, 64, 65, 100, 131] {
            let key = SymmetricKey(data: (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let (inner, outer) = LinkSigner.hashers(key)
            for payloadLength in [0, 1, 8, 9, 63, 64, 65, 200] {
                let payload = (0..<payloadLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = HMAC<SHA256>.authenticationCode(for: LinkSigner.context + payload, using: key)
                #expect(Array(LinkSigner.code(payload, inner: inner, outer: outer)) == Array(expected), "key \(keyLength), payload \(payloadLength)")
                #expect(Array(LinkSigner.code(payload, inner: inner, outer: outer).prefix(LinkToken.tagBytes))
                    == LinkSigner.tag(payload, key), "the tag verification computes")
            }
        }
    }
}

@Suite("Signed link tokens")
struct LinkTokenTests {
    static let ring: KeyRing = {
        var ring = KeyRing.new(created: "2026-11-24")
        _ = try! ring.addKey(created: "2026-11-24")
        return ring
    }()
    static let signer = LinkSigner(ring: ring, baseURL: "https://b.example.bh/")
    static let month = BillingMonth("2026-10")!
    static let inNovember = CalendarDate("2026-11-24")!.startInUTC

    @Test func aLinkIsTheBaseAnd24URLSafeCharacters() throws {
        let link = try #require(Self.signer.link(account: "1002345678", month: Self.month))
        #expect(link.hasPrefix("https://b.example.bh/"))
        let token = String(link.dropFirst("https://b.example.bh/".count))
        #expect(token.count == 24)
        #expect(token.utf8.allSatisfy { Base64URL.values[Int($0)] >= 0 })
    }

    /// A link pasted back (by a subscriber, to the call centre) may carry a
    /// trailing slash, a query or a fragment: the web view ignores them, and
    /// so does verification. Anything else after the token is not a token.
    @Test func aPastedLinkVerifiesWithWhatBrowsersAdd() throws {
        let link = try #require(Self.signer.link(account: "1002345678", month: Self.month))
        for pasted in [link, link + "/", link + "?utm=sms", link + "#top", link + "/?x=1#y"] {
            #expect(throws: Never.self, "\(pasted)") { try Self.signer.verify(pasted, now: Self.inNovember).get() }
        }
        for broken in [link + "x", link + "/x", String(link.dropLast())] {
            #expect(throws: LinkSigner.Failure.malformed, "\(broken)") { try Self.signer.verify(broken, now: Self.inNovember).get() }
        }
    }

    /// A base no token can follow would send a month of SMS links nowhere: refused at start.
    @Test(arguments: [
        ("https://b.example.bh", nil), ("https://b.example.bh/b/", nil), ("http://localhost:8080/b", nil),
        ("", "is empty"), ("b.example.bh", "is not an https:// address"), ("javascript:alert(1)//", "is not an https:// address"),
        ("https://x.bh?q=", "query or fragment"), ("https://x.bh/#", "query or fragment"), ("https://x.bh/a b", "space"),
        ("https:///b", "has no host"), ("https://user@x.bh", "user or password"),
    ] as [(String, String?)])
    func aLinkBaseMustBeAnAddressATokenCanFollow(_ base: String, _ problem: String?) {
        let found = LinkSigner.baseURLProblem(base)
        if let problem {
            #expect(found?.contains(problem) == true, "\(base): \(found ?? "accepted")")
        } else {
            #expect(found == nil, "\(base): \(found ?? "")")
        }
    }

    @Test func signThenVerifyManyAccountsAndMonths() throws {
        var generator = SystemRandomNumberGenerator()
        var seen: Set<String> = []
        for digits in 6...12 {
            for _ in 0..<200 {
                var account = ""
                for _ in 0..<digits { account += String(Int.random(in: 0...9, using: &generator)) }
                let month = BillingMonth(year: Int.random(in: 2000...2340, using: &generator), month: Int.random(in: 1...12, using: &generator))!
                let token = try #require(Self.signer.token(account: account, month: month))
                let verified = try Self.signer.verify(token, now: month.adding(months: 1).firstDay.startInUTC).get()
                #expect(verified.account == account)
                #expect(verified.month == month)
                #expect(verified.keyID == 2)
                seen.insert(token)
            }
        }
        #expect(seen.count > 1300)
    }

    @Test func leadingZerosAndLengthsStayDistinct() throws {
        let accounts = ["000000", "0000000", "000123", "123000", "999999999999", "100000", "1000000"]
        let tokens = accounts.map { Self.signer.token(account: $0, month: Self.month)! }
        #expect(Set(tokens).count == accounts.count)
        for (account, token) in zip(accounts, tokens) {
            #expect(try Self.signer.verify(token, now: Self.inNovember).get().account == account)
        }
    }

    @Test func everySingleCharacterChangeIsRejected() throws {
        let token = Array(try #require(Self.signer.token(account: "1002345678", month: Self.month)))
        var tried = 0
        for position in token.indices {
            for replacement in Base64URL.alphabet.map({ Character(UnicodeScalar($0)) }) where replacement != token[position] {
                var changed = token
                changed[position] = replacement
                #expect(throws: LinkSigner.Failure.self) { try Self.signer.verify(String(changed), now: Self.inNovember).get() }
                tried += 1
            }
            for replacement: Character in ["=", "+", "/", "%", ".", "é"] {
                var changed = token
                changed[position] = replacement
                #expect(throws: LinkSigner.Failure.self) { try Self.signer.verify(String(changed), now: Self.inNovember).get() }
            }
        }
        #expect(tried == 24 * 63)
        #expect(throws: LinkSigner.Failure.self) { try Self.signer.verify(String(token.dropLast()), now: Self.inNovember).get() }
        #expect(throws: LinkSigner.Failure.self) { try Self.signer.verify(String(token) + "A", now: Self.inNovember).get() }
    }

    @Test func aMillionRandomTokensAreRejected() {
        var generator = SystemRandomNumberGenerator()
        var accepted = 0
        var badTags = 0
        for round in 0..<1_000_000 {
            var bytes = (0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 {
                // Half look genuine up to the tag: version 1, a key of the ring, a real account and month.
                bytes.replaceSubrange(0..<8, with: LinkToken(keyID: UInt8.random(in: 1...2, using: &generator),
                                                             account: String(UInt64.random(in: 100_000...999_999_999_999, using: &generator)),
                                                             month: Self.month).payload!)
            }
            switch Self.signer.verify(Base64URL.encode(bytes), now: Self.inNovember) {
            case .success: accepted += 1
            case .failure(.badTag): badTags += 1
            case .failure: break
            }
        }
        #expect(accepted == 0)
        #expect(badTags >= 500_000)
    }

    @Test func linksExpireAfterTheThirdMonth() throws {
        let token = try #require(Self.signer.token(account: "1002345678", month: Self.month))
        #expect(LinkSigner.read(token)?.expiresAt.description == "2027-02-01")
        #expect(throws: Never.self) { try Self.signer.verify(token, now: CalendarDate("2027-01-31")!.startInUTC.addingTimeInterval(86_399)).get() }
        #expect(Self.signer.verify(token, now: CalendarDate("2027-02-01")!.startInUTC).failure == .expired)
    }

    @Test func keysRotateWithoutBreakingLinksAlreadySent() throws {
        var ring = KeyRing.new(created: "2026-01-01")
        let old = try #require(LinkSigner(ring: ring, baseURL: "").token(account: "1002345678", month: Self.month))
        let newID = try ring.addKey(created: "2026-11-01")
        #expect(newID == 2)
        let signer = LinkSigner(ring: ring, baseURL: "")
        #expect(try signer.verify(old, now: Self.inNovember).get().keyID == 1)
        let new = try #require(signer.token(account: "1002345678", month: Self.month))
        #expect(try signer.verify(new, now: Self.inNovember).get().keyID == 2)
        try ring.retire(1)
        let afterRetirement = LinkSigner(ring: ring, baseURL: "")
        #expect(afterRetirement.verify(old, now: Self.inNovember).failure == .retiredKey)
        #expect(throws: Never.self) { try afterRetirement.verify(new, now: Self.inNovember).get() }
        #expect(throws: KeyRingError.self) { try ring.retire(2) }
    }

    @Test func aTokenOfAnotherRingHasAnUnknownKeyOrABadTag() throws {
        let development = LinkSigner(ring: .development, baseURL: "")
        let token = try #require(development.token(account: "1002345678", month: Self.month))
        #expect(Self.signer.verify(token, now: Self.inNovember).failure == .unknownKey)
        let otherRing = LinkSigner(ring: KeyRing.new(created: "2026-11-24"), baseURL: "")
        let foreign = try #require(otherRing.token(account: "1002345678", month: Self.month))
        #expect(Self.signer.verify(foreign, now: Self.inNovember).failure == .badTag)
    }

    @Test func theRingFileKeepsSecretsToItsOwner() throws {
        let url = Fixture.temporaryFolder().appendingPathComponent("ring.json")
        var ring = KeyRing.new(created: "2026-11-24")
        _ = try ring.addKey(created: "2026-11-25")
        try ring.save(url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let loaded = try KeyRing.load(url)
        #expect(loaded.keys.map(\.id) == [1, 2])
        #expect(loaded.active.id == 2)
        let token = try #require(LinkSigner(ring: ring, baseURL: "").token(account: "123456", month: Self.month))
        #expect(throws: Never.self) { try LinkSigner(ring: loaded, baseURL: "").verify(token, now: Self.inNovember).get() }
        let secret = try String(contentsOf: url, encoding: .utf8)
            .components(separatedBy: "\"secret\" : \"")[1].prefix(44)
        #expect(!"\(loaded)".contains(secret))
        #expect(!"\(loaded.keys)".contains(secret))
    }
}

extension BillingMonth {
    var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
