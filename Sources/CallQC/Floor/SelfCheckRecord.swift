/// One self-check an agent made on the workbench, as the store keeps it for their history:
/// what was checked (the file name or a label, masked), when, the score and the finding counts.
/// Never the text itself.
public struct SelfCheckRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case transcript, draft }

    public var id: Int
    /// The user who checked it.
    public var user: String
    /// Their agent id when they have one, so a supervisor finds the history by agent.
    public var agentID: String?
    /// The file name, or "pasted text"; with the call's id when a file held several calls. Masked.
    public var label: String
    public var kind: Kind
    public var checkedAt: String
    /// Transcripts only.
    public var score: Double?
    public var maxScore: Double?
    public var grade: String?
    /// Findings (a draft: lint issues), in all and per severity.
    public var findings: Int
    public var critical: Int
    public var errors: Int
    public var warnings: Int

    public init(id: Int = 0, user: String, agentID: String?, label: String, kind: Kind, checkedAt: String, score: Double?, maxScore: Double?,
                grade: String?, findings: Int, critical: Int, errors: Int, warnings: Int) {
        self.id = id
        self.user = user
        self.agentID = agentID
        self.label = label
        self.kind = kind
        self.checkedAt = checkedAt
        self.score = score
        self.maxScore = maxScore
        self.grade = grade
        self.findings = findings
        self.critical = critical
        self.errors = errors
        self.warnings = warnings
    }
}
