/// How far machine and humans agree: per rule, how many of its findings reviewers
/// confirmed and rejected, and how many turns they marked as missed; per section and
/// per agent, how machine scores differ from human ones. This is how a center learns
/// which lexicon entries to fix, and what its rules do not see.
public struct Calibration: Sendable {
    public struct RulePrecision: Sendable, Hashable {
        public var rule: String
        /// Calls whose findings of the rule reviewers found right.
        public var confirmed: Int
        /// Calls whose findings of the rule reviewers found wrong.
        public var rejected: Int
        /// Turns where reviewers say the rule should have fired and did not.
        public var missed: Int

        public init(rule: String, confirmed: Int, rejected: Int, missed: Int = 0) {
            self.rule = rule
            self.confirmed = confirmed
            self.rejected = rejected
            self.missed = missed
        }

        /// confirmed / (confirmed + rejected); nil when nobody judged the rule.
        public var precision: Double? { confirmed + rejected == 0 ? nil : Double(confirmed) / Double(confirmed + rejected) }
        /// confirmed / (confirmed + missed); nil when there is neither.
        public var recall: Double? { confirmed + missed == 0 ? nil : Double(confirmed) / Double(confirmed + missed) }
    }

    /// A turn a reviewer marked as missed by a rule.
    public struct MissedTurn: Sendable, Hashable {
        public var callID: String
        public var rule: String
        public var turn: Int
        public var note: String?
        public var reviewer: String?
        public var reviewedAt: String
        /// The reviewed transcript's content hash (older reviews: nil): names the call where
        /// another call shares its id.
        public var contentHash: String? = nil
        /// What names the stored call: its content hash, else its id.
        public var reference: String { contentHash ?? callID }
    }

    /// A call's verdict built from all its reviews, oldest first: the latest score and
    /// section scores given, for each rule the latest verdict, and every missed turn
    /// (the latest note of each). A review that only marks misses keeps the verdicts before it.
    public struct Verdict: Sendable, Hashable {
        public var callID: String
        public var score: Double?
        public var sectionScores: [String: Double] = [:]
        public var confirmed: Set<String> = []
        public var rejected: Set<String> = []
        public var missed: [MissedTurn] = []

        public init(callID: String, reviews: [Review]) {
            self.callID = callID
            for r in reviews {
                if let s = r.score { score = s }
                sectionScores.merge(r.sectionScores) { _, new in new }
                for rule in r.confirmed { confirmed.insert(rule); rejected.remove(rule) }
                for rule in r.rejected { rejected.insert(rule); confirmed.remove(rule) }
                for m in r.missed {
                    let turn = MissedTurn(callID: r.callID, rule: m.rule, turn: m.turn, note: m.note, reviewer: r.reviewer, reviewedAt: r.reviewedAt, contentHash: r.contentHash)
                    if let i = missed.firstIndex(where: { $0.rule == m.rule && $0.turn == m.turn }) { missed[i] = turn } else { missed.append(turn) }
                }
            }
        }
    }

    /// Machine minus human: mean and standard deviation over reviewed calls.
    public struct Difference: Sendable, Hashable {
        public var key: String
        public var count: Int
        public var mean: Double
        public var spread: Double
    }

    public var rules: [RulePrecision]
    /// Every missed turn, by rule, call and turn.
    public var missed: [MissedTurn]
    public var total: Difference?
    public var bySection: [Difference]
    public var byAgent: [Difference]
    /// Reviews whose call has no stored result.
    public var unmatched: [String]

    /// Computes calibration from each call's reviews (see ``Verdict``) and the calls' latest results.
    /// An accepted appeal of a finding counts as a review that rejects the finding's rule in that
    /// call, decided after every review of it.
    public init(reviews: [Review], calls: [CallSummary], appeals: [Appeal] = []) {
        // A review names its transcript by content hash (older ones by call id only).
        var byID = Dictionary(calls.map { ($0.callID, $0) }, uniquingKeysWith: { a, _ in a })
        for c in calls { byID[c.contentHash] = c }
        var byCall: [String: [Review]] = [:]
        for r in reviews { byCall[r.contentHash.flatMap { byID[$0] == nil ? nil : $0 } ?? r.callID, default: []].append(r) }
        var struck: [String: Set<String>] = [:]
        for a in appeals where a.status == .accepted && a.findingIndex != nil {
            guard let rule = a.rule else { continue }
            let key = a.contentHash.flatMap { byID[$0] == nil ? nil : $0 } ?? calls.first { $0.key == a.callKey }?.contentHash ?? a.callID
            struck[key, default: []].insert(rule)
            if byCall[key] == nil { byCall[key] = [] }
        }
        var confirmed: [String: Int] = [:], rejected: [String: Int] = [:], missedCount: [String: Int] = [:]
        var missed: [MissedTurn] = []
        var totals: [Double] = []
        var sections: [String: [Double]] = [:]
        var agents: [String: [Double]] = [:]
        var unmatched: [String] = []
        for (id, callReviews) in byCall.sorted(by: { $0.key < $1.key }) {
            var review = Verdict(callID: id, reviews: callReviews)
            for rule in struck[id] ?? [] { review.rejected.insert(rule); review.confirmed.remove(rule) }
            for rule in review.confirmed { confirmed[rule, default: 0] += 1 }
            for rule in review.rejected { rejected[rule, default: 0] += 1 }
            for m in review.missed { missedCount[m.rule, default: 0] += 1 }
            missed += review.missed
            guard let call = byID[id] else {
                if let last = callReviews.last { unmatched.append(last.callID) }
                continue
            }
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
        let ruleIDs = Set(confirmed.keys).union(rejected.keys).union(missedCount.keys).sorted()
        rules = ruleIDs.map { RulePrecision(rule: $0, confirmed: confirmed[$0] ?? 0, rejected: rejected[$0] ?? 0, missed: missedCount[$0] ?? 0) }
            .sorted { ($0.precision ?? 1, $0.recall ?? 1, $0.rule) < ($1.precision ?? 1, $1.recall ?? 1, $1.rule) }
        self.missed = missed.sorted { ($0.rule, $0.callID, $0.turn) < ($1.rule, $1.callID, $1.turn) }
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
