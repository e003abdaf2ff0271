import Crypto
public import Foundation

/// Signs and verifies link tokens against a key ring.
public struct LinkSigner: Sendable {
    public let ring: KeyRing
    /// `https://…/b`: a link is `baseURL/TOKEN`.
    public let baseURL: String
    static let context = Array("fatura-link-v1".utf8)
    /// The active key's HMAC-SHA256 (RFC 2104) as its two SHA-256 states:
    /// the inner one with the key's inner pad and the context hashed in, the
    /// outer one with the outer pad. Every token continues copies of them
    /// through SHA-256's own calls: `HMAC.update` is generic over the data
    /// and not specialized across the module boundary, which made signing
    /// cost about 2 µs a bill. Verifying (``tag(_:_:)``) still goes through
    /// `HMAC`; the tests check both give the same code.
    private let activeInner: SHA256
    private let activeOuter: SHA256

    public init(ring: KeyRing, baseURL: String) {
        self.ring = ring
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        (activeInner, activeOuter) = Self.hashers(ring.active.secret)
    }

    /// The inner and outer SHA-256 states of HMAC-SHA256 with `key`, the
    /// `context` (a token's, unless told) already in the inner one.
    static func hashers(_ key: SymmetricKey, context: [UInt8] = context) -> (inner: SHA256, outer: SHA256) {
        let blockSize = 64
        var block = key.withUnsafeBytes { Array($0) }
        if block.count > blockSize { block = Array(SHA256.hash(data: block)) }
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = SHA256()
        var outer = SHA256()
        (block.map { $0 ^ 0x36 } + context).withUnsafeBytes { inner.update(bufferPointer: $0) }
        block.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return (inner, outer)
    }

    /// HMAC-SHA256 of the hashers' context and `payload`, from the key's `hashers`.
    static func code(_ payload: [UInt8], inner: SHA256, outer: SHA256) -> SHA256.Digest {
        var inner = inner
        payload.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// Why a token does not verify.
    public enum Failure: String, Error, Sendable {
        case malformed, unknownKey = "unknown key", retiredKey = "retired key", badTag = "bad tag", expired
    }

    /// The token of a bill's link, signed with the active key.
    public func token(account: String, month: BillingMonth) -> String? {
        let key = ring.active
        guard let payload = LinkToken(keyID: key.id, account: account, month: month).payload else { return nil }
        let code = Self.code(payload, inner: activeInner, outer: activeOuter)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: LinkToken.payloadBytes + LinkToken.tagBytes) { token in
            _ = token.initialize(from: payload)
            code.withUnsafeBytes { tag in
                for index in 0..<LinkToken.tagBytes { token[LinkToken.payloadBytes + index] = tag[index] }
            }
            return Base64URL.encode(UnsafeBufferPointer(token))
        }
    }

    public func link(account: String, month: BillingMonth) -> String? {
        token(account: account, month: month).map { baseURL + "/" + $0 }
    }

    /// The token's contents when it can be read at all (even if it does not verify).
    public static func read(_ tokenOrURL: String) -> LinkToken? {
        guard let bytes = bytes(tokenOrURL) else { return nil }
        return LinkToken(payload: bytes[0..<LinkToken.payloadBytes])
    }

    /// Verifies a token (or a link ending in one) at `now`: the tag is
    /// compared in constant time, and a retired key's token is refused as
    /// retired only once its tag proves it genuine.
    public func verify(_ tokenOrURL: String, now: Date = Date()) -> Result<LinkToken, Failure> {
        guard let bytes = Self.bytes(tokenOrURL),
              let token = LinkToken(payload: bytes[0..<LinkToken.payloadBytes])
        else { return .failure(.malformed) }
        guard let key = ring.key(token.keyID) else { return .failure(.unknownKey) }
        let expected = Self.tag(Array(bytes[0..<LinkToken.payloadBytes]), key.secret)
        guard Self.constantTimeEqual(expected, bytes[LinkToken.payloadBytes...]) else { return .failure(.badTag) }
        if key.status == .retired { return .failure(.retiredKey) }
        guard now < token.expiresAt.startInUTC else { return .failure(.expired) }
        return .success(token)
    }

    /// Why `base` cannot begin the links, or nil: it must be an absolute
    /// `https` (or `http`) URL with a host, and nothing a token after it
    /// would not survive (a query, a fragment, spaces, a user).
    public static func baseURLProblem(_ base: String) -> String? {
        guard !base.isEmpty else { return "is empty" }
        guard !base.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            return "holds a space or a control character"
        }
        guard let parts = URLComponents(string: base), let scheme = parts.scheme?.lowercased(), ["https", "http"].contains(scheme) else {
            return "is not an https:// address"
        }
        guard let host = parts.host, !host.isEmpty else { return "has no host" }
        guard parts.query == nil, parts.fragment == nil else { return "has a query or fragment (? or #): the token would not be the link's path" }
        guard parts.user == nil, parts.password == nil else { return "has a user or password" }
        return nil
    }

    /// The token's bytes from a token or a link ending in one (a trailing
    /// slash, a query or a fragment, as a pasted link may have, left out).
    static func bytes(_ tokenOrURL: String) -> [UInt8]? {
        var text = Substring(tokenOrURL)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        while text.hasSuffix("/") { text = text.dropLast() }
        let token = text.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard token.utf8.count == LinkToken.length, let bytes = Base64URL.decode(token),
              bytes.count == LinkToken.payloadBytes + LinkToken.tagBytes
        else { return nil }
        return bytes
    }

    static func tag(_ payload: [UInt8], _ key: SymmetricKey) -> [UInt8] {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: context)
        mac.update(data: payload)
        return Array(mac.finalize().prefix(LinkToken.tagBytes))
    }

    /// Compares every byte whatever the first difference, so the time taken
    /// says nothing about how much of a forged tag was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
