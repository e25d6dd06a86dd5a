/// None of the phrases may be said by the scoped roles. A hit is cancelled when
/// an exception covers it (`您不知道` covers `不知道`); with `whole_clause`, a hit
/// counts only when it is a clause of its own (`不行。`, not `不行的话`).
///
/// ```yaml
/// kind: forbidden
/// phrases: [不知道]
/// exceptions: [您不知道, 不知道您]
/// ```
public struct ForbiddenPhraseCheck: CheckDefinition {
    public var phrases: [Phrase]
    public var exceptions: [Phrase]
    public var wholeClause: Bool
    /// A better phrasing for all phrases (`suggestion:`), and per phrase (`suggestions:`), for agents.
    public var suggestion: String?
    public var suggestions: [Int: String]

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases), ("exceptions", exceptions)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ForbiddenPhraseCheck {
        let phrases = try context.phrases(&fields, key: "phrases", required: true)
        var suggestions: [Int: String] = [:]
        for (phrase, better, node) in try fields.stringPairs("suggestions") ?? [] {
            let folded = try context.phrase(phrase, file: node.file, line: node.line, column: node.column).folded
            guard let i = phrases.firstIndex(where: { $0.folded == folded }) else {
                throw node.error("suggestion for '\(phrase)', which is not one of the rule's phrases", fix: "use a phrase from 'phrases' as the key")
            }
            suggestions[i] = better
        }
        return ForbiddenPhraseCheck(
            phrases: phrases,
            exceptions: try context.phrases(&fields, key: "exceptions", required: false),
            wholeClause: try fields.bool("whole_clause") ?? false,
            suggestion: try fields.string("suggestion"),
            suggestions: suggestions
        )
    }

    /// Hits in the scoped turns that no exception covers. An exception counts only
    /// within one clause: `不知道，您自己去问吧` is not the harmless `不知道您…`.
    static func standingHits(_ context: CheckContext, rule: Int, roles: [Role], wholeClause: Bool) -> [PhraseHit] {
        let hits = context.hits(rule: rule, list: "phrases")
        if hits.isEmpty { return [] }
        let scope = CheckContext.mask(roles)
        let exceptions = context.hits(rule: rule, list: "exceptions").filter { e in
            !context.folded[e.turn].originalText(of: e.start..<e.end, in: context.call.turns[e.turn].text)
                .contains { ForbiddenPhraseCheck.clauseBreaks.contains($0) }
        }
        let covering = ExceptionSpans(exceptions)
        var seen = Set<PhraseHit>()
        return hits.filter { hit in
            context.isInScope(hit.turn, scope)
                && !covering.covers(hit)
                && (!wholeClause || context.isWholeClause(turn: hit.turn, folded: hit.start..<hit.end))
                && seen.insert(PhraseHit(turn: hit.turn, start: hit.start, end: hit.end, phrase: 0)).inserted
        }
    }

    static let clauseBreaks: Set<Character> = ["，", "。", "！", "？", "；", "：", "、", "…", ",", ".", "!", "?", ";", ":"]

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        ForbiddenPhraseCheck.standingHits(context, rule: rule, roles: header.roles, wholeClause: wholeClause).map { hit in
            var f = context.finding(header, turn: hit.turn, folded: hit.start..<hit.end, detail: "matches '\(phrases[hit.phrase].text)'")
            f.suggestion = suggestions[hit.phrase] ?? suggestion
            return f
        }
    }
}

/// Exception hits by turn, for asking in O(log n) whether one covers a hit.
struct ExceptionSpans {
    /// Per turn: exceptions by start, with the furthest end reached so far.
    var byTurn: [Int: (starts: [Int], furthestEnd: [Int])] = [:]

    init(_ exceptions: [PhraseHit]) {
        for (turn, list) in Dictionary(grouping: exceptions, by: \.turn) {
            let sorted = list.sorted { $0.start < $1.start }
            var furthest: [Int] = []
            furthest.reserveCapacity(sorted.count)
            for e in sorted { furthest.append(max(furthest.last ?? Int.min, e.end)) }
            byTurn[turn] = (sorted.map(\.start), furthest)
        }
    }

    /// Whether an exception of the same turn starts at or before the hit and ends at or after it.
    func covers(_ hit: PhraseHit) -> Bool {
        guard let spans = byTurn[hit.turn] else { return false }
        var low = 0, high = spans.starts.count
        while low < high {
            let mid = (low + high) / 2
            if spans.starts[mid] <= hit.start { low = mid + 1 } else { high = mid }
        }
        return low > 0 && spans.furthestEnd[low - 1] >= hit.end
    }
}
