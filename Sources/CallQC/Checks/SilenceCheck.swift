/// No dead air: a finding for each gap between turns longer than `threshold`
/// seconds, unless the agent announced a hold just before it (`hold_phrases`,
/// up to `max_hold` seconds).
public struct SilenceCheck: CheckDefinition {
    static let kind = CheckKind.silence
    static let summary = "Gaps between timed turns longer than `threshold`, except after an agent turn that announced a hold (`请您稍等`), up to `max_hold`."
    static let parameters: [CheckParameter] = [
        CheckParameter("threshold", "seconds", default: "5", "the longest gap allowed"),
        .phrases("hold_phrases", "an agent turn with one announces a hold (请您稍等)"),
        CheckParameter("max_hold", "seconds", default: "60", "the longest announced hold"),
    ]
    static let examplesNeed = ExampleNeeds.times
    static let yamlExample = """
        - id: listening.silence
          kind: silence
          message: 冷场超过 8 秒
          section: listening
          deduction: 2
          threshold: 8
          hold_phrases: [请您稍等, 请稍等]
          examples:
            flag:
              - |
                [00:00-00:04] 客户: 帮我查一下话费。
                [00:15-00:18] 坐席: 查到了。
            pass:
              - |
                [00:00-00:04] 坐席: 请您稍等，我帮您查一下。
                [00:30-00:33] 坐席: 感谢您的耐心等待，查到了。
        """

    public var threshold: Double
    public var holdPhrases: [Phrase]
    public var maxHold: Double

    var phraseLists: [(name: String, phrases: [Phrase])] { [("hold_phrases", holdPhrases)] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> SilenceCheck {
        SilenceCheck(threshold: try fields.number("threshold", min: 0.1) ?? 5,
                     holdPhrases: try context.phrases(&fields, key: "hold_phrases", required: false),
                     maxHold: try fields.number("max_hold", min: 0) ?? 60)
    }

    /// Gaps between timed turns: (turn before, turn after, from, to), 0-based.
    static func gaps(in call: Call) -> [(Int, Int, Double, Double)] {
        // Timed turns by start (ties in turn order), read in place: no copies of the turns.
        var timed: [(start: Double, end: Double, index: Int)] = []
        call.turns.withUnsafeBufferPointer { turns in
            timed.reserveCapacity(turns.count)
            for i in 0..<turns.count { if let s = turns[i].start { timed.append((s, turns[i].end ?? s, i)) } }
        }
        var ordered = true
        for k in timed.indices.dropFirst() where timed[k].start < timed[k - 1].start { ordered = false; break }
        if !ordered { timed.sort { $0.start != $1.start ? $0.start < $1.start : $0.index < $1.index } }
        var gaps: [(Int, Int, Double, Double)] = []
        var lastEnd: Double?
        var lastTurn = 0
        for t in timed {
            if let e = lastEnd, t.start > e { gaps.append((lastTurn, t.index, e, t.start)) }
            if lastEnd == nil || t.end >= lastEnd! { lastEnd = t.end; lastTurn = t.index }
        }
        return gaps
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let holds = Set(context.hits(rule: rule, list: "hold_phrases").map(\.turn))
        return SilenceCheck.gaps(in: context.call).compactMap { before, after, from, to in
            let length = to - from
            guard length > threshold else { return nil }
            if holds.contains(before), context.call.turns[before].role == .agent, length <= maxHold { return nil }
            return context.finding(header, turn: after,
                                   detail: "\(JSONValue.format((length * 10).rounded() / 10)) s of silence from \(CheckContext.time(from)) to \(CheckContext.time(to)), after turn \(before + 1)",
                                   start: from, end: to)
        }
    }
}

extension CheckKind {
    public static let silence = CheckKind(name: "silence")
}
