/// The counts of a run: what `summary.json` holds.
public struct BatchSummary: Sendable, Equatable {
    public var period: BillingMonth
    public var issued: CalendarDate
    /// Records read, accepted or not.
    public var bills = 0
    public var accepted = 0
    public var rejected = 0
    public var channels: [Channel: Int] = [:]
    /// Sum of the totals of accepted bills with something to pay, in fils.
    public var dueFils: Int64 = 0
    /// Sum of the credits (negative totals, as a positive number) of accepted bills, in fils.
    public var creditFils: Int64 = 0
    /// Rejected bills by reason code.
    public var rejectsByCode: [BillRejection.Code: Int] = [:]
    /// The lines of the first rejected bills of each reason (at most `firstLinesKept`).
    public var firstRejectLines: [BillRejection.Code: [Int]] = [:]
    public static let firstLinesKept = 5
    /// Accepted bills sent by another channel than their route, by reason
    /// (counted in `channels` by the channel they went by).
    public var rerouted: [ReroutedBill.Reason: Int] = [:]
    /// SMS parts to send, by language.
    public var smsParts: [Language: Int] = [:]
    /// The links were signed with the public development key.
    public var developmentKey = false
    /// The share of the month a `--shard` run rendered (nil for a whole
    /// run, or one merged from its shards): `merge` checks that it is given
    /// every share once, so that no share's bills are left out of the lists.
    public var shard: Shard?
    /// For a `--shard` run: what its output depends on but its share (the
    /// export's content, the templates, keys and options), so that `merge`
    /// combines only the shares of one split of one export.
    public var run: String?
    /// For a `--shard` run: its templates, utility details and digits
    /// (``ShardMerge/lookDigest(templates:utility:arabicIndicDigits:)``), for
    /// `merge`'s report.
    public var look: String?

    public init(header: BatchHeader) {
        period = header.period
        issued = header.issued
    }

    /// An accepted bill of `total`.
    mutating func count(total: Money, via channel: Channel) {
        bills += 1
        accepted += 1
        channels[channel, default: 0] += 1
        if total.fils >= 0 { dueFils += total.fils } else { creditFils -= total.fils }
    }

    /// An accepted bill (counted as such too) sent another way.
    mutating func count(_ rerouted: ReroutedBill) {
        self.rerouted[rerouted.reason, default: 0] += 1
    }

    mutating func count(_ rejected: RejectedBill) {
        bills += 1
        self.rejected += 1
        rejectsByCode[rejected.rejection.code, default: 0] += 1
        if firstRejectLines[rejected.rejection.code, default: []].count < Self.firstLinesKept {
            firstRejectLines[rejected.rejection.code, default: []].append(rejected.position.line)
        }
    }

    /// Accepted bills that go out electronically, in thousandths (exact, rounded down).
    public var electronicReachPermille: Int {
        accepted == 0 ? 0 : (accepted - (channels[.paper] ?? 0)) * 1000 / accepted
    }

    /// `summary.json`: fixed key order, every channel listed.
    public var json: String { JSONText.pretty(fields) }

    /// The same on one line (for the journal of checkpoints).
    var compactJSON: String { JSONText.object(fields) }

    private var fields: [(String, JSONText.Value)] {
        var fields: [(String, JSONText.Value)] = [
            ("period", .string(period.description)),
            ("issued", .string(issued.description)),
            ("bills", .int(Int64(bills))),
            ("accepted", .int(Int64(accepted))),
            ("rejected", .int(Int64(rejected))),
            ("channels", .object(Channel.allCases.map { ($0.rawValue, .int(Int64(channels[$0] ?? 0))) })),
            ("total_due_fils", .int(dueFils)),
            ("total_credit_fils", .int(creditFils)),
            ("net_total_fils", .int(dueFils - creditFils)),
            ("electronic_reach_permille", .int(Int64(electronicReachPermille))),
            ("sms_parts", .object(Language.allCases.map { ($0.rawValue, .int(Int64(smsParts[$0] ?? 0))) })),
            ("development_key", .bool(developmentKey)),
            ("rejects_by_code", .object(rejectsByCode.keys.map(\.rawValue).sorted().map {
                ($0, .int(Int64(rejectsByCode[BillRejection.Code(rawValue: $0)!]!)))
            })),
            ("rejects_first_lines", .object(firstRejectLines.keys.map(\.rawValue).sorted().map { code in
                (code, .ints(firstRejectLines[BillRejection.Code(rawValue: code)!]!.map(Int64.init)))
            })),
            ("rerouted", .object(ReroutedBill.Reason.allCases.compactMap { reason in
                rerouted[reason].map { (reason.rawValue, .int(Int64($0))) }
            })),
        ]
        // A share's own: a whole or merged run's summary has none of them.
        if let shard { fields.append(("shard", .string(shard.description))) }
        if let run { fields.append(("run", .string(run))) }
        if let look { fields.append(("look", .string(look))) }
        return fields
    }

    /// One line for people: `12 bills: 9 accepted (email 4, sms 2, relative-email 1, paper 2), 3 rejected`.
    public var line: String {
        let perChannel = Channel.allCases.map { "\($0.rawValue) \(channels[$0] ?? 0)" }.joined(separator: ", ")
        let line = "\(period): \(bills) bill\(bills == 1 ? "" : "s"): \(accepted) accepted (\(perChannel)), \(rejected) rejected"
        let sentAnotherWay = rerouted.values.reduce(0, +)
        return sentAnotherWay == 0 ? line : line + ", \(sentAnotherWay) of the accepted sent another way (\(ReroutedBill.Reason.allCases.filter { rerouted[$0] != nil }.map(\.rawValue).joined(separator: ", ")))"
    }
}

extension RejectedBill {
    /// One line of `rejects.jsonl`.
    var json: String {
        JSONText.object([
            ("line", .int(Int64(position.line))),
            ("index", .int(Int64(position.index))),
            ("account", account.map { .string($0) } ?? .null),
            ("code", .string(rejection.code.rawValue)),
            ("message", .string(rejection.message)),
        ])
    }

    /// One line for people: `FILE:LINE: bill 3 (account 1002345678): code: message`.
    public func diagnostic(file: String) -> String {
        "\(file):\(position.line): bill \(position.index)"
            + (account.map { " (account \($0))" } ?? "")
            + ": \(rejection.code.rawValue): \(rejection.message)"
    }
}
