import CallQCText

/// How grave a finding is.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
    case info, warning, error, critical

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
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

/// A rule: its header, its parameters, its examples.
public struct Rule: Sendable {
    public var header: RuleHeader
    /// Its parameters and how it checks a call: a value of its kind's type (``CheckRegistry``).
    var check: any CheckDefinition
    public var examples: [RuleExample]
}

