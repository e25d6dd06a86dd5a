/// Rules counted together, turn by turn: a turn is positive for the group when
/// any expected rule is in it, and predicted when any finding of the group is on it.
public struct EvaluationGroup: Sendable, Hashable {
    public var name: String
    /// Rule ids; `taboo.*` stands for every id that starts with `taboo.`.
    public var patterns: [String]

    public init(name: String, patterns: [String]) {
        self.name = name
        self.patterns = patterns
    }

    public func contains(_ rule: String) -> Bool {
        patterns.contains { p in
            if p.hasSuffix(".*") { return rule.hasPrefix(String(p.dropLast())) }
            return p == rule
        }
    }

    /// Forbidden phrases with curt refusals, and personal data.
    public static let defaults = [
        EvaluationGroup(name: "taboo+curt", patterns: ["taboo", "taboo.*", "refusal.*"]),
        EvaluationGroup(name: "pii", patterns: ["pii.*"]),
    ]
}

/// True and false positives and negatives, and what follows from them.
public struct EvaluationCounts: Sendable, Hashable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0

    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// TP ÷ (TP + FP); nil when nothing was found.
    public var precision: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// TP ÷ (TP + FN); nil when nothing was expected.
    public var recall: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    /// The harmonic mean of precision and recall; nil when either is.
    public var f1: Double? {
        guard let p = precision, let r = recall else { return nil }
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Labelled positives: TP + FN.
    public var support: Int { truePositives + falseNegatives }

    static func + (a: EvaluationCounts, b: EvaluationCounts) -> EvaluationCounts {
        EvaluationCounts(truePositives: a.truePositives + b.truePositives, falsePositives: a.falsePositives + b.falsePositives,
                         falseNegatives: a.falseNegatives + b.falseNegatives)
    }
}

/// One labelled turn, checked: what was expected and what the rules found on it.
public struct EvaluatedTurn: Sendable, Hashable {
    public var label: TurnLabel
    public var role: Role
    public var text: String
    /// The record's `lang`, or the transcript's `# language:`.
    public var lang: String?
    /// The rule set the turn was checked with.
    public var ruleSet: String
    /// Expected rules that count: of a scored kind, or unknown to the rule set.
    public var expected: [String]
    /// Rules of a scored kind with a finding on the turn, sorted.
    public var found: [String]
    /// Expected rules left out because their kind is not scored.
    public var unscored: [String]
    /// Expected rules the rule set does not have (each counts as a miss).
    public var unknown: [String]

    public init(label: TurnLabel, role: Role, text: String, lang: String? = nil, ruleSet: String, expected: [String], found: [String],
                unscored: [String] = [], unknown: [String] = []) {
        self.label = label
        self.role = role
        self.text = text
        self.lang = lang
        self.ruleSet = ruleSet
        self.expected = expected
        self.found = found
        self.unscored = unscored
        self.unknown = unknown
    }

    /// Expected but not found.
    public var missed: [String] { expected.filter { !found.contains($0) } }
    /// Found but not expected.
    public var falseAlarms: [String] { found.filter { !expected.contains($0) } }
    public var isExact: Bool { missed.isEmpty && falseAlarms.isEmpty }
}

/// What the breakdown table groups turns by.
public enum EvaluationBreakdown: String, Sendable, CaseIterable {
    case category, channel, source, lang, role, file

    func key(_ t: EvaluatedTurn) -> String {
        switch self {
        case .category: return t.label.category ?? "(none)"
        case .channel: return t.label.channel ?? "(none)"
        case .source: return t.label.source ?? "(none)"
        case .lang: return t.lang ?? "(none)"
        case .role: return t.role.rawValue
        case .file: return t.label.file
        }
    }
}

/// How well the rules agree with labelled turns: per rule, per group of rules
/// (turn by turn), per category, and every miss and false alarm.
public struct Evaluation: Sendable {
    public struct Row: Sendable, Hashable {
        public var name: String
        public var counts: EvaluationCounts
    }

    public struct CategoryRow: Sendable, Hashable {
        public var name: String
        public var turns: Int
        /// Turns where exactly the expected rules were found.
        public var exact: Int
        public var counts: EvaluationCounts
    }

    public var turns: [EvaluatedTurn]
    /// The check kinds scored (`forbidden`, `curt-refusal`, `pii`).
    public var kinds: [String]
    /// Per rule, by id.
    public var rules: [Row]
    /// Every rule together (sum of the rule rows).
    public var all: EvaluationCounts
    /// Per group, turn by turn.
    public var groups: [Row]
    /// Per category (or what ``breakdown`` says), rule by rule.
    public var categories: [CategoryRow]
    public var breakdown: EvaluationBreakdown
    /// Expected rule ids the rule sets do not have.
    public var unknownRules: [String]
    /// Expected rule ids left out because their kind is not scored.
    public var unscoredRules: [String]

    public init(turns: [EvaluatedTurn], kinds: [String], groups: [EvaluationGroup] = EvaluationGroup.defaults, breakdown: EvaluationBreakdown = .category) {
        self.turns = turns
        self.breakdown = breakdown
        self.kinds = kinds
        var byRule: [String: EvaluationCounts] = [:]
        var byCategory: [String: CategoryRow] = [:]
        var groupCounts = Array(repeating: EvaluationCounts(), count: groups.count)
        var unknown = Set<String>(), unscored = Set<String>()
        for t in turns {
            var turnCounts = EvaluationCounts()
            for r in Set(t.expected).union(t.found) {
                let e = t.expected.contains(r), f = t.found.contains(r)
                var c = byRule[r] ?? EvaluationCounts()
                if e && f { c.truePositives += 1; turnCounts.truePositives += 1 }
                else if f { c.falsePositives += 1; turnCounts.falsePositives += 1 }
                else { c.falseNegatives += 1; turnCounts.falseNegatives += 1 }
                byRule[r] = c
            }
            for (g, group) in groups.enumerated() {
                let positive = t.expected.contains(where: group.contains)
                let predicted = t.found.contains(where: group.contains)
                if positive && predicted { groupCounts[g].truePositives += 1 }
                else if predicted { groupCounts[g].falsePositives += 1 }
                else if positive { groupCounts[g].falseNegatives += 1 }
            }
            let category = breakdown.key(t)
            var row = byCategory[category] ?? CategoryRow(name: category, turns: 0, exact: 0, counts: EvaluationCounts())
            row.turns += 1
            if t.isExact { row.exact += 1 }
            row.counts = row.counts + turnCounts
            byCategory[category] = row
            unknown.formUnion(t.unknown)
            unscored.formUnion(t.unscored)
        }
        rules = byRule.keys.sorted().map { Row(name: $0, counts: byRule[$0]!) }
        all = rules.reduce(EvaluationCounts()) { $0 + $1.counts }
        self.groups = groups.enumerated().map { Row(name: $1.name, counts: groupCounts[$0]) }
        categories = byCategory.keys.sorted().map { byCategory[$0]! }
        unknownRules = unknown.sorted()
        unscoredRules = unscored.sorted()
    }

    /// Turns with an expected rule not found.
    public var misses: [EvaluatedTurn] { turns.filter { !$0.missed.isEmpty } }
    /// Turns with a finding not expected.
    public var falseAlarms: [EvaluatedTurn] { turns.filter { !$0.falseAlarms.isEmpty } }

    /// The counts a threshold applies to: `all`, a group's name or a rule id; nil when there is no such row.
    public func counts(for name: String) -> EvaluationCounts? {
        if name == "all" { return all }
        if let g = groups.first(where: { $0.name == name }) { return g.counts }
        return rules.first { $0.name == name }?.counts
    }
}

/// Checks labelled calls and compares the findings on each labelled turn with its label.
public struct Evaluator: Sendable {
    public let checker: Checker
    /// Check kinds whose findings count, by raw name (`forbidden`, `pii`, `curt-refusal`).
    public var kinds: Set<String>

    /// The kinds scored by default: forbidden phrases, curt refusals (where the kind exists) and personal data.
    public static let defaultKinds = ["forbidden", "curt-refusal", "pii"]

    public init(checker: Checker, kinds: Set<String> = Set(Evaluator.defaultKinds)) {
        self.checker = checker
        self.kinds = kinds
    }

    /// The rule set a record's `lang` picks (zh-* → the `zh` set, en → the `en` set); the one set
    /// when `--rules` fixed it; nil when the record has no `lang` (the call's text decides).
    public func ruleSet(lang: String?) -> RuleSet? {
        let catalog = checker.catalog
        if catalog.fixed || catalog.ruleSets.count == 1 { return catalog.ruleSets[0] }
        guard let lang, let language = LabelledDataReader.ruleSetLanguage(lang) else { return nil }
        return catalog.ruleSets.first { $0.language == language }
    }

    /// Checks the call once and scores each labelled turn: only findings on that turn, of a scored kind.
    public func evaluate(_ labelled: LabelledCall) -> [EvaluatedTurn] {
        let result: CallResult
        let set: RuleSet
        if let chosen = ruleSet(lang: labelled.lang) {
            set = chosen
            result = checker.check(labelled.call, with: chosen)
        } else {
            result = checker.check(labelled.call)
            set = checker.catalog.ruleSets.first { $0.name == result.ruleSet?.name && $0.version == result.ruleSet?.version } ?? checker.catalog.ruleSets[0]
        }
        return labelled.labels.map { label in
            var found = Set<String>()
            for f in result.findings where f.turn == label.turn && kinds.contains(f.kind.rawValue) { found.insert(f.rule) }
            var expected: [String] = [], unscored: [String] = [], unknown: [String] = []
            for id in label.expect {
                if let header = set.headers[id] {
                    if kinds.contains(header.kind.rawValue) { expected.append(id) } else { unscored.append(id) }
                } else {
                    expected.append(id)
                    unknown.append(id)
                }
            }
            let turn = labelled.call.turns[label.turn - 1]
            return EvaluatedTurn(label: label, role: turn.role, text: turn.text, lang: labelled.lang, ruleSet: set.name, expected: expected,
                                 found: found.sorted(), unscored: unscored, unknown: unknown)
        }
    }
}
