/// A step of the call's script said out of order: before a step the script puts first.
public struct ScriptOrderCheck: CheckDefinition {
    static let kind = CheckKind.scriptOrder
    static let summary = "A step of the call's script said out of order."
    static let parameters: [CheckParameter] = []
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.none
    static let yamlExample = ""

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ScriptOrderCheck {
        ScriptOrderCheck()
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        guard let script = context.script else { return [] }
        return script.steps.filter { $0.status == .outOfOrder }.map { step in
            var detail = "step '\(step.id)' said at turn \(step.turn ?? 0)"
            if let id = step.conflict, let i = script.steps.firstIndex(where: { $0.id == id }),
               let mine = script.steps.firstIndex(where: { $0.id == step.id }) {
                let other = script.steps[i]
                detail += i < mine
                    ? ", before step '\(id)' (turn \(other.turn ?? 0)), which the script puts first"
                    : ", after step '\(id)' (turn \(other.turn ?? 0)), which the script puts later"
            }
            return context.finding(header, turn: (step.turn ?? 1) - 1, message: "\(header.message): \(step.label)", detail: detail)
        }
    }
}

extension CheckKind {
    public static let scriptOrder = CheckKind(name: "script-order")
}
