import Foundation

/// A mailbox in a From, Reply-To or To header: an optional display name and
/// a plain `local@domain` address.
public struct MailMailbox: Hashable, Sendable {
    /// Any Unicode text. Control characters become spaces when written, and
    /// surrounding white space is dropped; an empty name writes the bare address.
    public var name: String?
    public var address: EmailAddress

    public init(name: String? = nil, address: EmailAddress) {
        self.name = name
        self.address = address
    }

    /// Accepts the address only as `EmailAddress` does: a dot-atom local
    /// part and a host name, nothing that could break a header line.
    public init(name: String? = nil, address: String) throws(MailError) {
        guard let checked = EmailAddress(address) else { throw .invalidAddress(address) }
        self.init(name: name, address: checked)
    }

    /// The mailbox as header pieces: `name <address>`, or the bare address.
    ///
    /// A name of words of RFC 5322 `atext` goes as it is; other printable
    /// ASCII goes as a quoted-string when that fits on a line; anything else
    /// (non-ASCII, or text that looks like an encoded-word) goes as
    /// encoded-words.
    var pieces: [EncodedWord.Piece] {
        let clean = EncodedWord.trimmed(EncodedWord.withoutControls(name ?? ""))
        guard !clean.isEmpty else { return [.token(address.address)] }
        let angle = EncodedWord.Piece.token("<" + address.address + ">")
        let ascii = !EncodedWord.hasMarker(clean) && clean.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        // A name whose every word holds non-ASCII (an Arabic name, say) and
        // that fits one encoded-word is one piece, as `phrase` would make it.
        if !ascii, Self.isOneEncodedRun(clean) { return [.text(clean), angle] }
        // Printable ASCII's characters are its bytes: split as bytes.
        let words = ascii ? clean.utf8.split(separator: 0x20).map { Substring($0) } : clean.split(separator: " ")
        if ascii, words.allSatisfy({ $0.utf8.count < EncodedWord.lineLength && $0.utf8.allSatisfy(\.isAtext) }) {
            return words.map { .token(String($0)) } + [angle]
        }
        if ascii {
            let quoted = "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            if quoted.utf8.count < EncodedWord.lineLength { return [.token(quoted), angle] }
        }
        return Self.phrase(words) + [angle]
    }

    /// Whether `phrase` would make `name` one encoded piece, the name
    /// itself: no `=?`, no two spaces side by side, every space-separated
    /// run of bytes holding a non-ASCII byte (so no word is atext, whether
    /// or not a space joins a combining mark into one character), and all
    /// of it within one encoded-word. (`name` has no white space at its ends.)
    static func isOneEncodedRun(_ name: String) -> Bool {
        guard name.utf8.count <= EncodedWord.byteCapacity(length: EncodedWord.maxLength), !EncodedWord.hasMarker(name) else {
            return false
        }
        var wordHasNonASCII = false
        var previous: UInt8 = 0x20
        for byte in name.utf8 {
            if byte == 0x20 {
                if previous == 0x20 || !wordHasNonASCII { return false }
                wordHasNonASCII = false
            } else if byte >= 0x80 {
                wordHasNonASCII = true
            }
            previous = byte
        }
        return wordHasNonASCII
    }

    /// A display name with non-ASCII words: atext words go as they are, and
    /// each run of other words as encoded text, cut at spaces into pieces
    /// that fit one encoded-word (a cut keeps its space inside the earlier
    /// piece, so a decoder that drops the space between encoded-words, as
    /// RFC 2047 says, still reads it).
    static func phrase(_ words: [Substring]) -> [EncodedWord.Piece] {
        var pieces: [EncodedWord.Piece] = []
        var run: [Substring] = []
        func flush() {
            var chunk = ""
            for word in run {
                let candidate = chunk.isEmpty ? String(word) : chunk + " " + word
                if !chunk.isEmpty, candidate.utf8.count > EncodedWord.byteCapacity(length: EncodedWord.maxLength) {
                    pieces.append(.text(chunk + " "))
                    chunk = String(word)
                } else {
                    chunk = candidate
                }
            }
            if !chunk.isEmpty { pieces.append(.text(chunk)) }
            run = []
        }
        for word in words {
            if !EncodedWord.hasMarker(word), word.utf8.count < EncodedWord.lineLength, word.utf8.allSatisfy(\.isAtext) {
                flush()
                pieces.append(.token(String(word)))
            } else {
                run.append(word)
            }
        }
        flush()
        return pieces
    }
}
