/// A growable byte buffer written through a raw pointer: appending a run of
/// bytes is a capacity check plus a `memcpy`, with no uniqueness checks or
/// generic sequence machinery. Owned by one render; ``free()`` must be called.
struct OutputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        self.base = .allocate(capacity: self.capacity)
    }

    func free() { base.deallocate() }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    var last: UInt8? { count > 0 ? base[count - 1] : nil }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        if _slowPath(count + length > capacity) { grow(toAtLeast: count + length) }
        Self.copy(from: source, to: base + count, count: length)
        count += length
    }

    /// `memcpy`, with short runs (most literal runs and values) copied inline
    /// with overlapping word moves instead of a library call.
    @inline(__always)
    private static func copy(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 8 {
            if count > 32 {
                to.copyMemory(from: from, byteCount: count)
                return
            }
            // 8...32 bytes: 8-byte words from the front, then one ending at the last byte.
            var offset = 0
            while offset + 8 < count {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            to.storeBytes(
                of: from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8,
                as: UInt64.self)
        } else if count >= 4 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else {
            var index = 0
            while index < count {
                target[index] = source[index]
                index += 1
            }
        }
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        append(source, count: bytes.count)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if _slowPath(count == capacity) { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ string: StaticString) {
        append(string.utf8Start, count: string.utf8CodeUnitCount)
    }

    @inline(never)
    private mutating func grow(toAtLeast minimum: Int) {
        let newCapacity = max(capacity * 2, minimum)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends the UTF-8 of `string` unchanged.
    @inline(__always)
    mutating func appendRaw(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var copy = string
            copy.withUTF8 { append($0) }
        }
    }

    /// Appends `string` HTML-escaped (see ``HTMLEscape``).
    @inline(__always)
    mutating func appendEscaped(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaped($0) }
        }
    }

    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        let length = bytes.count
        var runStart = 0
        var index = 0
        while index < length {
            let byte = start[index]
            if _slowPath(HTMLEscape.needsEscape(byte)) {
                append(start + runStart, count: index - runStart)
                append(HTMLEscape.entity(for: byte))
                runStart = index + 1
            }
            index += 1
        }
        append(start + runStart, count: length - runStart)
    }

    /// Decimal digits, with a leading `-` for negative numbers.
    mutating func append(_ number: Int) {
        if _slowPath(count + 20 > capacity) { grow(toAtLeast: count + 20) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = 24
            repeat {
                position -= 1
                scratch[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "-")
            }
            let digitsStart = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + position
            append(digitsStart, count: 24 - position)
        }
    }

    /// Like JavaScript: integral values without a fraction (`2.0` → `2`),
    /// others in the shortest form that round-trips (`1.21` → `1.21`).
    mutating func append(_ number: Double) {
        if number.isFinite && number.rounded(.towardZero) == number && number.magnitude < 1e15 {
            append(Int(number))
        } else {
            appendRaw(number.description)
        }
    }
}
