import ArgumentParser
import Fatura
import Foundation

/// `--ring FILE`, or the FATURA_KEY_RING environment variable.
struct KeyRingOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The key ring file (default: $FATURA_KEY_RING).", valueName: "file"))
    var ring: String?

    /// An empty FATURA_KEY_RING is no ring named (not the current folder).
    var path: String? { ring ?? ProcessInfo.processInfo.environment["FATURA_KEY_RING"].flatMap { $0.isEmpty ? nil : $0 } }

    /// The ring to sign and verify with: the file's, or the development
    /// ring with a loud warning when none is given.
    func load() throws -> KeyRing {
        guard let path else {
            printError("""
            fatura: WARNING: no key ring (--ring or FATURA_KEY_RING): links are signed with the built-in \
            DEVELOPMENT key, which is public; anyone can forge them. Create a ring with `fatura keys new --ring FILE`.
            """)
            return .development
        }
        do {
            let ring = try KeyRing.load(URL(fileURLWithPath: path))
            var status = stat()
            // Readable by its group is let be (a secret mounted for a pod's fsGroup, say); by anyone, not.
            if stat(path, &status) == 0, status.st_mode & 0o007 != 0 {
                printError("fatura: WARNING: the key ring \(path) can be read by any user (mode \(String(status.st_mode & 0o777, radix: 8))): anyone who reads it can sign links; chmod 600 \(path)")
            }
            return ring
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
    }

    /// The path for commands that must have a ring.
    func requiredPath() throws -> String {
        guard let path else {
            printError("fatura: name the key ring with --ring FILE or FATURA_KEY_RING")
            throw ExitCode.validationFailure
        }
        return path
    }
}
