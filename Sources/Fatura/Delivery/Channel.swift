/// The one way a bill reaches its subscriber.
public enum Channel: String, Sendable, CaseIterable, Hashable {
    /// To the subscriber's own e-mail address.
    case email
    /// A short signed link to the web view, by SMS.
    case sms
    /// To a relative's e-mail address, saying whose bill it is.
    case relativeEmail = "relative-email"
    /// No electronic contact: printed, and listed for the contact-update campaign.
    case paper
}
