public import FaturaMustache

/// A page of the web view that is not a bill (not found, gone): Arabic
/// first with English beside it, and the utility's details for getting the
/// bill another way.
public final class StatusPage: Sendable, MustacheObject {
    let main: LanguagePack
    let other: LanguagePack

    public init(resources: RenderResources) {
        main = resources[.ar]
        other = resources[.en]
    }

    /// The bill page's language keys (words, direction, the utility's details), for an Arabic page.
    public func value(for key: MustacheKey) -> MustacheValue? {
        BillPage.Key(rawValue: key.name).flatMap { BillPage.languageValue($0, main: main, other: other) }
    }
}

extension TemplateSet {
    /// Templates the web view needs besides the bill's.
    public static let statusTemplates = ["not-found", "gone"]

    /// Renders a status page (`not-found`, `gone`) to bytes.
    public func renderStatusPage(_ name: String) throws -> [UInt8] {
        var buffer: [UInt8] = []
        try library.render(name, .object(StatusPage(resources: resources)), into: &buffer)
        return buffer
    }
}
