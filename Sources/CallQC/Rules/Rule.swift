import CallQCText

/// How grave a finding is.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
    case info, warning, error, critical

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The closed set of check kinds. A new kind adds a case here, its file under
/// `Sources/CallQC/Checks/`, its case in ``RuleCheck``, and tests.
public enum CheckKind: String, Sendable, Hashable, CaseIterable {
    /// One of the phrases must be said in a window (greeting, closing).
    case required
    /// None of the phrases may be said (taboo phrases), unless an exception covers it.
    case forbidden
    /// The phrases should be said at least N times (politeness).
    case expected
    /// The agent's speech rate must stay inside a band.
    case speechRate = "speech-rate"
    /// The agent must not start while the customer is still talking.
    case interruption
    /// No dead air longer than a threshold.
    case silence
    /// Phrases worth a reviewer's attention, reported without deduction (complaint cues).
    case cue
    /// A required step of the call's script was not said.
    case scriptStep = "script-step"
    /// A step of the call's script was said out of order.
    case scriptOrder = "script-order"
    /// Personal data (phone, ID, bank card numbers, e-mail) said in a turn.
    case pii
    /// A short refusal with no reason, alternative or offer of help.
    case curtRefusal = "curt-refusal"
}

/// What every rule has, whatever its kind.
public struct RuleHeader: Sendable, Hashable {
    public var id: String
    public var kind: CheckKind
    /// What a reviewer reads when the rule fires.
    public var message: String
    public var severity: Severity
    /// The scorecard section the deduction comes from.
    public var section: String
    /// Points taken per finding (the section's total caps them).
    public var deduction: Double
    /// Whose speech the rule looks at.
    public var roles: [Role]
    /// A finding of this rule fails the whole call (一票否决).
    public var veto: Bool
    /// The clause of the center's rules it enforces, for tracing a deduction to the written standard.
    public var reference: String?
    /// Where the rule is written.
    public var file: String
    public var line: Int
}

/// An example that the rule must flag, or must pass.
public struct RuleExample: Sendable, Hashable {
    public var call: Call
    public var text: String
    public var mustFlag: Bool
    public var file: String
    public var line: Int
}

/// A phrase as written in a lexicon, and folded for matching.
public struct Phrase: Sendable, Hashable {
    public var text: String
    public var folded: [UInt8]
    public var file: String
    public var line: Int

    public var foldedString: String { String(decoding: folded, as: UTF8.self) }

    /// Whether the folded phrase begins (ends) with a Latin letter or digit, and so must
    /// begin (end) on a word boundary: `no` must not match inside `know`.
    var latinStart: Bool { folded.first.map(Phrase.isWordByte) ?? false }
    var latinEnd: Bool { folded.last.map(Phrase.isWordByte) ?? false }
    static func isWordByte(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x7A).contains(b) }
}

/// The parameters of a rule, by kind: the closed set.
public enum RuleCheck: Sendable {
    case required(RequiredPhraseCheck)
    case forbidden(ForbiddenPhraseCheck)
    case expected(ExpectedPhraseCheck)
    case speechRate(SpeechRateCheck)
    case interruption(InterruptionCheck)
    case silence(SilenceCheck)
    case cue(CueCheck)
    case scriptStep(ScriptStepCheck)
    case scriptOrder(ScriptOrderCheck)
    case pii(PIICheck)
    case curtRefusal(CurtRefusalCheck)

    var definition: any CheckDefinition {
        switch self {
        case .required(let c): return c
        case .forbidden(let c): return c
        case .expected(let c): return c
        case .speechRate(let c): return c
        case .interruption(let c): return c
        case .silence(let c): return c
        case .cue(let c): return c
        case .scriptStep(let c): return c
        case .scriptOrder(let c): return c
        case .pii(let c): return c
        case .curtRefusal(let c): return c
        }
    }

    /// Reads the parameters of `kind` from a rule's fields.
    static func parse(_ kind: CheckKind, _ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> RuleCheck {
        switch kind {
        case .required: return .required(try RequiredPhraseCheck.parse(&fields, &context))
        case .forbidden: return .forbidden(try ForbiddenPhraseCheck.parse(&fields, &context))
        case .expected: return .expected(try ExpectedPhraseCheck.parse(&fields, &context))
        case .speechRate: return .speechRate(try SpeechRateCheck.parse(&fields, &context))
        case .interruption: return .interruption(try InterruptionCheck.parse(&fields, &context))
        case .silence: return .silence(try SilenceCheck.parse(&fields, &context))
        case .cue: return .cue(try CueCheck.parse(&fields, &context))
        case .scriptStep: return .scriptStep(try ScriptStepCheck.parse(&fields, &context))
        case .scriptOrder: return .scriptOrder(try ScriptOrderCheck.parse(&fields, &context))
        case .pii: return .pii(try PIICheck.parse(&fields, &context))
        case .curtRefusal: return .curtRefusal(try CurtRefusalCheck.parse(&fields, &context))
        }
    }

    /// The roles a rule of this kind looks at when the rule names none.
    static func defaultRoles(_ kind: CheckKind) -> [Role] {
        kind == .cue ? [.customer] : [.agent]
    }
}

/// A rule: its header, its parameters, its examples.
public struct Rule: Sendable {
    public var header: RuleHeader
    public var check: RuleCheck
    public var examples: [RuleExample]
}

/// What each kind of check provides.
protocol CheckDefinition: Sendable {
    /// The phrase lists the automaton must find, by name (`phrases`, `exceptions`…).
    var phraseLists: [(name: String, phrases: [Phrase])] { get }
    /// The findings for one call.
    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding]
}
