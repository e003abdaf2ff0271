import ArgumentParser

@main
struct Fatura: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fatura",
        abstract: "Reads a month's bill export, checks every bill, and renders and routes the e-bills.",
        discussion: """
        Exit codes: 0 every bill accepted; 3 finished, but some bills were rejected; \
        4 (link verify) the token does not verify; \
        64 bad command line; 65 the input is not well-formed XML or not a bill export (nothing written); \
        66 the input cannot be read; 70 a bill could not be rendered; 73 the output cannot be written; \
        78 the set-up is missing or broken (templates, string catalogs, the key ring, the utility details; \
        a server that cannot listen); 1 (snapshot) a snapshot differs or is missing; \
        130 and 143 (render) stopped by SIGINT or SIGTERM, its work kept for --resume. The README has the whole table.
        """,
        subcommands: [Render.self, Check.self, Template.self, Keys.self, Link.self, Serve.self, PreviewCommand.self, Snapshot.self, Generate.self, Bench.self, Merge.self]
    )
}
