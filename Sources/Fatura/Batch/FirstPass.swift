import Dispatch
import Foundation
import Synchronization

/// The first pass over a file (``DuplicateScan``), run on a thread of its
/// own so that the second pass need not wait for it.
///
/// It reads its own copy of the file from the start and ends with the
/// candidates (the keys that may repeat) or with the fault that stopped it.
/// The thread is a plain one, not a task: it blocks in libxml2 for its whole
/// life, and the cooperative pool has one thread a core, all of them for
/// rendering.
final class FirstPass: Sendable {
    enum Outcome: Sendable {
        case candidates(Set<String>)
        case failed(InputError)
    }

    private let outcome = Mutex<Outcome?>(nil)
    /// Set once `outcome` is: read on every record, so without the lock.
    private let done = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let scanned = Atomic<Int>(0)
    private let bytesRead = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// Starts reading `input` at once.
    init(input: String, format: InputFormat?) {
        let thread = Thread { [self] in
            let result = scan(input, format: format)
            outcome.withLock { $0 = result }
            done.store(true, ordering: .releasing)
            finished.signal()
        }
        thread.name = "fatura first pass"
        thread.start()
    }

    private func scan(_ input: String, format: InputFormat?) -> Outcome {
        var duplicates = DuplicateScan()
        do {
            let reader = try InputFormat.openReader(path: input, format: format)
            var count = 0
            try reader.scanIdentities { rawAccount, rawNumber, bytes in
                // Nobody waits for a stopped pass: the rest of the file is read, not looked at.
                guard !stopped.load(ordering: .relaxed) else { return }
                let (account, number) = BillChecker.identity(account: rawAccount, number: rawNumber)
                duplicates.add(number: number, account: account)
                count += 1
                if count % BatchProgress.every == 0 {
                    scanned.store(count, ordering: .relaxed)
                    if let bytes { bytesRead.store(bytes, ordering: .relaxed) }
                }
            }
            scanned.store(count, ordering: .relaxed)
        } catch {
            return .failed(error)
        }
        return .candidates(duplicates.candidates)
    }

    /// The outcome, or nil while the pass is still reading.
    var result: Outcome? {
        guard done.load(ordering: .acquiring) else { return nil }
        return outcome.withLock { $0 }
    }

    /// Waits for the outcome; `onProgress` hears how far the pass is about
    /// four times a second meanwhile.
    func wait(onProgress: (BatchProgress) -> Void) -> Outcome {
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
