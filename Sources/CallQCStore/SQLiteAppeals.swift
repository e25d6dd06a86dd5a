import CallQC
import Foundation
import GRDB

/// Appeals (申诉) in the store, and the strikes accepted appeals make in what the store returns:
/// the grade bands kept at save time, the strike ledger applied to summaries and results.
extension SQLiteResultStore {
    /// Keeps the grade bands of the rule sets of these results, for grading a call again after a strike.
    static func recordGrades(_ db: Database, _ results: [CallResult]) throws {
        var done: Set<String> = []
        for r in results {
            guard let stamp = r.ruleSet, let grades = r.scorecard?.grades, !grades.isEmpty,
                  done.insert(stamp.name + "\u{0}" + stamp.version).inserted else { continue }
            try db.execute(sql: "DELETE FROM grade_bands WHERE ruleset_name = ? AND ruleset_version = ?", arguments: [stamp.name, stamp.version])
            for band in grades {
                try db.execute(sql: "INSERT INTO grade_bands (ruleset_name, ruleset_version, grade, minimum) VALUES (?, ?, ?, ?)",
                               arguments: [stamp.name, stamp.version, band.grade, band.minimum])
            }
        }
    }

    // MARK: Strikes

    /// The strikes of accepted appeals of findings, by content hash.
    static func strikes(_ db: Database) throws -> [String: [Strike]] {
        var out: [String: [Strike]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, content_hash, finding_index, rule, decided_by, decided_at FROM appeals
            WHERE status = 'accepted' AND finding_index IS NOT NULL AND content_hash IS NOT NULL ORDER BY id
            """) {
            out[row["content_hash"], default: []].append(Strike(finding: row["finding_index"], rule: row["rule"], appeal: row["id"],
                                                                 by: row["decided_by"] ?? "", at: row["decided_at"] ?? ""))
        }
        return out
    }

    /// The grade bands of a rule set version; else of the latest version of that name that has them; else none.
    static func grades(_ db: Database, ruleSet: String, version: String) throws -> [ScoringScheme.GradeBand] {
        var rows = try Row.fetchAll(db, sql: "SELECT grade, minimum FROM grade_bands WHERE ruleset_name = ? AND ruleset_version = ?",
                                    arguments: [ruleSet, version])
        if rows.isEmpty {
            rows = try Row.fetchAll(db, sql: """
                SELECT grade, minimum FROM grade_bands WHERE ruleset_name = ? AND ruleset_version =
                    (SELECT ruleset_version FROM grade_bands WHERE ruleset_name = ? ORDER BY rowid DESC LIMIT 1)
                """, arguments: [ruleSet, ruleSet])
        }
        return rows.map { ScoringScheme.GradeBand(grade: $0["grade"], minimum: $0["minimum"]) }.sorted { $0.minimum > $1.minimum }
    }

    /// The ledger of a stored call's strikes; nil when it has none.
    static func ledger(_ db: Database, contentHash: String, ruleSet: String, version: String, strikes: [String: [Strike]]) throws -> StrikeLedger? {
        guard let list = strikes[contentHash], !list.isEmpty else { return nil }
        return StrikeLedger(strikes: list, grades: try grades(db, ruleSet: ruleSet, version: version))
    }

    /// Summaries with the strikes of accepted appeals applied.
    static func struck(_ db: Database, _ summaries: [CallSummary]) throws -> [CallSummary] {
        let strikes = try strikes(db)
        if strikes.isEmpty { return summaries }
        return try summaries.map { s in
            try ledger(db, contentHash: s.contentHash, ruleSet: s.ruleSet, version: s.ruleSetVersion, strikes: strikes)?.apply(to: s) ?? s
        }
    }

    /// The result JSON of a stored call with its strikes applied.
    func struck(_ result: JSONValue, of summary: CallSummary) throws -> JSONValue {
        try queue.read { db in
            try SQLiteResultStore.ledger(db, contentHash: summary.contentHash, ruleSet: summary.ruleSet, version: summary.ruleSetVersion,
                                         strikes: try SQLiteResultStore.strikes(db))?.apply(to: result) ?? result
        }
    }

    // MARK: Appeals

    /// Records a pending appeal of a stored call's finding (or of its score) and audits it (action
    /// `appeal`, actor the appealing user). The call must be stored; a finding's index must be one
    /// of the latest result's findings (its rule is filled in, or must match); an appeal of a
    /// finding or score already pending or accepted is refused.
    public func addAppeal(_ appeal: Appeal) throws -> Int {
        if appeal.agent.isEmpty { throw FloorError("an appeal names who makes it") }
        if appeal.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw FloorError("an appeal needs a reason") }
        guard let stored = try detail(callID: appeal.callKey.isEmpty ? appeal.callID : appeal.callKey) else {
            throw FloorError("no stored call '\(appeal.callKey.isEmpty ? appeal.callID : appeal.callKey)'")
        }
        var rule = appeal.rule
        if let index = appeal.findingIndex {
            let places = stored.findingPlaces
            guard places.indices.contains(index) else {
                throw FloorError("call \(stored.summary.key) has \(places.count) findings (numbered from 0); there is no finding \(index)")
            }
            if let given = rule, given != places[index].rule {
                throw FloorError("finding \(index) of call \(stored.summary.key) is of rule \(places[index].rule), not \(given)")
            }
            rule = places[index].rule
            if stored.summary.findings.indices.contains(index), stored.summary.findings[index].struck {
                throw FloorError("finding \(index) of call \(stored.summary.key) is already struck")
            }
        }
        return try queue.write { db in
            let open = try Int.fetchOne(db, sql: """
                SELECT id FROM appeals WHERE content_hash = ? AND finding_index IS ? AND status IN ('pending', 'accepted') ORDER BY id LIMIT 1
                """, arguments: [stored.summary.contentHash, appeal.findingIndex])
            if let open {
                throw FloorError("appeal \(open) already disputes " + (appeal.findingIndex.map { "finding \($0)" } ?? "the score") + " of call \(stored.summary.key)")
            }
            let created = appeal.createdAt.isEmpty ? FloorTime.now : appeal.createdAt
            try db.execute(sql: """
                INSERT INTO appeals (call_key, call_id, content_hash, finding_index, rule, agent, reason, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                """, arguments: [stored.summary.key, stored.summary.callID, stored.summary.contentHash, appeal.findingIndex, rule,
                                 appeal.agent, appeal.reason, created])
            let id = Int(db.lastInsertedRowID)
            try SQLiteResultStore.audit(db, AuditEntry(at: created, actor: appeal.agent, action: .appeal, target: stored.summary.key,
                                                       detail: "appeal \(id) of " + (appeal.findingIndex.map { "finding \($0) (\(rule ?? "?"))" } ?? "the score")
                                                           + ": " + appeal.reason))
            return id
        }
    }

    static func appeal(_ row: Row, keys: [String: String]) -> Appeal {
        var a = Appeal(id: row["id"], callKey: row["call_key"], callID: row["call_id"], findingIndex: row["finding_index"], rule: row["rule"],
                       agent: row["agent"], reason: row["reason"], status: Appeal.Status(rawValue: row["status"]) ?? .pending,
                       createdAt: row["created_at"], decidedBy: row["decided_by"], decidedAt: row["decided_at"], note: row["note"])
        a.contentHash = row["content_hash"]
        // The key that names the call now (another transcript of the same id may have come since).
        if let hash = a.contentHash, let key = keys[hash] { a.callKey = key }
        return a
    }

    static func appeals(_ db: Database, where condition: String, _ args: StatementArguments) throws -> [Appeal] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM appeals WHERE \(condition) ORDER BY id", arguments: args)
        let keys = try SQLiteResultStore.keys(db, callIDs: Set(rows.map { $0["call_id"] as String }))
        return rows.map { appeal($0, keys: keys) }
    }

    /// Appeals oldest first, of one status or all.
    public func appeals(status: Appeal.Status?) throws -> [Appeal] {
        try queue.read { db in
            if let status { return try SQLiteResultStore.appeals(db, where: "status = ?", [status.rawValue]) }
            return try SQLiteResultStore.appeals(db, where: "1", [])
        }
    }

    public func appeal(id: Int) throws -> Appeal? {
        try queue.read { db in try SQLiteResultStore.appeals(db, where: "id = ?", [id]).first }
    }

    /// Decides a pending appeal and audits it (action `appeal-decided`, actor `by`). Accepting an
    /// appeal of a finding strikes it in what ``summaries(from:to:)`` and ``detail(callID:)`` return
    /// (``StrikeLedger``); the stored result stays as checked. Accepting an appeal of the score
    /// records the decision only: the new score comes from a review. A decided appeal is refused.
    public func decideAppeal(id: Int, accept: Bool, by: String, note: String?, at: String) throws {
        if by.isEmpty { throw FloorError("a decision names who makes it") }
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM appeals WHERE id = ?", arguments: [id]) else { throw FloorError("no appeal \(id)") }
            let a = SQLiteResultStore.appeal(row, keys: [:])
            if a.status != .pending {
                throw FloorError("appeal \(id) was already \(a.status.rawValue) by \(a.decidedBy ?? "?") at \(a.decidedAt ?? "?")")
            }
            let when = at.isEmpty ? FloorTime.now : at
            let status: Appeal.Status = accept ? .accepted : .rejected
            try db.execute(sql: "UPDATE appeals SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?",
                           arguments: [status.rawValue, by, when, note, id])
            var detail = "appeal \(id) of " + (a.findingIndex.map { "finding \($0) (\(a.rule ?? "?"))" } ?? "the score") + " \(status.rawValue)"
            if let note, !note.isEmpty { detail += ": " + note }
            try SQLiteResultStore.audit(db, AuditEntry(at: when, actor: by, action: .appealDecided, target: a.callKey, detail: detail))
        }
    }
}
