/// What a rule found in a call: which rule, where (turn, span in the text the
/// user wrote, seconds), what text, and why.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var kind: CheckKind
    public var section: String
    public var severity: Severity
    public var message: String
    /// 1-based turn number; nil for findings about the whole call (a missing greeting).
    public var turn: Int?
    public var role: Role?
    public var start: Double?
    public var end: Double?
    /// Unicode scalar offsets of the evidence in the turn's original text.
    public var span: Range<Int>?
    /// The evidence as the user wrote it (`歡迎`, not `欢迎`).
    public var text: String?
    /// Where the tool looked, what it measured, the nearest miss.
    public var detail: String?
    /// Whether the finding takes points (turn-level pace evidence does not).
    public var deducts: Bool
    /// A better way to say it, from the lexicon (`不知道` → `我帮您查询一下`).
    public var suggestion: String?
    /// How the evidence matched, when not literally: `sound` for a recogniser's homophone
    /// (不知到 for 不知道), a lower-confidence match a reviewer should confirm.
    public var match: MatchKind?
    /// Other turns (1-based) that are part of the evidence: the other side of an order rule
    /// (身份核实 at turn 2, account details at turn 5), the earlier repeats of a sentence.
    public var relatedTurns: [Int] = []

    public init(rule: String, kind: CheckKind, section: String, severity: Severity, message: String, deducts: Bool = true) {
        self.rule = rule
        self.kind = kind
        self.section = section
        self.severity = severity
        self.message = message
        self.deducts = deducts
    }
}

/// How a phrase was found when not literally as folded.
public enum MatchKind: String, Sendable, Hashable {
    /// Same toneless pinyin, most characters literal: a speech recogniser's homophone.
    case sound
}
