/// Why one bill was rejected: a stable code for machines and a plain
/// sentence for people, naming the element and its line.
public struct BillRejection: Error, Sendable, Hashable {
    public enum Code: String, Sendable, CaseIterable {
        case unknownElement = "unknown-element"
        case duplicateElement = "duplicate-element"
        case missingElement = "missing-element"
        case missingAttribute = "missing-attribute"
        case entityReference = "entity-reference"
        case invalidAccount = "invalid-account"
        case invalidNumber = "invalid-number"
        case duplicateNumber = "duplicate-number"
        case duplicateAccount = "duplicate-account"
        case invalidLanguage = "invalid-language"
        case invalidCategory = "invalid-category"
        case invalidName = "invalid-name"
        case invalidAddress = "invalid-address"
        case invalidMobile = "invalid-mobile"
        case invalidRelation = "invalid-relation"
        case invalidDelivery = "invalid-delivery"
        case invalidPeriod = "invalid-period"
        case invalidDue = "invalid-due"
        case dueBeforeIssued = "due-before-issued"
        case invalidMeter = "invalid-meter"
        case invalidCharge = "invalid-charge"
        case invalidAmount = "invalid-amount"
        case invalidHistory = "invalid-history"
        case notReconciled = "not-reconciled"
        /// A CSV or JSON Lines record the reader could not take apart (a
        /// ragged row, a JSON syntax error, a value of the wrong JSON type,
        /// a period or issue date that disagrees with the batch's).
        case malformedRecord = "malformed-record"
        /// A `<bill>` of another namespace or none (an exporter's `xmlns=""`),
        /// or an element of the contract's names in one inside a bill: not
        /// skipped like an extension, which would lose the bill or its contact.
        case wrongNamespace = "wrong-namespace"
        /// Found when delivering: even the short SMS needs more parts than allowed.
        case smsTooLong = "sms-too-long"
    }

    public var code: Code
    public var message: String
    /// The line of the element at fault (the bill's own line when the fault is the bill's).
    public var line: Int

    public init(_ code: Code, _ message: String, line: Int) {
        self.code = code
        self.message = message
        self.line = line
    }
}

/// A rejected bill with everything needed to find it in the source.
public struct RejectedBill: Error, Sendable, Hashable {
    public var position: SourcePosition
    /// The account, when the bill had a valid one.
    public var account: String?
    public var rejection: BillRejection

    public init(position: SourcePosition, account: String?, rejection: BillRejection) {
        self.position = position
        self.account = account
        self.rejection = rejection
    }
}
