import CallQC
import Foundation

/// The case library in the store: training cases made from stored calls, and sharing them with the agent.
extension SQLStore {
    public func addCase(_ c: TrainingCase) throws -> Int {
        let excerpt = JSONValue.array(c.excerpt.map { t in
            .object([("role", .string(t.role.rawValue)), ("speaker", .string(t.speaker)), ("start", .number(t.start)),
                     ("end", .number(t.end)), ("text", .string(t.text))])
        }).compact()
        let findings = JSONValue.object([("findings", .array(c.findings.map(ResultJSON.encode)))]).compact()
        let aspects = JSONValue.object(TrainingCase.aspectNames.map { ($0, .string(c.aspects[$0] ?? "")) }).compact()
        return try database.write { db in
            return Int(try db.insert("""
                INSERT INTO cases (call_id, agent, date, category, category_suggested, title, note, first_turn, last_turn,
                    excerpt, findings, score, grade, complaint_type, aspects, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [c.callID, c.agent, c.date, c.category.rawValue, c.categorySuggested, c.title, c.note,
                                 c.turns.lowerBound, c.turns.upperBound, excerpt, findings, c.score, c.grade,
                                 c.complaintType?.rawValue, aspects, c.createdAt]))
        }
    }

    public func cases() throws -> [TrainingCase] {
        let rows = try database.read { db in try db.rows("SELECT * FROM cases ORDER BY id") }
        return try rows.map { row in
            let excerptJSON = try JSONParser.parse((row["excerpt"] as String?) ?? "[]")
            let excerpt: [Turn] = (excerptJSON.arrayValue ?? []).map { t in
                Turn(role: t["role"]?.stringValue.flatMap(Role.init(rawValue:)) ?? .other, speaker: t["speaker"]?.stringValue ?? "",
                     start: t["start"]?.numberValue, end: t["end"]?.numberValue, text: t["text"]?.stringValue ?? "")
            }
            let findings = ResultJSON.decodeFindings(try JSONParser.parse((row["findings"] as String?) ?? "{}"))
            let aspectsJSON = try JSONParser.parse((row["aspects"] as String?) ?? "{}")
            var aspects: [String: String] = [:]
            for (k, v) in aspectsJSON.objectValue ?? [] { aspects[k] = v.stringValue }
            let first: Int = row["first_turn"], last: Int = row["last_turn"]
            var c = TrainingCase(id: row["id"], callID: row["call_id"], agent: row["agent"], date: row["date"],
                                category: TrainingCase.Category(rawValue: row["category"]) ?? .enquiry,
                                categorySuggested: row["category_suggested"], title: row["title"], note: row["note"],
                                turns: first...max(first, last), excerpt: excerpt, findings: findings, score: row["score"], grade: row["grade"],
                                complaintType: (row["complaint_type"] as String?).flatMap(TrainingCase.ComplaintType.init(rawValue:)),
                                aspects: aspects, createdAt: row["created_at"])
            c.sharedWithAgent = (row["shared_with_agent"] as Bool?) ?? false
            return c
        }
    }

    /// Shares a case with the agent of its call, or stops sharing it.
    public func shareCase(id: Int, shared: Bool) throws {
        try database.write { db in
            if try db.execute("UPDATE cases SET shared_with_agent = ? WHERE id = ?", [shared, id]) == 0 { throw FloorError("no case \(id)") }
        }
    }
}
