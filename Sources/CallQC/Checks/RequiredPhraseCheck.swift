import CallQCText

/// One of the phrases must be said in a window at the start or the end of the
/// call: the first (last) N turns of the scoped roles, or the first (last) S
/// seconds. Greetings and closings.
///
/// ```yaml
/// kind: required
/// phrases: [您好, 欢迎致电]
/// window: {at: start, turns: 2, seconds: 20}
/// ```
public struct RequiredPhraseCheck: CheckDefinition {
    static let kind = CheckKind.required
    static let summary = "None of the phrases in the first (last) N turns of the scoped roles, or the first (last) S seconds of the call: a missing greeting or closing. The finding has no turn; its detail says which turns were looked at. An end-anchored rule is not satisfied by what satisfied a start-anchored one, nor, in that turn, by a phrase that more than a few characters follow."
    static let parameters: [CheckParameter] = [
        .phrases("phrases", required: true, "the phrases, one of which must be said"),
        CheckParameter("window", "{at: start|end, turns: N, seconds: S}", required: true, "where to look: the first (last) N turns of the scoped roles and/or S seconds of the call"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let checksDrafts = true
    static let yamlExample = """
        - id: greeting
          kind: required
          message: 未使用标准欢迎语
          section: greeting-closing
          deduction: 5
          phrases_file: ../phrases/greetings.txt
          window: {at: start, turns: 2, seconds: 20}
          examples:
            flag: [喂，什么事？]
            pass: [您好，很高兴为您服务。]
        """

    public enum Anchor: String, Sendable { case start, end }

    public var phrases: [Phrase]
    public var at: Anchor
    public var turns: Int?
    public var seconds: Double?
    /// The phrases as scalars, prepared once for near-miss search.
    let prepared: [TextSimilarity.Prepared]

    init(phrases: [Phrase], at: Anchor, turns: Int?, seconds: Double?) {
        self.phrases = phrases
        self.at = at
        self.turns = turns
        self.seconds = seconds
        self.prepared = phrases.map { TextSimilarity.Prepared(Array($0.foldedString.unicodeScalars.map(\.value))) }
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> RequiredPhraseCheck {
        let phrases = try context.phrases(&fields, key: "phrases", required: true)
        guard var window = try fields.mapping("window") else {
            throw fields.node.error("a required-phrase rule needs a 'window'", fix: "add 'window: {at: start, turns: 2}' (or at: end, and/or seconds: 20)")
        }
        let atText = try window.string("at", required: true) ?? "start"
        guard let at = Anchor(rawValue: atText) else {
            throw window.node.error("'at' is '\(atText)'", fix: "use 'at: start' or 'at: end'")
        }
        let turns = try window.integer("turns", min: 1)
        let seconds = try window.number("seconds", min: 0.1)
        if turns == nil && seconds == nil {
            throw window.node.error("the window has neither 'turns' nor 'seconds'", fix: "add 'turns: 2' and/or 'seconds: 20'")
        }
        try window.finish()
        return RequiredPhraseCheck(phrases: phrases, at: at, turns: turns, seconds: seconds)
    }

    /// 0-based indices of the scoped turns inside the window.
    func window(_ context: CheckContext, roles: [Role]) -> [Int] {
        let scoped = context.turns(of: roles)
        let n = context.call.turns.count
        var inside = [Bool](repeating: false, count: n)
        if let turns {
            for i in at == .start ? scoped.prefix(turns) : scoped.suffix(turns) { inside[i] = true }
        }
        if let seconds {
            context.call.turns.withUnsafeBufferPointer { ts in
                var first = Double.infinity, last = -Double.infinity
                for t in ts {
                    if let s = t.start { first = min(first, s) }
                    if let e = t.end ?? t.start { last = max(last, e) }
                }
                guard first.isFinite else { return }
                for i in scoped {
                    if at == .start, let s = ts[i].start, s - first <= seconds { inside[i] = true }
                    if at == .end, let e = ts[i].end ?? ts[i].start, last - e <= seconds { inside[i] = true }
                }
            }
        }
        return (0..<n).filter { inside[$0] }
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let window = window(context, roles: header.roles)
        // What satisfied an opening rule cannot also satisfy a closing one: in a short call
        // the first turn's `Thank you for calling` is in both windows, but it is no closing.
        let opening = at == .end ? openingHits(context, except: rule) : []
        let inside = Set(window)
        let hits = context.hits(rule: rule, list: "phrases")
        // In the greeting's turn, a closing must end it: 您好，感谢您的来电，工号…为您服务 opens
        // the call, 您好，…已经恢复了，感谢您的来电，再见 closes it.
        var lastInOpeningTurn: [Int: Int] = [:]
        let said = hits.contains { hit in
            guard inside.contains(hit.turn), !opening.contains(where: { $0.turn == hit.turn && hit.start < $0.end }) else { return false }
            guard at == .end, opening.contains(where: { $0.turn == hit.turn }) else { return true }
            lastInOpeningTurn[hit.turn] = max(lastInOpeningTurn[hit.turn] ?? 0, hit.end)
            return false
        } || lastInOpeningTurn.contains { turn, end in
            RequiredPhraseCheck.characters(after: end, context.folded[turn].bytes) <= RequiredPhraseCheck.closingTail
        }
        if said { return [] }
        let who = header.roles.map(\.rawValue).joined(separator: "/")
        var limits: [String] = []
        if let turns { limits.append("the \(at == .start ? "first" : "last") \(turns) \(who) turn\(turns == 1 ? "" : "s")") }
        if let seconds { limits.append("the \(at == .start ? "first" : "last") \(JSONValue.format(seconds)) s") }
        var detail = window.isEmpty ? "the call has no \(who) turns" : "looked at turn\(window.count == 1 ? "" : "s") \(window.map { String($0 + 1) }.joined(separator: ", ")) (\(limits.joined(separator: " or ")))"
        if let near = nearMiss(context, roles: header.roles, window: inside) { detail += "; closest: " + near }
        return [context.finding(header, turn: nil, detail: detail)]
    }

    /// Characters of a folded text after the byte offset `end`.
    static func characters(after end: Int, _ folded: [UInt8]) -> Int {
        var n = 0
        for b in folded[min(end, folded.count)...] where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// A closing in the greeting's turn may be followed by this many characters at most (a
    /// name, a particle) after the last closing phrase of the turn.
    static let closingTail = 8

    /// For each start-anchored required rule of the rule set (other than `rule`), the hit that
    /// satisfied it: its first hit inside its window.
    func openingHits(_ context: CheckContext, except rule: Int) -> [PhraseHit] {
        var result: [PhraseHit] = []
        // The kind first: a cast of every rule's check to find the required ones was most of this function's work.
        for (i, r) in context.ruleSet.rules.enumerated() where i != rule && r.header.kind == .required {
            guard let c = r.check as? RequiredPhraseCheck, c.at == .start else { continue }
            let window = Set(c.window(context, roles: r.header.roles))
            if let first = context.hits(rule: i, list: "phrases").first(where: { window.contains($0.turn) }) {
                result.append(first)
            }
        }
        return result
    }

    /// The nearest thing to a required phrase the scoped roles said: a phrase said
    /// outside the window, else the most similar stretch of any of their turns.
    /// `window`: the turns looked at; a phrase said there did not count because it opened the call.
    func nearMiss(_ context: CheckContext, roles: [Role], window: Set<Int> = []) -> String? {
        let scoped = context.turns(of: roles)
        var best: (turn: Int, match: TextSimilarity.Match)?
        for t in scoped {
            let scalars = context.folded[t].scalars
            let present = TextSimilarity.CharacterFilter(scalars)
            for prepared in self.prepared where TextSimilarity.couldReach(0.6, prepared, filter: present) {
                let phrase = prepared.scalars
                let m = TextSimilarity.match(phrase, in: scalars)
                // Below 0.6, a stretch under half the phrase, or two letters of "bye", is chance.
                guard m.similarity >= 0.6, m.range.count >= max(2, (phrase.count + 1) / 2),
                      m.similarity >= 1 || phrase.count >= 4 else { continue }
                if m.similarity > (best?.match.similarity ?? 0) { best = (t, m) }
            }
        }
        guard let best else { return nil }
        let text = ScriptMatcher.original(context.folded[best.turn], best.match.range, context.call.turns[best.turn].text)
        let how = best.match.similarity >= 1
            ? (window.contains(best.turn) ? "said, but as the opening, which cannot also close the call" : "said, but outside the window")
            : "similarity \(JSONValue.format((best.match.similarity * 100).rounded() / 100))"
        return "turn \(best.turn + 1) 「\(text)」 (\(how))"
    }
}

extension CheckKind {
    public static let required = CheckKind(name: "required")
}
