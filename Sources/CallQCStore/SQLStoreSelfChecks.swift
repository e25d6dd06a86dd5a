import CallQC
import Foundation

/// The workbench's self-checks in the store (migration `v8-self-checks`): a row per checked call
/// or draft with the label, time, score and finding counts, never the text.
extension SQLStore {
    /// Records a self-check; returns its id. The label is masked here whatever the caller did:
    /// a file named after a customer's number must not keep the number in the history.
    @discardableResult
    public func addSelfCheck(_ record: SelfCheckRecord) throws -> Int {
        if record.user.isEmpty { throw FloorError("a self-check names the user who made it") }
        let label = Redactor().redact(record.label)
        return try database.write { db in
            Int(try db.insert("""
                INSERT INTO self_checks ("user", agent_id, label, kind, checked_at, score, max_score, grade, findings, critical, errors, warnings)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [record.user, record.agentID, label, record.kind.rawValue, record.checkedAt.isEmpty ? FloorTime.now : record.checkedAt,
                      record.score, record.maxScore, record.grade, record.findings, record.critical, record.errors, record.warnings]))
        }
    }

    /// Self-checks newest first: of one user, or of every user with an agent id (both nil: all), at most `limit`.
    public func selfChecks(user: String? = nil, agentID: String? = nil, limit: Int = 500) throws -> [SelfCheckRecord] {
        var conditions: [String] = [], args: [any SQLBindable] = []
        if let user { conditions.append("\"user\" = ?"); args.append(user) }
        if let agentID { conditions.append("agent_id = ?"); args.append(agentID) }
        let condition = conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND ")
        return try database.read { db in
            try db.rows("SELECT * FROM self_checks WHERE \(condition) ORDER BY checked_at DESC, id DESC LIMIT \(max(0, limit))", args).map { row in
                SelfCheckRecord(id: row["id"], user: row["user"], agentID: row["agent_id"], label: row["label"],
                                kind: SelfCheckRecord.Kind(rawValue: row["kind"]) ?? .transcript, checkedAt: row["checked_at"],
                                score: row["score"], maxScore: row["max_score"], grade: row["grade"], findings: row["findings"],
                                critical: row["critical"], errors: row["errors"], warnings: row["warnings"])
            }
        }
    }
}
