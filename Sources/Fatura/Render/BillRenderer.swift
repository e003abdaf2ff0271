/// Turns a bill page's view into HTML. The engine behind it is an
/// implementation detail: the batch sees only this.
public protocol BillRenderer: Sendable {
    func renderPage(_ view: BillPageView) throws -> String
}
