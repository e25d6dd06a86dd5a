/// The agent's speech rate must stay below `above` (or over `below`): per call,
/// from the countable characters (or words) of the timed agent turns over the
/// time of those turns, and per long turn as evidence. Calls without
/// timestamps are not measurable and get no finding: never a guess.
///
/// ```yaml
/// kind: speech-rate
/// above: 150          # characters a minute (words for `unit: words`)
/// long_turn_seconds: 15
/// ```
public struct SpeechRateCheck: CheckDefinition {
    static let kind = CheckKind.speechRate
    static let summary = "The agent's speech rate over the call outside the bound; long turns outside it too, as evidence that takes no points. Calls without timestamps are not measured: never a guess."
    static let parameters: [CheckParameter] = [
        CheckParameter("above", "characters (words) a minute", "too fast above this (give `above` or `below`)"),
        CheckParameter("below", "characters (words) a minute", "too slow below this"),
        CheckParameter("unit", "characters | words | auto", default: "auto", "auto: characters for Chinese, words for English"),
        CheckParameter("long_turn_seconds", "seconds", default: "15", "turns this long are judged on their own too (0: never)"),
    ]
    static let examplesNeed = ExampleNeeds.times
    static let yamlExample = """
        - id: pace.fast
          kind: speech-rate
          message: 语速过快
          section: pace
          deduction: 5
          above: 150
          examples:
            flag:
              - |
                [00:00-00:05] 坐席: 您好欢迎致电星联移动很高兴为您服务请问有什么可以帮到您
            pass:
              - |
                [00:00-00:15] 坐席: 您好欢迎致电星联移动很高兴为您服务请问有什么可以帮到您
        """

    public enum Unit: String, Sendable { case auto, characters, words }

    public var above: Double?
    public var below: Double?
    public var unit: Unit
    /// Turns at least this long are judged on their own too (0: never).
    public var longTurnSeconds: Double

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> SpeechRateCheck {
        let above = try fields.number("above", min: 1)
        let below = try fields.number("below", min: 1)
        if (above == nil) == (below == nil) {
            throw fields.node.error("a speech-rate rule needs exactly one of 'above' and 'below'", fix: "write 'above: 150' for too fast, 'below: 90' for too slow, as two rules")
        }
        let unitText = try fields.string("unit") ?? "auto"
        guard let unit = Unit(rawValue: unitText) else {
            throw fields.node.error("'unit' is '\(unitText)'", fix: "use characters, words or auto (characters for Chinese, words for English)")
        }
        return SpeechRateCheck(above: above, below: below, unit: unit, longTurnSeconds: try fields.number("long_turn_seconds", min: 0) ?? 15)
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let m = context.metrics
        let words: Bool
        switch unit {
        case .characters: words = false
        case .words: words = true
        case .auto: words = m.language.countsWords
        }
        let unitName = words ? "words" : "characters"
        guard let rate = words ? m.agentWordsPerMinute : m.agentCharsPerMinute else { return [] }
        var findings: [Finding] = []
        func outside(_ r: Double) -> Bool { (above.map { r > $0 } ?? false) || (below.map { r < $0 } ?? false) }
        let band = above.map { "at most \(JSONValue.format($0))" } ?? "at least \(JSONValue.format(below ?? 0))"
        if outside(rate) {
            findings.append(context.finding(header, turn: nil,
                                            detail: "\(Int(rate.rounded())) \(unitName) a minute over the agent's timed turns (standard: \(band))"))
        }
        guard longTurnSeconds > 0 else { return findings }
        for i in context.turns(of: header.roles) {
            let turn = context.call.turns[i]
            guard let seconds = CallMetrics.spokenDuration(turn), seconds >= longTurnSeconds else { continue }
            let profile = context.profiles[i]
            let r = Double(words ? profile.words : profile.countableCharacters) / (seconds / 60)
            if outside(r) {
                findings.append(context.finding(header, turn: i, detail: "this turn: \(Int(r.rounded())) \(unitName) a minute over \(JSONValue.format((seconds * 10).rounded() / 10)) s (standard: \(band))", deducts: false))
            }
        }
        return findings
    }
}

extension CheckKind {
    public static let speechRate = CheckKind(name: "speech-rate")
}
