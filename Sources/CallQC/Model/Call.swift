/// Who speaks a turn.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    case agent
    case customer
    case other
}

/// A word with its own timing, where a recogniser gives word-level times.
public struct Word: Sendable, Hashable {
    public var text: String
    public var start: Double?
    public var end: Double?

    public init(text: String, start: Double? = nil, end: Double? = nil) {
        self.text = text
        self.start = start
        self.end = end
    }
}

/// One speaker's turn in a call.
public struct Turn: Sendable, Hashable {
    public var role: Role
    /// The speaker label as the source wrote it (`坐席`, `Agent`, `SPEAKER_01`…).
    public var speaker: String
    /// Start and end in seconds from the start of the recording, when known.
    public var start: Double?
    public var end: Double?
    public var text: String
    /// Word-level timings, when the source has them.
    public var words: [Word]

    public init(role: Role, speaker: String, start: Double? = nil, end: Double? = nil, text: String, words: [Word] = []) {
        self.role = role
        self.speaker = speaker
        self.start = start
        self.end = end
        self.text = text
        self.words = words
    }

    /// Seconds from start to end, when both are known and in order.
    public var duration: Double? {
        guard let s = start, let e = end, e >= s else { return nil }
        return e - s
    }
}

/// A call: who, when, where it came from, and its turns in order.
public struct Call: Sendable, Hashable {
    public var id: String
    public var agent: String?
    /// The call's date as written (`2026-11-20`).
    public var date: String?
    /// The language the source declares (`zh`, `zh-TW`, `en`…), if any.
    public var language: String?
    /// The script (questionnaire) the call follows, if named.
    public var script: String?
    /// Where the call was read from (a path, or `-` for standard input).
    public var source: String?
    /// Any other key–value metadata from the source.
    public var metadata: [String: String]
    public var turns: [Turn]
    /// The call's recording, when the source names one (`# audio:`, `"audio"`, a recogniser's
    /// media field) or `--audio-root` finds it: a path, or a URL kept as a reference (never fetched).
    public var audio: String?

    public init(id: String, agent: String? = nil, date: String? = nil, language: String? = nil, script: String? = nil,
                source: String? = nil, metadata: [String: String] = [:], turns: [Turn] = [], audio: String? = nil) {
        self.audio = audio
        self.id = id
        self.agent = agent
        self.date = date
        self.language = language
        self.script = script
        self.source = source
        self.metadata = metadata
        self.turns = turns
    }
}
