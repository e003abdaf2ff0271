/// The rules that span a whole file: every bill number is unique, and so is
/// every account (its files and its SMS link are named by account and
/// month). Feed it the records in file order.
///
/// It remembers every number and account until it adopts the candidates of
/// a `DuplicateScan` of the same file, and from then on only those keys, so
/// its memory stays flat however long the file is. It may adopt them at any
/// record: a key that repeats later is a candidate, so it is still
/// remembered, and one that is not cannot repeat.
public struct BatchChecker: Sendable {
    public let bills: BillChecker
    private var numbers: [String: Int] = [:]
    private var accounts: [String: Int] = [:]
    private var candidates: Set<String>?

    public init(header: BatchHeader) {
        bills = BillChecker(header: header)
    }

    /// Numbers or accounts remembered, whichever are more.
    var tracked: Int { max(numbers.count, accounts.count) }

    /// From now on only `candidates` are remembered (those already
    /// remembered that are not are forgotten).
    mutating func adopt(_ candidates: Set<String>) {
        numbers = numbers.filter { candidates.contains(DuplicateScan.numberKey($0.key)) }
        accounts = accounts.filter { candidates.contains(DuplicateScan.accountKey($0.key)) }
        self.candidates = candidates
    }

    public mutating func check(_ record: RecordNode, at position: SourcePosition) -> Result<Bill, RejectedBill> {
        check(FlatRecord(record), at: position)
    }

    mutating func check(_ record: FlatRecord, at position: SourcePosition) -> Result<Bill, RejectedBill> {
        record.withRoot { root in check(root, at: position) }
    }

    mutating func check(_ record: FlatElement, at position: SourcePosition) -> Result<Bill, RejectedBill> {
        let (account, number) = bills.identity(of: record)
        func reject(_ rejection: BillRejection) -> Result<Bill, RejectedBill> {
            .failure(RejectedBill(position: position, account: account, rejection: rejection))
        }
        // A number or account counts as used even when its bill is rejected
        // for another reason, a repeated number or account included: the file
        // still holds it twice, and which copy is right is not for Fatura to
        // guess. Both are noted before either rejects.
        var earlier: BillRejection?
        if let number, candidates?.contains(DuplicateScan.numberKey(number)) ?? true {
            if let first = numbers[number] {
                earlier = BillRejection(.duplicateNumber, "bill number \(number) is already used by bill \(first) of this file", line: record.line)
            } else {
                numbers[number] = position.index
            }
        }
        if let account, candidates?.contains(DuplicateScan.accountKey(account)) ?? true {
            if let first = accounts[account] {
                earlier = earlier ?? BillRejection(.duplicateAccount, "account \(account) already has a bill in this file (bill \(first)); one bill per account and month", line: record.line)
            } else {
                accounts[account] = position.index
            }
        }
        if let earlier { return reject(earlier) }
        do {
            return .success(try bills.check(record))
        } catch {
            return reject(error)
        }
    }
}
