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

    /// The result as a JSON value (parsed back from ``write(_:to:)``, the one place the
    /// layout is written down).
    public static func encode(_ result: CallResult) -> JSONValue { parsed { write(result, to: &$0) } }
    public static func encode(_ f: Finding) -> JSONValue { parsed { write(f, to: &$0) } }
    public static func encode(_ s: ScriptResult) -> JSONValue { parsed { write(s, to: &$0) } }
    public static func encode(_ problem: InputProblem) -> JSONValue { parsed { write(problem, to: &$0) } }

    private static func parsed(_ write: (inout JSONWriter) -> Void) -> JSONValue {
        var w = JSONWriter()
        write(&w)
        // What the writer wrote is valid JSON by construction.
        return (try? JSONParser.parse(w.bytes)) ?? .null
    }

    /// Compact JSON of a result, as one line of JSON Lines writes it (without the newline).
    public static func compact(_ result: CallResult) -> [UInt8] {
        var w = JSONWriter()
        write(result, to: &w)
        return w.bytes
    }

    public static func write(_ result: CallResult, to w: inout JSONWriter) {
        let call = result.call, m = result.metrics
        w.beginObject()
        w.member("schema", resultSchema)
        w.key("tool"); w.beginObject(); w.member("name", CallQCVersion.name); w.member("version", CallQCVersion.version); w.endObject()
        w.key("ruleset")
        if let r = result.ruleSet { w.beginObject(); w.member("name", r.name); w.member("version", r.version); w.endObject() } else { w.null() }
        w.key("call"); w.beginObject()
        w.member("id", call.id)
        w.member("agent", call.agent)
        w.member("date", call.date)
        w.member("source", call.source)
        w.member("language", m.language.language)
        w.member("language_tag", m.language.rawValue)
        w.member("script", call.script)
        w.key("metadata"); w.beginObject()
        for (k, v) in call.metadata.sorted(by: { $0.key < $1.key }) { w.key(k); w.string(v) }
        w.endObject()
        // Only a call with a recording has the field: other results stay as they were.
        if let audio = call.audio { w.member("audio", audio) }
        w.endObject()
        w.key("score")
        if let s = result.scorecard {
            w.beginObject()
            w.member("total", s.total); w.member("max", s.max); w.member("grade", s.grade); w.member("veto", s.veto)
            w.key("veto_rules"); w.beginArray(); for r in s.vetoRules { w.string(r) }; w.endArray()
            w.key("sections"); w.beginArray()
            for sec in s.sections {
                w.beginObject()
                w.member("id", sec.id); w.member("title", sec.title); w.member("score", sec.score); w.member("max", sec.max)
                w.key("deductions"); w.beginArray()
                for d in sec.deductions {
                    w.beginObject(); w.member("rule", d.rule); w.member("points", d.points); w.member("finding", d.finding); w.member("capped", d.capped); w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.key("script")
        if let s = result.script { write(s, to: &w) } else { w.null() }
        w.key("findings"); w.beginArray(); for f in result.findings { write(f, to: &w) }; w.endArray()
        w.key("metrics"); w.beginObject()
        w.member("turns", m.turns)
        w.member("agent_turns", m.agentTurns)
        w.member("customer_turns", m.customerTurns)
        w.member("duration", rounded(m.duration, 3))
        w.member("agent_talk_share", rounded(m.agentTalkShare, 3))
        w.member("talk_share_basis", m.talkShareBasis?.rawValue)
        w.member("agent_chars_per_minute", rounded(m.agentCharsPerMinute, 1))
        w.member("agent_words_per_minute", rounded(m.agentWordsPerMinute, 1))
        w.member("speech_rate", m.duration == nil ? "not measurable" : (m.agentCharsPerMinute ?? m.agentWordsPerMinute) == nil ? "too little timed speech" : "measured")
        w.member("agent_characters", m.agentCharacters)
        w.member("agent_words", m.agentWords)
        w.member("interruptions", result.interruptions)
        w.member("longest_silence", rounded(m.longestSilence, 3))
        w.endObject()
        w.endObject()
    }

    public static func write(_ f: Finding, to w: inout JSONWriter) {
        w.beginObject()
        w.member("rule", f.rule); w.member("kind", f.kind.rawValue); w.member("section", f.section)
        w.member("severity", f.severity.rawValue); w.member("message", f.message)
        w.member("turn", f.turn); w.member("role", f.role?.rawValue)
        w.member("start", f.start); w.member("end", f.end)
        w.key("span")
        if let span = f.span { w.beginObject(); w.member("begin", span.lowerBound); w.member("end", span.upperBound); w.endObject() } else { w.null() }
        w.member("text", f.text); w.member("detail", f.detail); w.member("suggestion", f.suggestion); w.member("deducts", f.deducts)
        if let match = f.match { w.member("match", match.rawValue) }
        if !f.relatedTurns.isEmpty { w.key("related_turns"); w.beginArray(); for t in f.relatedTurns { w.number(t) }; w.endArray() }
        w.endObject()
    }

    public static func write(_ s: ScriptResult, to w: inout JSONWriter) {
        w.beginObject()
        w.member("id", s.id); w.member("title", s.title)
        w.member("coverage", rounded(s.coverage, 3)); w.member("in_order", s.inOrder)
        w.key("steps"); w.beginArray()
        for step in s.steps {
            w.beginObject()
            w.member("id", step.id); w.member("label", step.label); w.member("required", step.required)
            w.member("status", step.status.rawValue)
            w.member("turn", step.turn); w.member("start", step.start)
            w.member("similarity", step.similarity); w.member("text", step.text); w.member("conflict", step.conflict)
            w.key("near_miss")
            if let n = step.nearMiss {
                w.beginObject(); w.member("turn", n.turn); w.member("similarity", n.similarity)
                w.member("text", n.text); w.member("note", n.note); w.endObject()
            } else {
                w.null()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public static func write(_ problem: InputProblem, to w: inout JSONWriter) {
        w.beginObject()
        w.member("schema", errorSchema)
        w.member("source", problem.source)
        w.member("line", problem.line)
        w.member("error", problem.message)
        w.endObject()
    }

    static func rounded(_ v: Double?, _ places: Int) -> Double? {
        guard let v, v.isFinite else { return nil }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (v * scale).rounded() / scale
    }
}
