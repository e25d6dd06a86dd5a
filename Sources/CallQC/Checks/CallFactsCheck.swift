import CallQCText

/// Facts about the whole call compared with thresholds: how long, how many turns, the agent's
/// share of talk, the longest silence, who spoke first and last, whether the call ends on a
/// question. A finding when every fact the rule states holds (a short call the customer ends
/// on a question nobody answered: an abnormal hang-up). A fact the call cannot give (a
/// duration without times) holds for no call.
struct CallFactsCheck: CheckDefinition {
    /// A number compared: `{below: 30}`, `{at_least: 0.8}`, or a range of two.
    struct Bound: Sendable, Hashable {
        var below: Double?
        var above: Double?
        var atMost: Double?
        var atLeast: Double?

        func holds(_ v: Double) -> Bool {
            (below.map { v < $0 } ?? true) && (above.map { v > $0 } ?? true)
                && (atMost.map { v <= $0 } ?? true) && (atLeast.map { v >= $0 } ?? true)
        }

        var description: String {
            [below.map { "below \(JSONValue.format($0))" }, above.map { "above \(JSONValue.format($0))" },
             atMost.map { "at most \(JSONValue.format($0))" }, atLeast.map { "at least \(JSONValue.format($0))" }]
                .compactMap { $0 }.joined(separator: " and ")
        }

        static func parse(_ fields: inout FieldReader, key: String) throws(RuleError) -> Bound? {
            guard var f = try fields.mapping(key) else { return nil }
            let b = Bound(below: try f.number("below"), above: try f.number("above"), atMost: try f.number("at_most"), atLeast: try f.number("at_least"))
            if b == Bound() { throw f.node.error("'\(key)' compares with nothing", fix: "write '\(key): {below: 30}' (or above, at_most, at_least)") }
            try f.finish()
            return b
        }
    }

    static let kind = CheckKind.call
    static let summary = "A call whose facts all hold as the rule states them: `duration` (seconds), `turns`, `agent_share` of talk, `longest_silence` (seconds), `silence_share` (longest silence over duration), `first_speaker`, `last_speaker`, `ends_on_question`. Abnormal hang-up, a too-short call, a monologue. A fact the call cannot give (no times) never holds. The finding is on the last (first) turn when a fact is about it."
    static let parameters: [CheckParameter] = [
        CheckParameter("duration", "{below, above, at_most, at_least}", "seconds from the first turn's start to the last turn's end"),
        CheckParameter("turns", "{below, above, at_most, at_least}", "how many turns"),
        CheckParameter("agent_share", "{below, above, at_most, at_least}", "the agent's share of talk, 0…1 (of time, else of characters)"),
        CheckParameter("longest_silence", "{below, above, at_most, at_least}", "the longest gap between timed turns, seconds"),
        CheckParameter("silence_share", "{below, above, at_most, at_least}", "the longest gap over the duration, 0…1"),
        CheckParameter("first_speaker", "agent | customer | other", "who spoke first"),
        CheckParameter("last_speaker", "agent | customer | other", "who spoke last"),
        CheckParameter("ends_on_question", "true or false", "the last turn asks a question (？, 吗, 是不是…)"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.conversation
    static let yamlExample = """
        - id: call.hang-up
          kind: call
          message: 异常挂机：客户提问后通话即结束
          section: listening
          deduction: 5
          duration: {below: 60}
          last_speaker: customer
          ends_on_question: true
          examples:
            flag:
              - |
                [00:00-00:03] 坐席: 您好，请讲。
                [00:04-00:09] 客户: 我的宽带怎么又断了？
            pass:
              - |
                [00:00-00:03] 坐席: 您好，请讲。
                [00:04-00:09] 客户: 我的宽带怎么又断了？
                [00:10-00:15] 坐席: 我帮您查一下，请稍等。
        """

    var duration: Bound?
    var turns: Bound?
    var agentShare: Bound?
    var longestSilence: Bound?
    var silenceShare: Bound?
    var firstSpeaker: Role?
    var lastSpeaker: Role?
    var endsOnQuestion: Bool?

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> CallFactsCheck {
        func role(_ key: String, _ fields: inout FieldReader) throws(RuleError) -> Role? {
            guard let text = try fields.string(key) else { return nil }
            guard let r = Role(rawValue: text) else { throw fields.node.error("'\(key)' is '\(text)'", fix: "use agent, customer or other") }
            return r
        }
        let check = CallFactsCheck(
            duration: try Bound.parse(&fields, key: "duration"), turns: try Bound.parse(&fields, key: "turns"),
            agentShare: try Bound.parse(&fields, key: "agent_share"), longestSilence: try Bound.parse(&fields, key: "longest_silence"),
            silenceShare: try Bound.parse(&fields, key: "silence_share"),
            firstSpeaker: try role("first_speaker", &fields), lastSpeaker: try role("last_speaker", &fields),
            endsOnQuestion: try fields.bool("ends_on_question"))
        if check.duration == nil, check.turns == nil, check.agentShare == nil, check.longestSilence == nil, check.silenceShare == nil,
           check.firstSpeaker == nil, check.lastSpeaker == nil, check.endsOnQuestion == nil {
            throw fields.node.error("a call rule states no fact", fix: "add a fact such as 'duration: {below: 20}' or 'last_speaker: customer'")
        }
        return check
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    /// Whether a turn asks something: a question mark; a Chinese question ending (吗, 么, 呢);
    /// an A-not-A question anywhere (是不是, 能不能, 有没有…), which recognisers leave unpunctuated
    /// (`是不是又断网了`); or a question word (什么时候, 为什么, 怎么办, 多少钱, 哪里).
    static func isQuestion(_ text: String, folded: String) -> Bool {
        let trimmed = text.trimmed()
        if trimmed.hasSuffix("?") || trimmed.hasSuffix("？") { return true }
        if ["吗", "么", "嘛", "呢"].contains(where: { folded.hasSuffix($0) }) && !folded.hasSuffix("好的呢") { return true }
        let asks = ["是不是", "对不对", "好不好", "行不行", "有没有", "能不能", "会不会", "可不可以", "要不要", "什么时候", "为什么", "怎么办", "怎么回事", "多少钱", "哪里", "几点"]
        return asks.contains { folded.contains($0) }
    }

    /// The indices of the turns with speech, first and last.
    static func spoken(_ context: CheckContext) -> (first: Int, last: Int)? {
        guard let first = context.folded.firstIndex(where: { !$0.isEmpty }),
              let last = context.folded.lastIndex(where: { !$0.isEmpty }) else { return nil }
        return (first, last)
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let m = context.metrics
        var facts: [String] = []
        func check(_ bound: Bound?, _ value: Double?, _ name: String, unit: String = "") -> Bool {
            guard let bound else { return true }
            guard let value, bound.holds(value) else { return false }
            facts.append("\(name) \(JSONValue.format((value * 100).rounded() / 100))\(unit) (\(bound.description))")
            return true
        }
        guard check(duration, m.duration, "duration", unit: " s"), check(turns, Double(m.turns), "turns"),
              check(agentShare, m.agentTalkShare, "agent share"), check(longestSilence, m.longestSilence, "longest silence", unit: " s"),
              check(silenceShare, m.duration.flatMap { d in d > 0 ? (m.longestSilence ?? 0) / d : nil }, "silence share")
        else { return [] }
        var turn: Int?
        if firstSpeaker != nil || lastSpeaker != nil || endsOnQuestion != nil {
            guard let (first, last) = CallFactsCheck.spoken(context) else { return [] }
            if let r = firstSpeaker {
                guard context.call.turns[first].role == r else { return [] }
                facts.append("first speaker \(r.rawValue)")
                turn = first
            }
            if let r = lastSpeaker {
                guard context.call.turns[last].role == r else { return [] }
                facts.append("last speaker \(r.rawValue)")
                turn = last
            }
            if let q = endsOnQuestion {
                let asks = CallFactsCheck.isQuestion(context.call.turns[last].text, folded: context.folded[last].string)
                guard asks == q else { return [] }
                facts.append(q ? "ends on a question: \(context.quote(turn: last))" : "does not end on a question")
                turn = last
            }
        }
        return [context.finding(header, turn: turn, detail: facts.joined(separator: "; "))]
    }
}

extension CheckKind {
    public static let call = CheckKind(name: "call")
}
