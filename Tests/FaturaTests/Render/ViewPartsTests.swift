import FaturaMustache
import Foundation
import Testing
@testable import Fatura

/// The shortcuts the page view takes (words looked up by case, texts split
/// at their placeholders once, month labels made once a month, the manifest
/// line written field by field) give what the general paths give.
@Suite("Page view shortcuts give what the general paths give")
struct ViewPartsTests {
    static let packs = Language.allCases.map { SampleBills.templateSet.resources[$0] }

    @Test func wordsByCaseAreTheCatalogs() {
        for pack in Self.packs {
            for service in Service.allCases { #expect(pack.services[service] == pack.text("service_" + service.rawValue)) }
            for unit in MeterUnit.allCases { #expect(pack.units[unit] == pack.text("unit_" + unit.rawValue)) }
            for category in CustomerCategory.allCases {
                #expect(pack.categories[category] == pack.text("category_" + category.rawValue))
            }
            for field in AddressField.allCases { #expect(pack.addressLabels[field] == pack.text("address_" + field.rawValue)) }
            for (key, text) in pack.catalog.strings where key.hasPrefix("charge_") {
                #expect(pack.chargeLabel(String(key.dropFirst(7))) == text)
            }
            #expect(pack.chargeLabel("NO_SUCH_CODE") == nil)
            for count in [0, 1, 2, 3, 10, 11, 28, 31, 99, 100, 101, 111, 400, 401, 1003] {
                #expect(pack.days(count) == pack.catalog.counted("days", count, formatter: pack.formatter))
                let months = "\u{2068}" + pack.catalog.counted("months", count, formatter: pack.formatter) + "\u{2069}"
                #expect(pack.chartSpan(months: count) == StringCatalog.fill(pack.text("chart_span")) { $0 == "months" ? months : nil })
            }
        }
    }

    @Test func missingWordsShowTheirKeyAsBefore() {
        let catalog = StringCatalog(language: .en, strings: ["service_water": "Water"])
        let texts = EnumTexts<Service>(catalog, prefix: "service_")
        #expect(texts[.water] == "Water")
        #expect(texts[.electricity] == "service_electricity")
    }

    /// Texts split at their placeholders fill exactly as the one-pass fill does,
    /// braces that are not placeholders included; others are not split.
    @Test func splitTextsFillAsTheOnePassFill() throws {
        let patterns = [
            "This month: {value}.", "{value}", "{percent} more", "a {x} b {value} c {value}", "{value}{value}",
            "no braces", "{}", "a {unclosed", "a } b {value}", "{a{value}}", "x {value} {other", "عربي {value} نص",
            "{value} \u{2068}{percent}\u{2069}", "{{value}}",
        ]
        let pack = Self.packs[0]
        for pattern in patterns {
            let split = CatalogPattern(pattern)
            if pattern.contains("{a{") || pattern.contains("unclosed") || pattern.contains("{{") || pattern.hasSuffix("{other")
                || !pattern.contains("{") {
                #expect(split == nil, "\(pattern)")
            } else {
                #expect(split != nil, "\(pattern)")
            }
            let expected = StringCatalog.fill(pattern) { $0 == "value" ? "\u{2068}" + "12 kWh" + "\u{2069}" : nil }
            if let split {
                var out = "> "
                for piece in split.pieces {
                    switch piece {
                    case .text(let text): out += text
                    case .placeholder("value"): out += "\u{2068}12 kWh\u{2069}"
                    case .placeholder(let name): out += "{" + name + "}"
                    }
                }
                #expect(out == "> " + expected, "\(pattern)")
            }
        }
        // Through the pack, against the catalog's own text.
        for key in ["chart_current", "chart_last_year", "chart_more", "chart_less", "chart_same"] {
            // The charts' sentences with a placeholder take the split path.
            #expect((CatalogPattern(pack.text(key)) != nil) == pack.text(key).contains("{"), "\(key)")
            let expected = StringCatalog.fill(pack.text(key)) { $0 == "value" ? "\u{2068}12 kWh\u{2069}" : nil }
            #expect(pack.text(key, "value", "12 kWh") == expected, "\(key)")
            var out = "x"
            pack.appendText(key, to: &out, filling: "value", with: "12", " kWh")
            #expect(out == "x" + expected, "\(key)")
        }
    }

    /// The charts' sentences looked up once fill as the same keys looked up each time.
    @Test func chartTextsLookedUpOnceFillAsTheirKeys() {
        for pack in Self.packs {
            let texts = pack.chartTexts
            for (text, key, name) in [(texts.current, "chart_current", "value"), (texts.lastYear, "chart_last_year", "value"),
                                      (texts.more, "chart_more", "percent"), (texts.less, "chart_less", "percent")] {
                #expect(text.key == key)
                var once = "x", each = "x"
                pack.appendText(text, to: &once, filling: name, with: "12", " kWh")
                pack.appendText(key, to: &each, filling: name, with: "12", " kWh")
                #expect(once == each, "\(key)")
                #expect(once.contains("12 kWh"), "\(key)")
            }
            #expect(pack.chartSame == pack.text("chart_same"))
        }
    }

    /// The charts' sentences split once at their value write what filling
    /// the catalog's text writes: in both packs for each unit, and for texts
    /// with the value twice, another placeholder, no placeholder, or an
    /// unclosed brace (which the split leaves to the fill).
    @Test func chartSentencesSplitOnceWriteWhatTheFillWrites() {
        for pack in Self.packs {
            for unit in MeterUnit.allCases {
                let sentences = pack.chartSentences(unit)
                let texts = pack.chartTexts
                for (sentence, text, name, suffix) in [
                    (sentences.current, texts.current, "value", " " + pack.units[unit]),
                    (sentences.lastYear, texts.lastYear, "value", " " + pack.units[unit]),
                    (sentences.more, texts.more, "percent", ""), (sentences.less, texts.less, "percent", ""),
                ] {
                    var split = "x", filled = "x"
                    sentence.append("1,234", to: &split)
                    pack.appendText(text, to: &filled, filling: name, with: "1,234", suffix)
                    #expect(split == filled, "\(text.key) in \(unit)")
                    #expect(split.contains("\u{2068}1,234" + suffix + "\u{2069}"), "\(text.key) in \(unit)")
                }
            }
        }
        let strings = [
            "twice": "{value} then {value}.", "other": "{other}: {value}", "none": "No figure.",
            "unclosed": "{x {value} y", "empty": "", "only": "{value}",
        ]
        let catalog = StringCatalog(language: .en, strings: strings)
        let pack = LanguagePack(catalog: catalog, formatter: Self.packs[0].formatter, utility: SampleBills.templateSet.resources.utility)
        for key in strings.keys.sorted() + ["missing"] {
            let text = LanguagePack.CatalogText(key: key, pattern: CatalogPattern(strings[key] ?? key))
            var split = "", filled = ""
            ValueSentence(text, catalog: catalog, filling: "value", suffix: " m³").append("12", to: &split)
            pack.appendText(text, to: &filled, filling: "value", with: "12", " m³")
            #expect(split == filled, "\(key)")
        }
    }

    /// A text with several placeholders (the relative's note) fills as the
    /// one-pass fill does with a dictionary of the values, in both languages,
    /// with a value missing, and with values that hold braces themselves.
    @Test func severalPlaceholdersFillAsTheOnePassFill() throws {
        for pack in Self.packs {
            let key = "relative_note"
            #expect(CatalogPattern(pack.text(key)) != nil)
            let cases: [[(String, String)]] = [
                [("name", "محمد علي"), ("account", "1002345678"), ("relation", "son")],
                [("account", "1002345678"), ("relation", "{name}")],
                [("name", "Ali {x}"), ("account", ""), ("relation", "ابن"), ("unused", "z")],
                [],
            ]
            for values in cases {
                let dictionary = Dictionary(uniqueKeysWithValues: values)
                let expected = StringCatalog.fill(pack.text(key)) { name in dictionary[String(name)].map { "\u{2068}" + $0 + "\u{2069}" } }
                let pairs: KeyValuePairs<String, String> = switch values.count {
                case 3: [values[0].0: values[0].1, values[1].0: values[1].1, values[2].0: values[2].1]
                case 2: [values[0].0: values[0].1, values[1].0: values[1].1]
                case 4: [values[0].0: values[0].1, values[1].0: values[1].1, values[2].0: values[2].1, values[3].0: values[3].1]
                default: [:]
                }
                #expect(pack.text(key, pairs) == expected, "\(values)")
            }
        }
    }

    @Test func monthLabelsAreTheFormattersAndKeepApartDifferentRuns() throws {
        for pack in Self.packs {
            // Runs asked for again (from the memo) and runs that share their last month or their length.
            for (last, count) in [("2026-10", 12), ("2026-11", 12), ("2026-10", 12), ("2026-10", 3), ("2027-01", 3), ("2026-10", 0)] {
                let end = BillingMonth(last)!
                let months = (0..<count).map { end.adding(months: $0 - count + 1) }
                let labels = pack.monthLabels(count: count, endingWith: end)
                #expect(labels.names == months.map { pack.formatter.month($0) }, "\(last) \(count)")
                #expect(labels.numbers == months.map { pack.formatter.number(Int64($0.month)) })
            }
        }
        // A chart's bars are the run its labels are made for.
        let chart = try #require(ConsumptionChart(
            service: .water, month: BillingMonth("2026-10")!,
            history: [ServiceHistory(service: .water, months: [HistoryMonth(month: BillingMonth("2026-02")!, quantity: 4),
                                                                 HistoryMonth(month: BillingMonth("2026-09")!, quantity: 5)])],
            meters: [], rightToLeft: true))
        #expect(chart.bars.map(\.month) == (0..<12).map { chart.month.adding(months: $0 - 11) })
    }

    @Test func aMemoMakesEachValueOnceAndForgetsPastItsLimit() {
        let memo = Memo<Int, String>(limit: 3)
        var made = 0
        func value(_ key: Int) -> String { memo.value(for: key) { made += 1; return "v\(key)" } }
        #expect([value(1), value(2), value(1), value(2)] == ["v1", "v2", "v1", "v2"])
        #expect(made == 2)
        #expect(value(3) == "v3" && value(4) == "v4")
        #expect(made == 4)
        // Past the limit the kept values were dropped: 1 is made again, still the same text.
        #expect(value(1) == "v1")
        #expect(made == 5)
    }

    @Test func integersAsBytesAreWhatStringWrites() {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 6545, -6545, .max, .min, .max - 1, .min + 1]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 { values.append(Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...63, using: &generator)) }
        for value in values {
            var bytes: [UInt8] = []
            JSONText.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }

    @Test func manifestLineIsTheGeneralWritersLine() throws {
        var routes = [Route(channel: .paper, recipient: nil), Route(channel: .email, recipient: "a\"b\\c@example.com"),
                      Route(channel: .sms, recipient: "+97333123456"), Route(channel: .relativeEmail, recipient: "r@x.bh")]
        routes.append(Route(channel: .email, recipient: "line\u{2028}sep\u{7}@example.com"))
        for (index, (bill, _)) in SampleBills.accepted.enumerated() {
            for route in routes {
                let files = ["bills/678/\(bill.account)-2026-10.html"] + (route.channel == .paper ? [] : ["email/x\"y.eml"])
                let line = ManifestEntry.json(index: index * 1000, bill: bill, route: route, link: "https://b.example.bh/b/x?y=1&z=\"", files: files)
                let general = JSONText.object([
                    ("index", .int(Int64(index * 1000))),
                    ("account", .string(bill.account)),
                    ("number", .string(bill.number)),
                    ("period", .string(bill.month.description)),
                    ("channel", .string(route.channel.rawValue)),
                    ("recipient", route.recipient.map { .string($0) } ?? .null),
                    ("language", .string(bill.customer.language.rawValue)),
                    ("total_fils", .int(bill.total.fils)),
                    ("link", .string("https://b.example.bh/b/x?y=1&z=\"")),
                    ("files", .strings(files)),
                ])
                #expect(String(decoding: line, as: UTF8.self) == general)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                #expect(object["recipient"] as? String == route.recipient)
            }
        }
    }

    @Test func jsonStringsEscapeExactlyWhatTheyMust() {
        // Written as they are: plain ASCII, Arabic, and other characters whose UTF-8 starts with E2 (an ellipsis, bidi isolates).
        for plain in ["", "abc", "محمد علي", "wait…", "\u{2066}12\u{2069}", "€5", "/"] {
            #expect(JSONText.quoted(plain) == "\"" + plain + "\"", "\(plain)")
        }
        #expect(JSONText.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONText.quoted("l1\nl2\r\t") == #""l1\nl2\r\t""#)
        #expect(JSONText.quoted("\u{0}\u{1F}\u{7F}") == #""\u0000\u001f\u007f""#)
        #expect(JSONText.quoted("a\u{2028}b\u{2029}c…") == #""a\u2028b\u2029c…""#)
        // The line separator after an E2 that is not its own.
        #expect(JSONText.quoted("…\u{2028}") == #""…\u2028""#)
    }

    /// Every view that writes its own fields (the page, its rows, charts and bars) writes,
    /// for every key it has, in both escaping modes, the bytes its value
    /// renders as, hostile text included; and nothing for a key it lacks.
    @Test func viewsWriteWhatTheirValuesRender() throws {
        func check(_ view: some TemplateView, _ what: String) {
            for name in type(of: view).keys.sorted() + ["noSuchKey", "label2"] {
                let key = MustacheKey(name)
                for escaping in [true, false] {
                    var found = false
                    let written = MustacheOutput.bytes(escaping: escaping) { found = view.write(key, to: &$0) }
                    let value = view.value(for: key)
                    #expect(found == (value != nil), "\(what).\(name)")
                    let rendered = value.map { value in MustacheOutput.bytes(escaping: escaping) { $0.append(value) } } ?? []
                    #expect(written == rendered, "\(what).\(name), escaping \(escaping)")
                }
            }
        }
        let hostile = #"<b>"x" & 'y'</b>"#
        var views = 0
        for (var bill, route) in SampleBills.inBothLanguages {
            bill.charges[0].label = LocalizedText(ar: hostile, en: hostile)
            if bill.meters.indices.contains(0) { bill.meters[0].id = hostile }
            let page = BillPage(bill: bill, route: route, resources: SampleBills.templateSet.resources)
            check(page, "page")
            for part in page.addressParts { check(part, "address part"); views += 1 }
            for row in page.meters { check(row, "meter row"); views += 1 }
            for row in page.charges { check(row, "charge row"); views += 1 }
            for chart in page.charts {
                check(chart, "chart")
                for bar in chart.bars { check(bar, "bar"); views += 1 }
            }
        }
        #expect(views > 100)
        // The hostile texts were written escaped, and raw when not escaping.
        let row = BillPage(bill: { var bill = SampleBills.accepted[0].bill; bill.charges[0].label = LocalizedText(ar: hostile, en: hostile); return bill }(),
                           route: SampleBills.accepted[0].route, resources: SampleBills.templateSet.resources).charges[0]
        #expect(String(decoding: MustacheOutput.bytes { _ = row.write(MustacheKey("label"), to: &$0) }, as: UTF8.self)
                == "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;")
        #expect(String(decoding: MustacheOutput.bytes(escaping: false) { _ = row.write(MustacheKey("label"), to: &$0) }, as: UTF8.self) == hostile)
    }

}
