import Dispatch
import Foundation
import Synchronization

/// The first pass over a file (``DuplicateScan``), run on a thread of its
/// own so that the second pass need not wait for it.
///
/// It reads its own copy of the file from the start and ends with the
/// candidates, the keys that may repeat. It reports no fault: one stops it
/// with the candidates of every record before it, all the second pass will
/// read, since the second pass stops at the same fault and reports it there.
/// A file it could not open or read to the end is another matter (the
/// second pass might read on where it stopped, past bills whose keys it
/// never saw): that is kept as its ``failure``, and the candidates do not
/// cover the file.
/// An XML file is read by ``XMLQuickScan`` when it is plain enough, else by
/// libxml2. The thread is a plain one, not a task: it blocks in reading for
/// its whole life, and the render threads (one a core) are all for rendering.
final class FirstPass: Sendable {
    private let outcome = Mutex<Set<String>?>(nil)
    /// Why the pass could not read the whole file: set before `done`.
    private let unread = Mutex<InputError?>(nil)
    /// Set once `outcome` is: read on every record, so without the lock.
    private let done = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let scanned = Atomic<Int>(0)
    private let bytesRead = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Why the quick scan left the file to libxml2 (nil when it did not, or for CSV and JSON Lines).
    private let quickScanLeft = Mutex<String?>(nil)

    /// Starts reading `input` at once.
    init(input: String, format: InputFormat?) {
        Thread.start(named: "fatura 1st pass") { [self] in
            let result = scan(input, format: format)
            outcome.withLock { $0 = result }
            done.store(true, ordering: .releasing)
            finished.signal()
        }
    }

    private func scan(_ input: String, format: InputFormat?) -> Set<String> {
        var duplicates = DuplicateScan()
        var count = 0
        func add(_ rawAccount: String?, _ rawNumber: String?, _ bytes: Int?) {
            // Nobody waits for a stopped pass.
            guard !stopped.load(ordering: .relaxed) else { return }
            let (account, number) = BillChecker.identity(account: rawAccount, number: rawNumber)
            duplicates.add(number: number, account: account)
            count += 1
            if count % BatchProgress.every == 0 {
                scanned.store(count, ordering: .relaxed)
                if let bytes { bytesRead.store(bytes, ordering: .relaxed) }
            }
        }
        do throws(InputError) {
            let chosen: InputFormat
            if let format { chosen = format } else { chosen = try InputFormat.detect(path: input) }
            switch chosen {
            case .xml:
                let quick: XMLQuickScan.Outcome
                if let reason = XMLQuickScan.uncheckedLibXML2 {
                    quick = .outside(reason)
                } else {
                    quick = try XMLQuickScan(file: input).run(stop: { stopped.load(ordering: .relaxed) }) { add($0, $1, $2) }
                }
                guard case .outside(let reason) = quick else { break }
                quickScanLeft.withLock { $0 = reason }
                // libxml2 reads the file again, from the top, with a scan of
                // its own: no records are built for the keys alone.
                duplicates = DuplicateScan()
                count = 0
                try XMLIdentityScan(file: input).run { add($0, $1, $2) }
            case let format:
                try InputFormat.openReader(path: input, format: format).scanIdentities(add)
            }
        } catch where error.kind == .unreadable {
            unread.withLock { $0 = error }
        } catch {
            // A fault in the file: the second pass stops at the same one.
        }
        scanned.store(count, ordering: .relaxed)
        return duplicates.candidates
    }

    /// Why the pass could not read the whole file (it could not be opened,
    /// or a read failed), once it is done; then its candidates leave some
    /// bills out. Nil when it read to the end or to a fault in the file.
    var failure: InputError? {
        guard done.load(ordering: .acquiring) else { return nil }
        return unread.withLock { $0 }
    }

    /// What took the file out of the quick scan's subset (for tests).
    var leftToLibXML2: String? { quickScanLeft.withLock { $0 } }

    /// The candidates, or nil while the pass is still reading.
    var result: Set<String>? {
        guard done.load(ordering: .acquiring) else { return nil }
        return outcome.withLock { $0 }
    }

    /// Waits for the outcome; `onProgress` hears how far the pass is about
    /// four times a second meanwhile.
    func wait(onProgress: (BatchProgress) -> Void) -> Set<String> {
        while result == nil {
            if finished.wait(timeout: .now() + .milliseconds(250)) == .success {
                finished.signal() // for any later waiter
                break
            }
            onProgress(BatchProgress(bills: scanned.load(ordering: .relaxed), rejected: 0,
                                     bytesRead: bytesRead.load(ordering: .relaxed), scanning: true))
        }
        return result!
    }

    /// Nobody will ask for the outcome: the pass stops looking at the file.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}
