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
    /// The bars as a template list (each view held once).
    let barsValue: MustacheValue
    var bars: [BarView] { barsValue.objects() }

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
        service = main.services[chart.service]
        serviceOther = other.services[chart.service]
        unit = main.units[chart.unit]
        unitOther = other.units[chart.unit]
        summary = Self.summary(chart, main)
        summaryOther = Self.summary(chart, other)
        // The bars' month names and numbers are the same on every bill of a month: made once.
        let months = main.monthLabels(count: chart.bars.count, endingWith: chart.month)
        barsValue = .list(chart.bars.indices.map { index in
            let bar = chart.bars[index]
            return .object(BarView(bar: bar, label: months.names[index], monthNumber: months.numbers[index],
                                   value: bar.value.map { main.formatter.number($0) } ?? ""))
        })
    }

    /// "The chart shows 12 months of figures, ending this month. This month:
    /// 800 kWh. Same month last year: 780 kWh. That is 3% more than a year ago."
    static func summary(_ chart: ConsumptionChart, _ pack: LanguagePack) -> String {
        let f = pack.formatter
        var months = 0
        for bar in chart.bars where bar.value != nil { months += 1 }
        var text = pack.chartSpan(months: months)
        text.reserveCapacity(text.utf8.count + 256)
        let sentences = pack.chartSentences(chart.unit)
        if let current = chart.current {
            text += " "
            sentences.current.append(f.number(current), to: &text)
        }
        if let last = chart.sameMonthLastYear {
            text += " "
            sentences.lastYear.append(f.number(last), to: &text)
        }
        if let change = chart.changePercent {
            text += " "
            switch change {
            case 0: text += pack.chartSame
            case 1...: sentences.more.append(f.percent(change), to: &text)
            default: sentences.less.append(f.percent(-change), to: &text)
            }
        }
        return text
    }
}
