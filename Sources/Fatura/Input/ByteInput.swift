import Foundation

/// Reads a file front to back through one 64 KiB buffer: the CSV and JSON
/// Lines readers never hold more of the file than that and one record.
final class ByteInput {
    static let chunkSize = 1 << 16

    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false

    init(path: String) throws(InputError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw InputError(.unreadable, file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw InputError.folder(path)
        }
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    deinit {
        close(descriptor)
    }

    /// A regular file, which can be opened and read again (not a pipe).
    var isRegularFile: Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always)
    func next() throws(InputError) -> UInt8? {
        if start == end {
            guard try refill() else { return nil }
        }
        let byte = buffer[start]
        start += 1
        return byte
    }

    /// The next byte without consuming it.
    @inline(__always)
    func peek() throws(InputError) -> UInt8? {
        if start == end {
            guard try refill() else { return nil }
        }
        return buffer[start]
    }

    enum Stop: Equatable {
        /// One of the bytes looked for, consumed.
        case byte(UInt8)
        /// The buffer ran out first: call again to go on.
        case more
        /// The end of the file.
        case end
    }

    /// Appends the bytes before the first of `stop`, `other` or `third` in
    /// the buffer to `out`, and consumes that byte too. The fast path of
    /// both readers: plain text between delimiters.
    @inline(__always)
    func copy(until stop: UInt8, or other: UInt8, or third: UInt8, into out: inout [UInt8]) throws(InputError) -> Stop {
        if start == end {
            guard try refill() else { return .end }
        }
        let from = start, to = end
        let found: Int = buffer.withUnsafeBufferPointer { pointer in
            var index = from
            while index < to {
                let byte = pointer[index]
                if byte == stop || byte == other || byte == third { return index }
                index += 1
            }
            return to
        }
        if found > from { out.append(contentsOf: buffer[from..<found]) }
        if found == to {
            start = to
            return .more
        }
        start = found + 1
        return .byte(buffer[found])
    }

    /// Skips a UTF-8 byte order mark at the very start of the file.
    /// A file in UTF-16 or UTF-32 is refused here, naming its encoding.
    func skipByteOrderMark() throws(InputError) {
        if end - start < 4 { try fill(atLeast: 4) }
        if let fault = TextEncodingCheck.byteOrderFault(buffer[start..<end]) {
            throw InputError(.notABillExport, file: path, line: 1, message: fault)
        }
        guard try peek() == 0xEF else { return }
        if end - start < 3 { try fill(atLeast: 3) }
        if end - start >= 3, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF { start += 3 }
    }

    private func fill(atLeast count: Int) throws(InputError) {
        if start > 0 {
            buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
            end -= start
            start = 0
        }
        while end - start < count, !atEnd {
            let offset = end
            let read: Int = buffer.withUnsafeMutableBytes { raw in
                Self.read(descriptor, raw.baseAddress! + offset, Self.chunkSize - offset)
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadable, file: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if read == 0 { atEnd = true }
            end += read
        }
    }

    private static func read(_ descriptor: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, pointer, count)
        #else
        Darwin.read(descriptor, pointer, count)
        #endif
    }

    private func refill() throws(InputError) -> Bool {
        if atEnd { return false }
        start = 0
        end = 0
        while true {
            let read: Int = buffer.withUnsafeMutableBytes { raw in
                Self.read(descriptor, raw.baseAddress!, Self.chunkSize)
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw InputError(.unreadable, file: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if read == 0 {
                atEnd = true
                return false
            }
            end = read
            return true
        }
    }
}

extension String {
    /// The text of UTF-8 bytes, or nil when they are not valid UTF-8.
    init?(validUTF8 bytes: ArraySlice<UInt8>) {
        let text: String? = bytes.withUnsafeBufferPointer { pointer in
            // Most fields are ASCII: decoding them needs no validation.
            var ascii = true
            for byte in pointer where byte >= 0x80 {
                ascii = false
                break
            }
            return ascii ? String(decoding: pointer, as: UTF8.self) : String(validating: pointer, as: UTF8.self)
        }
        guard let text else { return nil }
        self = text
    }
}
