import FaturaMustache

extension SampleSet {
    /// The context a sample bill's page and e-mail are rendered with, in
    /// `language`, as JSON: `fatura template render DIR NAME --data` with it
    /// renders what `snapshot` and `preview` render (links signed with the
    /// development key), so a designer can try one partial on a real bill. Every name of ``BillPage`` and of the views in its lists,
    /// the catalogs (`l`, `o`) and the utility's details, keys in name order.
    public static func context(_ entry: Entry, language: Language, templates: TemplateSet) -> String {
        var bill = entry.bill
        bill.customer.language = language
        let page = BillPage(bill: bill, route: entry.route, link: signer.link(account: bill.account, month: bill.month) ?? "",
                            resources: templates.resources)
        guard case .object(let fields) = json(.object(page)) else { return "{}\n" }
        return JSONText.pretty(fields)
    }

    static func json(_ value: MustacheValue) -> JSONText.Value {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(Int64(number))
        case .double(let number): return number.isFinite ? .raw("\(number)") : .null
        case .string(let text): return .string(text)
        case .list(let items): return .array(items.map(json))
        case .dictionary(let entries): return .object(entries.keys.sorted().map { ($0, json(entries[$0]!)) })
        case .object(let object):
            if let table = object as? MustacheTable { return json(.dictionary(table.entries)) }
            guard let view = object as? any TemplateView else { return .null }
            let keys = type(of: view).keys.sorted()
            return .object(keys.map { ($0, json(view.value(for: MustacheKey($0)) ?? .null)) })
        }
    }
}
