import CallQCText

/// Finds a script's steps in a call's agent turns (see ``TextSimilarity``), then
/// judges order: the longest run of steps said in script order is in order; a
/// step said outside it is out of order.
public struct ScriptMatcher: Sendable {
    public let script: Script

    public init(script: Script) { self.script = script }

    /// How well a step is said by one folded text: the best phrasing, and whether the keys are there.
    public static func score(_ step: ScriptStep, _ folded: FoldedText, scalars: [UInt32]) -> (match: TextSimilarity.Match, said: Bool, missingKey: String?) {
        var best = TextSimilarity.Match(similarity: 0, range: 0..<0)
        for p in step.phrasings {
            let m = TextSimilarity.match(Array(p.foldedString.unicodeScalars.map(\.value)), in: scalars)
            if m.similarity > best.similarity { best = m }
        }
        let text = folded.string
        let missing = step.keys.first { !text.contains($0.foldedString) }
        return (best, best.similarity >= step.threshold && missing == nil, missing?.text)
    }

    /// Matches the steps against the turns spoken by `roles`.
    public func match(_ call: Call, folded: [FoldedText], roles: [Role] = [.agent]) -> ScriptResult {
        let turns = call.turns.indices.filter { roles.contains(call.turns[$0].role) }
        let scalars = folded.map(\.scalars)
        // Per step: every scoped turn's score.
        var scores: [[(turn: Int, match: TextSimilarity.Match, said: Bool, missingKey: String?)]] = []
        for step in script.steps {
            scores.append(turns.map { t in
                let s = ScriptMatcher.score(step, folded[t], scalars: scalars[t])
                return (t, s.match, s.said, s.missingKey)
            })
        }
        // Assign each step a turn: the earliest saying at or after the previous step's turn, else its best saying.
        var assigned: [Int?] = Array(repeating: nil, count: script.steps.count)
        var pointer = 0
        for (i, _) in script.steps.enumerated() {
            let said = scores[i].filter(\.said)
            if let next = said.first(where: { $0.turn >= pointer }) {
                assigned[i] = next.turn
                pointer = next.turn
            } else if let best = said.max(by: { $0.match.similarity < $1.match.similarity }) {
                assigned[i] = best.turn
            }
        }
        let inOrder = ScriptMatcher.longestNonDecreasing(assigned)
        var steps: [ScriptResult.Step] = []
        for (i, step) in script.steps.enumerated() {
            var r = ScriptResult.Step(id: step.id, label: step.label, required: step.required, status: .missing)
            if let t = assigned[i], let s = scores[i].first(where: { $0.turn == t }) {
                r.status = inOrder.contains(i) ? .present : .outOfOrder
                r.turn = t + 1
                r.start = call.turns[t].start
                r.similarity = (s.match.similarity * 100).rounded() / 100
                r.text = ScriptMatcher.original(folded[t], s.match.range, call.turns[t].text)
                if r.status == .outOfOrder {
                    // An earlier step said after this one, else a later step said before it.
                    if let j = (0..<i).first(where: { assigned[$0].map { $0 > t } ?? false })
                        ?? (i + 1..<script.steps.count).first(where: { assigned[$0].map { $0 < t } ?? false }) {
                        r.conflict = script.steps[j].id
                    }
                }
            } else if let near = scores[i].max(by: { $0.match.similarity < $1.match.similarity }), near.match.similarity > 0 {
                r.nearMiss = .init(turn: near.turn + 1, similarity: (near.match.similarity * 100).rounded() / 100,
                                   text: ScriptMatcher.original(folded[near.turn], near.match.range, call.turns[near.turn].text),
                                   note: near.match.similarity >= step.threshold ? near.missingKey.map { "key phrase '\($0)' not said" } : nil)
            }
            steps.append(r)
        }
        return ScriptResult(id: script.id, title: script.title, steps: steps)
    }

    /// The original text of a scalar range of a folded turn.
    static func original(_ folded: FoldedText, _ range: Range<Int>, _ text: String) -> String {
        folded.originalText(of: folded.byteRange(ofScalars: range), in: text)
    }

    /// Indices of the longest subsequence of assigned turns that never goes back.
    static func longestNonDecreasing(_ turns: [Int?]) -> Set<Int> {
        let items = turns.enumerated().compactMap { i, t in t.map { (i, $0) } }
        guard !items.isEmpty else { return [] }
        var length = [Int](repeating: 1, count: items.count)
        var previous = [Int](repeating: -1, count: items.count)
        for a in 0..<items.count {
            for b in 0..<a where items[b].1 <= items[a].1 && length[b] + 1 > length[a] {
                length[a] = length[b] + 1
                previous[a] = b
            }
        }
        // Prefer the run that ends last, so a step said too early is the one flagged.
        var end = 0
        for k in 0..<items.count where length[k] >= length[end] { end = k }
        var result = Set<Int>()
        var k = end
        while k >= 0 { result.insert(items[k].0); k = previous[k] }
        return result
    }
}
