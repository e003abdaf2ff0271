import ArgumentParser
import Fatura
import Foundation

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the key ring that signs the links (secrets are never printed).",
        subcommands: [KeysNew.self, KeysRetire.self, KeysList.self]
    )
}

struct KeysNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a ring, or add a random 256-bit key to it that becomes the active signing key.",
        discussion: "The key that was active keeps verifying the links it signed until it is retired."
    )

    @OptionGroup var ring: KeyRingOption

    func run() throws {
        let path = try ring.requiredPath()
        let url = URL(fileURLWithPath: path)
        let today = CalendarDate.today.description
        do {
            if FileManager.default.fileExists(atPath: path) {
                var keys = try KeyRing.load(url)
                let previous = keys.active.id
                let id = try keys.addKey(created: today)
                try keys.save(url)
                print("key \(id) is now active in \(path); key \(previous) verifies only")
            } else {
                try KeyRing.new(created: today).save(url)
                print("created \(path) with key 1 (active)")
            }
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
    }
}

struct KeysRetire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Retire a key: links it signed are refused as signed by a retired key."
    )

    @Argument(help: "The key id.")
    var id: UInt8

    @OptionGroup var ring: KeyRingOption

    func run() throws {
        let url = URL(fileURLWithPath: try ring.requiredPath())
        do {
            var keys = try KeyRing.load(url)
            try keys.retire(id)
            try keys.save(url)
            print("key \(id) is retired")
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys: id, status, creation date.")

    @OptionGroup var ring: KeyRingOption

    func run() throws {
        // A ring not named is a usage error (64), said once, outside the catch below.
        let path = try ring.requiredPath()
        do {
            let keys = try KeyRing.load(URL(fileURLWithPath: path))
            for key in keys.keys { print("\(key.id)\t\(key.status.rawValue)\t\(key.created)") }
        } catch {
            printError("fatura: \(error)")
            throw ExitStatus.configuration
        }
    }
}
