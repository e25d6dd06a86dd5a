/// A required step of the call's script that the agent never said. The finding
/// names the step and the closest near-miss. Calls without a script get none.
public struct ScriptStepCheck: CheckDefinition {
    static let kind = CheckKind.scriptStep
    static let summary = "A required step of the call's script not said (see docs/scripts.md); the detail names the closest near miss."
    static let parameters: [CheckParameter] = []
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.none
    static let yamlExample = ""

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> ScriptStepCheck {
        ScriptStepCheck()
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        guard let script = context.script else { return [] }
        return script.steps.filter { $0.required && $0.status == .missing }.map { step in
            var detail = "step '\(step.id)' of script '\(script.id)' not said"
            if let near = step.nearMiss {
                detail += "; closest: turn \(near.turn) 「\(near.text)」 (similarity \(JSONValue.format(near.similarity)))"
                if let note = near.note { detail += ", \(note)" }
            } else {
                detail += "; no agent turn came close"
            }
            return context.finding(header, turn: nil, message: "\(header.message): \(step.label)", detail: detail)
        }
    }
}

extension CheckKind {
    public static let scriptStep = CheckKind(name: "script-step")
}
