/// Executes compiled instructions against a context, appending UTF-8 bytes.
///
/// All program tables are accessed through unsafe buffer pointers that are
/// valid for the duration of one ``render(_:template:context:into:)`` call; the
/// instructions are plain data, so walking them costs no reference counting.
/// Scratch state (context stack, indentation, override frames) lives in this
/// struct and is reused for the whole render.
struct Renderer {
    /// Nested partial / parent / block-override calls allowed before giving up.
    static let maxDepth = 200

    private let program: Program
    private let instructions: UnsafeBufferPointer<Instruction>
    private let text: UnsafePointer<UInt8>
    private let markers: UnsafeBufferPointer<Int32>
    private let keys: UnsafeBufferPointer<KeyInfo>
    private let segments: UnsafeBufferPointer<MustacheKey>
    private let templates: UnsafeBufferPointer<TemplateEntry>
    private let strict: Bool
    private let escapeByDefault: Bool

    private var out: OutputBuffer
    /// The context stack; the last element is the innermost context.
    private var stack: ContextStack
    /// Current indentation, inserted at source line starts.
    private var indent: [UInt8] = []
    /// Override tables of the enclosing parent tags, outermost first.
    private var frames: [Int32] = []
    private var depth = 0

    private init(
        program: Program,
        instructions: UnsafeBufferPointer<Instruction>,
        text: UnsafePointer<UInt8>,
        markers: UnsafeBufferPointer<Int32>,
        keys: UnsafeBufferPointer<KeyInfo>,
        segments: UnsafeBufferPointer<MustacheKey>,
        templates: UnsafeBufferPointer<TemplateEntry>
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
        self.out = OutputBuffer(capacity: 16 * 1024)
        self.stack = ContextStack(capacity: 16)
    }

    /// Renders template number `template` of `program`, appending to `buffer`.
    static func render(
        _ program: Program, template: Int, context: MustacheValue, into buffer: inout [UInt8]
    ) throws {
        // The text pool always has at least one byte so that its base address is non-nil.
        try program.instructions.withUnsafeBufferPointer { instructions in
            try program.text.withUnsafeBufferPointer { text in
                try program.markers.withUnsafeBufferPointer { markers in
                    try program.keys.withUnsafeBufferPointer { keys in
                        try program.keySegments.withUnsafeBufferPointer { segments in
                            try program.templates.withUnsafeBufferPointer { templates in
                                var renderer = Renderer(
                                    program: program, instructions: instructions, text: text.baseAddress!,
                                    markers: markers, keys: keys, segments: segments, templates: templates)
                                defer {
                                    renderer.stack.free()
                                    renderer.out.free()
                                }
                                renderer.stack.push(context)
                                let entry = templates[template]
                                try renderer.run(Int(entry.start), Int(entry.end), escape: program.escapeByDefault)
                                buffer.append(contentsOf: renderer.out.bytes)
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
                if !append(resolve(Int(instruction.a)), escaped: escape && instruction.flag != 0) && strict {
                    throw missingVariable(at: pc)
                }
                pc += 1

            case .section:
                let bodyEnd = pc + 1 + Int(instruction.b)
                if let value = resolve(Int(instruction.a)) {
                    try renderSection(value, pc + 1, bodyEnd, escape: escape)
                }
                pc = bodyEnd

            case .inverted:
                let bodyEnd = pc + 1 + Int(instruction.b)
                if !(resolve(Int(instruction.a))?.isTruthy ?? false) {
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
    private func findOverride(_ block: Int32) -> OverrideEntry? {
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

    /// Resolves key plan `index` against the context stack; `nil` when not found.
    @inline(__always)
    private func resolve(_ index: Int) -> MustacheValue? {
        let key = keys[index]
        let first = Int(key.first)
        let top = stack.count - 1
        switch key.mode {
        case .implicit:
            return stack[top]._withUnsafeGuaranteedRef { $0.value }
        case .anchored:
            let found = stack[top]._withUnsafeGuaranteedRef { $0.object.value(for: segments[first]) }
            return key.count == 1 ? found : descend(found, from: first + 1, to: first + Int(key.count))
        case .climbing:
            let segment = segments[first]
            var level = top
            while true {
                let found = stack[level]._withUnsafeGuaranteedRef { $0.object.value(for: segment) }
                if found != nil {
                    return key.count == 1 ? found : descend(found, from: first + 1, to: first + Int(key.count))
                }
                if level == 0 { return nil }
                level -= 1
            }
        }
    }

    /// The remaining segments of a dotted name, each resolved only in the previous value.
    private func descend(_ start: consuming MustacheValue?, from: Int, to end: Int) -> MustacheValue? {
        var value = start
        var next = from
        while next < end, let current = value {
            value = Self.child(of: current, segments[next])
            next += 1
        }
        return value
    }

    /// One dotted-name step into a value the renderer owns (no copy of the value).
    @inline(__always)
    private static func child(of value: consuming MustacheValue, _ key: MustacheKey) -> MustacheValue? {
        switch consume value {
        case .object(let object): return object.value(for: key)
        case .dictionary(let dictionary): return dictionary[key.name]
        default: return nil
        }
    }

    private func missingVariable(at pc: Int) -> MustacheError {
        let site = program.sites[pc]
        let name = program.keyNames[Int(instructions[pc].a)]
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

    /// Appends a resolved value; returns `false` when there was none.
    @inline(__always)
    private mutating func append(_ value: consuming MustacheValue?, escaped: Bool) -> Bool {
        switch consume value {
        case .some(.string(let string)):
            if escaped {
                out.appendEscaped(string)
            } else {
                out.appendRaw(string)
            }
            return true
        case .some(let other):
            append(other, escaped: escaped)
            return true
        case .none:
            return false
        }
    }

    private mutating func append(_ value: consuming MustacheValue, escaped: Bool) {
        switch consume value {
        case .string(let string):
            if escaped {
                out.appendEscaped(string)
            } else {
                out.appendRaw(string)
            }
        case .int(let number):
            out.append(number)
        case .double(let number):
            out.append(number)
        case .bool(let flag):
            out.append(flag ? "true" : "false")
        case .list(let items):
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(item, escaped: escaped)
            }
        case .null, .object, .dictionary:
            break
        }
    }
}
