extension TemplateLibrary {
    /// A copy of this library in which the variables whose first name is one
    /// of `names` hold their values in `constants`, looked up and escaped once
    /// here instead of at every render: a page whose labels come from a string
    /// catalog then renders its labels as it renders literal text.
    ///
    /// The copy renders exactly as this library does as long as, in every
    /// render, each of `names` resolves to the value `constants` gives it: the
    /// root context must answer those names as `constants` does, and no value
    /// a section pushes may answer any of them (a lookup would find it first).
    /// That is the caller's promise; leave out of `names` any name an inner
    /// context could answer.
    ///
    /// Left to the render: names `constants` lacks (a strict render still
    /// reports them), names written with a leading dot, values other than
    /// strings and integers, and sections.
    public func folding(_ names: Set<String>, from constants: MustacheValue) -> TemplateLibrary {
        let program = self.program
        var text = program.text
        var instructions = program.instructions
        var values: [Int: (escaped: [UInt8], raw: [UInt8])?] = [:]

        func value(ofKey index: Int) -> (escaped: [UInt8], raw: [UInt8])? {
            if let known = values[index] { return known }
            let info = program.keys[index]
            var found: (escaped: [UInt8], raw: [UInt8])?
            let segments = program.keyBoxes[Int(info.first)..<Int(info.first + info.count)].map(\.key)
            if info.mode == .climbing, let first = segments.first, names.contains(first.name) {
                var value = constants.child(first)
                for segment in segments.dropFirst() { value = value?.child(segment) }
                switch value {
                case .string(let string):
                    var escaped: [UInt8] = []
                    HTMLEscape.append(string, to: &escaped)
                    found = (escaped, Array(string.utf8))
                case .int(let number):
                    found = (Array(String(number).utf8), Array(String(number).utf8))
                default:
                    found = nil
                }
            }
            values[index] = found
            return found
        }

        for pc in instructions.indices {
            let instruction = instructions[pc]
            let key: Int32
            let literal: ArraySlice<UInt8>
            switch instruction.op {
            case .variable:
                key = instruction.a
                literal = []
            case .textVariable:
                key = instruction.c
                literal = program.text[Int(instruction.a)..<Int(instruction.a + instruction.b)]
            default:
                continue
            }
            guard let (escaped, raw) = value(ofKey: Int(key)) else { continue }
            let escapedStart = text.count
            text += literal
            text += escaped
            var rawRun = (start: escapedStart, count: text.count - escapedStart)
            if raw != escaped {
                rawRun.start = text.count
                text += literal
                text += raw
                rawRun.count = text.count - rawRun.start
            }
            instructions[pc] = Instruction(
                op: .constant, flag: instruction.flag,
                a: Int32(escapedStart), b: Int32(literal.count + escaped.count),
                c: Int32(rawRun.start), d: Int32(rawRun.count))
        }
        let joined = LiteralJoining.join(program, instructions, text: &text)
        return TemplateLibrary(
            program: Program(
                program, instructions: joined?.instructions ?? instructions, sites: joined?.sites ?? program.sites, text: text,
                templates: joined?.templates ?? program.templates, overrideEntries: joined?.overrideEntries ?? program.overrideEntries),
            options: options)
    }
}

/// Consecutive literal instructions joined into one, when a library never
/// indents (no partial, parent or block is called from an indented
/// standalone tag): line starts then need no marks, and a run of text,
/// folded values and text is one copy instead of one dispatch each. Text
/// just before a variable is fused with it, as the compiler does.
enum LiteralJoining {
    struct Result {
        var instructions: [Instruction]
        var sites: [SourceSite]
        var templates: [TemplateEntry]
        var overrideEntries: [OverrideEntry]
    }

    static func join(_ program: Program, _ instructions: [Instruction], text: inout [UInt8]) -> Result? {
        for instruction in instructions {
            switch instruction.op {
            case .partial, .parent: if instruction.flag != 0 && instruction.c > 0 { return nil }
            case .block: if instruction.flag != 2 && instruction.d > 0 { return nil }
            default: break
            }
        }
        let count = instructions.count
        // Where a range starts or ends: runs are never joined across one.
        var boundary = [Bool](repeating: false, count: count + 1)
        for entry in program.templates { boundary[Int(entry.start)] = true; boundary[Int(entry.end)] = true }
        for entry in program.overrideEntries { boundary[Int(entry.start)] = true; boundary[Int(entry.end)] = true }
        for (pc, instruction) in instructions.enumerated() where [.section, .inverted, .block].contains(instruction.op) {
            boundary[pc + 1] = true
            boundary[pc + 1 + Int(instruction.b)] = true
        }

        var joined: [Instruction] = []
        var sites: [SourceSite] = []
        var original: [Int] = []  // for each joined instruction, the one it came from (bodies are fixed up after)
        var newIndex = [Int](repeating: 0, count: count + 1)  // at boundaries and non-literal instructions
        // The literal being gathered: its bytes when escaping is on and off, and where it started.
        var pending: (escaped: [UInt8], raw: [UInt8], site: SourceSite)?

        // Runs already in the pool (the program's, and the values folded in before) are read from it.
        func bytes(_ start: Int32, _ length: Int32) -> [UInt8] { Array(text[Int(start)..<Int(start + length)]) }
        func emit(_ instruction: Instruction, site: SourceSite, from pc: Int) {
            joined.append(instruction)
            sites.append(site)
            original.append(pc)
        }
        /// The gathered literal as text, or as a constant when escaping changes it.
        func literal(_ pending: (escaped: [UInt8], raw: [UInt8], site: SourceSite)) -> Instruction {
            let start = Int32(text.count)
            text += pending.escaped
            if pending.escaped == pending.raw { return Instruction(op: .text, a: start, b: Int32(pending.escaped.count)) }
            let rawStart = Int32(text.count)
            text += pending.raw
            return Instruction(op: .constant, flag: 1, a: start, b: Int32(pending.escaped.count), c: rawStart, d: Int32(pending.raw.count))
        }
        func flush() {
            guard let gathered = pending else { return }
            pending = nil
            if !gathered.escaped.isEmpty || !gathered.raw.isEmpty { emit(literal(gathered), site: gathered.site, from: -1) }
        }

        for pc in 0..<count {
            if boundary[pc] {
                flush()
                newIndex[pc] = joined.count
            }
            let instruction = instructions[pc]
            let site = program.sites[pc]
            switch instruction.op {
            case .text, .textLines, .indent, .constant:
                var gathered = pending ?? (escaped: [], raw: [], site: site)
                switch instruction.op {
                case .text, .textLines:
                    gathered.escaped += bytes(instruction.a, instruction.b)
                    gathered.raw += bytes(instruction.a, instruction.b)
                case .constant:
                    gathered.escaped += instruction.flag != 0 ? bytes(instruction.a, instruction.b) : bytes(instruction.c, instruction.d)
                    gathered.raw += bytes(instruction.c, instruction.d)
                default:
                    break  // a line start: nothing to write when nothing is indented
                }
                pending = gathered
            case .variable, .textVariable:
                // Text the same whether escaped or not goes before the variable in one instruction.
                guard let gathered = pending, gathered.escaped == gathered.raw else {
                    flush()
                    emit(instruction, site: site, from: pc)
                    break
                }
                pending = nil
                var before = gathered.escaped
                var key = instruction.a
                if instruction.op == .textVariable {
                    before += bytes(instruction.a, instruction.b)
                    key = instruction.c
                }
                let start = Int32(text.count)
                text += before
                emit(Instruction(op: .textVariable, flag: instruction.flag, a: start, b: Int32(before.count), c: key), site: site, from: pc)
            default:
                flush()
                emit(instruction, site: site, from: pc)
            }
        }
        flush()
        newIndex[count] = joined.count

        for index in joined.indices where [.section, .inverted, .block].contains(joined[index].op) {
            let pc = original[index]
            let bodyStart = newIndex[pc + 1], bodyEnd = newIndex[pc + 1 + Int(instructions[pc].b)]
            precondition(bodyStart == index + 1, "a body starts right after its tag")
            joined[index].b = Int32(bodyEnd - bodyStart)
        }
        let templates = program.templates.map {
            TemplateEntry(start: Int32(newIndex[Int($0.start)]), end: Int32(newIndex[Int($0.end)]))
        }
        let overrideEntries = program.overrideEntries.map {
            OverrideEntry(block: $0.block, start: Int32(newIndex[Int($0.start)]), end: Int32(newIndex[Int($0.end)]))
        }
        return Result(instructions: joined, sites: sites, templates: templates, overrideEntries: overrideEntries)
    }
}
