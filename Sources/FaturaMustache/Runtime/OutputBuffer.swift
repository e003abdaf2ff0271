/// The renderer's name for the output.
typealias OutputBuffer = MustacheOutput

/// The output of one render, written through a raw pointer: appending a run
/// of bytes is a capacity check plus a copy, with no uniqueness checks or
/// generic sequence machinery.
///
/// It starts in space reserved in the caller's array; if a page outgrows that
/// reservation, the bytes move to scratch memory (``isSpilled``) and the
/// caller copies them back at the end.
///
/// A view writes into it from ``MustacheObject/write(_:to:)``: its
/// `append` functions render values exactly as the renderer renders the
/// values ``MustacheObject/value(for:)`` returns, escaping text when the tag
/// being rendered escapes (``escapes``). They are inlinable, so that a
/// view's `write` costs no more calls than the renderer's own path.
public struct MustacheOutput: ~Copyable {
    /// Heap storage once the output outgrew the reserved space.
    private var spill: ScratchMemory<UInt8>?
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Whether the tag being rendered escapes its value (`{{x}}`), or writes
    /// it raw (`{{{x}}}`, `{{&x}}`): set by the renderer before it asks a view.
    public internal(set) var escapes = true

    /// Writes into `capacity` bytes at `base`, owned by the caller.
    init(writingTo base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Whether the bytes now live in scratch memory instead of at the initial address.
    var isSpilled: Bool { spill != nil }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    var last: UInt8? { count > 0 ? base[count - 1] : nil }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        if _slowPath(count + length > capacity) { grow(toAtLeast: count + length) }
        Self.copy(from: source, to: base + count, count: length)
        count += length
    }

    /// `memcpy`, with runs up to 128 bytes (most literal runs and values)
    /// copied inline with overlapping 16/8/4-byte moves instead of a library call.
    @inline(__always)
    private static func copy(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 16 {
            if count > 128 {
                to.copyMemory(from: from, byteCount: count)
                return
            }
            // 16-byte blocks from the front, then one block ending at the last byte.
            var offset = 0
            while offset + 16 < count {
                to.storeBytes(
                    of: from.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self), toByteOffset: offset,
                    as: SIMD16<UInt8>.self)
                offset += 16
            }
            to.storeBytes(
                of: from.loadUnaligned(fromByteOffset: count - 16, as: SIMD16<UInt8>.self), toByteOffset: count - 16,
                as: SIMD16<UInt8>.self)
        } else if count >= 8 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
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
    @usableFromInline
    mutating func append(_ byte: UInt8) {
        if _slowPath(count == capacity) { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    @usableFromInline
    mutating func append(_ string: StaticString) {
        append(string.utf8Start, count: string.utf8CodeUnitCount)
    }

    @inline(never)
    private mutating func grow(toAtLeast minimum: Int) {
        let larger = ScratchMemory<UInt8>(capacity: max(capacity * 2, minimum, 4096))
        larger.base.initialize(from: base, count: count)
        spill = larger
        base = larger.base
        capacity = larger.capacity
    }

    /// Appends the UTF-8 of `string` unchanged.
    @inline(__always)
    @usableFromInline
    mutating func appendRaw(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var copy = string
            copy.withUTF8 { append($0) }
        }
    }

    /// Appends `string` HTML-escaped (see ``HTMLEscape``).
    @inline(__always)
    @usableFromInline
    mutating func appendEscaped(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaped($0) }
        }
    }

    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        let length = bytes.count
        // Most values need no escaping: found so eight bytes at a time, then
        // copied at once.
        guard Self.mayNeedEscape(start, length) else {
            append(start, count: length)
            return
        }
        var runStart = 0
        var index = 0
        while index < length {
            // Eight bytes at a time while none needs escaping.
            if index + 8 <= length, !HTMLEscape.anyMatch(UnsafeRawPointer(start).loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
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

    /// Whether any of the `length` bytes at `start` needs escaping: eight
    /// at a time, the last ones in a load that overlaps the one before, and a
    /// text shorter than eight bytes in one zero-padded word (zero needs no
    /// escaping).
    @inline(__always)
    static func mayNeedEscape(_ start: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let raw = UnsafeRawPointer(start)
        guard length >= 8 else {
            var word: UInt64 = 0
            for index in 0..<length { word |= UInt64(start[index]) << (8 * index) }
            return HTMLEscape.anyMatch(word)
        }
        var index = 0
        while index + 8 <= length {
            if HTMLEscape.anyMatch(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        return index < length && HTMLEscape.anyMatch(raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
    }

    /// Decimal digits, with a leading `-` for negative numbers.
    @usableFromInline
    mutating func appendInteger(_ number: Int) {
        if _slowPath(count + 20 > capacity) { grow(toAtLeast: count + 20) }
        var magnitude = number.magnitude
        if magnitude < 10 {
            if number < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
            base[count] = UInt8(truncatingIfNeeded: magnitude) &+ UInt8(ascii: "0")
            count += 1
            return
        }
        // Digits are produced backwards, two at a time, into 24 bytes of stack scratch.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = 24
            while magnitude >= 100 {
                let pair = Int(magnitude % 100)
                magnitude /= 100
                position -= 2
                scratch[position] = UInt8(truncatingIfNeeded: pair / 10) &+ UInt8(ascii: "0")
                scratch[position + 1] = UInt8(truncatingIfNeeded: pair % 10) &+ UInt8(ascii: "0")
            }
            if magnitude >= 10 {
                position -= 2
                scratch[position] = UInt8(truncatingIfNeeded: magnitude / 10) &+ UInt8(ascii: "0")
                scratch[position + 1] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
            } else {
                position -= 1
                scratch[position] = UInt8(truncatingIfNeeded: magnitude) &+ UInt8(ascii: "0")
            }
            if number < 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "-")
            }
            let start = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + position
            append(start, count: 24 - position)
        }
    }

    /// Like JavaScript: integral values without a fraction (`2.0` → `2`),
    /// others in the shortest form that round-trips (`1.21` → `1.21`).
    @usableFromInline
    mutating func append(_ number: Double) {
        if number.isFinite && number.rounded(.towardZero) == number && number.magnitude < 1e15 {
            appendInteger(Int(number))
        } else {
            appendRaw(number.description)
        }
    }
}

extension MustacheOutput {
    /// Appends `text`, HTML-escaped when the tag escapes: as a `.string(text)` value renders.
    @inlinable
    public mutating func append(_ text: String) {
        if escapes { appendEscaped(text) } else { appendRaw(text) }
    }

    /// Appends `number` in decimal: as an `.int(number)` value renders.
    @inlinable
    public mutating func append(_ number: Int) {
        appendInteger(number)
    }

    /// Appends `true` or `false`: as a `.bool(flag)` value renders.
    @inlinable
    public mutating func append(_ flag: Bool) {
        append(flag ? "true" : "false" as StaticString)
    }

    /// Appends `value` as an interpolation renders it.
    @inlinable
    public mutating func append(_ value: consuming MustacheValue) {
        switch consume value {
        case .string(let string):
            append(string)
        case .int(let number):
            appendInteger(number)
        case .double(let number):
            append(number)
        case .bool(let flag):
            append(flag)
        case .list(let items):
            for (index, item) in items.enumerated() {
                if index > 0 { append(UInt8(ascii: ",")) }
                append(item)
            }
        case .null, .object, .dictionary:
            break
        }
    }
}

extension MustacheOutput {
    /// What `write` appends to a fresh output, as bytes: for checking that
    /// a view's ``MustacheObject/write(_:to:)`` writes what its
    /// ``MustacheObject/value(for:)`` renders as.
    public static func bytes(escaping: Bool = true, _ write: (inout MustacheOutput) throws -> Void) rethrows -> [UInt8] {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { scratch in
            var output = MustacheOutput(writingTo: scratch.baseAddress!, capacity: scratch.count)
            output.escapes = escaping
            try write(&output)
            return Array(output.bytes)
        }
    }
}
