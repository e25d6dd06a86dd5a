import CallQC
import Foundation

/// The results store, on SQLite (a file path, the embedded default) or PostgreSQL (a
/// `postgres://` URL): one class over ``SQLDatabase``, so both backends run the same statements.
/// Every save is one transaction.
public final class SQLStore: ResultStore {
    public let database: any SQLDatabase
    /// Where the data is, for messages: the file path, or the URL without its password.
    public var path: String { database.location }
    public var backend: SQLBackendKind { database.kind }

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// Opens (creating if needed) the SQLite database at `path` and migrates it to the current schema.
    public convenience init(path: String) throws {
        self.init(database: try SQLiteDatabase(path: path))
    }

    /// Opens the store a `--db` names: a `postgres://` (or `postgresql://`) URL, else a SQLite file path.
    public static func open(_ location: String) throws -> SQLStore {
        if PostgresLocation.isURL(location) { return SQLStore(database: try PostgresDatabase(url: location)) }
        return try SQLStore(path: location)
    }

    /// Whether a `--db` value names a PostgreSQL database rather than a file.
    public static func isServerURL(_ location: String) -> Bool { PostgresLocation.isURL(location) }

    /// The applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] { try database.appliedMigrations() }

    /// Idempotent on the content hash: saving a result again replaces it. On PostgreSQL two writers
    /// of one call queue on its `calls` row (the upsert locks it), so neither doubles the result;
    /// each save takes its calls in content-hash order, so two batches never wait on each other in a circle.
    public func save(_ results: [CallResult]) throws {
        if results.isEmpty { return }
        let now = ISO8601DateFormatter().string(from: Date())
        // The same transcript twice in one batch: the later result counts, as if saved after the first.
        var latest: [String: SQLStore.PreparedResult] = [:]
        for p in SQLStore.prepare(results) { latest[p.summary.contentHash + "\u{0}" + p.summary.ruleSet + "\u{0}" + p.summary.ruleSetVersion] = p }
        let ordered = latest.values.sorted {
            ($0.summary.contentHash, $0.summary.ruleSet, $0.summary.ruleSetVersion) < ($1.summary.contentHash, $1.summary.ruleSet, $1.summary.ruleSetVersion)
        }
        var calls: [String: SQLStore.PreparedResult] = [:]
        for p in ordered { calls[p.summary.contentHash] = p }
        // A few statements per batch, not per call: a server's round trips are what a save costs.
        try database.write { db in
            try db.insertRows(into: "calls (content_hash, call_id, agent, date, source, language, script, transcript)",
                              calls.values.sorted { $0.summary.contentHash < $1.summary.contentHash }.map { p in
                                  [p.summary.contentHash, p.result.call.id, p.result.call.agent, p.result.call.date, p.result.call.source,
                                   p.result.metrics.language.rawValue, p.result.call.script, p.transcript]
                              }, suffix: """
                                  ON CONFLICT(content_hash) DO UPDATE SET call_id = excluded.call_id, agent = excluded.agent,
                                      date = excluded.date, source = excluded.source, language = excluded.language, script = excluded.script
                                  """)
            for chunk in stride(from: 0, to: ordered.count, by: 300).map({ Array(ordered[$0..<min($0 + 300, ordered.count)]) }) {
                try db.execute("DELETE FROM results WHERE " + Array(repeating: "(content_hash = ? AND ruleset_name = ? AND ruleset_version = ?)",
                                                                    count: chunk.count).joined(separator: " OR "),
                               chunk.flatMap { p -> [any SQLBindable] in [p.summary.contentHash, p.summary.ruleSet, p.summary.ruleSetVersion] })
            }
            var ids: [String: Int64] = [:]
            for chunk in stride(from: 0, to: ordered.count, by: 200).map({ Array(ordered[$0..<min($0 + 200, ordered.count)]) }) {
                let tuple = "(" + Array(repeating: "?", count: 15).joined(separator: ", ") + ")"
                let rows = try db.rows("""
                    INSERT INTO results (content_hash, call_id, ruleset_name, ruleset_version, tool_version, checked_at, score,
                        max_score, grade, veto, veto_rules, duration, agent_cpm, agent_wpm, result_json)
                    VALUES \(Array(repeating: tuple, count: chunk.count).joined(separator: ", "))
                    RETURNING id, content_hash, ruleset_name, ruleset_version
                    """, chunk.flatMap { p -> [any SQLBindable] in
                        let summary = p.summary
                        return [summary.contentHash, p.result.call.id, summary.ruleSet, summary.ruleSetVersion, CallQCVersion.version, now,
                                summary.score, summary.maxScore, summary.grade, summary.veto, summary.vetoRules.joined(separator: " "),
                                summary.duration, summary.agentCharsPerMinute, summary.agentWordsPerMinute, p.resultJSON]
                    })
                for row in rows {
                    let key: String = (row["content_hash"] as String) + "\u{0}" + (row["ruleset_name"] as String) + "\u{0}" + (row["ruleset_version"] as String)
                    ids[key] = row["id"]
                }
            }
            var sections: [[any SQLBindable]] = [], findings: [[any SQLBindable]] = []
            for p in ordered {
                let summary = p.summary
                guard let id = ids[summary.contentHash + "\u{0}" + summary.ruleSet + "\u{0}" + summary.ruleSetVersion] else {
                    throw SQLStoreError("the result of call \(p.result.call.id) was not stored")
                }
                sections += summary.sections.map { s in [id, s.id, s.title, s.score, s.max] }
                findings += p.result.findings.enumerated().map { i, f in
                    [id, i, f.rule, f.kind.rawValue, f.section, f.severity.rawValue, summary.findings[i].points, f.turn, f.start, f.text]
                }
            }
            try db.insertRows(into: "sections (result_id, section, title, score, max)", sections)
            try db.insertRows(into: "findings (result_id, idx, rule, kind, section, severity, points, turn, start, text)", findings)
            try SQLStore.recordGrades(db, results)
        }
    }

    /// A result as a save writes it: its summary (with the content hash) and its two JSON texts.
    struct PreparedResult: Sendable {
        var result: CallResult
        var summary: CallSummary
        var transcript: String
        var resultJSON: String
    }

    /// Encodes the results on every core before the transaction: the JSON and the content hash
    /// cost as much as the check, and the transaction then only writes rows.
    static func prepare(_ results: [CallResult]) -> [PreparedResult] {
        let slots = PreparedSlots(count: results.count)
        DispatchQueue.concurrentPerform(iterations: results.count) { i in
            let r = results[i]
            slots.set(i, PreparedResult(result: r, summary: CallSummary(r), transcript: CallJSON.encode(r.call).compact(),
                                        resultJSON: ResultJSON.encode(r).compact()))
        }
        return slots.values
    }

    public func summaries(from: String?, to: String?) throws -> [CallSummary] {
        // One row per transcript (content hash): calls sharing an id are all kept.
        var condition = "r.id = (SELECT MAX(id) FROM results WHERE content_hash = r.content_hash)"
        var args: [any SQLBindable] = []
        if let from { condition += " AND c.date >= ?"; args.append(from) }
        if let to { condition += " AND c.date <= ?"; args.append(to) }
        return try summaries(where: condition, args)
    }

    /// Summaries of the results that meet an SQL condition over `results r` and `calls c`.
    func summaries(where condition: String, _ args: [any SQLBindable]) throws -> [CallSummary] {
        try database.read { db in
            let sql = """
                SELECT r.id, r.call_id, c.agent, c.date, c.source, r.content_hash, r.ruleset_name, r.ruleset_version,
                       r.score, r.max_score, r.grade, r.veto, r.veto_rules, r.agent_cpm, r.agent_wpm, r.duration
                FROM results r JOIN calls c ON c.content_hash = r.content_hash
                WHERE \(condition)
                ORDER BY c.date NULLS FIRST, c.agent NULLS FIRST, r.call_id, r.content_hash
                """
            let rows = try db.rows(sql, args)
            // Sections and findings of the selected results only.
            let ids = rows.map { row -> Int64 in row["id"] }
            let list = ids.isEmpty ? "NULL" : ids.map(String.init).joined(separator: ",")
            var sections: [Int64: [CallSummary.SectionSummary]] = [:]
            for row in try db.rows("SELECT result_id, section, title, score, max FROM sections WHERE result_id IN (\(list)) ORDER BY rowid") {
                sections[row["result_id"], default: []].append(.init(id: row["section"], title: row["title"], score: row["score"], max: row["max"]))
            }
            var findings: [Int64: [CallSummary.FindingSummary]] = [:]
            for row in try db.rows("SELECT result_id, rule, severity, section, points FROM findings WHERE result_id IN (\(list)) ORDER BY result_id, idx") {
                findings[row["result_id"], default: []].append(.init(rule: row["rule"], severity: Severity(rawValue: row["severity"]) ?? .info,
                                                                     section: row["section"], points: row["points"]))
            }
            let keys = try SQLStore.keys(db, callIDs: Set(rows.map { row -> String in row["call_id"] }))
            let summaries = rows.map { row in
                let id: Int64 = row["id"]
                let vetoRules: String = row["veto_rules"]
                var summary = CallSummary(callID: row["call_id"], agent: row["agent"], date: row["date"], source: row["source"],
                                   contentHash: row["content_hash"], ruleSet: row["ruleset_name"], ruleSetVersion: row["ruleset_version"],
                                   score: row["score"], maxScore: row["max_score"], grade: row["grade"], veto: row["veto"],
                                   vetoRules: vetoRules.split(separator: " ").map(String.init),
                                   agentCharsPerMinute: row["agent_cpm"], agentWordsPerMinute: row["agent_wpm"], duration: row["duration"],
                                   findings: findings[id] ?? [], sections: sections[id] ?? [])
                summary.key = keys[summary.contentHash] ?? summary.callID
                return summary
            }
            // Findings struck by accepted appeals (the stored rows stay as checked).
            return try SQLStore.struck(db, summaries)
        }
    }

    /// The stored calls (content hash, call id, date, source) whose id is one of `callIDs`.
    static func calls(_ db: any SQLConnection, callIDs: Set<String>) throws -> [(hash: String, id: String, date: String?, source: String?)] {
        guard !callIDs.isEmpty else { return [] }
        var out: [(hash: String, id: String, date: String?, source: String?)] = []
        let list = Array(callIDs)
        for start in stride(from: 0, to: list.count, by: 500) {
            let chunk = Array(list[start..<min(start + 500, list.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try db.rows("SELECT content_hash, call_id, date, source FROM calls WHERE call_id IN (\(marks)) ORDER BY date NULLS FIRST, content_hash", chunk) {
                out.append((row["content_hash"], row["call_id"], row["date"], row["source"]))
            }
        }
        return out
    }

    /// The key that names each stored call of these ids: the id alone when no other stored call
    /// has it, else `ID@DATE` when the date tells them apart, else `ID@` and 12 digits of the content hash.
    static func keys(_ db: any SQLConnection, callIDs: Set<String>) throws -> [String: String] {
        // Only the ids asked about, through the call_id index: a report's 200 details do not scan the store.
        var keys: [String: String] = [:]
        let groups = Dictionary(grouping: try calls(db, callIDs: callIDs), by: \.id)
        for (id, group) in groups where group.count > 1 {
            for c in group {
                let sameDate = group.filter { $0.date == c.date }.count
                if let date = c.date, sameDate == 1 { keys[c.hash] = "\(id)@\(date)" } else { keys[c.hash] = "\(id)@\(c.hash.prefix(12))" }
            }
        }
        return keys
    }

    /// The content hashes a reference names: a call id, `ID@DATE`, `ID@HASHPREFIX` or a content hash.
    func resolve(_ db: any SQLConnection, _ reference: String) throws -> [(hash: String, id: String, date: String?, source: String?)] {
        let exact = try SQLStore.calls(db, callIDs: [reference])
        if !exact.isEmpty { return exact }
        if let at = reference.lastIndex(of: "@") {
            let id = String(reference[..<at]), qualifier = String(reference[reference.index(after: at)...])
            let group = try SQLStore.calls(db, callIDs: [id])
            let byDate = group.filter { $0.date == qualifier }
            if !byDate.isEmpty { return byDate }
            if qualifier.count >= 6 { return group.filter { $0.hash.hasPrefix(qualifier.lowercased()) } }
            return []
        }
        if reference.count == 32, reference.allSatisfy(\.isHexDigit) {
            return try db.rows("SELECT content_hash, call_id, date, source FROM calls WHERE content_hash = ?", [reference.lowercased()])
                .map { ($0["content_hash"], $0["call_id"], $0["date"], $0["source"]) }
        }
        return []
    }

    /// Stored calls that share an id with one of `results` but are another transcript, and pairs of
    /// such results within `results` themselves: each is kept, and worth a warning.
    public func collisions(_ results: [CallResult]) throws -> [CallIDCollision] {
        var out: [CallIDCollision] = []
        var seen: [String: [(hash: String, date: String?, source: String?)]] = [:]
        let stored = try database.read { db in try SQLStore.calls(db, callIDs: Set(results.map(\.call.id))) }
        for c in stored { seen[c.id, default: []].append((c.hash, c.date, c.source)) }
        for r in results {
            let hash = ContentHash.of(r.call)
            let others = (seen[r.call.id] ?? []).filter { $0.hash != hash }
            if let other = others.first {
                out.append(CallIDCollision(callID: r.call.id, date: r.call.date, source: r.call.source, otherDate: other.date, otherSource: other.source))
            }
            if !(seen[r.call.id] ?? []).contains(where: { $0.hash == hash }) {
                seen[r.call.id, default: []].append((hash, r.call.date, r.call.source))
            }
        }
        return out
    }

    public func detail(callID reference: String) throws -> StoredResult? {
        let found: (Int64, String, String, String)? = try database.read { db in
            let matches = try resolve(db, reference)
            if matches.count > 1 {
                let keys = try SQLStore.keys(db, callIDs: Set(matches.map(\.id)))
                throw AmbiguousCallReference(reference: reference, candidates: matches.map { (keys[$0.hash] ?? $0.id, $0.source) })
            }
            guard let hash = matches.first?.hash, let row = try db.row("""
                SELECT r.id, r.result_json, c.transcript, r.checked_at FROM results r JOIN calls c ON c.content_hash = r.content_hash
                WHERE r.content_hash = ? ORDER BY r.id DESC LIMIT 1
                """, [hash]) else { return nil }
            return (row[0], row[1], row[2], row[3])
        }
        guard let (id, resultText, transcript, checkedAt) = found else { return nil }
        let result = try JSONParser.parse(resultText)
        let call = try CallJSON.decode(try JSONParser.parse(transcript), source: reference, index: nil, roleMap: .standard)
        guard let summary = try summaries(where: "r.id = ?", [id]).first else { return nil }
        return StoredResult(summary: summary, result: try struck(result, of: summary), call: call, checkedAt: checkedAt)
    }

    public func record(_ review: Review) throws {
        try database.write { db in
            let id = try db.insert("INSERT INTO reviews (call_id, content_hash, reviewed_at, reviewer, score, note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                   [review.callID, review.contentHash, review.reviewedAt, review.reviewer, review.score, review.note])
            for (section, score) in review.sectionScores.sorted(by: { $0.key < $1.key }) {
                try db.execute("INSERT INTO review_sections (review_id, section, score) VALUES (?, ?, ?)", [id, section, score])
            }
            for rule in review.confirmed {
                try db.execute("INSERT INTO review_verdicts (review_id, rule, verdict) VALUES (?, ?, 'confirm')", [id, rule])
            }
            for rule in review.rejected {
                try db.execute("INSERT INTO review_verdicts (review_id, rule, verdict) VALUES (?, ?, 'reject')", [id, rule])
            }
            for miss in review.missed {
                try db.execute("INSERT INTO review_misses (review_id, rule, turn, note) VALUES (?, ?, ?, ?)", [id, miss.rule, miss.turn, miss.note])
            }
        }
    }

    public func reviews() throws -> [Review] {
        try database.read { db in
            var sections: [Int64: [String: Double]] = [:]
            for row in try db.rows("SELECT review_id, section, score FROM review_sections") {
                sections[row["review_id"], default: [:]][row["section"]] = row["score"]
            }
            var verdicts: [Int64: [(String, String)]] = [:]
            for row in try db.rows("SELECT review_id, rule, verdict FROM review_verdicts ORDER BY rowid") {
                verdicts[row["review_id"], default: []].append((row["rule"], row["verdict"]))
            }
            var misses: [Int64: [MissedFinding]] = [:]
            for row in try db.rows("SELECT review_id, rule, turn, note FROM review_misses ORDER BY rowid") {
                misses[row["review_id"], default: []].append(MissedFinding(rule: row["rule"], turn: row["turn"], note: row["note"]))
            }
            return try db.rows("SELECT id, call_id, content_hash, reviewed_at, reviewer, score, note FROM reviews ORDER BY id").map { row in
                let id: Int64 = row["id"]
                let v = verdicts[id] ?? []
                return Review(callID: row["call_id"], reviewedAt: row["reviewed_at"], reviewer: row["reviewer"], score: row["score"],
                              sectionScores: sections[id] ?? [:], confirmed: v.filter { $0.1 == "confirm" }.map(\.0),
                              rejected: v.filter { $0.1 == "reject" }.map(\.0), missed: misses[id] ?? [], note: row["note"],
                              contentHash: row["content_hash"])
            }
        }
    }

    /// Number of results stored (all rule set versions).
    public func resultCount() throws -> Int {
        try database.read { db in try db.int("SELECT COUNT(*) FROM results") ?? 0 }
    }

}

/// Results prepared on several threads, each into its own slot.
private final class PreparedSlots: @unchecked Sendable {
    private var slots: [SQLStore.PreparedResult?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: SQLStore.PreparedResult) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [SQLStore.PreparedResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}
