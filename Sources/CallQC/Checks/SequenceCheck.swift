import CallQCText

/// Order: phrases of `first` must come before phrases of `then` (identity verification
/// before account details). By default only a call that says `then` is judged: `then` said
/// with no `first` before it is a finding; with `require_both`, a call must say both, in order.
/// `within` bounds how far `first` may be before `then`. The finding is on the `then` turn and
/// points at the `first` turn too, when there is one.
struct SequenceCheck: CheckDefinition {
    static let kind = CheckKind.sequence
    static let summary = "Phrases of `then` said with no phrase of `first` before them (account details before identity verification); with `require_both`, also a call that lacks either. `within` bounds the distance. One finding per rule and call, on the first `then` out of order, pointing at both turns."
    static let parameters: [CheckParameter] = [
        CheckParameter("first", "{phrases, exceptions, roles}", required: true, "what must come first (身份核实); roles default to the rule's"),
        CheckParameter("then", "{phrases, exceptions, roles}", required: true, "what must come after it (account details)"),
        CheckParameter("require_both", "true or false", default: "false", "true: the call must say both, `first` before `then`; false: judged only when `then` is said"),
        CheckParameter("within", "{turns: N, seconds: S}", "`then` at most N turns (S seconds) after the nearest `first`"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.conversation
    static let yamlExample = """
        - id: identity.before-account
          kind: sequence
          message: 未核实身份即告知账户信息
          section: completeness
          deduction: 10
          first: {phrases: [核实一下您的身份, 身份证后四位, 验证码], roles: [agent]}
          then: {phrases: [您的余额, 您的账单, 已为您办理], roles: [agent]}
          examples:
            flag:
              - |
                客户: 帮我查下余额。
                坐席: 您的余额是三十二元。
            pass:
              - |
                坐席: 先核实一下您的身份，请说一下身份证后四位。
                客户: 1234。
                坐席: 好的，您的余额是三十二元。
        """

    var first: PhraseSide
    var then: PhraseSide
    var requireBoth: Bool
    var within: TurnWindow?

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> SequenceCheck {
        SequenceCheck(first: try PhraseSide.parse(&fields, key: "first", &context, required: true)!,
                      then: try PhraseSide.parse(&fields, key: "then", &context, required: true)!,
                      requireBoth: try fields.bool("require_both") ?? false,
                      within: try TurnWindow.parse(&fields))
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { first.lists("first") + then.lists("then") }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let firsts = first.hits(context, rule: rule, key: "first", ruleRoles: header.roles)
        let thens = then.hits(context, rule: rule, key: "then", ruleRoles: header.roles)
        if thens.isEmpty {
            guard requireBoth else { return [] }
            let detail = firsts.isEmpty
                ? "neither '\(first.phrases[0].text)' nor '\(then.phrases[0].text)' (or their like) was said"
                : "'\(first.text(of: firsts[0]))' at turn \(firsts[0].turn + 1), but nothing of `then` ('\(then.phrases[0].text)'…) after it"
            return [context.finding(header, turn: nil, detail: detail, related: firsts.prefix(1).map(\.turn))]
        }
        for t in thens {
            // The nearest `first` before it: an earlier turn, or earlier in the same turn.
            let before = firsts.last { $0.turn < t.turn || ($0.turn == t.turn && $0.end <= t.start) }
            guard let f = before else {
                let later = firsts.first { $0.turn >= t.turn }
                let when = later.map { ": said only later, at turn \($0.turn + 1) ('\(first.text(of: $0))')" } ?? ""
                return [context.finding(header, turn: t.turn, folded: t.start..<t.end,
                                        detail: "'\(then.text(of: t))' at turn \(t.turn + 1) with no '\(first.phrases[0].text)' (or the like) before it\(when)",
                                        related: later.map { [$0.turn] } ?? [])]
            }
            if let within {
                let turns = t.turn - f.turn
                let seconds = context.seconds(from: f.turn, to: t.turn)
                let tooFarTurns = within.turns.map { turns > $0 } ?? false
                let tooFarSeconds = within.seconds.flatMap { w in seconds.map { $0 > w } } ?? false
                if tooFarTurns || tooFarSeconds {
                    let apart = "\(turns) turns" + (seconds.map { ", \(JSONValue.format(($0 * 10).rounded() / 10)) s" } ?? "")
                    return [context.finding(header, turn: t.turn, folded: t.start..<t.end,
                                            detail: "'\(then.text(of: t))' at turn \(t.turn + 1) is \(apart) after '\(first.text(of: f))' at turn \(f.turn + 1): more than \(within.description)",
                                            related: [f.turn])]
                }
            }
        }
        return []
    }
}

extension CheckKind {
    public static let sequence = CheckKind(name: "sequence")
}
