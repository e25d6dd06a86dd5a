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

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases), ("exceptions", exceptions)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ForbiddenPhraseCheck {
        ForbiddenPhraseCheck(
            phrases: try context.phrases(&fields, key: "phrases", required: true),
            exceptions: try context.phrases(&fields, key: "exceptions", required: false),
            wholeClause: try fields.bool("whole_clause") ?? false
        )
    }

    /// Hits in the scoped turns that no exception covers.
    static func standingHits(_ context: CheckContext, rule: Int, roles: [Role], wholeClause: Bool) -> [PhraseHit] {
        let scoped = Set(context.turns(of: roles))
        let exceptions = context.hits(rule: rule, list: "exceptions")
        var seen = Set<PhraseHit>()
        return context.hits(rule: rule, list: "phrases").filter { hit in
            scoped.contains(hit.turn)
                && !exceptions.contains { hit.isCovered(by: $0) }
                && (!wholeClause || context.isWholeClause(turn: hit.turn, folded: hit.start..<hit.end))
                && seen.insert(PhraseHit(turn: hit.turn, start: hit.start, end: hit.end, phrase: 0)).inserted
        }
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        ForbiddenPhraseCheck.standingHits(context, rule: rule, roles: header.roles, wholeClause: wholeClause).map { hit in
            context.finding(header, turn: hit.turn, folded: hit.start..<hit.end, detail: "matches '\(phrases[hit.phrase].text)'")
        }
    }
}
