/// The report pages' charts, built from stored results for the workbench and for
/// `callqc report --format html` alike (so both draw the same numbers): the score
/// distribution, mean score per agent, each frequent rule's findings by day, each
/// section's average, calibration's precision and recall, the review queue's risk mix,
/// and an agent's own score and speech rate by day. Struck findings do not count.
public struct ReportCharts: Sendable {
    /// English labels, else Chinese.
    public var english: Bool

    public init(english: Bool) { self.english = english }

    func t(_ zh: String, _ en: String) -> String { english ? en : zh }

    /// Calls per score band (the bands of ``Report``).
    public func distribution(_ calls: [CallSummary], id: String = "chart-distribution") -> SVGChart {
        distribution(of: Report(calls, by: .agent), id: id)
    }

    /// Calls per score band of a report.
    public func distribution(of r: Report, id: String = "chart-distribution") -> SVGChart {
        SVGChart(id: id, kind: .histogram, title: t("分数分布（通话数）", "Score distribution (calls)"), categories: r.distribution.map(\.0),
                        series: [.init(name: t("通话", "calls"), values: r.distribution.map { Double($0.1) })],
                        categoryHeading: t("分数段", "Score band"), tableLabel: t("数据表", "Data table"), emptyText: t("没有通话。", "No calls."))
    }

    /// Each agent's mean score, agents in order of their id.
    public func agents(_ calls: [CallSummary], id: String = "chart-agents") -> SVGChart {
        let r = Report(calls, by: .agent)
        return SVGChart(id: id, kind: .bars, title: t("坐席平均分", "Mean score by agent"), categories: r.rows.map(\.key),
                        series: [.init(name: t("平均分", "mean score"), values: r.rows.map(\.meanScore))], maximum: top(calls),
                        categoryHeading: t("坐席", "Agent"), tableLabel: t("数据表", "Data table"), emptyText: t("没有通话。", "No calls."))
    }

    /// The most frequent rules' findings per day (days with calls, in order).
    public func ruleTrends(_ calls: [CallSummary], rules count: Int = 5, id: String = "chart-rule-trends") -> SVGChart {
        let days = Set(calls.compactMap(\.date)).sorted()
        var total: [String: Int] = [:], byDay: [String: [String: Int]] = [:]
        for c in calls {
            for f in c.findings where !f.struck {
                total[f.rule, default: 0] += 1
                if let d = c.date { byDay[f.rule, default: [:]][d, default: 0] += 1 }
            }
        }
        let rules = total.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(count).map(\.key)
        return SVGChart(id: id, kind: .lines, title: t("高频规则每日发现数", "Findings per day of the most frequent rules"), categories: days,
                        series: rules.map { rule in .init(name: rule, values: days.map { Double(byDay[rule]?[$0] ?? 0) }) },
                        categoryHeading: t("日期", "Day"), tableLabel: t("数据表", "Data table"), emptyText: t("没有发现。", "No findings."))
    }

    /// Each scorecard section's average, as a share of its points (per cent), in the order the sections come.
    /// A section is its id and title: the Chinese and the English scorecard's `politeness` are two bars.
    public func sections(_ calls: [CallSummary], id: String = "chart-sections") -> SVGChart {
        var order: [String] = [], labels: [String: String] = [:], shares: [String: [Double]] = [:]
        for c in calls {
            for s in c.sections where s.max > 0 {
                let key = s.id + "\u{0}" + s.title
                if labels[key] == nil { order.append(key); labels[key] = s.title == s.id || s.title.isEmpty ? s.id : "\(s.title) (\(s.id))" }
                shares[key, default: []].append(s.score / s.max * 100)
            }
        }
        return SVGChart(id: id, kind: .bars, title: t("各评分项平均得分率", "Average by scorecard section"), categories: order.map { labels[$0]! },
                        series: [.init(name: t("得分率", "share of points"), values: order.map { key in
                            let v = shares[key] ?? []
                            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
                        })], unit: "%", maximum: 100,
                        categoryHeading: t("评分项", "Section"), tableLabel: t("数据表", "Data table"), emptyText: t("没有评分项。", "No sections."))
    }

    /// The four charts of a report, in the order the pages show them.
    public func report(_ calls: [CallSummary]) -> [SVGChart] {
        [distribution(calls), agents(calls), ruleTrends(calls), sections(calls)]
    }

    /// Calibration's per-rule precision and recall, in per cent.
    public func calibration(_ c: Calibration, id: String = "chart-calibration") -> SVGChart {
        SVGChart(id: id, kind: .bars, title: t("各规则准确率与召回率", "Precision and recall by rule"), categories: c.rules.map(\.rule),
                 series: [.init(name: t("准确率", "precision"), values: c.rules.map { $0.precision.map { $0 * 100 } }),
                          .init(name: t("召回率", "recall"), values: c.rules.map { $0.recall.map { $0 * 100 } })],
                 unit: "%", maximum: 100, categoryHeading: t("规则", "Rule"), tableLabel: t("数据表", "Data table"), emptyText: t("还没有复核。", "No reviews yet."))
    }

    /// Why the queue's calls were drawn, per agent: veto, critical finding, low score, at random.
    public func riskMix(_ q: ReviewQueue, id: String = "chart-risk-mix") -> SVGChart {
        let kinds: [(String, String)] = [("risk: veto", t("一票否决", "veto")), ("risk: critical", t("严重问题", "critical finding")),
                                         ("risk: score", t("低分", "low score")), ("random", t("随机", "random"))]
        let agents = q.picks.map(\.agent).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return SVGChart(id: id, kind: .stacked, title: t("抽检原因构成", "Why calls were drawn"), categories: agents,
                        series: kinds.map { kind, name in
                            .init(name: name, values: agents.map { a in Double(q.picks.filter { $0.agent == a && $0.reason.hasPrefix(kind) }.count) })
                        }, categoryHeading: t("坐席", "Agent"), tableLabel: t("数据表", "Data table"), emptyText: t("没有抽取通话。", "No calls drawn."))
    }

    /// An agent's mean score per day.
    public func scoreByDay(_ calls: [CallSummary], id: String = "chart-my-score") -> SVGChart {
        let days = Set(calls.compactMap(\.date)).sorted()
        return SVGChart(id: id, kind: .lines, title: t("每日平均分", "Mean score by day"), categories: days,
                        series: [.init(name: t("平均分", "mean score"), values: days.map { d in mean(calls.filter { $0.date == d }.compactMap(\.score)) })],
                        maximum: top(calls), categoryHeading: t("日期", "Day"), tableLabel: t("数据表", "Data table"), emptyText: t("没有通话。", "No calls."))
    }

    /// An agent's mean speech rate per day: characters a minute (Chinese), words a minute (English).
    public func rateByDay(_ calls: [CallSummary], id: String = "chart-my-rate") -> SVGChart {
        let days = Set(calls.compactMap(\.date)).sorted()
        var series: [SVGChart.Series] = []
        let chars = days.map { d in mean(calls.filter { $0.date == d }.compactMap(\.agentCharsPerMinute)) }
        let words = days.map { d in mean(calls.filter { $0.date == d }.compactMap(\.agentWordsPerMinute)) }
        if chars.contains(where: { $0 != nil }) { series.append(.init(name: t("字/分钟", "characters a minute"), values: chars)) }
        if words.contains(where: { $0 != nil }) { series.append(.init(name: t("词/分钟", "words a minute"), values: words)) }
        return SVGChart(id: id, kind: .lines, title: t("每日平均语速", "Mean speech rate by day"), categories: days, series: series,
                        categoryHeading: t("日期", "Day"), tableLabel: t("数据表", "Data table"), emptyText: t("没有可计算语速的通话（缺少时间）。", "No calls with times to measure the rate."))
    }

    func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }

    /// The score axis: the scorecards' maximum (100 by default).
    func top(_ calls: [CallSummary]) -> Double { calls.compactMap(\.maxScore).max() ?? 100 }
}
