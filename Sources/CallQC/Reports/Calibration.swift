/// How far machine and humans agree: per rule, how many of its findings reviewers
/// confirmed and rejected; per section and per agent, how machine scores differ
/// from human ones. This is how a center learns which lexicon entries to fix.
public struct Calibration: Sendable {
    public struct RulePrecision: Sendable, Hashable {
        public var rule: String
        public var confirmed: Int
        public var rejected: Int
        /// confirmed / (confirmed + rejected); nil when nobody judged the rule.
        public var precision: Double? { confirmed + rejected == 0 ? nil : Double(confirmed) / Double(confirmed + rejected) }
    }

    /// Machine minus human: mean and standard deviation over reviewed calls.
    public struct Difference: Sendable, Hashable {
        public var key: String
        public var count: Int
        public var mean: Double
        public var spread: Double
    }

    public var rules: [RulePrecision]
    public var total: Difference?
    public var bySection: [Difference]
    public var byAgent: [Difference]
    /// Reviews whose call has no stored result.
    public var unmatched: [String]

    /// Computes calibration from the latest review of each call and the calls' latest results.
    public init(reviews: [Review], calls: [CallSummary]) {
        // A review names its transcript by content hash (older ones by call id only).
        var byID = Dictionary(calls.map { ($0.callID, $0) }, uniquingKeysWith: { a, _ in a })
        for c in calls { byID[c.contentHash] = c }
        var latest: [String: Review] = [:]
        for r in reviews { latest[r.contentHash.flatMap { byID[$0] == nil ? nil : $0 } ?? r.callID] = r }
        var confirmed: [String: Int] = [:], rejected: [String: Int] = [:]
        var totals: [Double] = []
        var sections: [String: [Double]] = [:]
        var agents: [String: [Double]] = [:]
        var unmatched: [String] = []
        for (id, review) in latest.sorted(by: { $0.key < $1.key }) {
            for rule in review.confirmed { confirmed[rule, default: 0] += 1 }
            for rule in review.rejected { rejected[rule, default: 0] += 1 }
            guard let call = byID[id] else { unmatched.append(review.callID); continue }
            if let human = review.score, let machine = call.score {
                totals.append(machine - human)
                agents[call.agent ?? "(no agent)", default: []].append(machine - human)
            }
            for (section, human) in review.sectionScores {
                if let machine = call.sections.first(where: { $0.id == section })?.score {
                    sections[section, default: []].append(machine - human)
                }
            }
        }
        let ruleIDs = Set(confirmed.keys).union(rejected.keys).sorted()
        rules = ruleIDs.map { RulePrecision(rule: $0, confirmed: confirmed[$0] ?? 0, rejected: rejected[$0] ?? 0) }
            .sorted { ($0.precision ?? 1, $0.rule) < ($1.precision ?? 1, $1.rule) }
        total = Calibration.difference("all", totals)
        bySection = sections.keys.sorted().compactMap { Calibration.difference($0, sections[$0]!) }
        byAgent = agents.keys.sorted().compactMap { Calibration.difference($0, agents[$0]!) }
        self.unmatched = unmatched
    }

    static func difference(_ key: String, _ values: [Double]) -> Difference? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
        return Difference(key: key, count: values.count, mean: mean, spread: variance.squareRoot())
    }
}
