/// The scorecard's sections and grade bands: data, in the rule set.
public struct ScoringScheme: Sendable, Hashable {
    public struct Section: Sendable, Hashable {
        public var id: String
        public var title: String
        public var points: Double
    }

    /// A grade and the lowest score that earns it.
    public struct GradeBand: Sendable, Hashable {
        public var grade: String
        public var minimum: Double

        public init(grade: String, minimum: Double) {
            self.grade = grade
            self.minimum = minimum
        }
    }

    public var sections: [Section]
    /// Highest band first.
    public var grades: [GradeBand]

    public var maximum: Double { sections.reduce(0) { $0 + $1.points } }

    public func grade(for score: Double) -> String {
        grades.first { score >= $0.minimum }?.grade ?? grades.last?.grade ?? "-"
    }

    /// Folds findings into a scorecard: each deducting finding takes its rule's
    /// points from its section, no section goes below zero, and a veto finding
    /// sets the total to zero.
    public func score(_ findings: [Finding], rules: [String: RuleHeader]) -> Scorecard {
        var sectionScores = sections.map { Scorecard.SectionScore(id: $0.id, title: $0.title, score: $0.points, max: $0.points, deductions: []) }
        var vetoes: [String] = []
        for (i, f) in findings.enumerated() {
            guard let header = rules[f.rule] else { continue }
            if header.veto, f.deducts, !vetoes.contains(f.rule) { vetoes.append(f.rule) }
            guard f.deducts, header.deduction > 0, let s = sectionScores.firstIndex(where: { $0.id == f.section }) else { continue }
            let applied = min(header.deduction, sectionScores[s].score)
            sectionScores[s].score -= applied
            sectionScores[s].deductions.append(Scorecard.Deduction(rule: f.rule, points: applied, finding: i, capped: applied < header.deduction))
        }
        let sum = sectionScores.reduce(0) { $0 + $1.score }
        let total = vetoes.isEmpty ? sum : 0
        return Scorecard(total: total, max: maximum, grade: vetoes.isEmpty ? grade(for: total) : (grades.last?.grade ?? "-"),
                         veto: !vetoes.isEmpty, vetoRules: vetoes, sections: sectionScores, grades: grades)
    }
}

/// A call's score, section by section, every deduction traced to its finding.
public struct Scorecard: Sendable, Hashable {
    public struct Deduction: Sendable, Hashable {
        public var rule: String
        /// Points actually taken (less than the rule's when the section ran out).
        public var points: Double
        /// Index of the finding in the result's findings.
        public var finding: Int
        public var capped: Bool
    }

    public struct SectionScore: Sendable, Hashable {
        public var id: String
        public var title: String
        public var score: Double
        public var max: Double
        public var deductions: [Deduction]
    }

    public var total: Double
    public var max: Double
    public var grade: String
    /// Whether a veto (一票否决) failed the call.
    public var veto: Bool
    public var vetoRules: [String]
    public var sections: [SectionScore]
    /// The scheme's grade bands, highest first: what a store needs to grade the call again
    /// when an appeal strikes a finding (not part of the JSON result).
    public var grades: [ScoringScheme.GradeBand] = []
}
