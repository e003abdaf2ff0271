extension BillChecker {
    static let nameLimit = 200
    static let areaLimit = 100
    static let addressCodeLimit = 20
    static let relationLimit = 50

    func customer(_ node: FlatElement) throws(BillRejection) -> Customer {
        try onlyChildren(of: node, Children.names)
        let language = try node.optionalAttribute("language").map { raw throws(BillRejection) in
            try enumValue(Language.self, raw, of: node, attribute: "language", code: .invalidLanguage)
        } ?? .ar
        let category = try node.optionalAttribute("category").map { raw throws(BillRejection) in
            try enumValue(CustomerCategory.self, raw, of: node, attribute: "category", code: .invalidCategory)
        }
        guard node.children.contains(where: { $0.name == "name" }) else {
            throw BillRejection(.missingElement, "<customer> at line \(node.line) has no <name>; at least one is required", line: node.line)
        }
        let name = try localized(node, named: "name", code: .invalidName, maxScalars: Self.nameLimit)
        guard !name.isEmpty else {
            throw BillRejection(.invalidName, "<customer> at line \(node.line) has only empty <name> elements; at least one name is required", line: node.line)
        }
        return Customer(language: language, category: category, name: name)
    }

    func address(_ node: FlatElement) throws(BillRejection) -> Address {
        try onlyChildren(of: node, Children.addressParts)
        var address = Address()
        for index in node.children.indices where node.children[index].name != "area" {
            let child = node.children[index]
            guard !node.children[..<index].contains(where: { $0.name == child.name }) else {
                throw BillRejection(.duplicateElement, "<\(child.name)> at line \(child.line) appears twice in <address>", line: child.line)
            }
            guard let code = try optionalText(try leafText(child), of: child, code: .invalidAddress, maxScalars: Self.addressCodeLimit) else {
                continue
            }
            switch child.name {
            case "flat": address.flat = code
            case "building": address.building = code
            case "road": address.road = code
            default: address.block = code
            }
        }
        address.area = try localized(node, named: "area", code: .invalidAddress, maxScalars: Self.areaLimit)
        return address
    }

    func contact(_ node: FlatElement) throws(BillRejection) -> Contact {
        try onlyChildren(of: node, Children.contacts)
        var contact = Contact()
        for index in node.children.indices {
            let child = node.children[index]
            guard !node.children[..<index].contains(where: { $0.name == child.name }) else {
                throw BillRejection(.duplicateElement, "<\(child.name)> at line \(child.line) appears twice in <contact>", line: child.line)
            }
            // An empty one is absent, as an empty CSV cell is: the bill goes by the next channel.
            guard !ContractText.trimXMLSpace(try leafText(child)).isEmpty else { continue }
            switch child.name {
            case "email":
                contact.email = email(child, unusable: &contact.unusable, as: .email)
            case "mobile":
                guard let mobile = MobileNumber(child.text) else {
                    throw BillRejection(.invalidMobile, "<mobile> at line \(child.line): \(TextRules.quoted(child.text)) is neither E.164 (+97333123456) nor an 8-digit Bahraini number", line: child.line)
                }
                contact.mobile = mobile
            default:
                contact.relativeEmail = email(child, unusable: &contact.unusable, as: .relativeEmail)
                if let relation = child.attribute("relation") {
                    contact.relation = try optionalText(relation, of: child, code: .invalidRelation,
                                                        maxScalars: Self.relationLimit, what: "relation of <relative-email>")
                }
            }
        }
        return contact
    }

    /// The address of an `email` or `relative-email`; nil, with why, for
    /// one that is not a plain address. The contract sets no form for them:
    /// a bad one does not reject the bill (which then reaches nobody), the
    /// bill goes by the next channel and the run says why.
    private func email(_ node: FlatElement, unusable: inout [Channel: String], as channel: Channel) -> EmailAddress? {
        guard let address = EmailAddress(node.text) else {
            unusable[channel] = "<\(node.name)> at line \(node.line): \(TextRules.quoted(node.text)) is not a plain e-mail address (local@domain.tld)"
            return nil
        }
        return address
    }

    func delivery(_ node: FlatElement) throws(BillRejection) -> Channel? {
        try onlyChildren(of: node, Children.none)
        guard let raw = node.optionalAttribute("prefer") else { return nil }
        return try enumValue(Channel.self, raw, of: node, attribute: "prefer", code: .invalidDelivery)
    }

    func period(_ node: FlatElement) throws(BillRejection) -> (CalendarDate, CalendarDate) {
        try onlyChildren(of: node, Children.none)
        let from = try date(try requiredAttributeBytes("from", of: node), what: "<period> at line \(node.line): from", code: .invalidPeriod, line: node.line)
        let to = try date(try requiredAttributeBytes("to", of: node), what: "<period> at line \(node.line): to", code: .invalidPeriod, line: node.line)
        guard from <= to else {
            throw BillRejection(.invalidPeriod, "<period> at line \(node.line) runs from \(from) to \(to): from must not be after to", line: node.line)
        }
        return (from, to)
    }

    func due(_ node: FlatElement) throws(BillRejection) -> CalendarDate {
        let due = try date(try leafText(node), what: "<due> at line \(node.line)", code: .invalidDue, line: node.line)
        guard due >= header.issued else {
            throw BillRejection(.dueBeforeIssued, "<due> at line \(node.line) is \(due), before the issue date \(header.issued)", line: node.line)
        }
        return due
    }
}
