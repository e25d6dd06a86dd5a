import CallQCText

/// Everything callqc says about one call.
public struct CallResult: Sendable {
    public var call: Call
    public var metrics: CallMetrics

    public init(call: Call, metrics: CallMetrics) {
        self.call = call
        self.metrics = metrics
    }

    /// Checks a call (for now: measures it).
    public static func check(_ call: Call, counter: SpeechCounter = SpeechCounter()) -> CallResult {
        CallResult(call: call, metrics: CallMetrics.measure(call, counter: counter))
    }
}

/// The JSON output contract (`callqc.result/1`, `callqc.error/1`), documented in docs/output.md.
public enum ResultJSON {
    public static let resultSchema = "callqc.result/1"
    public static let errorSchema = "callqc.error/1"

    public static func encode(_ result: CallResult) -> JSONValue {
        let call = result.call, m = result.metrics
        return .object([
            ("schema", .string(resultSchema)),
            ("tool", .object([("name", .string(CallQCVersion.name)), ("version", .string(CallQCVersion.version))])),
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
            ("metrics", .object([
                ("turns", .number(Double(m.turns))),
                ("agent_turns", .number(Double(m.agentTurns))),
                ("customer_turns", .number(Double(m.customerTurns))),
                ("duration", .number(rounded(m.duration, 3))),
                ("agent_talk_share", .number(rounded(m.agentTalkShare, 3))),
                ("talk_share_basis", .string(m.talkShareBasis?.rawValue)),
                ("agent_chars_per_minute", .number(rounded(m.agentCharsPerMinute, 1))),
                ("agent_words_per_minute", .number(rounded(m.agentWordsPerMinute, 1))),
                ("agent_characters", .number(Double(m.agentCharacters))),
                ("agent_words", .number(Double(m.agentWords))),
            ])),
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
