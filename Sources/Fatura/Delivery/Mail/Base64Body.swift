/// The base64 content transfer encoding of text (RFC 2045 §6.8): the
/// text's line breaks (CRLF, LF or a lone CR) made CRLF first, as the
/// canonical form of text requires, then encoded in lines of 76 characters
/// separated by CRLF, with no line break after the last.
///
/// Half the e-mails of a month are encoded this way, some 15 KB each: the
/// canonical form is copied sixteen bytes at a time between line breaks, and
/// each group of three bytes is written with two reads of a table of
/// character pairs and one four-byte store.
enum Base64Body {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// The two characters of every 12 bits, the first in the low byte.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 0x3F]) << 8 }

    static func encode(_ text: [UInt8], into out: inout [UInt8]) {
        text.withUnsafeBufferPointer { input in
            // A body already in canonical form (the composer's templates write
            // CRLF) is encoded from itself, with no canonical copy.
            if LineBreaks.isCanonical(input) {
                encodeCanonical(input, into: &out)
                return
            }
            // Every byte may be a line break that grows to two; four bytes of slack for the group reads.
            let canonicalBound = input.count * 2
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: canonicalBound + 4) { canonical in
                let length = LineBreaks.canonicalize(input, into: canonical.baseAddress!)
                (canonical.baseAddress! + length).initialize(repeating: 0, count: 4)
                let groups = (length + 2) / 3
                // Written straight into `out`'s spare capacity.
                out.append(addingCapacity: groups * 4 + (groups / 19 + 1) * 2) { span in
                    span.withUnsafeMutableBufferPointer { spare, initialized in
                        initialized = pairs.withUnsafeBufferPointer { pairs in
                            encode(UnsafePointer(canonical.baseAddress!), length, pairs: pairs, into: spare.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// Encodes text already in canonical form from `input` itself: whole
    /// lines up to two bytes before its end (the group reads look two bytes
    /// ahead), the rest from a copy with room after it. Lines of 57 bytes
    /// encode alone, so the two pieces join with the CRLF between lines.
    private static func encodeCanonical(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let count = input.count
        let groups = (count + 2) / 3
        let direct = count >= 59 ? (count - 2) / 57 * 57 : 0
        out.append(addingCapacity: groups * 4 + (groups / 19 + 1) * 2) { span in
            span.withUnsafeMutableBufferPointer { spare, initialized in
                initialized = pairs.withUnsafeBufferPointer { pairs in
                    var at = 0
                    if direct > 0 { at = encode(input.baseAddress!, direct, pairs: pairs, into: spare.baseAddress!) }
                    let rest = count - direct
                    guard rest > 0 else { return at }
                    if direct > 0 {
                        spare[at] = 0x0D
                        spare[at + 1] = 0x0A
                        at += 2
                    }
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rest + 4) { tail in
                        tail.baseAddress!.initialize(from: input.baseAddress! + direct, count: rest)
                        (tail.baseAddress! + rest).initialize(repeating: 0, count: 4)
                        return at + encode(UnsafePointer(tail.baseAddress!), rest, pairs: pairs, into: spare.baseAddress! + at)
                    }
                }
            }
        }
    }

    /// Appends `bytes` in base64 on one line to `out` (an encoded-word's text, say).
    static func appendLine(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let count = bytes.count
        let groups = (count + 2) / 3
        // The input with four bytes of slack for the group reads; the output
        // straight into `out`'s spare capacity.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { scratch in
            let input = scratch.baseAddress!
            if count > 0 { input.initialize(from: bytes.baseAddress!, count: count) }
            (input + count).initialize(repeating: 0, count: 4)
            out.append(addingCapacity: groups * 4) { span in
                span.withUnsafeMutableBufferPointer { spare, initialized in
                    pairs.withUnsafeBufferPointer { pairs in
                        // At most 19 groups a line, so one "line" of the body encoder when short; longer ones in pieces.
                        var index = 0
                        while index < count {
                            let length = min(57, count - index)
                            initialized += encode(input + index, length, pairs: pairs, into: spare.baseAddress! + initialized)
                            index += length
                        }
                    }
                }
            }
        }
    }

    /// Encodes `count` bytes at `input` (readable two bytes past the end) into
    /// `output`; returns the bytes written.
    private static func encode(
        _ input: UnsafePointer<UInt8>, _ count: Int, pairs: UnsafeBufferPointer<UInt16>, into output: UnsafeMutablePointer<UInt8>
    ) -> Int {
        let raw = UnsafeRawPointer(input)
        let target = UnsafeMutableRawPointer(output)
        var at = 0
        var index = 0
        let whole = count / 3 * 3
        // Whole lines of 19 groups (76 characters), then what is left.
        while index < whole {
            if at > 0 {
                target.storeBytes(of: UInt16(0x0A0D), toByteOffset: at, as: UInt16.self)
                at += 2
            }
            let lineEnd = min(whole, index + 57)
            // Two groups at a time: eight bytes read big-endian, the first six
            // written as eight characters in one store (a line is nine such
            // pairs and one group; the input has slack for the read).
            while index + 6 <= lineEnd {
                let groups = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) >> 16
                let characters = UInt64(pairs[Int(groups >> 36)]) | UInt64(pairs[Int(groups >> 24 & 0xFFF)]) << 16
                    | UInt64(pairs[Int(groups >> 12 & 0xFFF)]) << 32 | UInt64(pairs[Int(groups & 0xFFF)]) << 48
                target.storeBytes(of: characters.littleEndian, toByteOffset: at, as: UInt64.self)
                at += 8
                index += 6
            }
            while index < lineEnd {
                // Four bytes read big-endian: the group is the first three.
                let group = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt32.self)) >> 8
                let characters = UInt32(pairs[Int(group >> 12)]) | UInt32(pairs[Int(group & 0xFFF)]) << 16
                target.storeBytes(of: characters.littleEndian, toByteOffset: at, as: UInt32.self)
                at += 4
                index += 3
            }
        }
        let remaining = count - whole
        if remaining > 0 {
            if whole > 0, whole % 57 == 0 {
                target.storeBytes(of: UInt16(0x0A0D), toByteOffset: at, as: UInt16.self)
                at += 2
            }
            let group = UInt32(input[whole]) << 16 | (remaining > 1 ? UInt32(input[whole + 1]) << 8 : 0)
            output[at] = alphabet[Int(group >> 18)]
            output[at + 1] = alphabet[Int(group >> 12 & 0x3F)]
            output[at + 2] = remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "=")
            output[at + 3] = UInt8(ascii: "=")
            at += 4
        }
        return at
    }
}

/// Text's line breaks (CRLF, LF, or a lone CR) as CRLF, found sixteen bytes at a time.
enum LineBreaks {
    /// Writes `input` with every line break made CRLF into `output` (room for
    /// `input.count` plus the count of CR and LF bytes); returns the length.
    static func canonicalize(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = input.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let target = UnsafeMutableRawPointer(output)
        let count = input.count
        var index = 0
        var at = 0
        // Sixteen bytes stored whole, then only those before the first break
        // kept (HTML breaks every few dozen bytes). The store stays in
        // bounds: `at` is at most `index` plus the breaks before it.
        while index + 16 <= count {
            target.storeBytes(of: raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self), toByteOffset: at, as: SIMD16<UInt8>.self)
            let low = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let high = raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            let lowBreaks = ByteWords.equal(low, 0x0A) | ByteWords.equal(low, 0x0D)
            let highBreaks = ByteWords.equal(high, 0x0A) | ByteWords.equal(high, 0x0D)
            let plain = lowBreaks != 0 ? lowBreaks.trailingZeroBitCount / 8
                : highBreaks != 0 ? 8 + highBreaks.trailingZeroBitCount / 8 : 16
            index += plain
            at += plain
            if plain < 16 { breakLine(base, count, &index, output, &at) }
        }
        while index < count {
            let byte = base[index]
            if byte == 0x0A || byte == 0x0D {
                breakLine(base, count, &index, output, &at)
            } else {
                output[at] = byte
                at += 1
                index += 1
            }
        }
        return at
    }

    /// Whether every line break of `input` is already CRLF: a byte is a CR
    /// exactly when the byte after it is an LF, and neither the first byte
    /// is an LF nor the last a CR. Sixteen pairs at a step, from two vector
    /// loads a byte apart, with no branch until the end (an e-mail's HTML
    /// breaks its lines every few dozen bytes).
    static func isCanonical(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = input.baseAddress, input.count > 0 else { return true }
        let count = input.count
        if base[0] == 0x0A || base[count - 1] == 0x0D { return false }
        let raw = UnsafeRawPointer(base)
        let returns = SIMD16<UInt8>(repeating: 0x0D)
        let feeds = SIMD16<UInt8>(repeating: 0x0A)
        var mismatch = SIMDMask<SIMD16<Int8>>(repeating: false)
        var index = 0
        while index + 17 <= count {
            let here = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: index + 1, as: SIMD16<UInt8>.self)
            mismatch .|= (here .== returns) .^ (next .== feeds)
            index += 16
        }
        if any(mismatch) { return false }
        while index + 1 < count {
            if (base[index] == 0x0D) != (base[index + 1] == 0x0A) { return false }
            index += 1
        }
        return true
    }

    /// Writes CRLF for the break at `index` (CRLF, LF or CR) and steps over it.
    @inline(__always)
    private static func breakLine(
        _ base: UnsafePointer<UInt8>, _ count: Int, _ index: inout Int, _ output: UnsafeMutablePointer<UInt8>, _ at: inout Int
    ) {
        output[at] = 0x0D
        output[at + 1] = 0x0A
        at += 2
        index += base[index] == 0x0D && index + 1 < count && base[index + 1] == 0x0A ? 2 : 1
    }
}
