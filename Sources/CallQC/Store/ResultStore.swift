/// Where results are kept between runs. SQLite (``CallQCStore``) is the embedded
/// default; a server database can implement the same protocol.
public protocol ResultStore: Sendable {
    /// Saves results in one transaction: all of them or none. A transcript already
    /// checked with the same rule set version is replaced; a new version adds a result beside the old.
    func save(_ results: [CallResult]) throws
    /// The latest result of each call whose date is in the range (inclusive; nil: open).
    func summaries(from: String?, to: String?) throws -> [CallSummary]
    /// The latest full result of a call, with its transcript. The reference is a call id, or, where
    /// several stored transcripts share an id, the call's ``CallSummary/key`` (`ID@DATE` or
    /// `ID@HASHPREFIX`) or content hash; an id that names several calls throws ``AmbiguousCallReference``.
    func detail(callID: String) throws -> StoredResult?
    /// Records a reviewer's verdict.
    func record(_ review: Review) throws
    /// All reviews, oldest first.
    func reviews() throws -> [Review]
    /// Adds a case to the library; returns its id.
    func addCase(_ c: TrainingCase) throws -> Int
    /// The library, oldest first.
    func cases() throws -> [TrainingCase]
}

/// What reports and sampling need of a stored result.
public struct CallSummary: Sendable, Hashable {
    public struct FindingSummary: Sendable, Hashable {
        public var rule: String
        public var severity: Severity
        public var section: String
        /// Points the finding takes (0 once struck).
        public var points: Double
        /// Whether an accepted appeal struck the finding (see ``StrikeLedger``).
        public var struck = false

        public init(rule: String, severity: Severity, section: String, points: Double) {
            self.rule = rule
            self.severity = severity
            self.section = section
            self.points = points
        }
    }

    public struct SectionSummary: Sendable, Hashable {
        public var id: String
        public var title: String
        public var score: Double
        public var max: Double

        public init(id: String, title: String, score: Double, max: Double) {
            self.id = id
            self.title = title
            self.score = score
            self.max = max
        }
    }

    public var callID: String
    /// What names this call in the store: its id, or `ID@DATE` / `ID@HASHPREFIX` when other
    /// stored transcripts share the id. Pages, queues and `callqc review` take it.
    public var key: String
    public var agent: String?
    public var date: String?
    public var source: String?
    public var contentHash: String
    public var ruleSet: String
    public var ruleSetVersion: String
    public var score: Double?
    public var maxScore: Double?
    public var grade: String?
    public var veto: Bool
    public var vetoRules: [String]
    public var agentCharsPerMinute: Double?
    public var agentWordsPerMinute: Double?
    public var duration: Double?
    public var findings: [FindingSummary]
    public var sections: [SectionSummary]

    public init(callID: String, agent: String?, date: String?, source: String?, contentHash: String, ruleSet: String,
                ruleSetVersion: String, score: Double?, maxScore: Double?, grade: String?, veto: Bool, vetoRules: [String],
                agentCharsPerMinute: Double?, agentWordsPerMinute: Double?, duration: Double?,
                findings: [FindingSummary], sections: [SectionSummary]) {
        self.callID = callID
        self.key = callID
        self.agent = agent
        self.date = date
        self.source = source
        self.contentHash = contentHash
        self.ruleSet = ruleSet
        self.ruleSetVersion = ruleSetVersion
        self.score = score
        self.maxScore = maxScore
        self.grade = grade
        self.veto = veto
        self.vetoRules = vetoRules
        self.agentCharsPerMinute = agentCharsPerMinute
        self.agentWordsPerMinute = agentWordsPerMinute
        self.duration = duration
        self.findings = findings
        self.sections = sections
    }

    /// A summary of a result, as a store keeps it.
    public init(_ r: CallResult) {
        let points = Format.deductions(r)
        self.init(callID: r.call.id, agent: r.call.agent, date: r.call.date, source: r.call.source,
                  contentHash: ContentHash.of(r.call), ruleSet: r.ruleSet?.name ?? "", ruleSetVersion: r.ruleSet?.version ?? "",
                  score: r.scorecard?.total, maxScore: r.scorecard?.max, grade: r.scorecard?.grade,
                  veto: r.scorecard?.veto ?? false, vetoRules: r.scorecard?.vetoRules ?? [],
                  agentCharsPerMinute: r.metrics.agentCharsPerMinute, agentWordsPerMinute: r.metrics.agentWordsPerMinute,
                  duration: r.metrics.duration,
                  findings: r.findings.enumerated().map { i, f in
                      FindingSummary(rule: f.rule, severity: f.severity, section: f.section, points: points[i] ?? 0)
                  },
                  sections: (r.scorecard?.sections ?? []).map { SectionSummary(id: $0.id, title: $0.title, score: $0.score, max: $0.max) })
    }
}

/// A stored result in full: the result JSON and the transcript.
public struct StoredResult: Sendable {
    public var summary: CallSummary
    /// The `callqc.result/1` object as written at check time.
    public var result: JSONValue
    public var call: Call
    public var checkedAt: String

    public init(summary: CallSummary, result: JSONValue, call: Call, checkedAt: String) {
        self.summary = summary
        self.result = result
        self.call = call
        self.checkedAt = checkedAt
    }
}

extension StoredResult {
    /// Where each finding of the result is: its rule and turn (nil for the whole call), read from
    /// the stored JSON, so findings of kinds this version does not know count too.
    public var findingPlaces: [(rule: String, turn: Int?)] {
        (result["findings"]?.arrayValue ?? []).compactMap { f in
            guard let rule = f["rule"]?.stringValue else { return nil }
            return (rule, f["turn"]?.numberValue.map { Int($0) })
        }
    }
}

/// A reviewer's verdict on a call.
public struct Review: Sendable, Hashable {
    public var callID: String
    public var reviewedAt: String
    public var reviewer: String?
    /// The human score for the whole call.
    public var score: Double?
    /// Human scores per section, where the reviewer gave them.
    public var sectionScores: [String: Double]
    /// Rules whose findings the reviewer found right.
    public var confirmed: [String]
    /// Rules whose findings the reviewer found wrong.
    public var rejected: [String]
    /// What the machine missed: a rule that should have fired on a turn.
    public var missed: [MissedFinding]
    public var note: String?
    /// The transcript reviewed (calls may share an id); nil for reviews of calls not in the store.
    public var contentHash: String?

    public init(callID: String, reviewedAt: String, reviewer: String? = nil, score: Double? = nil, sectionScores: [String: Double] = [:],
                confirmed: [String] = [], rejected: [String] = [], missed: [MissedFinding] = [], note: String? = nil,
                contentHash: String? = nil) {
        self.contentHash = contentHash
        self.callID = callID
        self.reviewedAt = reviewedAt
        self.reviewer = reviewer
        self.score = score
        self.sectionScores = sectionScores
        self.confirmed = confirmed
        self.rejected = rejected
        self.missed = missed
        self.note = note
    }
}

/// A finding the machine should have made and did not, as a reviewer marks it: `taboo.dont-know@3`.
public struct MissedFinding: Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    /// 1-based turn number in the call.
    public var turn: Int
    public var note: String?

    public init(rule: String, turn: Int, note: String? = nil) {
        self.rule = rule
        self.turn = turn
        self.note = note
    }

    /// `RULE@TURN` → the miss; nil when it is not of that form (a rule id without spaces, a turn from 1).
    public init?(parsing text: String, note: String? = nil) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let rule = String(text[..<at]).trimmed()
        guard !rule.isEmpty, !rule.contains(where: \.isWhitespace), let turn = Int(String(text[text.index(after: at)...]).trimmed()), turn >= 1 else { return nil }
        self.init(rule: rule, turn: turn, note: note)
    }

    public var description: String { "\(rule)@\(turn)" }
}

/// A call id that names several stored transcripts (the same id on other days or from other sources).
public struct AmbiguousCallReference: Error, CustomStringConvertible, Sendable {
    public var reference: String
    /// Each call's key and source.
    public var candidates: [(key: String, source: String?)]

    public init(reference: String, candidates: [(key: String, source: String?)]) {
        self.reference = reference
        self.candidates = candidates
    }

    public var description: String {
        "call id '\(reference)' names \(candidates.count) stored calls: "
            + candidates.map { "\($0.key) (\($0.source ?? "no source"))" }.joined(separator: ", ") + "; give one of these"
    }
}

/// Two transcripts with the same call id: both are kept, under different keys.
public struct CallIDCollision: Sendable, Hashable {
    public var callID: String
    public var date: String?
    public var source: String?
    public var otherDate: String?
    public var otherSource: String?

    public init(callID: String, date: String?, source: String?, otherDate: String?, otherSource: String?) {
        self.callID = callID
        self.date = date
        self.source = source
        self.otherDate = otherDate
        self.otherSource = otherSource
    }

    public var message: String {
        "call id \(callID) (\(date ?? "no date")) is also the id of another transcript, \(otherSource ?? "no source") (\(otherDate ?? "no date")); both are kept: name them as ID@DATE where one is asked for"
    }
}

/// A stable fingerprint of a transcript: the same calls and turns give the same hash,
/// wherever the file lies (the source path is left out).
public enum ContentHash {
    public static func of(_ call: Call) -> String {
        var c = call
        // Where it was read from and where its recording is are not the transcript.
        c.source = nil
        c.audio = nil
        let text = CallJSON.encode(c).compact()
        // FNV-1a, 64 bits, twice with different offsets: 128 bits of fingerprint.
        var a: UInt64 = 0xcbf29ce484222325, b: UInt64 = 0x84222325cbf29ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100000001b3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x100000001b3
        }
        func hex(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return hex(a) + hex(b)
    }
}

/// What a reviewer may give: scores between 0 and the scorecard's maximum (100 when the
/// result has none), for the whole call and per section, and only sections the scorecard has.
public enum ReviewLimits {
    public struct Problem: Sendable, Hashable {
        public var english: String
        public var chinese: String
    }

    public static func problem(score: Double?, sections: [String: Double], of call: CallSummary) -> Problem? {
        let max = call.maxScore ?? 100
        if let score, !(score.isFinite && score >= 0 && score <= max) {
            return Problem(english: "the score must be between 0 and the scorecard's maximum of \(Format.points(max)) points, found \(JSONValue.format(score))",
                           chinese: "人工评分必须在 0 到评分表满分 \(Format.points(max)) 之间，收到 \(JSONValue.format(score))。")
        }
        for (id, points) in sections.sorted(by: { $0.key < $1.key }) {
            guard let section = call.sections.first(where: { $0.id == id }) else {
                if call.sections.isEmpty { continue }
                return Problem(english: "the scorecard has no section '\(id)' (its sections: \(call.sections.map(\.id).joined(separator: ", ")))",
                               chinese: "评分表没有评分项 '\(id)'（评分项：\(call.sections.map(\.id).joined(separator: ", "))）。")
            }
            if !(points.isFinite && points >= 0 && points <= section.max) {
                return Problem(english: "section \(id): the score must be between 0 and its maximum of \(Format.points(section.max)) points, found \(JSONValue.format(points))",
                               chinese: "评分项 \(id) 的人工评分必须在 0 到满分 \(Format.points(section.max)) 之间，收到 \(JSONValue.format(points))。")
            }
        }
        return nil
    }
}
