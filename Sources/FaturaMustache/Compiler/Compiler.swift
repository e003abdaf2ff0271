/// Turns syntax trees into one flat instruction array for the whole library.
///
/// Every template, section body, block default and block override is a
/// contiguous range of instructions. Literal text lives in one byte pool;
/// names are resolved to key plans with interned segment ids; partials and
/// parents are resolved to template indices. Source line starts become
/// indentation markers, so indentation of standalone partials and blocks costs
/// nothing unless a render actually indents.
struct Compiler {
    private(set) var instructions: [Instruction] = []
    private(set) var sites: [SourceSite] = []
    private(set) var text: [UInt8] = []
    private(set) var markers: [Int32] = []
    private(set) var keys: [KeyInfo] = []
    private(set) var keySegments: [MustacheKey] = []
    private(set) var keyNames: [String] = []
    private(set) var templates: [TemplateEntry]
    private(set) var overrideTables: [OverrideTable] = []
    private(set) var overrideEntries: [OverrideEntry] = []
    private(set) var nameUses: [NameUse] = []
    /// Every `{{>name}}` and `{{<name}}`: the template it is in, where, and the name.
    private(set) var inclusions: [(template: Int, line: Int, column: Int, name: String)] = []
    let templateIndex: [String: Int]
    private let strict: Bool
    private let escapeByDefault: Bool

    /// Number of distinct key segment names (interned ids).
    var segmentCount: Int { segmentIds.count }

    private var keyIndexByName: [String: Int] = [:]
    private var segmentIds: [String: Int] = [:]
    private var blockIds: [String: Int] = [:]
    /// Block definitions waiting to be compiled: (override entry, definition,
    /// whether HTML escaping was on where it was written).
    private var pending: [(entry: Int, definition: BlockDefinition, escapeOn: Bool)] = []

    // State while compiling one instruction range.
    private var source: SourceText
    private var templateNumber = 0
    /// The next output comes at the start of a source line.
    private var lineStart = true
    /// Index of the text instruction that following text may extend.
    private var openText: Int?
    /// Whether `{{name}}` is HTML-escaped here (a `CONTENT_TYPE` pragma
    /// turns it off for the rest of its body), so that a value written
    /// unescaped is known however it was turned off.
    private var escapeOn = true

    init(templateIndex: [String: Int], strict: Bool, escapeByDefault: Bool = true) {
        self.templateIndex = templateIndex
        self.strict = strict
        self.escapeByDefault = escapeByDefault
        self.templates = Array(repeating: TemplateEntry(start: 0, end: 0), count: templateIndex.count)
        self.source = SourceText(name: "", file: "", text: "")
    }

    /// Compiles template number `index`, plus the block definitions it contains.
    mutating func compile(_ nodes: [Node], template index: Int, source: SourceText) throws {
        self.source = source
        self.templateNumber = index
        escapeOn = escapeByDefault
        let start = beginRange()
        try compileNodes(nodes)
        openText = nil
        templates[index] = TemplateEntry(start: Int32(start), end: Int32(instructions.count))
        while let (entry, definition, escapeOn) = pending.popLast() {
            self.escapeOn = escapeOn
            let start = beginRange()
            try compileNodes(definition.children)
            openText = nil
            overrideEntries[entry].start = Int32(start)
            overrideEntries[entry].end = Int32(instructions.count)
        }
    }

    private mutating func beginRange() -> Int {
        lineStart = true
        openText = nil
        return instructions.count
    }

    // MARK: - Nodes

    private mutating func compileNodes(_ nodes: [Node]) throws {
        for node in nodes {
            switch node {
            case .text(let range):
                compileText(range)

            case .variable(let name, let escaped, let offset):
                markLineStartIfNeeded()
                let key = keyIndex(name, offset: offset, isSection: false, isRaw: !escaped || !escapeOn, byPragma: escaped && !escapeOn)
                if let index = openText, index == instructions.count - 1, instructions[index].op == .text {
                    // Fuse with the text run just before it.
                    instructions[index].op = .textVariable
                    instructions[index].flag = escaped ? 1 : 0
                    instructions[index].c = Int32(key)
                    let (line, column) = source.location(of: offset)
                    sites[index] = SourceSite(template: Int32(templateNumber), line: Int32(line), column: Int32(column))
                    openText = nil
                } else {
                    emit(Instruction(op: .variable, flag: escaped ? 1 : 0, a: Int32(key)), offset: offset)
                }

            case .section(let name, let inverted, let children, let openStandalone, let closeStandalone, let offset):
                if !openStandalone { markLineStartIfNeeded() }
                let key = keyIndex(name, offset: offset, isSection: true)
                let index = emit(Instruction(op: inverted ? .inverted : .section, a: Int32(key)), offset: offset)
                try compileBody(children, closeStandalone: closeStandalone)
                instructions[index].b = Int32(instructions.count - index - 1)

            case .partial(let name, let indent, let offset):
                recordInclusion(of: name, offset: offset)
                var instruction = try templateCall(.partial, name: name, indent: indent, offset: offset)
                instruction.d = 0
                emit(instruction, offset: offset)

            case .parent(let name, let indent, let definitions, let offset):
                recordInclusion(of: name, offset: offset)
                var instruction = try templateCall(.parent, name: name, indent: indent, offset: offset)
                instruction.d = Int32(overrideTable(for: definitions))
                emit(instruction, offset: offset)

            case .block(let name, let site, let children, let closeStandalone, let offset):
                var instruction = Instruction(op: .block, a: Int32(blockId(name)))
                let indent: [UInt8]
                switch site {
                case .standalone(let bytes):
                    lineStart = true
                    instruction.flag = 0
                    indent = bytes
                case .leading(let bytes):
                    markLineStartIfNeeded()
                    instruction.flag = 1
                    indent = bytes
                case .inline:
                    markLineStartIfNeeded()
                    instruction.flag = 2
                    indent = []
                }
                (instruction.c, instruction.d) = pooled(indent)
                let index = emit(instruction, offset: offset)
                try compileBody(children, closeStandalone: closeStandalone)
                instructions[index].b = Int32(instructions.count - index - 1)

            case .pragma(let escape, let standalone, let offset):
                escapeOn = escape
                if !escape {
                    // The pragma itself: what a block of another template fills in after it is unescaped too.
                    let (line, column) = source.location(of: offset)
                    nameUses.append(NameUse(root: ".", text: "% CONTENT_TYPE: TEXT", template: templateNumber, line: line, column: column,
                                            isSection: false, isRaw: true, isRawByPragma: true, isPragma: true))
                }
                if standalone { lineStart = true } else { markLineStartIfNeeded() }
                emit(Instruction(op: .pragma, flag: escape ? 1 : 0), offset: nil)
            }
        }
    }

    /// Compiles a section/block body that directly follows its opening instruction.
    private mutating func compileBody(_ children: [Node], closeStandalone: Bool) throws {
        openText = nil
        // A pragma in a body holds to the end of that body, as when it runs.
        let outer = escapeOn
        defer { escapeOn = outer }
        try compileNodes(children)
        // A closing tag that is not standalone sits on a line of its own content:
        // the line start (if any) belongs inside the body.
        if closeStandalone { lineStart = true } else { markLineStartIfNeeded() }
        openText = nil
    }

    private mutating func templateCall(_ op: Opcode, name: String, indent: [UInt8]?, offset: Int) throws -> Instruction {
        if indent == nil { markLineStartIfNeeded() } else { lineStart = true }
        let target = templateIndex[name] ?? -1
        if target < 0 && strict {
            let what = op == .parent ? "parent" : "partial"
            throw source.error(
                .missingPartial, "missing \(what) '\(name)': there is no template with that name", at: offset, name: name)
        }
        var instruction = Instruction(op: op, flag: indent == nil ? 0 : 1, a: Int32(target))
        (instruction.b, instruction.c) = pooled(indent ?? [])
        return instruction
    }

    private mutating func overrideTable(for definitions: [BlockDefinition]) -> Int {
        // Later definitions of the same block replace earlier ones.
        var seen = Set<String>()
        var unique: [BlockDefinition] = []
        for definition in definitions.reversed() where seen.insert(definition.name).inserted {
            unique.append(definition)
        }
        let table = OverrideTable(first: Int32(overrideEntries.count), count: Int32(unique.count))
        for definition in unique.reversed() {
            overrideEntries.append(OverrideEntry(block: Int32(blockId(definition.name)), start: 0, end: 0))
            pending.append((overrideEntries.count - 1, definition, escapeOn))
        }
        overrideTables.append(table)
        return overrideTables.count - 1
    }

    // MARK: - Text and line starts

    private mutating func compileText(_ range: Range<Int>) {
        let bytes = source.bytes
        var pieceStart = range.lowerBound
        while pieceStart < range.upperBound {
            var pieceEnd = pieceStart
            while pieceEnd < range.upperBound && bytes[pieceEnd] != UInt8(ascii: "\n") { pieceEnd += 1 }
            if pieceEnd < range.upperBound { pieceEnd += 1 }
            appendText(bytes[pieceStart..<pieceEnd], marker: lineStart)
            lineStart = bytes[pieceEnd - 1] == UInt8(ascii: "\n")
            pieceStart = pieceEnd
        }
    }

    private mutating func appendText(_ piece: ArraySlice<UInt8>, marker: Bool) {
        if let index = openText, instructions[index].a + instructions[index].b == Int32(text.count) {
            if marker { addMarker(to: index, at: instructions[index].b) }
            text.append(contentsOf: piece)
            instructions[index].b += Int32(piece.count)
            return
        }
        let index = emit(Instruction(op: .text, a: Int32(text.count), b: Int32(piece.count)), offset: nil)
        text.append(contentsOf: piece)
        if marker { addMarker(to: index, at: 0) }
        openText = index
    }

    private mutating func addMarker(to index: Int, at offset: Int32) {
        if instructions[index].op == .text {
            instructions[index].op = .textLines
            instructions[index].c = Int32(markers.count)
            instructions[index].d = 0
        }
        markers.append(offset)
        instructions[index].d += 1
    }

    /// Output is about to be produced: if it starts a source line, mark the line start.
    private mutating func markLineStartIfNeeded() {
        guard lineStart else { return }
        lineStart = false
        if let index = openText {
            addMarker(to: index, at: instructions[index].b)
        } else {
            emit(Instruction(op: .indent), offset: nil)
        }
    }

    @discardableResult
    private mutating func emit(_ instruction: Instruction, offset: Int?) -> Int {
        if instruction.op != .text { openText = nil }
        var site = SourceSite(template: Int32(templateNumber), line: 0, column: 0)
        if let offset {
            let (line, column) = source.location(of: offset)
            site.line = Int32(line)
            site.column = Int32(column)
        }
        instructions.append(instruction)
        sites.append(site)
        return instructions.count - 1
    }

    /// Stores bytes in the text pool; returns (offset, length).
    private mutating func pooled(_ bytes: [UInt8]) -> (Int32, Int32) {
        guard !bytes.isEmpty else { return (0, 0) }
        let offset = text.count
        text.append(contentsOf: bytes)
        return (Int32(offset), Int32(bytes.count))
    }

    private mutating func recordInclusion(of name: String, offset: Int) {
        let (line, column) = source.location(of: offset)
        inclusions.append((templateNumber, line, column, name))
    }

    // MARK: - Names

    private mutating func keyIndex(_ name: TagName, offset: Int, isSection: Bool, isRaw: Bool = false, byPragma: Bool = false) -> Int {
        // Every named use; an implicit one (`.`) only when it is raw, as `.`.
        let root: String? = switch (name.mode == .implicit, isRaw) {
        case (false, _): name.segments.first
        case (true, true): "."
        case (true, false): nil
        }
        if let root {
            let (line, column) = source.location(of: offset)
            nameUses.append(
                NameUse(
                    root: root, text: name.text, template: templateNumber, line: line, column: column,
                    isSection: isSection, isRaw: isRaw, isRawByPragma: byPragma))
        }
        if let index = keyIndexByName[name.text] { return index }
        let first = keySegments.count
        for segment in name.segments {
            let id: Int
            if let existing = segmentIds[segment] {
                id = existing
            } else {
                id = segmentIds.count
                segmentIds[segment] = id
            }
            keySegments.append(MustacheKey(name: segment, id: id))
        }
        keys.append(KeyInfo(first: Int32(first), count: Int32(name.segments.count), mode: name.mode))
        keyNames.append(name.text)
        keyIndexByName[name.text] = keys.count - 1
        return keys.count - 1
    }

    private mutating func blockId(_ name: String) -> Int {
        if let id = blockIds[name] { return id }
        let id = blockIds.count
        blockIds[name] = id
        return id
    }
}
