/// Executes compiled instructions against a context, appending UTF-8 bytes.
///
/// All program tables are accessed through unsafe buffer pointers that are
/// valid for the duration of one ``render(_:template:context:into:)`` call; the
/// instructions are plain data, so walking them costs no reference counting.
/// Scratch state (context stack, indentation, override frames) lives in this
/// struct and is reused for the whole render.
struct Renderer: ~Copyable {
    /// Nested partial / parent / block-override calls allowed before giving up.
    static let maxDepth = 200

    private let program: Program
    private let instructions: UnsafeBufferPointer<Instruction>
    private let text: UnsafePointer<UInt8>
    private let markers: UnsafeBufferPointer<Int32>
    private let keys: UnsafeBufferPointer<KeyInfo>
    private let segments: UnsafeBufferPointer<Unmanaged<KeyBox>>
    private let templates: UnsafeBufferPointer<TemplateEntry>
    private let strict: Bool
    private let escapeByDefault: Bool

    private var out: OutputBuffer
    /// The context stack; the last element is the innermost context.
    private var stack: ContextStack
    /// Current indentation, inserted at source line starts.
    private var indent: [UInt8] = []
    /// Memoized lookups in the root context.
    private let rootMemo: RootMemo
    /// Override tables of the enclosing parent tags, outermost first.
    private var frames: [Int32] = []
    private var depth = 0
    /// Whether the root is an object that writes its own fields
    /// (``MustacheObject/writesFields``): then one-segment names that reach
    /// it are written by it, not through the memo.
    private var rootWrites = false

    private init(
        program: Program,
        instructions: UnsafeBufferPointer<Instruction>,
        text: UnsafePointer<UInt8>,
        markers: UnsafeBufferPointer<Int32>,
        keys: UnsafeBufferPointer<KeyInfo>,
        segments: UnsafeBufferPointer<Unmanaged<KeyBox>>,
        templates: UnsafeBufferPointer<TemplateEntry>,
        output: consuming OutputBuffer,
        stack: ContextStack,
        rootMemo: RootMemo
    ) {
        self.program = program
        self.instructions = instructions
        self.text = text
        self.markers = markers
        self.keys = keys
        self.segments = segments
        self.templates = templates
        self.strict = program.strict
        self.escapeByDefault = program.escapeByDefault
        self.out = output
        self.stack = stack
        self.rootMemo = rootMemo
    }

    /// Renders template number `template` of `program`, appending to `buffer`.
    /// On error, `buffer` is left as it was.
    ///
    /// The output is written straight into `buffer`'s spare capacity (the
    /// template's size estimate, left uninitialized), which then counts
    /// only what was written. Only a page larger than the estimate goes
    /// through scratch memory and one extra copy.
    static func render(
        _ program: Program, template: Int, context: MustacheValue, into buffer: inout [UInt8]
    ) throws {
        let reserve = max(program.sizeHints[template], 64)
        var spilled: [UInt8]?
        try buffer.append(addingCapacity: reserve) { (span: inout OutputSpan<UInt8>) throws in
            try span.withUnsafeMutableBufferPointer { spare, initialized throws in
                let result = try render(program, template: template, context: context,
                                        into: spare.baseAddress!, capacity: reserve)
                // Bytes count as initialized only once the render has succeeded.
                if let bytes = result.spilled { spilled = bytes } else { initialized = result.count }
            }
        }
        if let spilled { buffer.append(contentsOf: spilled) }
    }

    /// Renders into `capacity` bytes at `base`: the count written there, or
    /// the whole output when it did not fit.
    private static func render(
        _ program: Program, template: Int, context: MustacheValue, into base: UnsafeMutablePointer<UInt8>, capacity: Int
    ) throws -> (count: Int, spilled: [UInt8]?) {
        // The text pool always has at least one byte so that its base address is non-nil.
        try program.instructions.withUnsafeBufferPointer { instructions in
            try program.text.withUnsafeBufferPointer { text in
                try program.markers.withUnsafeBufferPointer { markers in
                    try program.keys.withUnsafeBufferPointer { keys in
                        try program.keyRefs.withUnsafeBufferPointer { segments in
                            try program.templates.withUnsafeBufferPointer { templates in
                                // Stack and memo scratch: on the machine stack unless unusually large.
                                try withUnsafeTemporaryAllocation(
                                    of: MustacheValue.self, capacity: 16
                                ) { stackMemory in
                                  try withUnsafeTemporaryAllocation(
                                    of: ContextStack.ObjectRef.self, capacity: 16
                                  ) { objectMemory in
                                    try withUnsafeTemporaryAllocation(
                                        byteCount: RootMemo.byteCount(keyCount: program.segmentCount), alignment: 8
                                    ) { memoMemory in
                                        var renderer = Renderer(
                                            program: program, instructions: instructions, text: text.baseAddress!,
                                            markers: markers, keys: keys, segments: segments, templates: templates,
                                            output: OutputBuffer(writingTo: base, capacity: capacity),
                                            stack: ContextStack(memory: stackMemory, objects: objectMemory),
                                            rootMemo: RootMemo(keyCount: program.segmentCount, memory: memoMemory))
                                        defer {
                                            renderer.stack.free()
                                            renderer.rootMemo.free()
                                        }
                                        if case .object(let root) = context { renderer.rootWrites = root.writesFields }
                                        renderer.stack.push(context)
                                        let entry = templates[template]
                                        try renderer.run(
                                            Int(entry.start), Int(entry.end), escape: program.escapeByDefault)
                                        let out = renderer.out.bytes
                                        return (out.count, renderer.out.isSpilled ? Array(out) : nil)
                                    }
                                  }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Instruction loop

    private mutating func run(_ start: Int, _ end: Int, escape initialEscape: Bool) throws {
        var escape = initialEscape
        var pc = start
        while pc < end {
            let instruction = instructions[pc]
            switch instruction.op {
            case .text:
                appendText(Int(instruction.a), Int(instruction.b))
                pc += 1

            case .textLines:
                if indent.isEmpty {
                    appendText(Int(instruction.a), Int(instruction.b))
                } else {
                    appendIndentedText(instruction)
                }
                pc += 1

            case .indent:
                if !indent.isEmpty { appendIndentIfAtLineStart() }
                pc += 1

            case .variable:
                if !interpolate(Int(instruction.a), escaped: escape && instruction.flag != 0) && strict {
                    throw missingVariable(at: pc, key: Int(instruction.a))
                }
                pc += 1

            case .textVariable:
                appendText(Int(instruction.a), Int(instruction.b))
                if !interpolate(Int(instruction.c), escaped: escape && instruction.flag != 0) && strict {
                    throw missingVariable(at: pc, key: Int(instruction.c))
                }
                pc += 1

            case .constant:
                if escape && instruction.flag != 0 {
                    appendText(Int(instruction.a), Int(instruction.b))
                } else {
                    appendText(Int(instruction.c), Int(instruction.d))
                }
                pc += 1

            case .section:
                let bodyEnd = pc + 1 + Int(instruction.b)
                switch resolve(Int(instruction.a)) {
                case .missing:
                    break
                case .owned(let value):
                    try renderSection(value, pc + 1, bodyEnd, escape: escape)
                case .inPlace(let value):
                    try renderSection(inPlace: value, pc + 1, bodyEnd, escape: escape)
                }
                pc = bodyEnd

            case .inverted:
                let bodyEnd = pc + 1 + Int(instruction.b)
                if !(Self.value(resolve(Int(instruction.a)))?.isTruthy ?? false) {
                    try run(pc + 1, bodyEnd, escape: escape)
                }
                pc = bodyEnd

            case .partial, .parent:
                if instruction.a >= 0 { try callTemplate(instruction, at: pc) }
                pc += 1

            case .block:
                let bodyEnd = pc + 1 + Int(instruction.b)
                if !frames.isEmpty, let override = findOverride(instruction.a) {
                    try enter(at: pc)
                    let saved = indent.count
                    if instruction.flag != 2 && instruction.d > 0 {
                        indent.append(contentsOf: bytes(Int(instruction.c), Int(instruction.d)))
                    }
                    try run(Int(override.start), Int(override.end), escape: escape)
                    if indent.count > saved { indent.removeLast(indent.count - saved) }
                    depth -= 1
                } else {
                    try run(pc + 1, bodyEnd, escape: escape)
                }
                pc = bodyEnd

            case .pragma:
                escape = instruction.flag != 0
                pc += 1
            }
        }
    }

    private mutating func renderSection(_ value: MustacheValue, _ start: Int, _ end: Int, escape: Bool) throws {
        switch value {
        case .list(let items):
            for item in items {
                stack.push(item)
                try run(start, end, escape: escape)
                stack.pop()
            }
        case .bool(let truthy):
            if truthy { try run(start, end, escape: escape) }
        case .null:
            break
        default:
            stack.push(value)
            try run(start, end, escape: escape)
            stack.pop()
        }
    }

    /// A section over a value read in place (the stack's top or a root-memo
    /// entry): a truthy flag runs the body without copying anything.
    private mutating func renderSection(inPlace value: UnsafePointer<MustacheValue>, _ start: Int, _ end: Int, escape: Bool) throws {
        switch value.pointee {
        case .bool(let truthy):
            if truthy { try run(start, end, escape: escape) }
        case .null:
            break
        default:
            // Copied out before anything is pushed: a push may move the stack
            // (and with it the value `value` points to when it is the top).
            let copied = value.pointee
            try renderSection(copied, start, end, escape: escape)
        }
    }

    private mutating func callTemplate(_ instruction: Instruction, at pc: Int) throws {
        try enter(at: pc)
        let saved = indent.count
        if instruction.flag != 0 && instruction.c > 0 {
            indent.append(contentsOf: bytes(Int(instruction.b), Int(instruction.c)))
        }
        let isParent = instruction.op == .parent
        if isParent { frames.append(instruction.d) }
        let entry = templates[Int(instruction.a)]
        try run(Int(entry.start), Int(entry.end), escape: escapeByDefault)
        if isParent { frames.removeLast() }
        if indent.count > saved { indent.removeLast(indent.count - saved) }
        depth -= 1
    }

    private mutating func enter(at pc: Int) throws {
        depth += 1
        if depth > Self.maxDepth {
            let site = program.sites[pc]
            throw MustacheError(
                .recursionLimit,
                "partials, parents and blocks nested more than \(Self.maxDepth) levels deep (unbounded recursion?)",
                template: program.templateNames[Int(site.template)], file: program.templateFiles[Int(site.template)])
        }
    }

    /// The override for `block` from the outermost parent tag that defines it.
    private mutating func findOverride(_ block: Int32) -> OverrideEntry? {
        for frame in frames {
            let table = program.overrideTables[Int(frame)]
            let first = Int(table.first)
            for index in first..<(first + Int(table.count)) {
                let entry = program.overrideEntries[index]
                if entry.block == block { return entry }
            }
        }
        return nil
    }

    // MARK: - Context lookup

    /// Result of resolving a name: a value the renderer owns, or one read in
    /// place: the top of the context stack or a root-memo entry.
    private enum Resolved {
        case missing
        case owned(MustacheValue)
        /// The stack's top (valid until the next push) or a root-memo
        /// entry (valid for the whole render).
        case inPlace(UnsafePointer<MustacheValue>)
    }

    /// Resolves key plan `index` against the context stack.
    @inline(__always)
    private mutating func resolve(_ index: Int) -> Resolved {
        let info = keys[index]
        let first = Int(info.first)
        let end = first + Int(info.count)
        let top = stack.count - 1
        switch info.mode {
        case .implicit:
            return .inPlace(stack[top])
        case .anchored:
            if top == 0 { return fromRoot(first, end) }
            return Self.owned(descend(Self.child(of: stack[top], segments[first]), from: first + 1, to: end))
        case .climbing:
            let segment = segments[first]
            var level = top
            while level > 0 {
                let found = Self.child(of: stack[level], segment)
                if found != nil {
                    return Self.owned(end - first == 1 ? found : descend(found, from: first + 1, to: end))
                }
                level -= 1
            }
            return fromRoot(first, end)
        }
    }

    @inline(__always)
    private static func owned(_ value: consuming MustacheValue?) -> Resolved {
        switch consume value {
        case .some(let found): return .owned(found)
        case .none: return .missing
        }
    }

    /// Resolves segments `first ..< end` starting in the root context, through the memo.
    @inline(__always)
    private mutating func fromRoot(_ first: Int, _ end: Int) -> Resolved {
        guard let entry = rootMemo.entry(segments[first], in: stack[0]) else { return .missing }
        if end - first == 1 { return .inPlace(entry) }
        let child = segments[first + 1]._withUnsafeGuaranteedRef { entry.pointee.child($0.key) }
        return Self.owned(descend(child, from: first + 2, to: end))
    }

    /// The value of a resolved name, copied out (for sections, which keep it).
    @inline(__always)
    private static func value(_ resolved: Resolved) -> MustacheValue? {
        switch resolved {
        case .missing: return nil
        case .owned(let value): return value
        case .inPlace(let value): return value.pointee
        }
    }

    /// `key` looked up in a value read in place.
    @inline(__always)
    private static func child(of value: UnsafePointer<MustacheValue>, _ key: Unmanaged<KeyBox>) -> MustacheValue? {
        key._withUnsafeGuaranteedRef { value.pointee.child($0.key) }
    }

    /// The remaining segments of a dotted name, each resolved only in the previous value.
    private mutating func descend(_ start: consuming MustacheValue?, from: Int, to end: Int) -> MustacheValue? {
        var value = start
        var next = from
        while next < end {
            guard let current = value else { return nil }
            value = segments[next]._withUnsafeGuaranteedRef { current.child($0.key) }
            next += 1
        }
        return value
    }

    private func missingVariable(at pc: Int, key: Int) -> MustacheError {
        let site = program.sites[pc]
        let name = program.keyNames[key]
        let template = Int(site.template)
        return MustacheError(
            .missingVariable, "missing variable '\(name)': nothing in the context has this name",
            template: program.templateNames[template], file: program.templateFiles[template],
            line: Int(site.line), column: Int(site.column), name: name)
    }

    // MARK: - Output

    @inline(__always)
    private func bytes(_ offset: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text + offset, count: count)
    }

    @inline(__always)
    private mutating func appendText(_ offset: Int, _ count: Int) {
        out.append(text + offset, count: count)
    }

    private var atLineStart: Bool {
        out.count == 0 || out.last == UInt8(ascii: "\n")
    }

    private mutating func appendIndentIfAtLineStart() {
        if atLineStart { indent.withUnsafeBufferPointer { out.append($0) } }
    }

    private mutating func appendIndentedText(_ instruction: Instruction) {
        let base = Int(instruction.a)
        var position = 0
        let first = Int(instruction.c)
        for index in first..<(first + Int(instruction.d)) {
            let marker = Int(markers[index])
            if marker > position {
                appendText(base + position, marker - position)
                position = marker
            }
            appendIndentIfAtLineStart()
        }
        if Int(instruction.b) > position {
            appendText(base + position, Int(instruction.b) - position)
        }
    }

    /// Resolves key plan `key` and appends its value; returns `false` when
    /// nothing was found. (Resolution and output in one call frame: this runs
    /// once per interpolation.)
    ///
    /// A one-segment name answered by an object pushed by a section (a row,
    /// a bar) is written by the object itself (``MustacheObject/write(_:to:)``),
    /// with no value made in between; the same climb as ``resolve(_:)``.
    @inline(never)
    private mutating func interpolate(_ key: Int, escaped: Bool) -> Bool {
        out.escapes = escaped
        let info = keys[key]
        let top = stack.count - 1
        guard info.count == 1, info.mode != .implicit, top > 0 || rootWrites else { return interpolateResolved(key) }
        let segment = segments[Int(info.first)]
        var level = top
        let lowest = info.mode == .anchored ? top : 1
        while level >= lowest {
            let context = stack[level]
            if case .object = context.pointee {
                if Self.write(segment, from: stack.object(level), to: &out) { return true }
            } else if let found = Self.child(of: context, segment) {
                append(owned: found)
                return true
            }
            level -= 1
        }
        if info.mode == .anchored { return false }
        if rootWrites { return Self.write(segment, from: stack.object(0), to: &out) }
        guard let entry = rootMemo.entry(segment, in: stack[0]) else { return false }
        out.append(entry.pointee)
        return true
    }

    /// `object` writes `key` (false: it has no such key).
    @inline(__always)
    private static func write(
        _ key: Unmanaged<KeyBox>, from object: ContextStack.ObjectRef, to output: inout MustacheOutput
    ) -> Bool {
        key._withUnsafeGuaranteedRef { object.write($0.key, to: &output) }
    }

    /// The general case of ``interpolate(_:escaped:)``: the name resolved, then its value appended.
    @inline(__always)
    private mutating func interpolateResolved(_ key: Int) -> Bool {
        switch resolve(key) {
        case .missing:
            return false
        case .owned(let value):
            append(owned: value)
            return true
        case .inPlace(let value):
            out.append(value.pointee)
            return true
        }
    }

    /// Appends a value the renderer owns (strings and numbers without copies).
    @inline(__always)
    private mutating func append(owned value: consuming MustacheValue) {
        switch consume value {
        case .string(let string):
            out.append(string)
        case .int(let number):
            out.appendInteger(number)
        case let other:
            out.append(other)
        }
    }
}
