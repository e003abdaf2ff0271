/// Applies every rule of the bill-data contract to one record, turning it
/// into a `Bill` or a `BillRejection` that names the element, its line and
/// what is wrong. Rules that span the file (unique bill numbers and
/// accounts) are kept by `BatchChecker`.
public struct BillChecker: Sendable {
    public let header: BatchHeader

    public init(header: BatchHeader) {
        self.header = header
    }

    /// The bill's account and number when they are valid, read before any
    /// other rule so that a rejection can name the account.
    public func identity(of record: RecordNode) -> (account: String?, number: String?) {
        FlatRecord(record).withRoot { identity(of: $0) }
    }

    func identity(of record: FlatElement) -> (account: String?, number: String?) {
        (try? account(of: record), try? number(of: record))
    }

    /// The identity from the raw attributes, as `identity(of:)` gives it.
    static func identity(account: String?, number: String?) -> (account: String?, number: String?) {
        (account.flatMap(validAccount), number.flatMap(validNumber))
    }

    static func validAccount(_ raw: String) -> String? {
        let value = ContractText.trimXMLSpace(raw)
        guard (6...12).contains(value.utf8.count), value.utf8.allSatisfy(\.isASCIIDigit) else { return nil }
        return String(value)
    }

    static func validNumber(_ raw: String) -> String? {
        let value = ContractText.trimXMLSpace(raw)
        guard (1...32).contains(value.utf8.count), value.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") }) else { return nil }
        return String(value)
    }

    /// The elements a bill holds at most once, and the repeatable ones.
    enum ChildKind: CaseIterable {
        case customer, address, contact, delivery, period, due, balance, total
        case meter, charge, history

        /// Told apart by the first byte and the length, then checked whole
        /// (one comparison of equal strings instead of a string switch's
        /// run of unequal ones, for the thirty children of every bill).
        init?(_ name: String) {
            let utf8 = name.utf8
            guard let first = utf8.first else { return nil }
            let candidate: ChildKind
            switch first {
            case UInt8(ascii: "c"):
                switch utf8.count {
                case 8: candidate = .customer
                case 7: candidate = .contact
                case 6: candidate = .charge
                default: return nil
                }
            case UInt8(ascii: "a"): candidate = .address
            case UInt8(ascii: "d"): candidate = utf8.count == 3 ? .due : .delivery
            case UInt8(ascii: "p"): candidate = .period
            case UInt8(ascii: "b"): candidate = .balance
            case UInt8(ascii: "t"): candidate = .total
            case UInt8(ascii: "m"): candidate = .meter
            case UInt8(ascii: "h"): candidate = .history
            default: return nil
            }
            guard name == candidate.name else { return nil }
            self = candidate
        }

        /// The element's name in the contract.
        var name: String {
            switch self {
            case .customer: "customer"
            case .address: "address"
            case .contact: "contact"
            case .delivery: "delivery"
            case .period: "period"
            case .due: "due"
            case .balance: "balance"
            case .total: "total"
            case .meter: "meter"
            case .charge: "charge"
            case .history: "history"
            }
        }
    }

    /// The index of each once-only child of a bill that it has.
    struct Singles {
        private var customer = -1, address = -1, contact = -1, delivery = -1
        private var period = -1, due = -1, balance = -1, total = -1

        subscript(kind: ChildKind) -> Int? {
            get {
                let index = switch kind {
                case .customer: customer
                case .address: address
                case .contact: contact
                case .delivery: delivery
                case .period: period
                case .due: due
                case .balance: balance
                case .total: total
                case .meter, .charge, .history: -1
                }
                return index < 0 ? nil : index
            }
            set {
                let index = newValue ?? -1
                switch kind {
                case .customer: customer = index
                case .address: address = index
                case .contact: contact = index
                case .delivery: delivery = index
                case .period: period = index
                case .due: due = index
                case .balance: balance = index
                case .total: total = index
                case .meter, .charge, .history: preconditionFailure("<\(kind.name)> may repeat")
                }
            }
        }
    }

    public func check(_ record: RecordNode) throws(BillRejection) -> Bill {
        try FlatRecord(record).withRoot { root throws(BillRejection) in try check(root) }
    }

    func check(_ record: FlatRecord) throws(BillRejection) -> Bill {
        try record.withRoot { root throws(BillRejection) in try check(root) }
    }

    func check(_ record: FlatElement) throws(BillRejection) -> Bill {
        guard record.name == "bill" else {
            throw BillRejection(.unknownElement, "<\(record.name)> is not a bill: only <bill> elements may stand in <bills>", line: record.line)
        }
        try Self.checkFaults(record)
        let account = try account(of: record)
        let number = try number(of: record)

        return try bill(record, record.children, account: account, number: number)
    }

    /// The rules on the children of a bill whose identity is valid.
    private func bill(_ record: FlatElement, _ children: FlatElement.Children, account: String, number: String) throws(BillRejection) -> Bill {
        // The children by kind, as indices: nothing is copied or hashed.
        var single = Singles()
        var meters = 0, charges = 0, histories = 0
        for index in children.indices {
            let kind = ChildKind(children[index].name)
            switch kind {
            case .meter: meters += 1
            case .charge: charges += 1
            case .history: histories += 1
            case nil:
                let child = children[index]
                throw BillRejection(.unknownElement, "<\(child.name)> at line \(child.line) is not part of a bill in the contract", line: child.line)
            case let kind?:
                if let first = single[kind] {
                    let child = children[index]
                    throw BillRejection(.duplicateElement, "<\(child.name)> at line \(child.line) repeats the one at line \(children[first].line); a bill has at most one", line: child.line)
                }
                single[kind] = index
            }
        }

        let customer = try self.customer(children[try required(.customer, in: single, bill: record)])
        let address = try single[.address].map { index throws(BillRejection) in try self.address(children[index]) }
        let contact = try single[.contact].map { index throws(BillRejection) in try self.contact(children[index]) } ?? Contact()
        let prefer = try single[.delivery].map { index throws(BillRejection) in try self.delivery(children[index]) } ?? nil
        let (start, end) = try period(children[try required(.period, in: single, bill: record)])
        let due = try self.due(children[try required(.due, in: single, bill: record)])
        var parsedMeters: [Meter] = []
        parsedMeters.reserveCapacity(meters)
        for index in children.indices where children[index].name == "meter" {
            parsedMeters.append(try meter(children[index]))
        }
        guard charges > 0 else {
            throw BillRejection(.missingElement, "the bill has no <charge>; at least one is required", line: record.line)
        }
        var parsedCharges: [Charge] = []
        parsedCharges.reserveCapacity(charges)
        for index in children.indices where children[index].name == "charge" {
            parsedCharges.append(try charge(children[index]))
        }
        let (previous, payments) = try single[.balance].map { index throws(BillRejection) in try self.balance(children[index]) } ?? (.zero, .zero)
        let totalNode = children[try required(.total, in: single, bill: record)]
        let total = try money(try leafText(totalNode), what: "<total> at line \(totalNode.line)", line: totalNode.line)
        var history: [ServiceHistory] = []
        if histories > 0 {
            history.reserveCapacity(histories)
            for index in children.indices where children[index].name == "history" {
                try self.history(children[index], into: &history)
            }
        }
        let sum = parsedCharges.reduce(previous - payments) { $0 + $1.amount }
        guard sum == total else {
            throw BillRejection(
                .notReconciled,
                "the bill does not reconcile: previous \(previous.contractText) − payments \(payments.contractText) + charges \((sum - previous + payments).contractText) = \(sum.contractText), but <total> at line \(totalNode.line) is \(total.contractText)",
                line: totalNode.line)
        }

        return Bill(
            account: account, number: number, month: header.period, issued: header.issued,
            customer: customer, address: address, contact: contact, preferredChannel: prefer,
            periodStart: start, periodEnd: end, due: due, meters: parsedMeters, charges: parsedCharges,
            previousBalance: previous, payments: payments, total: total, history: history)
    }

    // MARK: Identity

    func account(of record: FlatElement) throws(BillRejection) -> String {
        guard let raw = record.attribute("account") else {
            throw BillRejection(.missingAttribute, "<bill> has no account attribute", line: record.line)
        }
        guard let value = Self.validAccount(raw) else {
            throw BillRejection(.invalidAccount, "account \(TextRules.quoted(raw)) is not 6 to 12 digits", line: record.line)
        }
        return value
    }

    func number(of record: FlatElement) throws(BillRejection) -> String {
        guard let raw = record.attribute("number") else {
            throw BillRejection(.missingAttribute, "<bill> has no number attribute", line: record.line)
        }
        guard let value = Self.validNumber(raw) else {
            throw BillRejection(.invalidNumber, "bill number \(TextRules.quoted(raw)) is not 1 to 32 of A-Z, a-z, 0-9 and -", line: record.line)
        }
        return value
    }

    // MARK: Helpers

    /// The first fault in document order (a record without any, which is
    /// all but the rarest, is not walked).
    static func checkFaults(_ node: FlatElement) throws(BillRejection) {
        guard node.recordHasFaults else { return }
        if let fault = node.fault {
            let message = fault.code == .entityReference ? "<\(node.name)> at line \(node.line): \(fault.message)" : fault.message
            throw BillRejection(fault.code, message, line: node.line)
        }
        for child in node.children {
            try checkFaults(child)
        }
    }

    /// The index of the bill's one child of `kind`, which it must have.
    func required(_ kind: ChildKind, in single: Singles, bill: FlatElement) throws(BillRejection) -> Int {
        guard let index = single[kind] else {
            throw BillRejection(.missingElement, "the bill has no <\(kind.name)>, which is required", line: bill.line)
        }
        return index
    }

    func requiredAttribute(_ name: String, of node: FlatElement) throws(BillRejection) -> String {
        guard let value = node.attribute(name) else {
            throw BillRejection(.missingAttribute, "<\(node.name)> at line \(node.line) has no \(name) attribute, which is required", line: node.line)
        }
        return value
    }

    /// The same, read in place.
    func requiredAttributeBytes(_ name: String, of node: FlatElement) throws(BillRejection) -> UnsafeBufferPointer<UInt8> {
        guard let value = node.attributeBytes(name) else {
            throw BillRejection(.missingAttribute, "<\(node.name)> at line \(node.line) has no \(name) attribute, which is required", line: node.line)
        }
        return value
    }

    /// `what` names the value in the rejection: made only when there is one.
    func money(_ text: String, what: @autoclosure () -> String, line: Int) throws(BillRejection) -> Money {
        switch Money.parse(text) {
        case .success(let money): return money
        case .failure(let failure):
            throw BillRejection(.invalidAmount, "\(what()): \(TextRules.quoted(text)) \(failure.explanation)", line: line)
        }
    }

    /// The same, from an attribute's bytes.
    func money(_ bytes: UnsafeBufferPointer<UInt8>, what: @autoclosure () -> String, line: Int) throws(BillRejection) -> Money {
        switch Money.parse(utf8: bytes) {
        case .success(let money): return money
        case .failure: return try money(String(decoding: bytes, as: UTF8.self), what: what(), line: line)
        }
    }

    func date(_ bytes: UnsafeBufferPointer<UInt8>, what: @autoclosure () -> String, code: BillRejection.Code, line: Int) throws(BillRejection) -> CalendarDate {
        guard let date = CalendarDate(utf8: bytes) else {
            throw Self.notADate(String(decoding: bytes, as: UTF8.self), what: what(), code: code, line: line)
        }
        return date
    }

    func date(_ text: String, what: @autoclosure () -> String, code: BillRejection.Code, line: Int) throws(BillRejection) -> CalendarDate {
        guard let date = CalendarDate(text) else { throw Self.notADate(text, what: what(), code: code, line: line) }
        return date
    }

    private static func notADate(_ text: String, what: String, code: BillRejection.Code, line: Int) -> BillRejection {
        BillRejection(code, "\(what): \(TextRules.quoted(text)) is not a real date in the form YYYY-MM-DD", line: line)
    }

    /// The children each element may have (a handful each: a linear
    /// search beats hashing every child's name).
    enum Children {
        static let none: [String] = []
        static let labels = ["label"]
        static let months = ["month"]
        static let names = ["name"]
        static let addressParts = ["flat", "building", "road", "block", "area"]
        static let contacts = ["email", "mobile", "relative-email"]
    }

    /// Children of `node` must all be named in `allowed`.
    func onlyChildren(of node: FlatElement, _ allowed: [String]) throws(BillRejection) {
        // By index: only the names are read, no child is copied.
        for index in node.children.indices where !allowed.contains(node.children[index].name) {
            let child = node.children[index]
            throw BillRejection(.unknownElement, "<\(child.name)> at line \(child.line) does not belong in <\(node.name)>", line: child.line)
        }
    }

    /// Reads the `<name xml:lang="ar|en">` children of `parent` called
    /// `name` (all of them when nil) into a bilingual text.
    func localized(_ parent: FlatElement, named name: String? = nil, code: BillRejection.Code, maxScalars: Int) throws(BillRejection) -> LocalizedText {
        var text = LocalizedText()
        // By language seen, not by text kept: an empty one (absent) still takes its language.
        var seenArabic = false, seenEnglish = false
        for index in parent.children.indices where name == nil || parent.children[index].name == name {
            let node = parent.children[index]
            // A language tag's primary subtag, in any case, as XML's xml:lang
            // (BCP 47) has it: "ar-BH" is Arabic, "EN" English.
            guard let lang = node.lang,
                  let language = Language(rawValue: String(lang.prefix { $0 != "-" }).lowercased())
            else {
                throw BillRejection(code, "<\(node.name)> at line \(node.line) needs xml:lang \"ar\" or \"en\" (or a tag of either, such as \"ar-BH\"), found \(node.lang.map(TextRules.quoted) ?? "none")", line: node.line)
            }
            guard !(language == .ar ? seenArabic : seenEnglish) else {
                throw BillRejection(.duplicateElement, "<\(node.name)> at line \(node.line) is a second one in xml:lang \"\(language.rawValue)\"", line: node.line)
            }
            // An empty one is absent, as an empty CSV cell is: the other language's is shown.
            if language == .ar { seenArabic = true } else { seenEnglish = true }
            text[language] = try optionalText(try leafText(node), of: node, code: code, maxScalars: maxScalars)
        }
        return text
    }

    /// The text of an element that may hold only text.
    func leafText(_ node: FlatElement) throws(BillRejection) -> String {
        if let child = node.children.first {
            throw BillRejection(.unknownElement, "<\(child.name)> at line \(child.line) may not stand inside <\(node.name)>, which holds only text", line: child.line)
        }
        return node.text
    }

    func cleanText(
        _ raw: String, of node: FlatElement, code: BillRejection.Code, maxScalars: Int, what: String? = nil, identifier: Bool = false
    ) throws(BillRejection) -> String {
        let result = TextRules.clean(raw, maxScalars: maxScalars, identifier: identifier)
        guard case .ok(let text) = result else {
            throw cleanFailure(result, raw, of: node, code: code, maxScalars: maxScalars, what: what)
        }
        return text
    }

    private func cleanFailure(
        _ result: TextRules.CleanResult, _ raw: String, of node: FlatElement, code: BillRejection.Code, maxScalars: Int, what: String?
    ) -> BillRejection {
        BillRejection(code, "\(what ?? "<\(node.name)>") at line \(node.line) \(result.problem(limit: maxScalars)): \(TextRules.quoted(raw))", line: node.line)
    }

    /// The same for an optional value, nil when it is empty (or only white
    /// space): an exporter's `<flat/>` or `relation=""` is a value it does
    /// not have, not a reason to send the subscriber nothing.
    func optionalText(_ raw: String, of node: FlatElement, code: BillRejection.Code, maxScalars: Int, what: String? = nil) throws(BillRejection) -> String? {
        let result = TextRules.clean(raw, maxScalars: maxScalars)
        switch result {
        case .ok(let text): return text
        case .empty: return nil
        default: throw cleanFailure(result, raw, of: node, code: code, maxScalars: maxScalars, what: what)
        }
    }

    func enumValue<T: RawRepresentable>(_ type: T.Type, _ raw: String, of node: FlatElement, attribute: String, code: BillRejection.Code) throws(BillRejection) -> T where T.RawValue == String {
        guard let value = T(rawValue: String(ContractText.trimXMLSpace(raw))) else {
            throw BillRejection(code, "<\(node.name)> at line \(node.line): \(attribute) \(TextRules.quoted(raw)) is not one of the contract's values", line: node.line)
        }
        return value
    }
}
