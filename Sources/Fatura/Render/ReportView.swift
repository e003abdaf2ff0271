public import FaturaMustache

/// `report.html` for the operations team: the month at a glance, in Arabic
/// with English beside it (like the bills), from the same numbers as
/// `summary.json`.
public final class ReportView: Sendable, MustacheObject {
    let summary: BatchSummary
    let main: LanguagePack
    let other: LanguagePack

    public init(summary: BatchSummary, resources: RenderResources) {
        self.summary = summary
        main = resources[.ar]
        other = resources[.en]
    }

    static let keys: Set<String> = [
        "period", "periodOther", "bills", "accepted", "rejected", "channels", "reach", "hasRejects", "rejects",
        "totalDue", "totalCredit", "net", "smsParts", "developmentKey", "chartHeight",
        "hasRerouted", "rerouted",
        "name", "nameOther", "count", "percent", "width", "y", "textY", "code", "lines", "language", "languageOther", "parts", "color",
    ]

    static let channelColors: [Channel: String] = [.email: "#0b4f8a", .sms: "#1d6b35", .relativeEmail: "#6b3fa0", .paper: "#8a4b00"]

    public func value(for key: MustacheKey) -> MustacheValue? {
        let f = main.formatter
        switch key.name {
        case "lang": return .string("ar")
        case "dir": return .string("rtl")
        case "otherLang": return .string("en")
        case "otherDir": return .string("ltr")
        case "l": return main.catalogValue
        case "o": return other.catalogValue
        case "period": return .string(f.month(summary.period))
        case "periodOther": return .string(other.formatter.month(summary.period))
        case "bills": return .string(f.number(Int64(summary.bills)))
        case "accepted": return .string(f.number(Int64(summary.accepted)))
        case "rejected": return .string(f.number(Int64(summary.rejected)))
        case "reach": return .string(f.permille(summary.electronicReachPermille))
        case "totalDue": return .string(f.money(Money(fils: summary.dueFils)))
        case "totalCredit": return .string(f.money(Money(fils: summary.creditFils)))
        case "net": return .string(f.money(Money(fils: summary.dueFils - summary.creditFils)))
        case "developmentKey": return .bool(summary.developmentKey)
        case "chartHeight": return .int(Channel.allCases.count * 36)
        case "channels":
            return .list(Channel.allCases.enumerated().map { index, channel in
                let count = summary.channels[channel] ?? 0
                let permille = summary.accepted == 0 ? 0 : count * 1000 / summary.accepted
                return .dictionary([
                    "name": .string(main.text("channel_" + channel.rawValue)),
                    "nameOther": .string(other.text("channel_" + channel.rawValue)),
                    "count": .string(f.number(Int64(count))),
                    "percent": .string(f.permille(permille)),
                    "width": .int(max(permille * 300 / 1000, count > 0 ? 2 : 0)),
                    "y": .int(index * 36 + 4),
                    "textY": .int(index * 36 + 22),
                    "color": .string(Self.channelColors[channel]!),
                ])
            })
        case "hasRejects": return .bool(summary.rejected > 0)
        case "rejects":
            return .list(summary.rejectsByCode.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }.map { code, count in
                .dictionary([
                    "code": .string(code.rawValue),
                    "count": .string(f.number(Int64(count))),
                    "lines": .string((summary.firstRejectLines[code] ?? []).map { f.number(Int64($0)) }.joined(separator: main.text("list_separator"))),
                ])
            })
        case "hasRerouted": return .bool(!summary.rerouted.isEmpty)
        case "rerouted":
            return .list(ReroutedBill.Reason.allCases.compactMap { reason in
                summary.rerouted[reason].map { count in
                    .dictionary(["code": .string(reason.rawValue), "count": .string(f.number(Int64(count)))])
                }
            })
        case "smsParts":
            return .list(Language.allCases.map { language in
                .dictionary([
                    "language": .string(main.text("language_" + language.rawValue)),
                    "languageOther": .string(other.text("language_" + language.rawValue)),
                    "parts": .string(f.number(Int64(summary.smsParts[language] ?? 0))),
                ])
            })
        default: return nil
        }
    }
}

extension TemplateSet {
    /// Renders `report.html`.
    public func renderReport(_ summary: BatchSummary) throws -> String {
        try library.render("report", .object(ReportView(summary: summary, resources: resources)))
    }
}
