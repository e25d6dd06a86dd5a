/// How the day's review queue is drawn: K calls per agent (the center reviews 2),
/// first by risk, then by chance, reproducibly.
public struct SamplingPlan: Sendable, Hashable {
    /// Calls per agent per day (质检量).
    public var perAgent: Int
    /// Share of each agent's picks chosen by risk; the rest are drawn at random,
    /// so reviewers also see ordinary calls and the machine's blind spots.
    public var riskShare: Double
    /// Same seed, same queue.
    public var seed: UInt64
    /// A call is a risk pick candidate when vetoed, with a critical finding, or scoring below this.
    public var riskBelow: Double

    public init(perAgent: Int = 2, riskShare: Double = 0.5, seed: UInt64 = 1, riskBelow: Double = 90) {
        self.perAgent = perAgent
        self.riskShare = riskShare
        self.seed = seed
        self.riskBelow = riskBelow
    }

    /// Draws the queue from one day's calls, leaving out calls already reviewed (`reviewed` holds
    /// content hashes or call keys).
    public func draw(_ calls: [CallSummary], reviewed: Set<String>) -> ReviewQueue {
        func done(_ c: CallSummary) -> Bool { reviewed.contains(c.contentHash) || reviewed.contains(c.key) }
        var byAgent: [String: [CallSummary]] = [:]
        for c in calls where !done(c) { byAgent[c.agent ?? "(no agent)", default: []].append(c) }
        var reviewedByAgent: [String: Int] = [:]
        for c in calls where done(c) { reviewedByAgent[c.agent ?? "(no agent)", default: 0] += 1 }
        var queue = ReviewQueue(picks: [], short: [])
        let agents = Set(byAgent.keys).union(reviewedByAgent.keys).sorted()
        for agent in agents {
            let pool = (byAgent[agent] ?? []).sorted { ($0.callID, $0.contentHash) < ($1.callID, $1.contentHash) }
            let already = reviewedByAgent[agent] ?? 0
            let wanted = max(0, perAgent - already)
            if pool.count < wanted {
                queue.short.append(.init(agent: agent, calls: pool.count + already, reviewed: already, quota: perAgent))
            }
            if wanted == 0 { continue }
            let riskSlots = min(wanted, Int((Double(wanted) * riskShare).rounded(.up)))
            let risky = pool.filter(isRisky).sorted(by: riskier)
            var picked: [ReviewQueue.Pick] = []
            for c in risky.prefix(riskSlots) { picked.append(.init(agent: agent, call: c, reason: riskReason(c))) }
            var rest = pool.filter { c in !picked.contains { $0.call.contentHash == c.contentHash } }
            var rng = SeededRandom(seed: seed ^ SamplingPlan.hash(agent))
            while picked.count < wanted, !rest.isEmpty {
                let i = Int(rng.next() % UInt64(rest.count))
                picked.append(.init(agent: agent, call: rest.remove(at: i), reason: "random"))
            }
            queue.picks += picked
        }
        return queue
    }

    func isRisky(_ c: CallSummary) -> Bool {
        c.veto || c.findings.contains { $0.severity == .critical && !$0.struck } || (c.score ?? 100) < riskBelow
    }

    /// Vetoes first, then critical findings, then the lowest score, then more findings.
    func riskier(_ a: CallSummary, _ b: CallSummary) -> Bool {
        if a.veto != b.veto { return a.veto }
        let ac = a.findings.contains { $0.severity == .critical && !$0.struck }, bc = b.findings.contains { $0.severity == .critical && !$0.struck }
        if ac != bc { return ac }
        if (a.score ?? 100) != (b.score ?? 100) { return (a.score ?? 100) < (b.score ?? 100) }
        let an = a.findings.filter({ !$0.struck }).count, bn = b.findings.filter({ !$0.struck }).count
        if an != bn { return an > bn }
        return (a.callID, a.contentHash) < (b.callID, b.contentHash)
    }

    func riskReason(_ c: CallSummary) -> String {
        if c.veto { return "risk: veto \(c.vetoRules.joined(separator: " "))" }
        if let critical = c.findings.first(where: { $0.severity == .critical && !$0.struck }) { return "risk: critical \(critical.rule)" }
        return "risk: score \(Format.points(c.score ?? 0))"
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }
}

/// The calls humans will listen to, and why each was picked.
public struct ReviewQueue: Sendable, Hashable {
    public struct Pick: Sendable, Hashable {
        public var agent: String
        public var call: CallSummary
        /// `risk: veto taboo.abuse`, `risk: score 54`, `random`.
        public var reason: String
    }

    /// An agent with fewer unreviewed calls than the quota.
    public struct Short: Sendable, Hashable {
        public var agent: String
        public var calls: Int
        public var reviewed: Int
        public var quota: Int
    }

    public var picks: [Pick]
    public var short: [Short]
}

/// SplitMix64: small, fast, and the same on every machine, so a seed gives the same queue.
public struct SeededRandom: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
