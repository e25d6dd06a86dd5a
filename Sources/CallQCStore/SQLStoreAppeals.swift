import CallQC
import Foundation

/// Appeals (申诉) in the store, and the strikes accepted appeals make in what the store returns:
/// the grade bands kept at save time, the strike ledger applied to summaries and results.
extension SQLStore {
    /// Keeps the grade bands of the rule sets of these results, for grading a call again after a strike.
    static func recordGrades(_ db: any SQLConnection, _ results: [CallResult]) throws {
        var done: Set<String> = []
        for r in results {
            guard let stamp = r.ruleSet, let grades = r.scorecard?.grades, !grades.isEmpty,
                  done.insert(stamp.name + "\u{0}" + stamp.version).inserted else { continue }
            try db.execute("DELETE FROM grade_bands WHERE ruleset_name = ? AND ruleset_version = ?", [stamp.name, stamp.version])
            for band in grades {
                // An upsert: a writer saving the same rule set at once waits for this one, then updates.
                try db.execute("""
                    INSERT INTO grade_bands (ruleset_name, ruleset_version, grade, minimum) VALUES (?, ?, ?, ?)
                    ON CONFLICT (ruleset_name, ruleset_version, grade) DO UPDATE SET minimum = excluded.minimum
                    """, [stamp.name, stamp.version, band.grade, band.minimum])
            }
        }
    }

    // MARK: Strikes

    /// The strikes of accepted appeals of findings, by content hash.
    static func strikes(_ db: any SQLConnection) throws -> [String: [Strike]] {
        var out: [String: [Strike]] = [:]
        for row in try db.rows("""
            SELECT id, content_hash, finding_index, rule, decided_by, decided_at FROM appeals
            WHERE status = 'accepted' AND finding_index IS NOT NULL AND content_hash IS NOT NULL ORDER BY id
            """) {
            out[row["content_hash"], default: []].append(Strike(finding: row["finding_index"], rule: row["rule"], appeal: row["id"],
                                                                 by: row["decided_by"] ?? "", at: row["decided_at"] ?? ""))
        }
        return out
    }

    /// The grade bands of a rule set version; else of the latest version of that name that has them; else none.
    static func grades(_ db: any SQLConnection, ruleSet: String, version: String) throws -> [ScoringScheme.GradeBand] {
        var rows = try db.rows("SELECT grade, minimum FROM grade_bands WHERE ruleset_name = ? AND ruleset_version = ?", [ruleSet, version])
        if rows.isEmpty {
            rows = try db.rows("""
                SELECT grade, minimum FROM grade_bands WHERE ruleset_name = ? AND ruleset_version =
                    (SELECT ruleset_version FROM grade_bands WHERE ruleset_name = ? ORDER BY rowid DESC LIMIT 1)
                """, [ruleSet, ruleSet])
        }
        return rows.map { ScoringScheme.GradeBand(grade: $0["grade"], minimum: $0["minimum"]) }.sorted { $0.minimum > $1.minimum }
    }

    /// The ledger of a stored call's strikes; nil when it has none.
    static func ledger(_ db: any SQLConnection, contentHash: String, ruleSet: String, version: String, strikes: [String: [Strike]]) throws -> StrikeLedger? {
        guard let list = strikes[contentHash], !list.isEmpty else { return nil }
        return StrikeLedger(strikes: list, grades: try grades(db, ruleSet: ruleSet, version: version))
    }

    /// Summaries with the strikes of accepted appeals applied.
    static func struck(_ db: any SQLConnection, _ summaries: [CallSummary]) throws -> [CallSummary] {
        let strikes = try strikes(db)
        if strikes.isEmpty { return summaries }
        return try summaries.map { s in
            try ledger(db, contentHash: s.contentHash, ruleSet: s.ruleSet, version: s.ruleSetVersion, strikes: strikes)?.apply(to: s) ?? s
        }
    }

    /// The result JSON of a stored call with its strikes applied.
    func struck(_ result: JSONValue, of summary: CallSummary) throws -> JSONValue {
        try database.read { db in
            try SQLStore.ledger(db, contentHash: summary.contentHash, ruleSet: summary.ruleSet, version: summary.ruleSetVersion,
                                         strikes: try SQLStore.strikes(db))?.apply(to: result) ?? result
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
        return try database.write { db in
            let open = try db.int("""
                SELECT id FROM appeals WHERE content_hash = ? AND finding_index IS NOT DISTINCT FROM ? AND status IN ('pending', 'accepted') ORDER BY id LIMIT 1
                """, [stored.summary.contentHash, appeal.findingIndex])
            if let open {
                throw FloorError("appeal \(open) already disputes " + (appeal.findingIndex.map { "finding \($0)" } ?? "the score") + " of call \(stored.summary.key)")
            }
            let created = appeal.createdAt.isEmpty ? FloorTime.now : appeal.createdAt
            let id = Int(try db.insert("""
                INSERT INTO appeals (call_key, call_id, content_hash, finding_index, rule, agent, reason, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id
                """, [stored.summary.key, stored.summary.callID, stored.summary.contentHash, appeal.findingIndex, rule,
                      appeal.agent, appeal.reason, created]))
            try SQLStore.audit(db, AuditEntry(at: created, actor: appeal.agent, action: .appeal, target: stored.summary.key,
                                                       detail: "appeal \(id) of " + (appeal.findingIndex.map { "finding \($0) (\(rule ?? "?"))" } ?? "the score")
                                                           + ": " + appeal.reason))
            return id
        }
    }

    static func appeal(_ row: SQLRow, keys: [String: String]) -> Appeal {
        var a = Appeal(id: row["id"], callKey: row["call_key"], callID: row["call_id"], findingIndex: row["finding_index"], rule: row["rule"],
                       agent: row["agent"], reason: row["reason"], status: Appeal.Status(rawValue: row["status"]) ?? .pending,
                       createdAt: row["created_at"], decidedBy: row["decided_by"], decidedAt: row["decided_at"], note: row["note"])
        a.contentHash = row["content_hash"]
        // The key that names the call now (another transcript of the same id may have come since).
        if let hash = a.contentHash, let key = keys[hash] { a.callKey = key }
        return a
    }

    static func appeals(_ db: any SQLConnection, where condition: String, _ args: [any SQLBindable]) throws -> [Appeal] {
        let rows = try db.rows("SELECT * FROM appeals WHERE \(condition) ORDER BY id", args)
        let keys = try SQLStore.keys(db, callIDs: Set(rows.map { $0["call_id"] as String }))
        return rows.map { appeal($0, keys: keys) }
    }

    /// Appeals oldest first, of one status or all.
    public func appeals(status: Appeal.Status?) throws -> [Appeal] {
        try database.read { db in
            if let status { return try SQLStore.appeals(db, where: "status = ?", [status.rawValue]) }
            return try SQLStore.appeals(db, where: "1 = 1", [])
        }
    }

    public func appeal(id: Int) throws -> Appeal? {
        try database.read { db in try SQLStore.appeals(db, where: "id = ?", [id]).first }
    }

    /// Decides a pending appeal and audits it (action `appeal-decided`, actor `by`). Accepting an
    /// appeal of a finding strikes it in what ``summaries(from:to:)`` and ``detail(callID:)`` return
    /// (``StrikeLedger``); the stored result stays as checked. Accepting an appeal of the score
    /// records the decision only: the new score comes from a review. A decided appeal is refused.
    public func decideAppeal(id: Int, accept: Bool, by: String, note: String?, at: String) throws {
        if by.isEmpty { throw FloorError("a decision names who makes it") }
        try database.write { db in
            guard let row = try db.row("SELECT * FROM appeals WHERE id = ?", [id]) else { throw FloorError("no appeal \(id)") }
            let a = SQLStore.appeal(row, keys: [:])
            if a.status != .pending {
                throw FloorError("appeal \(id) was already \(a.status.rawValue) by \(a.decidedBy ?? "?") at \(a.decidedAt ?? "?")")
            }
            let when = at.isEmpty ? FloorTime.now : at
            let status: Appeal.Status = accept ? .accepted : .rejected
            try db.execute("UPDATE appeals SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?", [status.rawValue, by, when, note, id])
            var detail = "appeal \(id) of " + (a.findingIndex.map { "finding \($0) (\(a.rule ?? "?"))" } ?? "the score") + " \(status.rawValue)"
            if let note, !note.isEmpty { detail += ": " + note }
            try SQLStore.audit(db, AuditEntry(at: when, actor: by, action: .appealDecided, target: a.callKey, detail: detail))
        }
    }
}
