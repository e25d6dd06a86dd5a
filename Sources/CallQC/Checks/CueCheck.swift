/// Phrases a reviewer should see, reported without deduction by default:
/// complaint cues from customers (投诉, 工信部, 12315…). Exceptions work as for
/// forbidden phrases. One finding per turn and phrase.
public struct CueCheck: CheckDefinition {
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
