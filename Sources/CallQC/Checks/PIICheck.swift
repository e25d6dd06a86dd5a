/// Personal data said in a turn (phone, ID, bank card numbers, e-mail, QQ and WeChat ids,
/// account numbers, passwords): who said it and where, so reviewers see when an agent read
/// a customer's data aloud. Found at the level of the call: a number split across two or
/// three turns of the same speaker is one finding, on the turn where it ends; a context word
/// (身份证, 卡号…) in the turn before raises a number. Public, company, order numbers, dates,
/// amounts and examples are no finding (see ``PIIDetector``). The finding's evidence is
/// masked in every output callqc writes for sharing.
///
/// ```yaml
/// kind: pii
/// types: [mobile, id-number, bank-card]   # default: all (mobile, landline, id-number, bank-card,
///                                          # email, phone, qq, wechat, account, password)
/// ```
public struct PIICheck: CheckDefinition {
    static let kind = CheckKind.pii
    static let summary = "Personal data (phone, ID, bank card numbers, e-mail, QQ and WeChat ids, account numbers, passwords) said in a turn: who said it and where. Found at the level of the call (a number split across turns is one finding); public, company and order numbers, dates and amounts are none."
    static let parameters: [CheckParameter] = [
        CheckParameter("types", "list", default: "all", "mobile, landline, id-number, bank-card, email, phone, qq, wechat, account, password"),
    ]
    static let quotes = TranscriptQuotes.personalData
    static let yamlExample = """
        - id: privacy.agent-readout
          kind: pii
          message: 坐席读出客户个人信息
          section: completeness
          deduction: 5
          types: [mobile, id-number, bank-card]
          examples:
            flag: [您的手机号是13912345678对吧？]
            pass: [我们的客服热线是10086。]
        """

    public var detector: PIIDetector

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> PIICheck {
        var kinds = Set(PIIKind.allCases)
        if let list = try fields.strings("types") {
            kinds = []
            for (text, node) in list {
                guard let k = PIIKind(rawValue: text) else {
                    throw node.error("unknown type '\(text)'", fix: "use \(PIIKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kinds.insert(k)
            }
        }
        return PIICheck(detector: PIIDetector(kinds: kinds))
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let turns = context.turns(of: header.roles)
        if turns.isEmpty { return [] }
        // At the level of the call: a number split across two turns is one finding, on the turn
        // where it ends; a context word in the turn before raises a number.
        let found: [[PIIMatch]]
        if let all = context.personalData, detector.kinds == Set(PIIKind.allCases) {
            found = all
        } else {
            found = detector.find(inTurns: Redactor.speakers(context.call))
        }
        var findings: [Finding] = []
        for t in turns {
            for m in found[t] {
                if let other = m.otherTurn, other > t { continue }
                var detail = "\(m.kind.label) said by the \(context.call.turns[t].role.rawValue)"
                if let note = m.note { detail += "; \(note)" }
                if let other = m.otherTurn { detail += "; split across turns \(other + 1) and \(t + 1)" }
                var f = context.finding(header, turn: t, detail: detail)
                f.span = m.span
                f.text = m.text
                findings.append(f)
            }
        }
        return findings
    }
}

extension CheckKind {
    public static let pii = CheckKind(name: "pii")
}
