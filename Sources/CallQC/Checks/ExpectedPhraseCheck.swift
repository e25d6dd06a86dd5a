/// The phrases should be said at least `min` times in the call by the scoped
/// roles (politeness: 请, 谢谢, 您, 对不起…).
public struct ExpectedPhraseCheck: CheckDefinition {
    static let kind = CheckKind.expected
    static let summary = "The phrases said fewer than `min` times in the call by the scoped roles (politeness: 请, 谢谢, 您). Overlapping phrases count once per position."
    static let parameters: [CheckParameter] = [
        .phrases("phrases", required: true, "the phrases to count"),
        CheckParameter("min", "whole number", default: "1", "how many times they must be said in all"),
    ]
    static let checksDrafts = true
    static let yamlExample = """
        - id: polite.please
          kind: expected
          message: 礼貌用语不足
          section: politeness
          deduction: 2
          phrases: [请, 谢谢, 您]
          min: 2
          examples:
            flag: [好的，等一下。]
            pass: [请您稍等，谢谢。]
        """

    public var phrases: [Phrase]
    public var minimum: Int

    var phraseLists: [(name: String, phrases: [Phrase])] { [("phrases", phrases)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ExpectedPhraseCheck {
        ExpectedPhraseCheck(phrases: try context.phrases(&fields, key: "phrases", required: true),
                            minimum: try fields.integer("min", min: 1) ?? 1)
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let scope = CheckContext.mask(header.roles)
        // Overlapping phrases (您 inside 您好) count once per position.
        var positions = Set<Int>()
        var saidByPhrase = [Int](repeating: 0, count: phrases.count)
        for hit in context.hits(rule: rule, list: "phrases") where context.isInScope(hit.turn, scope) {
            if positions.insert(hit.turn << 32 | hit.start).inserted { saidByPhrase[hit.phrase] += 1 }
        }
        let count = positions.count
        if count >= minimum { return [] }
        var said: [String: Int] = [:]
        for (i, n) in saidByPhrase.enumerated() where n > 0 { said[phrases[i].text, default: 0] += n }
        let list = said.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")
        let detail = "said \(count) time\(count == 1 ? "" : "s")\(list.isEmpty ? "" : " (\(list))"), expected at least \(minimum)"
        return [context.finding(header, turn: nil, detail: detail)]
    }
}

extension CheckKind {
    public static let expected = CheckKind(name: "expected")
}
