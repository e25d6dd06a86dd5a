/// An outbound script or questionnaire: ordered steps the agent must say.
/// Loaded from YAML (see docs/scripts.md).
public struct Script: Sendable {
    public var id: String
    public var title: String
    public var language: String?
    public var steps: [ScriptStep]
    /// Where it was loaded from.
    public var file: String
}

/// One step of a script: how it may be said, and whether it must be.
public struct ScriptStep: Sendable {
    public var id: String
    public var label: String
    public var required: Bool
    /// Alternative phrasings; the best one counts.
    public var phrasings: [Phrase]
    /// Key phrases that must all appear (exactly, after folding) for the step to count.
    public var keys: [Phrase]
    /// Similarity needed for the step to count as said (0…1).
    public var threshold: Double
    public var examples: [ScriptExample]
    public var line: Int
}

/// A sentence that must (or must not) count as saying a step.
public struct ScriptExample: Sendable {
    public var text: String
    public var mustMatch: Bool
    public var file: String
    public var line: Int
}

/// What became of each step in a call.
public struct ScriptResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case present, missing, outOfOrder = "out-of-order" }

    /// The agent turn that came nearest to a step that was not said.
    public struct NearMiss: Sendable, Hashable {
        /// 1-based turn.
        public var turn: Int
        public var similarity: Double
        /// The closest stretch of the turn, as written.
        public var text: String
        /// Why it did not count when it was close enough: a missing key phrase.
        public var note: String?
    }

    public struct Step: Sendable, Hashable {
        public var id: String
        public var label: String
        public var required: Bool
        public var status: Status
        /// 1-based turn where it was said.
        public var turn: Int?
        public var start: Double?
        public var similarity: Double?
        /// What was said, as written.
        public var text: String?
        /// For steps out of order: a step the script puts before this one but that was said after it
        /// (or, for a step said late, one the script puts after it but that was said before).
        public var conflict: String?
        public var nearMiss: NearMiss?
    }

    public var id: String
    public var title: String
    public var steps: [Step]

    /// Required steps said (in or out of order) / required steps.
    public var coverage: Double {
        let required = steps.filter(\.required)
        guard !required.isEmpty else { return 1 }
        return Double(required.filter { $0.status != .missing }.count) / Double(required.count)
    }

    public var inOrder: Bool { !steps.contains { $0.status == .outOfOrder } }
}
