import Testing
@testable import Fatura

@Suite("Routing: e-mail, SMS, relative, paper; delivery/@prefer when its contact exists")
struct RouterTests {
    static let email = EmailAddress("own@example.com")!
    static let mobile = MobileNumber("33123456")!
    static let relative = EmailAddress("rel@example.com")!

    struct Case: Sendable, CustomTestStringConvertible {
        var email: Bool, mobile: Bool, relative: Bool
        var prefer: Channel?
        var expected: Channel
        var testDescription: String {
            "email \(email) mobile \(mobile) relative \(relative) prefer \(prefer?.rawValue ?? "-") → \(expected.rawValue)"
        }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for email in [false, true] {
            for mobile in [false, true] {
                for relative in [false, true] {
                    let natural: Channel = email ? .email : mobile ? .sms : relative ? .relativeEmail : .paper
                    cases.append(Case(email: email, mobile: mobile, relative: relative, prefer: nil, expected: natural))
                    for prefer in Channel.allCases {
                        let available = switch prefer {
                        case .email: email
                        case .sms: mobile
                        case .relativeEmail: relative
                        case .paper: true
                        }
                        cases.append(Case(email: email, mobile: mobile, relative: relative, prefer: prefer,
                                          expected: available ? prefer : natural))
                    }
                }
            }
        }
        return cases
    }()

    @Test(arguments: cases)
    func routes(_ test: Case) {
        let contact = Contact(email: test.email ? Self.email : nil, mobile: test.mobile ? Self.mobile : nil,
                              relativeEmail: test.relative ? Self.relative : nil)
        let route = Router.route(contact, prefer: test.prefer)
        #expect(route.channel == test.expected)
        switch route.channel {
        case .email: #expect(route.recipient == "own@example.com")
        case .sms: #expect(route.recipient == "+97333123456")
        case .relativeEmail: #expect(route.recipient == "rel@example.com")
        case .paper: #expect(route.recipient == nil)
        }
    }

    @Test func everyCombinationIsCovered() {
        #expect(Self.cases.count == 8 * 5)
    }
}

@Suite("Contacts")
struct ContactTests {
    @Test(arguments: ["a@example.com", "m.ali@example.com", "o'neill+bills@mail.example.co.uk", "x_y-z@a-b.example"])
    func acceptsPlainAddresses(text: String) {
        #expect(EmailAddress(text)?.address == text)
    }

    @Test(arguments: ["", "plain", "a@", "@example.com", "a@example", "a b@example.com", "a@@example.com",
                      "a..b@example.com", ".a@example.com", "a@-example.com", "a@example-.com", "\"q\"@example.com",
                      "a@example.com\r\nBcc: x@example.com", "Name <a@example.com>", "a@[127.0.0.1]", "a@exa_mple.com",
                      // Non-ASCII anywhere, a mark joined to the @ or to the last letter.
                      "أ@example.com", "a@مثال.com", "a@\u{301}example.com", "a@example.com\u{301}", "a\u{301}@example.com"])
    func rejectsOthers(text: String) {
        #expect(EmailAddress(text) == nil)
    }

    @Test(arguments: [("+97333123456", "+97333123456"), ("33123456", "+97333123456"), ("+447911123456", "+447911123456"),
                      (" 17001122 ", "+97317001122"),
                      // Spaces and hyphens between digits, as people write numbers.
                      ("+97333 123456", "+97333123456"), ("3312-3456", "+97333123456"), ("+973 3312 3456", "+97333123456"),
                      ("+44 7911-123 456", "+447911123456")])
    func acceptsMobiles(text: String, e164: String) {
        #expect(MobileNumber(text)?.e164 == e164)
    }

    @Test(arguments: ["3312345", "331234567", "+9733312345", "+973331234567", "+0123456789", "+1234567", "0097333123456",
                      "+1234567890123456", "", "33123456-", "3312/3456", "+973 3312 345", "(3312) 3456", "- 33123456", "+-97333123456"])
    func rejectsOtherMobiles(text: String) {
        #expect(MobileNumber(text) == nil)
    }
}
