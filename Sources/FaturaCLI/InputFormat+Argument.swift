// The conformance of a public type is public, so its protocol's module is imported publicly.
public import ArgumentParser
import Fatura

/// `--format xml|csv|jsonl`.
extension InputFormat: ExpressibleByArgument {}
