import CallQCText

/// A kind of check, by its name in rule files (`forbidden`, `sequence`…). Each kind's file
/// declares its own name (`extension CheckKind { public static let silence = CheckKind(name: "silence") }`)
/// and ``CheckRegistry`` lists the kinds.
public struct CheckKind: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// The registered kind of this name; nil for a name no kind has.
    public init?(rawValue: String) {
        guard CheckRegistry.type(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// Declares a kind (in the kind's own file).
    init(name: String) { rawValue = name }

    /// Every registered kind, in registry order.
    public static var allCases: [CheckKind] { CheckRegistry.kinds.map { $0.kind } }

    public var description: String { rawValue }
    public static func < (a: CheckKind, b: CheckKind) -> Bool { a.rawValue < b.rawValue }
}

/// One parameter of a kind, as rule files write it and the docs show it.
public struct CheckParameter: Sendable, Hashable {
    /// The key in the rule (`threshold`); a phrase list also accepts `KEY_file`.
    public var name: String
    /// What the value is, for people: `phrases`, `seconds`, `whole number`…
    public var type: String
    /// The value when the rule leaves it out; nil when the parameter is required or has none.
    public var defaultValue: String?
    public var required: Bool
    /// One line: what it does.
    public var doc: String
    /// A phrase list: `name` inline, `name_file` from files.
    public var isPhraseList: Bool

    public init(_ name: String, _ type: String, default defaultValue: String? = nil, required: Bool = false, _ doc: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.doc = doc
        self.isPhraseList = false
    }

    /// A phrase list parameter (`phrases` and `phrases_file`).
    public static func phrases(_ name: String, required: Bool = false, _ doc: String) -> CheckParameter {
        var p = CheckParameter(name, "phrases", required: required, doc)
        p.isPhraseList = true
        return p
    }

    /// The keys a rule may write for it.
    public var keys: [String] { isPhraseList ? [name, name + "_file"] : [name] }
}

/// What a kind's examples must show, checked when the rule set loads.
public enum ExampleNeeds: String, Sendable {
    /// One line of speech is enough.
    case line
    /// A small transcript of several turns (who said what, in order).
    case conversation
    /// A small transcript with times (`[00:01-00:04] 坐席: …`).
    case times
    /// The kind has no examples of its own (script steps are tested with their script).
    case none
}

/// What a kind's findings quote from the transcript, so that redaction masks it.
public enum TranscriptQuotes: String, Sendable {
    /// The evidence text only; the detail is built from the lexicon, times and counts.
    case evidence
    /// The evidence and the detail (near misses, the other side of an order rule).
    case evidenceAndDetail = "evidence-and-detail"
    /// The evidence is personal data, masked on its own; the detail quotes the transcript.
    case personalData = "personal-data"
}

/// A kind of check: what it declares about itself (name, parameters, defaults, what its
/// findings quote, what its examples need), how it reads its parameters and how it checks a call.
/// Adding a kind is one file with a type conforming to this, one line in ``CheckRegistry``, and tests.
protocol CheckDefinition: Sendable {
    /// The name rules write as `kind:`.
    static var kind: CheckKind { get }
    /// One line for the docs: what a finding of it means.
    static var summary: String { get }
    /// Its parameters, every key `parse` reads (the loader enforces it).
    static var parameters: [CheckParameter] { get }
    /// The roles a rule of it looks at when the rule names none (default: the agent).
    static var defaultRoles: [Role] { get }
    /// The severity of a rule of it that names none (default: warning).
    static var defaultSeverity: Severity { get }
    /// What its findings quote from the transcript (default: the evidence only).
    static var quotes: TranscriptQuotes { get }
    /// What its examples must show (default: one line is enough).
    static var examplesNeed: ExampleNeeds { get }
    /// Whether `callqc lint` applies it to a typed script draft (phrases an agent writes).
    static var checksDrafts: Bool { get }
    /// A rule of it in YAML, for the docs.
    static var yamlExample: String { get }
    /// Reads the parameters from a rule's fields (the header is read by the loader).
    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> Self

    /// The phrase lists the automaton must find, by name (`phrases`, `exceptions`…).
    var phraseLists: [(name: String, phrases: [Phrase])] { get }
    /// Checks inside this one (a composite rule's conditions), for what the call must prepare.
    var parts: [any CheckDefinition] { get }
    /// Whether it reads the findings of other rules (evaluated after them).
    var readsFindings: Bool { get }
    /// The findings for one call.
    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding]
}

extension CheckDefinition {
    static var defaultRoles: [Role] { [.agent] }
    static var defaultSeverity: Severity { .warning }
    static var quotes: TranscriptQuotes { .evidence }
    static var examplesNeed: ExampleNeeds { .line }
    static var checksDrafts: Bool { false }
    var parts: [any CheckDefinition] { [] }
    var readsFindings: Bool { false }

    /// This check and every check inside it.
    var allChecks: [any CheckDefinition] { [self] + parts.flatMap { $0.allChecks } }
}
