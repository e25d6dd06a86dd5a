/// Phrases said by the scoped roles: one finding per turn. Mostly a condition of a
/// `composite` rule (a product pitched, a benefit named), also a rule of its own for
/// phrases worth a note. Exceptions and quotes work as for `forbidden`.
struct SaidCheck: CheckDefinition {
    static let kind = CheckKind.said
    static let summary = "The phrases said by the scoped roles, one finding per turn; info by default. Mostly a condition of a `composite` rule (a condition with `phrases` and no `kind` is one)."
    static let parameters: [CheckParameter] = [
        .phrases("phrases", required: true, "what to find"),
        .phrases("exceptions", "longer phrases that cover a hit and cancel it"),
    ]
    static let defaultSeverity = Severity.info
    static let yamlExample = """
        - id: note.refund
          kind: said
          message: 坐席提及退款
          section: completeness
          phrases: [退款, 退费]
          examples:
            flag: [退款三个工作日内到账。]
            pass: [我帮您查一下。]
        """

    var phrases: [Phrase]
    var exceptions: [Phrase]

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> SaidCheck {
        SaidCheck(phrases: try context.phrases(&fields, key: "phrases", required: true),
                  exceptions: try context.phrases(&fields, key: "exceptions", required: false))
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases), ("exceptions", exceptions)] }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        ForbiddenPhraseCheck.standingHits(context, rule: rule, roles: header.roles, wholeClause: false, onePerTurn: true).map { hit in
            context.finding(header, turn: hit.turn, folded: hit.start..<hit.end, detail: "said '\(phrases[hit.phrase].text)'")
        }
    }
}

extension CheckKind {
    public static let said = CheckKind(name: "said")
}
