import FaturaMustache

/// A consumption chart as the template sees it: bar geometry in whole SVG
/// units, and a sentence in each language that says what the bars show.
final class ChartView: Sendable {
    let chart: ConsumptionChart
    let service: String
    let serviceOther: String
    let unit: String
    let unitOther: String
    let summary: String
    let summaryOther: String
    let bars: [BarView]
    let barsValue: MustacheValue

    final class BarView: Sendable {
        let bar: ConsumptionChart.Bar
        let label: String
        let monthNumber: String
        let value: String

        init(bar: ConsumptionChart.Bar, label: String, monthNumber: String, value: String) {
            self.bar = bar
            self.label = label
            self.monthNumber = monthNumber
            self.value = value
        }
    }

    init(chart: ConsumptionChart, main: LanguagePack, other: LanguagePack) {
        self.chart = chart
        service = main.text("service_" + chart.service.rawValue)
        serviceOther = other.text("service_" + chart.service.rawValue)
        unit = main.text("unit_" + chart.unit.rawValue)
        unitOther = other.text("unit_" + chart.unit.rawValue)
        summary = Self.summary(chart, main)
        summaryOther = Self.summary(chart, other)
        bars = chart.bars.map { bar in
            BarView(bar: bar, label: main.formatter.month(bar.month),
                    monthNumber: main.formatter.number(Int64(bar.month.month)),
                    value: bar.value.map { main.formatter.number($0) } ?? "")
        }
        barsValue = .list(bars.map { .object($0) })
    }

    /// "The chart shows 12 months of figures, ending this month. This month:
    /// 800 kWh. Same month last year: 780 kWh. That is 3% more than a year ago."
    static func summary(_ chart: ConsumptionChart, _ pack: LanguagePack) -> String {
        let f = pack.formatter
        let unit = pack.text("unit_" + chart.unit.rawValue)
        let months = chart.bars.filter { $0.value != nil }.count
        var sentences = [pack.text("chart_span", "months", pack.catalog.counted("months", months, formatter: f))]
        if let current = chart.current {
            sentences.append(pack.text("chart_current", "value", f.number(current) + " " + unit))
        }
        if let last = chart.sameMonthLastYear {
            sentences.append(pack.text("chart_last_year", "value", f.number(last) + " " + unit))
        }
        if let change = chart.changePercent {
            switch change {
            case 0: sentences.append(pack.text("chart_same"))
            case 1...: sentences.append(pack.text("chart_more", "percent", f.percent(change)))
            default: sentences.append(pack.text("chart_less", "percent", f.percent(-change)))
            }
        }
        return sentences.joined(separator: " ")
    }
}
