import CallQCText

/// Phrases said by some roles: one side of an order or anchor rule,
/// written `{phrases: [身份证后四位, 验证码], roles: [agent]}` (or `phrases_file`, `exceptions`).
struct PhraseSide: Sendable {
    var phrases: [Phrase]
    var exceptions: [Phrase]
    /// Whose speech counts; nil: the rule's roles.
    var roles: [Role]?

    /// The side written under `key`; nil when the rule has none and it is optional.
    static func parse(_ fields: inout FieldReader, key: String, _ context: inout RuleParseContext, required: Bool) throws(RuleError) -> PhraseSide? {
        guard var side = try fields.mapping(key) else {
            if required { throw fields.node.error("\(fields.what) lacks '\(key)'", fix: "add '\(key): {phrases: [...], roles: [agent]}'") }
            return nil
        }
        let result = PhraseSide(phrases: try context.phrases(&side, key: "phrases", required: true),
                                exceptions: try context.phrases(&side, key: "exceptions", required: false),
                                roles: try RuleSetLoader.roles(&side))
        try side.finish()
        return result
    }

    /// The side's lists for the automaton, named `key` and `key.exceptions`.
    func lists(_ key: String) -> [(name: String, phrases: [Phrase])] {
        [(key, phrases)] + (exceptions.isEmpty ? [] : [(key + ".exceptions", exceptions)])
    }

    /// The hits of the side in its roles' turns, in turn order, one per turn (the first),
    /// leaving out those an exception of the same turn covers.
    func hits(_ context: CheckContext, rule: Int, key: String, ruleRoles: [Role]) -> [PhraseHit] {
        let scope = CheckContext.mask(roles ?? ruleRoles)
        let covers = exceptions.isEmpty ? [] : context.hits(rule: rule, list: key + ".exceptions")
        var lastTurn = -1
        var out: [PhraseHit] = []
        for hit in context.hits(rule: rule, list: key).sorted(by: { ($0.turn, $0.start) < ($1.turn, $1.start) })
        where hit.turn != lastTurn && context.isInScope(hit.turn, scope) {
            if covers.contains(where: { hit.isCovered(by: $0) }) { continue }
            out.append(hit)
            lastTurn = hit.turn
        }
        return out
    }

    /// The phrase of a hit, as the lexicon writes it.
    func text(of hit: PhraseHit) -> String { phrases[hit.phrase].text }
}

/// How far apart two things may be: `within: {turns: 2, seconds: 30}` (either or both).
struct TurnWindow: Sendable, Hashable {
    var turns: Int?
    var seconds: Double?

    static func parse(_ fields: inout FieldReader, key: String = "within", defaultTurns: Int? = nil) throws(RuleError) -> TurnWindow? {
        guard var w = try fields.mapping(key) else { return defaultTurns.map { TurnWindow(turns: $0, seconds: nil) } }
        let window = TurnWindow(turns: try w.integer("turns", min: 1), seconds: try w.number("seconds", min: 0.1))
        if window.turns == nil && window.seconds == nil {
            throw w.node.error("'\(key)' has neither 'turns' nor 'seconds'", fix: "write '\(key): {turns: 2}' and/or 'seconds: 30'")
        }
        try w.finish()
        return window
    }

    /// Said in words, for details: `2 turns`, `30 s`, `2 turns or 30 s`.
    var description: String {
        [turns.map { "\($0) turn\($0 == 1 ? "" : "s")" }, seconds.map { "\(JSONValue.format($0)) s" }].compactMap { $0 }.joined(separator: " and ")
    }
}

extension CheckContext {
    /// Seconds from the end of turn `a` to the start of turn `b`, when both have times.
    func seconds(from a: Int, to b: Int) -> Double? {
        let ta = call.turns[a], tb = call.turns[b]
        guard let end = ta.end ?? ta.start, let start = tb.start else { return nil }
        return start - end
    }

    /// A turn quoted for a detail: `turn 5 「…」`, cut to 30 characters.
    func quote(turn: Int) -> String {
        let text = call.turns[turn].text.trimmed()
        let cut = text.count > 30 ? String(text.prefix(30)) + "…" : text
        return "turn \(turn + 1) 「\(cut)」"
    }
}
