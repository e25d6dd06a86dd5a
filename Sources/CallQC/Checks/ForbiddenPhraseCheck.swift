/// None of the phrases may be said by the scoped roles. A hit is cancelled when
/// an exception covers it (`您不知道` covers `不知道`); with `whole_clause`, a hit of a
/// listed phrase counts only when it is a clause of its own (`不行。`, `不行的哦`, not
/// `不行的话`). What the agent quotes (`客服说了“我解决不了”`) is not said by the agent. Paraphrases (`不清楚`, `不晓得` for `不知道`) are taboo when said
/// dismissively: a softener anywhere in the turn (`您`, `帮您`, `因为`) cancels them, and
/// cancels listed phrases that are not a clause of their own (`配送员都不知道是什么，我帮您问`).
///
/// ```yaml
/// kind: forbidden
/// phrases: [不知道]
/// paraphrases: [不清楚, 不晓得]
/// softeners: [您, 帮您, 因为]
/// exceptions: [您不知道, 不知道您]
/// ```
public struct ForbiddenPhraseCheck: CheckDefinition {
    static let kind = CheckKind.forbidden
    static let summary = "Every phrase said by the scoped roles, unless an exception covers it (`您不知道` covers `不知道`) or the agent is quoting (`客服说了“我解决不了”`). With `whole_clause: true` only when the phrase is a clause of its own (`不行。`, `那不行`, `不行的哦`, not `不行的话`). Paraphrases only when said dismissively: a softener in the turn cancels them. A phrase inside a longer forbidden phrase in the same turn counts once, and a rule finds at most one fault per turn. Phrases of three Chinese characters or more also match by sound (`\"match\": \"sound\"`)."
    static let parameters: [CheckParameter] = [
        .phrases("phrases", required: true, "the phrases as the center's rules list them"),
        .phrases("paraphrases", "the same meaning in other words; taboo only when said dismissively"),
        .phrases("softeners", "words that show a phrase was not said dismissively (您, 帮您, 因为)"),
        .phrases("exceptions", "longer phrases that cover a hit and cancel it (您不知道)"),
        CheckParameter("whole_clause", "true or false", default: "false", "listed phrases count only as a clause of their own"),
        .phrases("lead_ins", "words that may stand before the phrase in its clause (那, 这种, 也是)"),
        .phrases("particles", "particles that may follow it in its clause (的, 哦, 呢)"),
        CheckParameter("sound", "true or false", default: "true", "also match recognisers' homophones (不知到 for 不知道)"),
        CheckParameter("suggestion", "text", "a better phrasing, shown to agents by lint"),
        CheckParameter("suggestions", "{phrase: text}", "a better phrasing per phrase"),
    ]
    static let checksDrafts = true
    static let yamlExample = """
        - id: taboo.dont-know
          kind: forbidden
          message: 使用服务忌语“不知道”
          section: politeness
          deduction: 10
          phrases: [不知道]
          paraphrases: [不清楚, 不晓得]
          softeners_file: ../phrases/softeners.txt
          exceptions: [您不知道, 如果不知道]
          examples:
            flag: [这个我不知道，你自己去营业厅问吧。]
            pass: [您不知道也没关系，我帮您查一下。]
        """

    /// The listed phrases first, then the paraphrases (from ``listedCount`` on).
    public var phrases: [Phrase]
    public var exceptions: [Phrase]
    public var wholeClause: Bool
    /// How many of ``phrases`` are listed ones; the rest are paraphrases.
    public var listedCount: Int = .max
    /// Words that show a paraphrase was not said dismissively.
    public var softeners: [Phrase] = []
    /// With `whole_clause`: words that may stand before the phrase in its clause (`那`, `这种`)
    /// and particles that may follow it (`的`, `哦`, `呢`), folded.
    public var leadIns: [Phrase] = []
    public var particles: [Phrase] = []
    /// Whether recognisers' homophones count, as lower-confidence findings (`sound: false` turns it off).
    public var sound: Bool = true
    /// A better phrasing for all phrases (`suggestion:`), and per phrase (`suggestions:`), for agents.
    public var suggestion: String?
    public var suggestions: [Int: String]

    var phraseLists: [(name: String, phrases: [Phrase])] {
        [("phrases", phrases), ("exceptions", exceptions)] + (softeners.isEmpty ? [] : [("softeners", softeners)])
    }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ForbiddenPhraseCheck {
        let listed = try context.phrases(&fields, key: "phrases", required: true)
        let paraphrases = try context.phrases(&fields, key: "paraphrases", required: false)
        let softeners = try context.phrases(&fields, key: "softeners", required: false)
        let phrases = listed + paraphrases.filter { p in !listed.contains { $0.folded == p.folded } }
        var suggestions: [Int: String] = [:]
        for (phrase, better, node) in try fields.stringPairs("suggestions") ?? [] {
            let folded = try context.phrase(phrase, file: node.file, line: node.line, column: node.column).folded
            guard let i = phrases.firstIndex(where: { $0.folded == folded }) else {
                throw node.error("suggestion for '\(phrase)', which is not one of the rule's phrases", fix: "use a phrase from 'phrases' as the key")
            }
            suggestions[i] = better
        }
        let wholeClause = try fields.bool("whole_clause") ?? false
        let leadIns = try context.phrases(&fields, key: "lead_ins", required: false)
        let particles = try context.phrases(&fields, key: "particles", required: false)
        if !wholeClause, softeners.isEmpty, !(leadIns.isEmpty && particles.isEmpty) {
            throw fields.node.error("'lead_ins' and 'particles' say what a whole clause is: they need 'whole_clause: true' or 'softeners'",
                                    fix: "add 'whole_clause: true' or remove them")
        }
        var check = ForbiddenPhraseCheck(
            phrases: phrases,
            exceptions: try context.phrases(&fields, key: "exceptions", required: false),
            wholeClause: wholeClause,
            suggestion: try fields.string("suggestion"),
            suggestions: suggestions
        )
        check.listedCount = listed.count
        check.softeners = softeners
        check.leadIns = leadIns
        check.particles = particles
        check.sound = try fields.bool("sound") ?? true
        return check
    }

    /// Hits in the scoped turns that no exception covers. An exception counts only
    /// within one clause: `不知道，您自己去问吧` is not the harmless `不知道您…`. A literal hit
    /// wins over a sound hit at the same place.
    static func standingHits(_ context: CheckContext, rule: Int, roles: [Role], wholeClause: Bool,
                             leadIns: [[UInt8]] = [], particles: [[UInt8]] = [], listedCount: Int = Int.max,
                             onePerTurn: Bool = true) -> [PhraseHit] {
        var hits = context.hits(rule: rule, list: "phrases")
        if hits.isEmpty { return [] }
        if listedCount < Int.max {
            // A softener in the turn cancels paraphrases, and listed phrases that are not a clause of their own.
            let turnsHit = Set(hits.map(\.turn))
            let softeners = Dictionary(grouping: context.hits(rule: rule, list: "softeners").filter { turnsHit.contains($0.turn) }, by: \.turn)
            if !softeners.isEmpty {
                // A softener inside the phrase itself (`i can` in `there's nothing i can do`) does not count.
                hits = hits.filter { hit in
                    !(softeners[hit.turn] ?? []).contains { $0.end <= hit.start || $0.start >= hit.end } || (hit.phrase < listedCount
                        && context.isWholeClause(turn: hit.turn, folded: hit.start..<hit.end, leadIns: leadIns, particles: particles))
                }
            }
        }
        let scope = CheckContext.mask(roles)
        let exceptions = context.hits(rule: rule, list: "exceptions").filter { e in
            !context.folded[e.turn].originalText(of: e.start..<e.end, in: context.call.turns[e.turn].text)
                .contains { ForbiddenPhraseCheck.clauseBreaks.contains($0) }
        }
        // A homophone of an exception covers homophones only: 不清除 (clear) is no excuse for 不清楚.
        let literalExceptions = ExceptionSpans(exceptions.filter { !$0.sound })
        let soundExceptions = ExceptionSpans(exceptions)
        var seen = Set<PhraseHit>()
        // Quoted stretches, worked out once per turn with hits.
        var quoted: [Int: [Range<Int>]] = [:]
        func isQuoted(_ hit: PhraseHit) -> Bool {
            if quoted[hit.turn] == nil { quoted[hit.turn] = context.quotedSpans(turn: hit.turn) }
            let spans = quoted[hit.turn]!
            if spans.isEmpty { return false }
            let r = context.folded[hit.turn].originalUTF8Range(of: hit.start..<hit.end)
            return spans.contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound }
        }
        let standing = hits.filter { hit in
            context.isInScope(hit.turn, scope)
                && !(literalExceptions.covers(hit) || (hit.sound && soundExceptions.covers(hit)))
                && !isQuoted(hit)
                && (!wholeClause || hit.phrase >= listedCount || context.isWholeClause(turn: hit.turn, folded: hit.start..<hit.end, leadIns: leadIns, particles: particles))
        }
        // Literal hits first, so that a sound hit at the same place is the one dropped; then one
        // finding per turn: `不行，不行` and `自己去营业厅问` (two overlapping paraphrases) are one fault.
        var turns = Set<Int>()
        return (standing.filter { !$0.sound } + standing.filter(\.sound)).filter {
            seen.insert(PhraseHit(turn: $0.turn, start: $0.start, end: $0.end, phrase: 0)).inserted
        }.sorted { ($0.turn, $0.sound ? 1 : 0, $0.start, -$0.end) < ($1.turn, $1.sound ? 1 : 0, $1.start, -$1.end) }
         .filter { !onePerTurn || turns.insert($0.turn).inserted }
    }

    /// This rule's standing hits.
    func standingHits(_ context: CheckContext, rule: Int, roles: [Role]) -> [PhraseHit] {
        ForbiddenPhraseCheck.standingHits(context, rule: rule, roles: roles, wholeClause: wholeClause,
                                          leadIns: leadIns.map(\.folded), particles: particles.map(\.folded), listedCount: listedCount)
    }

    static let clauseBreaks: Set<Character> = ["，", "。", "！", "？", "；", "：", "、", "…", ",", ".", "!", "?", ";", ":"]

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        standingHits(context, rule: rule, roles: header.roles).map { hit in
            let said = phrases[hit.phrase].text
            let what = hit.phrase < listedCount ? "'\(said)'" : "'\(said)' (a paraphrase)"
            var f = context.finding(header, turn: hit.turn, folded: hit.start..<hit.end,
                                    detail: hit.sound ? "音近 sounds like \(what): a recogniser's homophone, please confirm" : "matches \(what)")
            f.suggestion = suggestions[hit.phrase] ?? suggestion
            if hit.sound { f.match = .sound }
            return f
        }
    }
}

/// Exception hits by turn, for asking in O(log n) whether one covers a hit.
struct ExceptionSpans {
    /// The exceptions by turn, then start, in two flat arrays (no dictionary of arrays per rule and call):
    /// `keys[i]` is (turn, start) and `furthestEnd[i]` the furthest end of that turn's exceptions up to `i`.
    private var keys: [(turn: Int, start: Int)] = []
    private var furthestEnd: [Int] = []

    init(_ exceptions: [PhraseHit]) {
        if exceptions.isEmpty { return }
        let sorted = exceptions.sorted { $0.turn != $1.turn ? $0.turn < $1.turn : $0.start < $1.start }
        keys.reserveCapacity(sorted.count)
        furthestEnd.reserveCapacity(sorted.count)
        for e in sorted {
            let sameTurn = keys.last?.turn == e.turn
            furthestEnd.append(sameTurn ? max(furthestEnd[furthestEnd.count - 1], e.end) : e.end)
            keys.append((e.turn, e.start))
        }
    }

    /// Whether an exception of the same turn starts at or before the hit and ends at or after it.
    func covers(_ hit: PhraseHit) -> Bool {
        if keys.isEmpty { return false }
        // The last exception at or before (turn, start) of the hit.
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            let k = keys[mid]
            if k.turn < hit.turn || (k.turn == hit.turn && k.start <= hit.start) { low = mid + 1 } else { high = mid }
        }
        return low > 0 && keys[low - 1].turn == hit.turn && furthestEnd[low - 1] >= hit.end
    }
}

extension CheckKind {
    public static let forbidden = CheckKind(name: "forbidden")
}
