import Crypto
public import Foundation

/// The keys that sign and verify links: one active key signs; older keys
/// still verify the links they signed until they are retired; a retired key
/// refuses its links with a reason of its own. Secrets never appear in a
/// description, a log line or an error.
public struct KeyRing: Sendable, CustomStringConvertible {
    public enum Status: String, Codable, Sendable {
        /// Signs new links (exactly one key) and verifies.
        case active
        /// Verifies the links it signed; signs nothing.
        case verify
        /// Its links are refused as retired.
        case retired
    }

    public struct Key: Sendable, CustomStringConvertible {
        public let id: UInt8
        public var status: Status
        public let created: String
        let secret: SymmetricKey

        public var description: String { "key \(id) (\(status.rawValue), created \(created))" }
    }

    public private(set) var keys: [Key]
    /// Set for the built-in development ring: links it signs are forgeable.
    public let isDevelopment: Bool

    public var active: Key { keys.first { $0.status == .active }! }

    public func key(_ id: UInt8) -> Key? { keys.first { $0.id == id } }

    public var description: String {
        (isDevelopment ? "development key ring: " : "key ring: ") + keys.map(\.description).joined(separator: ", ")
    }

    /// A ring of one key for development, id 0, whose secret is public: it
    /// is used only when no ring is given, with a warning.
    public static let development = KeyRing(
        keys: [Key(id: 0, status: .active, created: "built-in",
                   secret: SymmetricKey(data: SHA256.hash(data: Data("fatura development link key: not a secret".utf8))))],
        isDevelopment: true)

    init(keys: [Key], isDevelopment: Bool = false) {
        self.keys = keys
        self.isDevelopment = isDevelopment
    }

    // MARK: The ring file

    struct File: Codable {
        var format: String
        var keys: [Entry]

        struct Entry: Codable {
            var id: Int
            var status: Status
            var created: String
            var secret: String
        }
    }

    static let format = "fatura-key-ring-1"

    /// Reads a ring file: JSON with `format` and `keys` (`id`, `status`,
    /// `created`, base64 `secret` of 32 bytes). Exactly one key is active.
    public static func load(_ url: URL) throws(KeyRingError) -> KeyRing {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw KeyRingError("cannot read key ring \(url.path)")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.format == format else {
            throw KeyRingError("\(url.path) is not a key ring (\(format))")
        }
        var keys: [Key] = []
        for entry in file.keys {
            guard (1...255).contains(entry.id), !keys.contains(where: { $0.id == entry.id }) else {
                throw KeyRingError("\(url.path): key id \(entry.id) is not unique or not in 1...255")
            }
            guard let secret = Data(base64Encoded: entry.secret), secret.count == 32 else {
                throw KeyRingError("\(url.path): the secret of key \(entry.id) is not 32 bytes of base64")
            }
            keys.append(Key(id: UInt8(entry.id), status: entry.status, created: entry.created, secret: SymmetricKey(data: secret)))
        }
        guard keys.filter({ $0.status == .active }).count == 1 else {
            throw KeyRingError("\(url.path): exactly one key must be active")
        }
        return KeyRing(keys: keys)
    }

    /// Writes the ring readable by its owner only, replacing the file at once.
    public func save(_ url: URL) throws(KeyRingError) {
        let file = File(format: Self.format, keys: keys.map { key in
            File.Entry(id: Int(key.id), status: key.status, created: key.created,
                       secret: key.secret.withUnsafeBytes { Data($0).base64EncodedString() })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).new-\(getpid())")
        do {
            let data = try encoder.encode(file)
            guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw KeyRingError("cannot write \(temporary.path)")
            }
            guard rename(temporary.path, url.path) == 0 else { throw KeyRingError("cannot replace \(url.path)") }
        } catch let error as KeyRingError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw KeyRingError("cannot write key ring \(url.path)")
        }
    }

    /// Adds a new random 256-bit key and makes it the active one; the key
    /// that was active keeps verifying. Returns the new key's id.
    public mutating func addKey(created: String) throws(KeyRingError) -> UInt8 {
        let next = (keys.map { Int($0.id) }.max() ?? 0) + 1
        guard next <= 255 else { throw KeyRingError("the ring has used every key id (1...255)") }
        for index in keys.indices where keys[index].status == .active { keys[index].status = .verify }
        keys.append(Key(id: UInt8(next), status: .active, created: created, secret: SymmetricKey(size: .bits256)))
        return UInt8(next)
    }

    /// A new ring of one random key.
    public static func new(created: String) -> KeyRing {
        KeyRing(keys: [Key(id: 1, status: .active, created: created, secret: SymmetricKey(size: .bits256))])
    }

    /// Retires a key that verifies; the active key cannot be retired.
    public mutating func retire(_ id: UInt8) throws(KeyRingError) {
        guard let index = keys.firstIndex(where: { $0.id == id }) else { throw KeyRingError("the ring has no key \(id)") }
        guard keys[index].status != .active else {
            throw KeyRingError("key \(id) is the active key: add a new key first (fatura keys new)")
        }
        keys[index].status = .retired
    }
}

public struct KeyRingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
