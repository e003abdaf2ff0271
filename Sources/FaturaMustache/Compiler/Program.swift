/// A compiled template library: immutable, shared by all renders.
final class Program: Sendable {
    let instructions: [Instruction]
    let sites: [SourceSite]
    let text: [UInt8]
    let markers: [Int32]
    let keys: [KeyInfo]
    let keySegments: [MustacheKey]
    let keyNames: [String]
    let templates: [TemplateEntry]
    let templateNames: [String]
    let templateFiles: [String]
    let templateIndex: [String: Int]
    let overrideTables: [OverrideTable]
    let overrideEntries: [OverrideEntry]
    let nameUses: [NameUse]
    let strict: Bool
    let escapeByDefault: Bool

    init(compiler: Compiler, names: [String], files: [String], strict: Bool, escapeByDefault: Bool) {
        instructions = compiler.instructions
        sites = compiler.sites
        text = compiler.text.isEmpty ? [0] : compiler.text  // never empty: the renderer needs a base address
        markers = compiler.markers
        keys = compiler.keys
        keySegments = compiler.keySegments
        keyNames = compiler.keyNames
        templates = compiler.templates
        templateNames = names
        templateFiles = files
        templateIndex = compiler.templateIndex
        overrideTables = compiler.overrideTables
        overrideEntries = compiler.overrideEntries
        nameUses = compiler.nameUses
        self.strict = strict
        self.escapeByDefault = escapeByDefault
    }
}
