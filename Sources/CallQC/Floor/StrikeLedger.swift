/// A finding struck by an accepted appeal (申诉): who struck it, when, through which appeal.
public struct Strike: Sendable, Hashable {
    /// The finding's index in the stored result.
    public var finding: Int
    /// The finding's rule when appealed: a strike applies only while the finding at its index is of this rule.
    public var rule: String?
    public var appeal: Int
    public var by: String
    public var at: String

    public init(finding: Int, rule: String?, appeal: Int, by: String, at: String) {
        self.finding = finding
        self.rule = rule
        self.appeal = appeal
        self.by = by
        self.at = at
    }
}

/// What accepted appeals make of a stored result. The store keeps the result as checked; what
/// it returns carries the strikes: each struck finding marked and its points no longer taken (given
/// back to its section, never above the section's maximum), a veto lifted when no other finding of
/// a veto rule is left, the total the sum of the sections again and the grade read from the rule
/// set's bands. A strike whose index no longer holds a finding of its rule (the call was checked
/// again with other rules) does not apply.
public struct StrikeLedger: Sendable, Hashable {
    public var strikes: [Strike]
    /// The rule set's grade bands, highest first; empty when unknown (results stored before the
    /// store kept them): the grade then stays as checked unless a veto decides it.
    public var grades: [ScoringScheme.GradeBand]

    public init(strikes: [Strike], grades: [ScoringScheme.GradeBand] = []) {
        self.strikes = strikes
        self.grades = grades
    }

    /// The strikes that apply to findings of these rules, by finding index (the first of any duplicates).
    func applicable(rules: [String]) -> [Int: Strike] {
        var out: [Int: Strike] = [:]
        for s in strikes where rules.indices.contains(s.finding) && (s.rule == nil || s.rule == rules[s.finding]) && out[s.finding] == nil {
            out[s.finding] = s
        }
        return out
    }

    struct Rescored {
        var sectionScores: [Double]
        var total: Double
        var veto: Bool
        var vetoRules: [String]
        var grade: String?
    }

    func rescore(sections: [(score: Double, max: Double, id: String)], findings: [(rule: String, section: String, points: Double, deducts: Bool)],
                 struck: Set<Int>, vetoRules: [String], veto: Bool, grade: String?) -> Rescored {
        var scores = sections.map(\.score)
        for i in struck.sorted() {
            guard let s = sections.firstIndex(where: { $0.id == findings[i].section }) else { continue }
            scores[s] = Swift.min(sections[s].max, scores[s] + findings[i].points)
        }
        let remaining = vetoRules.filter { rule in
            findings.indices.contains { !struck.contains($0) && findings[$0].rule == rule && findings[$0].deducts }
        }
        let sum = scores.reduce(0, +)
        let newGrade: String?
        if !remaining.isEmpty {
            newGrade = veto ? grade : (grades.last?.grade ?? grade)
        } else if !grades.isEmpty {
            newGrade = ScoringScheme(sections: [], grades: grades).grade(for: sum)
        } else {
            newGrade = grade
        }
        return Rescored(sectionScores: scores, total: remaining.isEmpty ? sum : 0, veto: !remaining.isEmpty, vetoRules: remaining, grade: newGrade)
    }

    /// The summary with the strikes applied.
    public func apply(to summary: CallSummary) -> CallSummary {
        let struck = applicable(rules: summary.findings.map(\.rule))
        guard !struck.isEmpty else { return summary }
        var out = summary
        for i in struck.keys {
            out.findings[i].struck = true
            out.findings[i].points = 0
        }
        guard summary.score != nil else { return out }
        let r = rescore(sections: summary.sections.map { ($0.score, $0.max, $0.id) },
                        findings: summary.findings.map { ($0.rule, $0.section, $0.points, true) },
                        struck: Set(struck.keys), vetoRules: summary.vetoRules, veto: summary.veto, grade: summary.grade)
        for (i, score) in r.sectionScores.enumerated() { out.sections[i].score = score }
        out.score = r.total
        out.veto = r.veto
        out.vetoRules = r.vetoRules
        out.grade = r.grade
        return out
    }

    /// The `callqc.result/1` object with the strikes applied: each struck finding gains
    /// `"struck": {"appeal", "by", "at"}`, each of its deductions `"struck": true`, and the score
    /// its new total, grade, veto and sections, with the score as checked under `"original"`.
    public func apply(to result: JSONValue) -> JSONValue {
        let findings = result["findings"]?.arrayValue ?? []
        let struck = applicable(rules: findings.map { $0["rule"]?.stringValue ?? "" })
        guard !struck.isEmpty else { return result }
        var out = result
        out = out.setting("findings", .array(findings.enumerated().map { i, f in
            guard let s = struck[i] else { return f }
            return f.setting("struck", .object([("appeal", .number(Double(s.appeal))), ("by", .string(s.by)), ("at", .string(s.at))]))
        }))
        guard let score = result["score"], case .object = score else { return out }
        let sections = score["sections"]?.arrayValue ?? []
        var points = [Double](repeating: 0, count: findings.count)
        for sec in sections {
            for d in sec["deductions"]?.arrayValue ?? [] {
                if let i = d["finding"]?.numberValue.map({ Int($0) }), points.indices.contains(i) { points[i] += d["points"]?.numberValue ?? 0 }
            }
        }
        let vetoRules = (score["veto_rules"]?.arrayValue ?? []).compactMap(\.stringValue)
        let veto = score["veto"] == .bool(true)
        let r = rescore(sections: sections.map { ($0["score"]?.numberValue ?? 0, $0["max"]?.numberValue ?? 0, $0["id"]?.stringValue ?? "") },
                        findings: findings.enumerated().map { i, f in
                            (f["rule"]?.stringValue ?? "", f["section"]?.stringValue ?? "", points[i], f["deducts"] != .bool(false))
                        },
                        struck: Set(struck.keys), vetoRules: vetoRules, veto: veto, grade: score["grade"]?.stringValue)
        let newSections: [JSONValue] = sections.enumerated().map { i, sec in
            let deductions: [JSONValue] = (sec["deductions"]?.arrayValue ?? []).map { d in
                guard let f = d["finding"]?.numberValue.map({ Int($0) }), struck[f] != nil else { return d }
                return d.setting("struck", .bool(true))
            }
            return sec.setting("score", .number(r.sectionScores[i])).setting("deductions", .array(deductions))
        }
        let original = JSONValue.object([("total", score["total"] ?? .null), ("grade", score["grade"] ?? .null),
                                         ("veto", score["veto"] ?? .null), ("veto_rules", score["veto_rules"] ?? .array([]))])
        let newScore = score.setting("total", .number(r.total)).setting("grade", .string(r.grade)).setting("veto", .bool(r.veto))
            .setting("veto_rules", .array(r.vetoRules.map(JSONValue.string))).setting("sections", .array(newSections))
            .setting("original", original)
        return out.setting("score", newScore)
    }
}

extension JSONValue {
    /// The object with `key` set to `value` (replaced in place, or appended); other values unchanged.
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        return .object(members)
    }
}
