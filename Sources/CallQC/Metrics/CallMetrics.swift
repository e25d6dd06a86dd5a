import CallQCText

/// What can be measured of a call without rules: length, turns, who talked how
/// much and how fast, and what language it is in.
public struct CallMetrics: Sendable, Hashable {
    public var turns: Int
    public var agentTurns: Int
    public var customerTurns: Int
    /// Seconds from the first turn's start to the last turn's end; nil without timestamps.
    public var duration: Double?
    /// The agent's share of talk: of timed speech when turns have times, else of countable characters.
    public var agentTalkShare: Double?
    /// What the share was measured on.
    public var talkShareBasis: TalkShareBasis?
    /// Countable characters of the agent's timed turns per minute of those turns (Chinese calls).
    public var agentCharsPerMinute: Double?
    /// Words of the agent's timed turns per minute of those turns (English and other Latin-script calls).
    public var agentWordsPerMinute: Double?
    /// Countable characters and words the agent said.
    public var agentCharacters: Int
    public var agentWords: Int
    /// The call's language: declared in the source, or guessed from its text.
    public var language: LanguageGuess
    /// Whether the language was declared by the source (rather than guessed).
    public var languageDeclared: Bool
    /// The longest gap between timed turns, in seconds.
    public var longestSilence: Double?

    public enum TalkShareBasis: String, Sendable, Hashable { case time, characters }

    /// Timed agent speech shorter than this gives no rate: too little to judge.
    public static let minimumTimedSeconds = 3.0

    /// Measures a call.
    public static func measure(_ call: Call, counter: SpeechCounter = SpeechCounter()) -> CallMetrics {
        measure(call, profiles: call.turns.map { counter.profile($0.text) })
    }

    /// Measures a call whose turns' speech profiles are already counted.
    public static func measure(_ call: Call, profiles: [SpeechProfile]) -> CallMetrics {
        let total = profiles.reduce(SpeechProfile(), +)
        var language = total.guess
        var declared = false
        if let declaredLanguage = call.language.flatMap(CallMetrics.language(declared:)) {
            language = declaredLanguage
            declared = true
        }

        // One pass over the turns in place (no copies of their texts).
        var first = Double.infinity, last = -Double.infinity, timed = false
        var agentTime = 0.0, allTime = 0.0
        var agentChars = 0, allChars = 0, agentWords = 0, agentTurns = 0, customerTurns = 0
        var timedAgentChars = 0, timedAgentWords = 0, timedAgentSeconds = 0.0
        call.turns.withUnsafeBufferPointer { turns in
            for i in 0..<min(turns.count, profiles.count) {
                let profile = profiles[i]
                if let s = turns[i].start { timed = true; first = min(first, s); last = max(last, turns[i].end ?? s) }
                let isAgent = turns[i].role == .agent
                if isAgent { agentTurns += 1 } else if turns[i].role == .customer { customerTurns += 1 }
                allChars += profile.countableCharacters
                if isAgent {
                    agentChars += profile.countableCharacters
                    agentWords += profile.words
                }
                if let d = CallMetrics.spokenDuration(turns[i]) {
                    allTime += d
                    if isAgent {
                        agentTime += d
                        timedAgentChars += profile.countableCharacters
                        timedAgentWords += profile.words
                        timedAgentSeconds += d
                    }
                }
            }
        }
        var m = CallMetrics(
            turns: call.turns.count,
            agentTurns: agentTurns,
            customerTurns: customerTurns,
            duration: nil, agentTalkShare: nil, talkShareBasis: nil,
            agentCharsPerMinute: nil, agentWordsPerMinute: nil,
            agentCharacters: agentChars, agentWords: agentWords,
            language: language, languageDeclared: declared,
            longestSilence: timed ? (SilenceCheck.gaps(in: call).map { $0.3 - $0.2 }.max() ?? 0) : nil
        )
        if timed { m.duration = last - first }
        if allTime > 0 {
            m.agentTalkShare = agentTime / allTime
            m.talkShareBasis = .time
        } else if allChars > 0 {
            m.agentTalkShare = Double(agentChars) / Double(allChars)
            m.talkShareBasis = .characters
        }
        if timedAgentSeconds >= minimumTimedSeconds {
            let minutes = timedAgentSeconds / 60
            if language.countsWords {
                m.agentWordsPerMinute = Double(timedAgentWords) / minutes
            } else {
                m.agentCharsPerMinute = Double(timedAgentChars) / minutes
            }
        }
        return m
    }

    /// How long a turn's speech lasted: from its first to its last word where
    /// words are timed (a refinement of the turn's span), else end − start.
    public static func spokenDuration(_ turn: Turn) -> Double? {
        if turn.words.isEmpty {
            guard let d = turn.duration, d > 0 else { return nil }
            return d
        }
        let wordStarts = turn.words.compactMap(\.start), wordEnds = turn.words.compactMap(\.end)
        if let s = wordStarts.min(), let e = wordEnds.max(), e > s { return e - s }
        guard let d = turn.duration, d > 0 else { return nil }
        return d
    }

    /// The language a source declares: `zh`, `zh-CN`, `zh-TW`, `zh-Hant`, `cmn`, `en-US`, `中文`…
    public static func language(declared: String) -> LanguageGuess? {
        let d = declared.lowercased().replacingUnderscores()
        if d.hasPrefix("zh-hant") || d == "zh-tw" || d == "zh-hk" || d == "zh-mo" || d == "繁体中文" || d == "繁體中文" { return .chineseTraditional }
        if d.hasPrefix("zh") || d.hasPrefix("cmn") || d == "chinese" || d == "中文" || d == "普通话" || d == "简体中文" { return .chineseSimplified }
        if d.hasPrefix("en") || d == "english" || d == "英文" || d == "英语" { return .english }
        return nil
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
