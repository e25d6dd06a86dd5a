import CallQCText

/// A curt refusal: a short agent turn that refuses (`不可以`, `不支持`, `无法`) with no
/// reason, no alternative and no offer of help, neither in that turn nor in the agent's
/// next one. Distinct from the listed taboo phrases: a turn that a `forbidden` rule
/// already flags is left to it. `不可以哦，这个是系统限制的，我帮您转人工核实一下` gives a
/// reason and an offer, and passes.
///
/// ```yaml
/// kind: curt-refusal
/// refusals: [不可以, 不能, 不支持, 无法]
/// reasons: [因为, 系统, 规定]        # a reason rescues the refusal
/// offers: [帮您, 建议您, 可以]        # so does an alternative or an offer of help
/// exceptions: [能不能, 不能上网]      # not a refusal: a question, a fault described
/// max_chars: 20                      # longer turns are not curt
/// ```
public struct CurtRefusalCheck: CheckDefinition {
    static let kind = CheckKind.curtRefusal
    static let summary = "A short turn (at most `max_chars` countable characters) that refuses (`不可以`, `不支持`) with no reason and no alternative or offer of help in that turn or the agent's next one; not a question, and not a turn a `forbidden` rule already flags. A reason or offer that overlaps the refusal is part of it (`可以` in `不可以`, `we can` in `we can't`)."
    static let parameters: [CheckParameter] = [
        .phrases("refusals", required: true, "the words of a refusal (不可以, 不支持, 无法)"),
        .phrases("reasons", "a reason rescues the refusal (因为, 系统, 规定)"),
        .phrases("offers", "so does an alternative or an offer of help (帮您, 建议您)"),
        .phrases("exceptions", "not a refusal (能不能, 不能上网)"),
        CheckParameter("max_chars", "whole number", default: "20", "longer turns are not curt"),
        CheckParameter("suggestion", "text", "a better phrasing, shown to agents by lint"),
    ]
    static let checksDrafts = true
    static let yamlExample = """
        - id: refusal.curt
          kind: curt-refusal
          message: 生硬拒绝，未说明原因或提供替代方案
          section: politeness
          deduction: 3
          refusals: [不可以, 不能, 不支持, 无法]
          reasons: [因为, 系统, 规定]
          offers: [帮您, 建议您]
          examples:
            flag: [不可以。]
            pass: [不可以哦，这个是系统限制的，我帮您转人工核实一下。]
        """

    public var refusals: [Phrase]
    public var reasons: [Phrase]
    public var offers: [Phrase]
    public var exceptions: [Phrase]
    /// A turn with more countable characters than this is not a curt one.
    public var maxChars: Int
    public var suggestion: String?

    var phraseLists: [(name: String, phrases: [Phrase])] {
        [("refusals", refusals), ("reasons", reasons), ("offers", offers), ("exceptions", exceptions)]
    }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> CurtRefusalCheck {
        CurtRefusalCheck(
            refusals: try context.phrases(&fields, key: "refusals", required: true),
            reasons: try context.phrases(&fields, key: "reasons", required: false),
            offers: try context.phrases(&fields, key: "offers", required: false),
            exceptions: try context.phrases(&fields, key: "exceptions", required: false),
            maxChars: try fields.integer("max_chars", min: 1) ?? 20,
            suggestion: try fields.string("suggestion")
        )
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let refusalHits = context.hits(rule: rule, list: "refusals")
        if refusalHits.isEmpty { return [] }
        let scope = CheckContext.mask(header.roles)
        let exceptions = context.hits(rule: rule, list: "exceptions")
        // Reasons and offers, by turn; one that overlaps a refusal is part of it: `可以` in `不可以`,
        // `we can` in `we can't` (folded `wecannot`).
        var markedTurns = Set<Int>()
        for list in ["reasons", "offers"] {
            for m in context.hits(rule: rule, list: list)
            where !refusalHits.contains(where: { $0.turn == m.turn && $0.start < m.end && m.start < $0.end }) {
                markedTurns.insert(m.turn)
            }
        }
        var findings: [Finding] = []
        var done = Set<Int>()
        var taboo: Set<Int>?
        for hit in refusalHits where context.isInScope(hit.turn, scope) && !done.contains(hit.turn) {
            let t = hit.turn
            guard !exceptions.contains(where: { hit.isCovered(by: $0) || ($0.turn == t && $0.start < hit.end && hit.start < $0.end) }),
                  context.profiles[t].countableCharacters <= maxChars,
                  !markedTurns.contains(t),
                  !context.isQuestion(turn: t, folded: hit.start..<hit.end) else { continue }
            // The agent's next turn may give the reason or the help.
            if let next = context.nextTurn(after: t, in: scope), markedTurns.contains(next) { continue }
            // A turn a taboo rule flags is the taboo rule's.
            if taboo == nil { taboo = context.turnsWithForbiddenFindings() }
            if taboo!.contains(t) { continue }
            done.insert(t)
            var f = context.finding(header, turn: t, folded: hit.start..<hit.end,
                                    detail: "'\(refusals[hit.phrase].text)' with no reason, alternative or offer of help in this turn or the next")
            f.suggestion = suggestion
            findings.append(f)
        }
        return findings
    }
}

extension CheckContext {
    /// The next turn after `turn` spoken by a role of `mask`.
    func nextTurn(after turn: Int, in mask: UInt8) -> Int? {
        var i = turn + 1
        while i < call.turns.count {
            if isInScope(i, mask) { return i }
            i += 1
        }
        return nil
    }

    /// Whether the clause holding a match ends in a question mark (`不能上网了是吗？`).
    func isQuestion(turn: Int, folded range: Range<Int>) -> Bool {
        let text = call.turns[turn].text
        let r = folded[turn].originalUTF8Range(of: range)
        for s in String(decoding: Array(text.utf8)[r.upperBound...], as: UTF8.self).unicodeScalars {
            if s == "?" || s == "？" { return true }
            if ForbiddenPhraseCheck.clauseBreaks.contains(Character(s)) { return false }
        }
        return false
    }

    /// Turns on which some `forbidden` rule of the rule set stands (after its exceptions).
    func turnsWithForbiddenFindings() -> Set<Int> {
        var turns = Set<Int>()
        for (i, rule) in ruleSet.rules.enumerated() {
            guard let c = rule.check as? ForbiddenPhraseCheck else { continue }
            for hit in c.standingHits(self, rule: i, roles: rule.header.roles) {
                turns.insert(hit.turn)
            }
        }
        return turns
    }
}

extension CheckKind {
    public static let curtRefusal = CheckKind(name: "curt-refusal")
}
