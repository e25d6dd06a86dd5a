/// Phrases a reviewer should see, reported without deduction by default:
/// complaint cues from customers (投诉, 工信部, 12315…). Exceptions work as for
/// forbidden phrases. One finding per turn and phrase.
public struct CueCheck: CheckDefinition {
    static let kind = CheckKind.cue
    static let summary = "Phrases worth a reviewer's attention (complaint cues: 投诉, 12315), one finding per turn and phrase; info and no points by default. Exceptions work as for `forbidden`."
    static let parameters: [CheckParameter] = [
        .phrases("phrases", required: true, "the cues"),
        .phrases("exceptions", "longer phrases that cancel a cue (不投诉)"),
    ]
    static let defaultRoles: [Role] = [.customer]
    static let defaultSeverity = Severity.info
    static let yamlExample = """
        - id: cue.complaint
          kind: cue
          message: 客户提及投诉
          section: listening
          phrases_file: ../phrases/complaint-cues.txt
          exceptions: [不是要投诉, 不投诉]
          examples:
            flag: [我要投诉你们！]
            pass: [我不是要投诉，就是问问。]
        """

    public var phrases: [Phrase]
    public var exceptions: [Phrase]

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases), ("exceptions", exceptions)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> CueCheck {
        CueCheck(phrases: try context.phrases(&fields, key: "phrases", required: true),
                 exceptions: try context.phrases(&fields, key: "exceptions", required: false))
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        var seen = Set<[Int]>()
        return ForbiddenPhraseCheck.standingHits(context, rule: rule, roles: header.roles, wholeClause: false, onePerTurn: false).compactMap { hit in
            guard seen.insert([hit.turn, hit.phrase]).inserted else { return nil }
            return context.finding(header, turn: hit.turn, folded: hit.start..<hit.end, detail: "cue '\(phrases[hit.phrase].text)'")
        }
    }
}

extension CheckKind {
    public static let cue = CheckKind(name: "cue")
}
