/// An accepted bill sent by another channel than the one it would have
/// gone by, and why: the address for that channel is not a plain e-mail
/// address, or its e-mail would pass Gmail's clipping size (some 350
/// charges; it goes by SMS, whose link opens the whole bill, or on paper).
/// Rejecting it would leave a valid bill with no channel; the contract
/// gives every bill one.
public struct ReroutedBill: Sendable, Hashable {
    public enum Reason: String, Sendable, CaseIterable {
        /// The address of the channel the bill would have gone by (`email`
        /// or `relative-email`) is not a plain e-mail address.
        case invalidEmail = "invalid-email"
        /// The e-mail's HTML passes Gmail's clipping size.
        case emailTooLarge = "email-too-large"
    }

    public var position: SourcePosition
    public var account: String
    public var reason: Reason
    public var message: String
    /// The channel the bill would have gone by, and the one it went by.
    public var from: Channel
    public var to: Channel

    /// One line for people: `FILE:LINE: bill 3 (account 1002345678): email-too-large: …; sent by sms instead of email`
    /// (`sent on paper instead of email`).
    public func diagnostic(file: String) -> String {
        "\(file):\(position.line): bill \(position.index) (account \(account)): \(reason.rawValue): \(message); sent \(to == .paper ? "on" : "by") \(to.rawValue) instead of \(from.rawValue)"
    }
}
