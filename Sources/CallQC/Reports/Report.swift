/// Aggregates of stored results for supervisors: per agent, per day or per rule.
public struct Report: Sendable {
    public enum Grouping: String, Sendable, CaseIterable { case agent, day, rule }

    /// One row of the report.
    public struct Row: Sendable, Hashable {
        public var key: String
        public var calls: Int
        /// Agents (by day) or days (by agent) or calls with the finding (by rule).
        public var spread: Int
        public var meanScore: Double?
        public var minScore: Double?
        /// Calls per grade band, in band order.
        public var grades: [String: Int]
        public var vetoes: Int
        /// The most frequent findings: rule and count.
        public var topFindings: [(String, Int)]
        /// Median agent speech rate (characters a minute) over calls where it was measured.
        public var medianRate: Double?
        /// Median agent speech rate in words a minute, for English calls.
        public var medianWordRate: Double? = nil
        /// By agent: days under the daily volume target.
        public var daysUnderTarget: Int?
        /// By rule: findings, points taken, severity.
        public var findings: Int?
        public var points: Double?
        public var severity: Severity?

        public static func == (a: Row, b: Row) -> Bool { a.key == b.key && a.calls == b.calls && a.meanScore == b.meanScore }
        public func hash(into h: inout Hasher) { h.combine(key); h.combine(calls) }
    }

    public var grouping: Grouping
    public var rows: [Row]
    public var calls: Int
    public var meanScore: Double?
    public var vetoes: Int
    /// Score bands for the distribution: label and count.
    public var distribution: [(String, Int)]
    /// Daily volume target per agent (the center's 60 calls a day).
    public var target: Int

    public init(_ summaries: [CallSummary], by grouping: Grouping, target: Int = 60) {
        self.grouping = grouping
        self.target = target
        calls = summaries.count
        let scores = summaries.compactMap(\.score)
        meanScore = scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        vetoes = summaries.filter(\.veto).count
        distribution = Report.bands.map { band in (band.0, scores.filter { $0 >= band.1 && $0 < band.2 }.count) }
        switch grouping {
        case .agent:
            rows = Dictionary(grouping: summaries) { $0.agent ?? "(no agent)" }.map { agent, calls in
                var row = Report.row(agent, calls)
                let perDay = Dictionary(grouping: calls) { $0.date ?? "" }.mapValues(\.count)
                row.spread = perDay.count
                row.daysUnderTarget = perDay.values.filter { $0 < target }.count
                return row
            }.sorted { $0.key < $1.key }
        case .day:
            rows = Dictionary(grouping: summaries) { $0.date ?? "(no date)" }.map { day, calls in
                var row = Report.row(day, calls)
                row.spread = Set(calls.map { $0.agent ?? "" }).count
                return row
            }.sorted { $0.key < $1.key }
        case .rule:
            var byRule: [String: [CallSummary]] = [:]
            var counts: [String: Int] = [:], points: [String: Double] = [:], severity: [String: Severity] = [:]
            for s in summaries {
                // Findings struck by an accepted appeal do not count.
                for f in s.findings where !f.struck {
                    counts[f.rule, default: 0] += 1
                    points[f.rule, default: 0] += f.points
                    severity[f.rule] = max(severity[f.rule] ?? f.severity, f.severity)
                }
                for rule in Set(s.findings.filter { !$0.struck }.map(\.rule)) { byRule[rule, default: []].append(s) }
            }
            rows = byRule.map { rule, calls in
                var row = Report.row(rule, calls)
                row.spread = calls.count
                row.findings = counts[rule]
                row.points = points[rule]
                row.severity = severity[rule]
                return row
            }.sorted { ($0.findings ?? 0, $1.key) > ($1.findings ?? 0, $0.key) }
        }
    }

    static let bands: [(String, Double, Double)] = [("<60", -1e9, 60), ("60–69", 60, 70), ("70–79", 70, 80), ("80–89", 80, 90), ("90–100", 90, 1e9)]

    static func row(_ key: String, _ calls: [CallSummary]) -> Row {
        let scores = calls.compactMap(\.score)
        var grades: [String: Int] = [:]
        for c in calls { if let g = c.grade { grades[g, default: 0] += 1 } }
        var findings: [String: Int] = [:]
        for c in calls { for f in c.findings where !f.struck { findings[f.rule, default: 0] += 1 } }
        let rates = calls.compactMap(\.agentCharsPerMinute).sorted()
        let wordRates = calls.compactMap(\.agentWordsPerMinute).sorted()
        var row = Row(key: key, calls: calls.count, spread: 0,
                   meanScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count), minScore: scores.min(),
                   grades: grades, vetoes: calls.filter(\.veto).count,
                   topFindings: findings.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { ($0.key, $0.value) },
                   medianRate: rates.isEmpty ? nil : rates[rates.count / 2])
        row.medianWordRate = wordRates.isEmpty ? nil : wordRates[wordRates.count / 2]
        return row
    }

    /// The median rate as a reader wants it: `128 c/m`, `149 w/m`, or both.
    public static func rateText(_ row: Row) -> String {
        var parts: [String] = []
        if let c = row.medianRate { parts.append("\(Int(c.rounded())) c/m") }
        if let w = row.medianWordRate { parts.append("\(Int(w.rounded())) w/m") }
        return parts.isEmpty ? "-" : parts.joined(separator: " ")
    }
}
