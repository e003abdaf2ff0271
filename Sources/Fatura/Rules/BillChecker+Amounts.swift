extension BillChecker {
    static let meterIDLimit = 32
    static let labelLimit = 200
    static let historyLimit = 24

    func meter(_ node: FlatElement) throws(BillRejection) -> Meter {
        try onlyChildren(of: node, Children.none)
        let service = try enumValue(Service.self, try requiredAttribute("service", of: node), of: node, attribute: "service", code: .invalidMeter)
        let id = try cleanText(try requiredAttribute("id", of: node), of: node, code: .invalidMeter,
                               maxScalars: Self.meterIDLimit, what: "meter id of <meter>", identifier: true)
        let previous = try units(try requiredAttributeBytes("previous", of: node), of: node, attribute: "previous")
        let current = try units(try requiredAttributeBytes("current", of: node), of: node, attribute: "current")
        guard previous <= current else {
            throw BillRejection(.invalidMeter, "<meter> \(id) at line \(node.line): previous reading \(previous) is above current reading \(current)", line: node.line)
        }
        let unit = try node.optionalAttribute("unit").map { raw throws(BillRejection) in
            try enumValue(MeterUnit.self, raw, of: node, attribute: "unit", code: .invalidMeter)
        } ?? (service == .electricity ? .kWh : .m3)
        let reading = try node.optionalAttribute("reading").map { raw throws(BillRejection) in
            try enumValue(ReadingKind.self, raw, of: node, attribute: "reading", code: .invalidMeter)
        } ?? .actual
        return Meter(service: service, id: id, previous: previous, current: current, unit: unit, reading: reading)
    }

    private func units(
        _ raw: UnsafeBufferPointer<UInt8>, of node: FlatElement, attribute: String, code: BillRejection.Code = .invalidMeter
    ) throws(BillRejection) -> Int64 {
        guard let value = ContractText.wholeUnits(utf8: raw) else {
            let text = String(decoding: raw, as: UTF8.self)
            let digits = ContractText.trimXMLSpace(text)
            let most = ContractText.wholeUnitsMaxDigits
            let fault = digits.utf8.allSatisfy(\.isASCIIDigit) && digits.utf8.count > most
                ? "has \(digits.utf8.count) digits, more than the \(most) a reading or quantity may have"
                : "is not a whole number of units"
            throw BillRejection(code, "<\(node.name)> at line \(node.line): \(attribute) \(TextRules.quoted(text)) \(fault)", line: node.line)
        }
        return value
    }

    func charge(_ node: FlatElement) throws(BillRejection) -> Charge {
        try onlyChildren(of: node, Children.labels)
        let rawCode = try requiredAttribute("code", of: node)
        let code = ContractText.trimXMLSpace(rawCode)
        guard !code.isEmpty, code.utf8.allSatisfy({ $0.isASCIIDigit || ($0 >= 0x41 && $0 <= 0x5A) || $0 == UInt8(ascii: "_") }) else {
            throw BillRejection(.invalidCharge, "<charge> at line \(node.line): code \(TextRules.quoted(rawCode)) is not made of A-Z, 0-9 and _", line: node.line)
        }
        let service = try node.optionalAttribute("service").map { raw throws(BillRejection) in
            try enumValue(Service.self, raw, of: node, attribute: "service", code: .invalidCharge)
        }
        let unit = try node.optionalAttribute("unit").map { raw throws(BillRejection) in
            try enumValue(MeterUnit.self, raw, of: node, attribute: "unit", code: .invalidCharge)
        }
        let quantity = try node.optionalAttribute("quantity").map { raw throws(BillRejection) in try decimal(raw, of: node, attribute: "quantity") }
        let rate = try node.optionalAttribute("rate").map { raw throws(BillRejection) in try decimal(raw, of: node, attribute: "rate") }
        let amount = try money(try requiredAttributeBytes("amount", of: node), what: "<charge> \(code) at line \(node.line): amount", line: node.line)
        let label = try localized(node, code: .invalidCharge, maxScalars: Self.labelLimit)
        return Charge(code: String(code), service: service, quantity: quantity, unit: unit, rate: rate, amount: amount, label: label)
    }

    private func decimal(_ raw: String, of node: FlatElement, attribute: String) throws(BillRejection) -> DecimalText {
        guard let value = DecimalText(raw) else {
            // A decimal in form (-, digits, maybe a point and digits), only too long.
            let text = ContractText.trimXMLSpace(raw)
            let parts = (text.hasPrefix("-") ? text.dropFirst() : text[...]).split(separator: ".", omittingEmptySubsequences: false)
            let digits = parts.reduce(0) { $0 + $1.utf8.count }
            let wellFormed = parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(\.isASCIIDigit) }
            let fault = wellFormed && digits > DecimalText.maxDigits
                ? "has \(digits) digits, more than the \(DecimalText.maxDigits) a rate or quantity may have" : "is not a decimal number"
            throw BillRejection(.invalidCharge, "<\(node.name)> at line \(node.line): \(attribute) \(TextRules.quoted(raw)) \(fault)", line: node.line)
        }
        return value
    }

    func balance(_ node: FlatElement) throws(BillRejection) -> (Money, Money) {
        try onlyChildren(of: node, Children.none)
        let previous = try node.optionalAttributeBytes("previous").map { raw throws(BillRejection) in
            try money(raw, what: "<balance> at line \(node.line): previous", line: node.line)
        } ?? .zero
        let payments = try node.optionalAttributeBytes("payments").map { raw throws(BillRejection) in
            try money(raw, what: "<balance> at line \(node.line): payments", line: node.line)
        } ?? .zero
        return (previous, payments)
    }

    /// Adds the history of `node` to `result` (one per service).
    func history(_ node: FlatElement, into result: inout [ServiceHistory]) throws(BillRejection) {
        try onlyChildren(of: node, Children.months)
        let service = try enumValue(Service.self, try requiredAttribute("service", of: node), of: node, attribute: "service", code: .invalidHistory)
        guard !result.contains(where: { $0.service == service }) else {
            throw BillRejection(.duplicateElement, "<history> at line \(node.line) is a second history for \(service.rawValue)", line: node.line)
        }
        guard node.children.count <= Self.historyLimit else {
            throw BillRejection(.invalidHistory, "<history> \(service.rawValue) at line \(node.line) has \(node.children.count) months; at most \(Self.historyLimit) are allowed", line: node.line)
        }
        var months: [HistoryMonth] = []
        months.reserveCapacity(node.children.count)
        do {
            for child in node.children {
                try onlyChildren(of: child, Children.none)
                let rawPeriod = try requiredAttributeBytes("period", of: child)
                guard let month = BillingMonth(utf8: rawPeriod) else {
                    let period = String(decoding: rawPeriod, as: UTF8.self)
                    throw BillRejection(.invalidHistory, "<month> at line \(child.line): period \(TextRules.quoted(period)) is not a month YYYY-MM", line: child.line)
                }
                // At most 24 months: a linear search, no set to hash into.
                guard !months.contains(where: { $0.month == month }) else {
                    throw BillRejection(.invalidHistory, "<month> at line \(child.line): period \(month) appears twice in the \(service.rawValue) history", line: child.line)
                }
                let quantity = try units(try requiredAttributeBytes("quantity", of: child), of: child, attribute: "quantity", code: .invalidHistory)
                months.append(HistoryMonth(month: month, quantity: quantity))
            }
        }
        result.append(ServiceHistory(service: service, months: months))
    }
}
