import Crypto
public import Foundation

/// Signs and verifies link tokens against a key ring.
public struct LinkSigner: Sendable {
    public let ring: KeyRing
    /// `https://…/b`: a link is `baseURL/TOKEN`.
    public let baseURL: String
    static let context = Array("fatura-link-v1".utf8)
    /// The active key's HMAC with the context already hashed in: every
    /// token starts from a copy (the key's pads are hashed once, not per bill).
    private let activeMAC: HMAC<SHA256>

    public init(ring: KeyRing, baseURL: String) {
        self.ring = ring
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var mac = HMAC<SHA256>(key: ring.active.secret)
        mac.update(data: Self.context)
        activeMAC = mac
    }

    /// Why a token does not verify.
    public enum Failure: String, Error, Sendable {
        case malformed, unknownKey = "unknown key", retiredKey = "retired key", badTag = "bad tag", expired
    }

    /// The token of a bill's link, signed with the active key.
    public func token(account: String, month: BillingMonth) -> String? {
        let key = ring.active
        guard let payload = LinkToken(keyID: key.id, account: account, month: month).payload else { return nil }
        var mac = activeMAC
        mac.update(data: payload)
        let code = mac.finalize()
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

    static func bytes(_ tokenOrURL: String) -> [UInt8]? {
        let token = tokenOrURL.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
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
