/// A compiled template library: immutable, shared by all renders.
final class Program: Sendable {
    let instructions: [Instruction]
    let sites: [SourceSite]
    let text: [UInt8]
    let markers: [Int32]
    let keys: [KeyInfo]
    /// Key segments, boxed so the renderer can borrow them (see ``KeyBox``).
    let keyBoxes: [KeyBox]
    /// Unretained references to ``keyBoxes``, for the renderer's pointer access.
    let keyRefs: [Unmanaged<KeyBox>]
    let keyNames: [String]
    let templates: [TemplateEntry]
    let templateNames: [String]
    let templateFiles: [String]
    let templateIndex: [String: Int]
    let overrideTables: [OverrideTable]
    let overrideEntries: [OverrideEntry]
    let nameUses: [NameUse]
    let inclusions: [(template: Int, line: Int, column: Int, name: String)]
    /// Per template: bytes to reserve in the output before rendering (an estimate
    /// of the page size; a larger page still renders correctly, with one extra copy).
    let sizeHints: [Int]
    /// Number of distinct interned key segment names (ids are `0 ..< segmentCount`).
    let segmentCount: Int
    let strict: Bool
    let escapeByDefault: Bool

    init(compiler: Compiler, names: [String], files: [String], strict: Bool, escapeByDefault: Bool) {
        instructions = compiler.instructions
        sites = compiler.sites
        text = compiler.text.isEmpty ? [0] : compiler.text  // never empty: the renderer needs a base address
        markers = compiler.markers
        keys = compiler.keys
        keyBoxes = compiler.keySegments.map(KeyBox.init)
        keyRefs = keyBoxes.map { Unmanaged.passUnretained($0) }
        keyNames = compiler.keyNames
        templates = compiler.templates
        templateNames = names
        templateFiles = files
        templateIndex = compiler.templateIndex
        overrideTables = compiler.overrideTables
        overrideEntries = compiler.overrideEntries
        nameUses = compiler.nameUses
        inclusions = compiler.inclusions
        segmentCount = compiler.segmentCount
        self.strict = strict
        self.escapeByDefault = escapeByDefault
        sizeHints = Self.sizeHints(
            instructions: compiler.instructions, templates: compiler.templates,
            overrideTables: compiler.overrideTables, overrideEntries: compiler.overrideEntries)
    }

    /// This program with other instructions, text, ranges and line-start
    /// markers (the keys, names and options stay).
    init(
        _ program: Program, instructions: [Instruction], sites: [SourceSite], text: [UInt8],
        templates: [TemplateEntry], overrideEntries: [OverrideEntry], markers: [Int32]? = nil
    ) {
        precondition(sites.count == instructions.count)
        self.instructions = instructions
        self.sites = sites
        self.text = text.isEmpty ? [0] : text
        self.templates = templates
        self.overrideEntries = overrideEntries
        self.markers = markers ?? program.markers
        keys = program.keys
        keyBoxes = program.keyBoxes
        keyRefs = program.keyRefs
        keyNames = program.keyNames
        templateNames = program.templateNames
        templateFiles = program.templateFiles
        templateIndex = program.templateIndex
        overrideTables = program.overrideTables
        nameUses = program.nameUses
        inclusions = program.inclusions
        segmentCount = program.segmentCount
        strict = program.strict
        escapeByDefault = program.escapeByDefault
        sizeHints = Self.sizeHints(
            instructions: instructions, templates: templates,
            overrideTables: program.overrideTables, overrideEntries: overrideEntries)
    }

    /// Literal bytes of a template and everything it includes (each included
    /// range counted once), plus an allowance per interpolation.
    private static func sizeHints(
        instructions: [Instruction], templates: [TemplateEntry], overrideTables: [OverrideTable],
        overrideEntries: [OverrideEntry]
    ) -> [Int] {
        templates.indices.map { template in
            var visited = Set<Int>()  // start instruction of each range already counted
            var pending = [(Int(templates[template].start), Int(templates[template].end))]
            var bytes = 512
            while let (start, end) = pending.popLast() {
                guard visited.insert(start).inserted else { continue }
                for instruction in instructions[start..<end] {
                    switch instruction.op {
                    case .text, .textLines: bytes += Int(instruction.b)
                    case .textVariable: bytes += Int(instruction.b) + 24
                    case .variable: bytes += 24
                    case .constant: bytes += Int(max(instruction.b, instruction.d))
                    case .partial, .parent:
                        if instruction.a >= 0 {
                            let callee = templates[Int(instruction.a)]
                            pending.append((Int(callee.start), Int(callee.end)))
                        }
                        if instruction.op == .parent {
                            let table = overrideTables[Int(instruction.d)]
                            for entry in overrideEntries[Int(table.first)..<Int(table.first + table.count)] {
                                pending.append((Int(entry.start), Int(entry.end)))
                            }
                        }
                    default: break
                    }
                }
            }
            // Half again as much, for list sections that repeat their content.
            return min(bytes + bytes / 2, 1 << 20)
        }
    }
}
