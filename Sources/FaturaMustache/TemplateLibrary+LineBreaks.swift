extension TemplateLibrary {
    /// A copy of this library in which the literal text of the templates
    /// `names` has every line feed written as CR LF: the canonical line
    /// breaks of a MIME text part, made once here instead of in a copy of
    /// every rendered body.
    ///
    /// A template so changed renders what this library renders with every
    /// LF made CRLF, as long as the values it interpolates hold no line
    /// break (and does so wherever it is called from, as a partial too).
    /// Left as they are: templates whose text already holds a CR, and
    /// templates that call partials, parents or blocks (their output is not
    /// all their own text).
    public func withCRLFLineBreaks(inTemplates names: Set<String>) -> TemplateLibrary {
        let program = self.program
        var text = program.text
        var instructions = program.instructions
        var markers = program.markers

        /// The run `text[start ..< start+count]` with LF made CRLF, appended to the pool.
        func converted(_ start: Int32, _ count: Int32) -> (Int32, Int32) {
            let run = program.text[Int(start)..<Int(start + count)]
            guard run.contains(0x0A) else { return (start, count) }
            let newStart = Int32(text.count)
            for byte in run {
                if byte == 0x0A { text.append(0x0D) }
                text.append(byte)
            }
            return (newStart, Int32(text.count) - newStart)
        }

        for (index, name) in program.templateNames.enumerated() where names.contains(name) {
            let entry = program.templates[index]
            let range = Int(entry.start)..<Int(entry.end)
            func holdsCR(_ start: Int32, _ count: Int32) -> Bool { program.text[Int(start)..<Int(start + count)].contains(0x0D) }
            let changeable = range.allSatisfy { pc in
                let instruction = program.instructions[pc]
                switch instruction.op {
                case .partial, .parent, .block:
                    return false
                case .text, .textLines, .textVariable:
                    return !holdsCR(instruction.a, instruction.b)
                case .constant:
                    return !holdsCR(instruction.a, instruction.b) && !holdsCR(instruction.c, instruction.d)
                case .indent, .variable, .section, .inverted, .pragma:
                    return true
                }
            }
            guard changeable else { continue }
            for pc in range {
                switch instructions[pc].op {
                case .text, .textVariable:
                    (instructions[pc].a, instructions[pc].b) = converted(instructions[pc].a, instructions[pc].b)
                case .textLines:
                    // The line starts (offsets into the run) move by the CRs added before them.
                    let instruction = instructions[pc]
                    let run = program.text[Int(instruction.a)..<Int(instruction.a + instruction.b)]
                    let firstMarker = Int32(markers.count)
                    for index in Int(instruction.c)..<Int(instruction.c + instruction.d) {
                        let marker = program.markers[index]
                        let added = run.prefix(Int(marker)).count(where: { $0 == 0x0A })
                        markers.append(marker + Int32(added))
                    }
                    (instructions[pc].a, instructions[pc].b) = converted(instruction.a, instruction.b)
                    instructions[pc].c = firstMarker
                case .constant:
                    (instructions[pc].a, instructions[pc].b) = converted(instructions[pc].a, instructions[pc].b)
                    (instructions[pc].c, instructions[pc].d) = converted(instructions[pc].c, instructions[pc].d)
                default:
                    break
                }
            }
        }
        return TemplateLibrary(
            program: Program(
                program, instructions: instructions, sites: program.sites, text: text,
                templates: program.templates, overrideEntries: program.overrideEntries, markers: markers),
            options: options)
    }
}
