/// The twelve months of one service's consumption up to the billing month,
/// laid out as bars in whole SVG units (so pages are byte-stable), with the
/// same month last year for comparison. In a right-to-left page time runs
/// right to left: the newest bar stands at the left.
public struct ConsumptionChart: Sendable, Equatable {
    public struct Bar: Sendable, Equatable {
        public var month: BillingMonth
        /// Nil when the data has no figure for the month.
        public var value: Int64?
        public var x: Int
        public var y: Int
        public var height: Int
        /// The middle of the bar, for its label.
        public var labelX: Int
        public var isCurrent: Bool
    }

    public static let width = 360
    public static let height = 150
    static let slot = 30
    static let barWidth = 20
    static let labelY = 136
    static let plotTop = 16
    static let plotBottom = 118
    static var plotHeight: Int { plotBottom - plotTop }

    public var service: Service
    public var unit: MeterUnit
    /// The billing month: the last of the bars.
    public var month: BillingMonth
    /// The twelve months ending with `month`, oldest first.
    public var bars: [Bar]
    public var current: Int64?
    public var sameMonthLastYear: Int64?
    /// The height of last year's figure, as a reference line across the chart.
    public var lastYearY: Int?

    /// The chart of `service`, or nil when the bill has fewer than two
    /// monthly figures for it in the twelve months.
    public init?(service: Service, month: BillingMonth, history: [ServiceHistory], meters: [Meter], rightToLeft: Bool) {
        // The figures of the thirteen months the chart looks at, from a year before `month`
        // (index 0) to `month` (index 12); the last one given for a month counts.
        var figures = [Int64?](repeating: nil, count: 13)
        let end = month.year * 12 + month.month
        for entry in history where entry.service == service {
            for figure in entry.months {
                let index = figure.month.year * 12 + figure.month.month - end + 12
                if (0...12).contains(index) { figures[index] = figure.quantity }
            }
            break
        }
        var meteredUnit: MeterUnit?
        var meteredTotal: Int64 = 0
        for meter in meters where meter.service == service {
            meteredUnit = meteredUnit ?? meter.unit
            meteredTotal += meter.consumption
        }
        if meteredUnit != nil { figures[12] = meteredTotal }
        // One figure alone compares with nothing: no chart.
        var known = 0
        var largestKnown: Int64?
        for figure in figures[1...] {
            guard let figure else { continue }
            known += 1
            largestKnown = max(largestKnown ?? figure, figure)
        }
        guard known >= 2 else { return nil }

        self.service = service
        self.month = month
        unit = meteredUnit ?? (service == .electricity ? .kWh : .m3)
        current = figures[12]
        sameMonthLastYear = figures[0]
        let largest = max(largestKnown ?? 0, sameMonthLastYear ?? 0)

        func barHeight(_ value: Int64) -> Int {
            guard largest > 0, value > 0 else { return 0 }
            return max(2, Int(value * Int64(Self.plotHeight) / largest))
        }
        bars = (0..<12).map { index in
            let barMonth = month.adding(months: index - 11)
            let value = figures[index + 1]
            let height = value.map(barHeight) ?? 0
            let slotIndex = rightToLeft ? 11 - index : index
            let x = slotIndex * Self.slot + (Self.slot - Self.barWidth) / 2
            return Bar(month: barMonth, value: value, x: x, y: Self.plotBottom - height, height: height,
                       labelX: x + Self.barWidth / 2, isCurrent: barMonth == month)
        }
        lastYearY = sameMonthLastYear.map { Self.plotBottom - barHeight($0) }
    }

    /// The change from the same month last year, in whole percent, when both are known.
    public var changePercent: Int? {
        guard let current, let last = sameMonthLastYear, last > 0 else { return nil }
        let change = (current - last) * 100
        // Round half away from zero, exactly.
        return Int((change + (change >= 0 ? last / 2 : -last / 2)) / last)
    }
}
