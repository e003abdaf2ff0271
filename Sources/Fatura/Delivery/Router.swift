/// The routing decision for one bill: its channel and who receives it.
public struct Route: Sendable, Hashable {
    public var channel: Channel
    /// The e-mail address or E.164 mobile number; nil on paper.
    public var recipient: String?
}

/// Chooses every bill's one delivery channel, as the contract orders them:
/// the subscriber's e-mail, then SMS, then a relative's e-mail, then paper,
/// unless `delivery/@prefer` names a channel whose contact exists.
public enum Router {
    public static let order: [Channel] = [.email, .sms, .relativeEmail, .paper]

    public static func route(_ contact: Contact, prefer: Channel?) -> Route {
        if let prefer, let route = route(contact, via: prefer) { return route }
        for channel in order {
            if let route = route(contact, via: channel) { return route }
        }
        return Route(channel: .paper, recipient: nil)
    }

    /// The route of a bill whose e-mail cannot be sent as made (it passes
    /// Gmail's clipping size): the next channel of the order that is not an
    /// e-mail (a relative's would be as large), SMS when there is a mobile
    /// number, else paper (and paper too when that SMS cannot fit). Its
    /// link opens the whole bill on the web.
    public static func routeWithoutEmail(_ contact: Contact) -> Route {
        route(contact, via: .sms) ?? Route(channel: .paper, recipient: nil)
    }

    /// The route, and when an address the export gave for it could not be
    /// used (``Contact/unusable``), the channel the bill would have gone by
    /// and why it does not.
    public static func routeNaming(_ contact: Contact, prefer: Channel?) -> (route: Route, instead: (channel: Channel, why: String)?) {
        let route = route(contact, prefer: prefer)
        guard !contact.unusable.isEmpty else { return (route, nil) }
        // The channel an address the bill has would have taken, in the same order.
        func usable(_ channel: Channel) -> Bool { Self.route(contact, via: channel) != nil || contact.unusable[channel] != nil }
        let intended = prefer.flatMap { usable($0) ? $0 : nil } ?? order.first(where: usable) ?? .paper
        guard intended != route.channel, let why = contact.unusable[intended] else { return (route, nil) }
        return (route, (intended, why))
    }

    /// The route over `channel`, or nil when the contact it needs is missing.
    static func route(_ contact: Contact, via channel: Channel) -> Route? {
        switch channel {
        case .email: contact.email.map { Route(channel: .email, recipient: $0.address) }
        case .sms: contact.mobile.map { Route(channel: .sms, recipient: $0.e164) }
        case .relativeEmail: contact.relativeEmail.map { Route(channel: .relativeEmail, recipient: $0.address) }
        case .paper: Route(channel: .paper, recipient: nil)
        }
    }
}
