import CallQCText

/// Everything callqc says about one call: its metrics, findings and scorecard.
public struct CallResult: Sendable {
    public var call: Call
    public var metrics: CallMetrics
    public var ruleSet: RuleSetStamp?
    public var findings: [Finding]
    public var scorecard: Scorecard?
    /// The call's script and what became of each step.
    public var script: ScriptResult?

    public init(call: Call, metrics: CallMetrics, ruleSet: RuleSetStamp? = nil, findings: [Finding] = [], scorecard: Scorecard? = nil, script: ScriptResult? = nil) {
        self.script = script
        self.call = call
        self.metrics = metrics
        self.ruleSet = ruleSet
        self.findings = findings
        self.scorecard = scorecard
    }

    /// Measures a call without rules.
    public static func measure(_ call: Call, counter: SpeechCounter = SpeechCounter()) -> CallResult {
        CallResult(call: call, metrics: CallMetrics.measure(call, counter: counter))
    }

    /// Interruptions found by the rules (or, without rules, by the default 0.5 s threshold).
    public var interruptions: Int {
        if ruleSet != nil { return findings.filter { $0.kind == .interruption }.count }
        return InterruptionCheck.interruptions(in: call, by: [.agent], of: [.customer], threshold: 0.5).count
    }

    /// The highest severity among the findings.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }
}

/// The JSON output contract (`callqc.result/1`, `callqc.error/1`), documented in docs/output.md.
public enum ResultJSON {
    public static let resultSchema = "callqc.result/1"
    public static let errorSchema = "callqc.error/1"

    public static func encode(_ result: CallResult) -> JSONValue {
        let call = result.call, m = result.metrics
        var members: [(String, JSONValue)] = [
            ("schema", .string(resultSchema)),
            ("tool", .object([("name", .string(CallQCVersion.name)), ("version", .string(CallQCVersion.version))])),
            ("ruleset", result.ruleSet.map { .object([("name", .string($0.name)), ("version", .string($0.version))]) } ?? .null),
            ("call", .object([
                ("id", .string(call.id)),
                ("agent", .string(call.agent)),
                ("date", .string(call.date)),
                ("source", .string(call.source)),
                ("language", .string(m.language.language)),
                ("language_tag", .string(m.language.rawValue)),
                ("script", .string(call.script)),
                ("metadata", .object(call.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ])),
        ]
        if let s = result.scorecard {
            members.append(("score", .object([
                ("total", .number(s.total)), ("max", .number(s.max)), ("grade", .string(s.grade)), ("veto", .bool(s.veto)),
                ("veto_rules", .array(s.vetoRules.map(JSONValue.string))),
                ("sections", .array(s.sections.map { sec in
                    .object([
                        ("id", .string(sec.id)), ("title", .string(sec.title)), ("score", .number(sec.score)), ("max", .number(sec.max)),
                        ("deductions", .array(sec.deductions.map { d in
                            .object([("rule", .string(d.rule)), ("points", .number(d.points)), ("finding", .number(Double(d.finding))), ("capped", .bool(d.capped))])
                        })),
                    ])
                })),
            ])))
        } else {
            members.append(("score", .null))
        }
        members.append(("script", result.script.map(encode) ?? .null))
        members.append(("findings", .array(result.findings.map(encode))))
        members.append(("metrics", .object([
            ("turns", .number(Double(m.turns))),
            ("agent_turns", .number(Double(m.agentTurns))),
            ("customer_turns", .number(Double(m.customerTurns))),
            ("duration", .number(rounded(m.duration, 3))),
            ("agent_talk_share", .number(rounded(m.agentTalkShare, 3))),
            ("talk_share_basis", .string(m.talkShareBasis?.rawValue)),
            ("agent_chars_per_minute", .number(rounded(m.agentCharsPerMinute, 1))),
            ("agent_words_per_minute", .number(rounded(m.agentWordsPerMinute, 1))),
            ("speech_rate", .string(m.duration == nil ? "not measurable" : (m.agentCharsPerMinute ?? m.agentWordsPerMinute) == nil ? "too little timed speech" : "measured")),
            ("agent_characters", .number(Double(m.agentCharacters))),
            ("agent_words", .number(Double(m.agentWords))),
            ("interruptions", .number(Double(result.interruptions))),
            ("longest_silence", .number(rounded(m.longestSilence, 3))),
        ])))
        return .object(members)
    }

    public static func encode(_ f: Finding) -> JSONValue {
        .object([
            ("rule", .string(f.rule)), ("kind", .string(f.kind.rawValue)), ("section", .string(f.section)),
            ("severity", .string(f.severity.rawValue)), ("message", .string(f.message)),
            ("turn", f.turn.map { .number(Double($0)) } ?? .null), ("role", .string(f.role?.rawValue)),
            ("start", .number(f.start)), ("end", .number(f.end)),
            ("span", f.span.map { .object([("begin", .number(Double($0.lowerBound))), ("end", .number(Double($0.upperBound)))]) } ?? .null),
            ("text", .string(f.text)), ("detail", .string(f.detail)), ("suggestion", .string(f.suggestion)), ("deducts", .bool(f.deducts)),
        ])
    }

    public static func encode(_ s: ScriptResult) -> JSONValue {
        .object([
            ("id", .string(s.id)), ("title", .string(s.title)),
            ("coverage", .number(rounded(s.coverage, 3))), ("in_order", .bool(s.inOrder)),
            ("steps", .array(s.steps.map { step in
                .object([
                    ("id", .string(step.id)), ("label", .string(step.label)), ("required", .bool(step.required)),
                    ("status", .string(step.status.rawValue)),
                    ("turn", step.turn.map { .number(Double($0)) } ?? .null), ("start", .number(step.start)),
                    ("similarity", .number(step.similarity)), ("text", .string(step.text)), ("conflict", .string(step.conflict)),
                    ("near_miss", step.nearMiss.map { n in
                        .object([("turn", .number(Double(n.turn))), ("similarity", .number(n.similarity)),
                                 ("text", .string(n.text)), ("note", .string(n.note))])
                    } ?? .null),
                ])
            })),
        ])
    }

    public static func encode(_ problem: InputProblem) -> JSONValue {
        .object([
            ("schema", .string(errorSchema)),
            ("source", .string(problem.source)),
            ("line", problem.line.map { .number(Double($0)) } ?? .null),
            ("error", .string(problem.message)),
        ])
    }

    static func rounded(_ v: Double?, _ places: Int) -> Double? {
        guard let v, v.isFinite else { return nil }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (v * scale).rounded() / scale
    }
}
