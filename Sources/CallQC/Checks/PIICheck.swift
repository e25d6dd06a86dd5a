/// Personal data said in a turn (phone, ID, bank card numbers, e-mail): who said
/// it and where, so reviewers see when an agent read a customer's data aloud.
/// The finding's evidence is masked in every output callqc writes for sharing.
///
/// ```yaml
/// kind: pii
/// types: [mobile, id-number, bank-card]   # default: all
/// ```
public struct PIICheck: CheckDefinition {
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
        var findings: [Finding] = []
        for t in context.turns(of: header.roles) {
            for m in detector.find(in: context.call.turns[t].text) {
                var f = context.finding(header, turn: t, detail: "\(m.kind.label) said by the \(context.call.turns[t].role.rawValue)")
                f.span = m.span
                f.text = m.text
                findings.append(f)
            }
        }
        return findings
    }
}
