/// The kinds of check callqc knows: the one list that loading, validation, redaction,
/// `callqc rules kinds` and docs/rules.md read. A new kind is its file plus one line here.
public enum CheckRegistry {
    /// Made once (it is looked up for every finding written out, to know what the finding quotes).
    static let kinds: [any CheckDefinition.Type] = {
        [
            RequiredPhraseCheck.self,
            ForbiddenPhraseCheck.self,
            CurtRefusalCheck.self,
            ExpectedPhraseCheck.self,
            CueCheck.self,
            SaidCheck.self,
            SequenceCheck.self,
            AnchoredCheck.self,
            RepetitionCheck.self,
            PatternCheck.self,
            CallFactsCheck.self,
            CompositeCheck.self,
            SpeechRateCheck.self,
            InterruptionCheck.self,
            SilenceCheck.self,
            PIICheck.self,
            ScriptStepCheck.self,
            ScriptOrderCheck.self,
        ]
    }()

    /// The kind of this name.
    static func type(named name: String) -> (any CheckDefinition.Type)? {
        kinds.first { $0.kind.rawValue == name }
    }

    static func type(of kind: CheckKind) -> (any CheckDefinition.Type)? { type(named: kind.rawValue) }

    /// What findings of a kind quote from the transcript; all of it for a kind not known here.
    public static func quotes(_ kind: CheckKind) -> TranscriptQuotes {
        type(of: kind)?.quotes ?? .evidenceAndDetail
    }

    /// Whether `callqc lint` checks typed drafts with rules of this kind.
    public static func checksDrafts(_ kind: CheckKind) -> Bool { type(of: kind)?.checksDrafts ?? false }

    /// What examples of this kind must show.
    public static func examplesNeed(_ kind: CheckKind) -> ExampleNeeds { type(of: kind)?.examplesNeed ?? .line }

    /// The registered name nearest to a misspelt one (`sequense` → `sequence`).
    static func nearest(to name: String) -> String? {
        let names = kinds.map { $0.kind.rawValue }
        guard let best = names.min(by: { FieldReader.distance($0, name) < FieldReader.distance($1, name) }) else { return nil }
        return FieldReader.distance(best, name) <= max(2, name.count / 3) ? best : nil
    }

    /// The documentation of every kind, read from their declarations.
    public static var documentation: [KindDocumentation] {
        kinds.map { t in
            KindDocumentation(kind: t.kind, summary: t.summary, parameters: t.parameters, defaultRoles: t.defaultRoles,
                              defaultSeverity: t.defaultSeverity, quotes: t.quotes, examplesNeed: t.examplesNeed,
                              checksDrafts: t.checksDrafts, yamlExample: t.yamlExample)
        }
    }
}

/// What a kind declares about itself, for `callqc rules kinds` and docs/rules.md.
public struct KindDocumentation: Sendable {
    public var kind: CheckKind
    public var summary: String
    public var parameters: [CheckParameter]
    public var defaultRoles: [Role]
    public var defaultSeverity: Severity
    public var quotes: TranscriptQuotes
    public var examplesNeed: ExampleNeeds
    public var checksDrafts: Bool
    public var yamlExample: String
}
