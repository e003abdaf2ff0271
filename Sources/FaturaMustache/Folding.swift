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
        return TemplateLibrary(program: Program(program, instructions: instructions, text: text), options: options)
    }
}
