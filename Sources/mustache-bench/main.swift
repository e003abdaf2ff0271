// mustache-bench: renders a realistic bilingual e-bill page with
//   (a) a hand-written Swift function (the floor),
//   (b) FaturaMustache,
//   (c) swift-mustache 2.1.1,
// checks that all three produce the same bytes, and reports µs per page
// (median of 3 runs of 10,000 renders each).
//
// Usage: swift run -c release mustache-bench [iterations]
//        mustache-bench --only ours|floor|swift-mustache [iterations]   (for profiling)

import FaturaMustache
import Mustache

var arguments = Array(CommandLine.arguments.dropFirst())
var only: String?
if let index = arguments.firstIndex(of: "--only"), index + 1 < arguments.count {
    only = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
let iterations = arguments.first.flatMap { Int($0) } ?? 10_000
let runs = 3

let page = BillPage.sample()
let context = MustacheValue.object(BillPageModel(page))
let library = try TemplateLibrary(templates: BenchTemplates.all, options: .strict)
var reference = MustacheLibrary()
for (name, source) in BenchTemplates.all.sorted(by: { $0.key < $1.key }) {
    try reference.register(source, named: name)
}
let referenceContext = page.swiftMustacheContext()

// MARK: - Verify identical output

func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
    let limit = min(a.count, b.count)
    var index = 0
    while index < limit && a[index] == b[index] { index += 1 }
    let from = max(0, index - 60)
    func excerpt(_ bytes: [UInt8]) -> String {
        String(decoding: bytes[from..<min(bytes.count, index + 60)], as: UTF8.self).debugDescription
    }
    return "at byte \(index) (sizes \(a.count) vs \(b.count)):\n  \(excerpt(a))\n  \(excerpt(b))"
}

var floorOutput: [UInt8] = []
Floor.render(page, into: &floorOutput)
var ourOutput: [UInt8] = []
try library.render("bill", context, into: &ourOutput)
let referenceOutput = Array((reference.render(referenceContext, withTemplate: "bill") ?? "").utf8)

var identical = true
if ourOutput != floorOutput {
    print("MISMATCH floor vs FaturaMustache " + firstDifference(floorOutput, ourOutput))
    identical = false
}
if ourOutput != referenceOutput {
    print("MISMATCH swift-mustache vs FaturaMustache " + firstDifference(referenceOutput, ourOutput))
    identical = false
}
if !identical { fatalError("outputs differ") }

/// Interpolations rendered per page: variable tags, with those inside the two
/// list sections counted once per element.
@MainActor func interpolationCount() -> Int {
    var total = 0
    for source in BenchTemplates.all.values {
        var multiplier = 1
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let tag = rest[open.upperBound..<close.lowerBound]
            switch tag.first {
            case "#" where tag == "#charges": multiplier = page.charges.count
            case "#" where tag == "#chart.bars": multiplier = page.chart.bars.count
            case "/" where tag == "/charges" || tag == "/chart.bars": multiplier = 1
            case "#", "^", "/", "!", ">", "<", "$", "=", "%": break
            default: total += multiplier
            }
            rest = rest[close.upperBound...]
        }
    }
    return total
}

print("page: \(ourOutput.count) bytes, \(interpolationCount()) escaped interpolations; outputs identical (floor, FaturaMustache, swift-mustache)")

// MARK: - Timing

let clock = ContinuousClock()
var sink = 0

func microseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
}

/// µs per page for one run of `iterations` renders.
@MainActor func timeRun(_ body: () throws -> Int) rethrows -> Double {
    let start = clock.now
    for _ in 0..<iterations { sink &+= try body() }
    return microseconds(clock.now - start) / Double(iterations)
}

/// Runs the given renderers `runs` times, interleaved (run 1 of each, then
/// run 2 of each, …) so that load from other processes affects them alike;
/// prints and returns the median µs per page of each.
@MainActor func measure(_ renderers: [(name: String, body: () throws -> Int)]) throws -> [Double] {
    for renderer in renderers { _ = try renderer.body() }  // warm up
    var samples = Array(repeating: [Double](), count: renderers.count)
    for _ in 0..<runs {
        for (index, renderer) in renderers.enumerated() {
            samples[index].append(try timeRun(renderer.body))
        }
    }
    var medians: [Double] = []
    for (index, renderer) in renderers.enumerated() {
        let sorted = samples[index].sorted()
        let median = sorted[runs / 2]
        medians.append(median)
        let runsText = samples[index].map { formatted($0) }.joined(separator: ", ")
        print("\(renderer.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(formatted(median)) µs/page  (runs: \(runsText))")
    }
    return medians
}

func formatted(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    let text = "\(scaled)"
    let parts = text.split(separator: ".")
    return parts.count == 2 && parts[1].count == 1 ? text + "0" : text
}

var buffer: [UInt8] = []
buffer.reserveCapacity(32 * 1024)

@MainActor func renderFloor() -> Int {
    buffer.removeAll(keepingCapacity: true)
    Floor.render(page, into: &buffer)
    return buffer.count
}

@MainActor func renderOurs() throws -> Int {
    buffer.removeAll(keepingCapacity: true)
    try library.render("bill", context, into: &buffer)
    return buffer.count
}

@MainActor func renderReference() -> Int {
    reference.render(referenceContext, withTemplate: "bill")?.utf8.count ?? 0
}

if let only {
    switch only {
    case "floor": _ = try measure([("floor", renderFloor)])
    case "ours": _ = try measure([("FaturaMustache", renderOurs)])
    case "swift-mustache": _ = try measure([("swift-mustache", renderReference)])
    default: fatalError("--only floor|ours|swift-mustache")
    }
} else {
    print("\(iterations) renders x \(runs) runs (interleaved), median:")
    let medians = try measure([
        ("floor", renderFloor), ("FaturaMustache", renderOurs), ("swift-mustache", renderReference),
    ])
    let (floor, ours, theirs) = (medians[0], medians[1], medians[2])
    let overFloor = ours / floor
    let speedup = theirs / ours
    print("FaturaMustache / floor = \(formatted(overFloor))x   (target <= 2x: \(overFloor <= 2 ? "met" : "MISSED"))")
    print("swift-mustache / FaturaMustache = \(formatted(speedup))x   (target >= 25x: \(speedup >= 25 ? "met" : "MISSED"))")
}
if only == nil { try benchmarkRealPage(iterations: iterations) }
if sink == 42 { print("") }  // keep results alive
