import CallQC
import Foundation
import GRDB

/// The embedded store: one SQLite file, schema migrations from the first version on,
/// every save one transaction.
public final class SQLiteResultStore: ResultStore {
    let queue: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        // A new database is created readable by its owner only: it holds raw transcripts. (SQLite
        // gives its journal and WAL files the database's permissions.)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        queue = try DatabaseQueue(path: path, configuration: config)
        try SQLiteResultStore.migrate(queue)
    }

    /// Migrates under SQLite's write lock (each migration is an IMMEDIATE transaction). Processes
    /// that open a new database together race to apply the same migration; the loser's statements
    /// fail ("table already exists") after the winner commits, so it reads the applied list again
    /// and goes on from there.
    static func migrate(_ queue: DatabaseQueue) throws {
        var attempt = 0
        while true {
            do {
                try migrator.migrate(queue)
                return
            } catch {
                attempt += 1
                if attempt >= 20 { throw error }
                if try queue.read({ db in try migrator.hasCompletedMigrations(db) }) { return }
                usleep(useconds_t(10_000 * attempt))
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE calls (
                    content_hash TEXT PRIMARY KEY,
                    call_id TEXT NOT NULL,
                    agent TEXT,
                    date TEXT,
                    source TEXT,
                    language TEXT,
                    script TEXT,
                    transcript TEXT NOT NULL
                );
                CREATE INDEX calls_call_id ON calls(call_id);
                CREATE INDEX calls_date_agent ON calls(date, agent);
                CREATE TABLE results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    content_hash TEXT NOT NULL REFERENCES calls(content_hash) ON DELETE CASCADE,
                    call_id TEXT NOT NULL,
                    ruleset_name TEXT NOT NULL,
                    ruleset_version TEXT NOT NULL,
                    tool_version TEXT NOT NULL,
                    checked_at TEXT NOT NULL,
                    score REAL,
                    max_score REAL,
                    grade TEXT,
                    veto INTEGER NOT NULL DEFAULT 0,
                    veto_rules TEXT NOT NULL DEFAULT '',
                    duration REAL,
                    agent_cpm REAL,
                    agent_wpm REAL,
                    result_json TEXT NOT NULL,
                    UNIQUE(content_hash, ruleset_name, ruleset_version)
                );
                CREATE INDEX results_call_id ON results(call_id);
                CREATE TABLE sections (
                    result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
                    section TEXT NOT NULL,
                    title TEXT NOT NULL,
                    score REAL NOT NULL,
                    max REAL NOT NULL,
                    PRIMARY KEY (result_id, section)
                );
                CREATE TABLE findings (
                    result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    rule TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    section TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    points REAL NOT NULL,
                    turn INTEGER,
                    start REAL,
                    text TEXT,
                    PRIMARY KEY (result_id, idx)
                );
                CREATE INDEX findings_rule ON findings(rule);
                CREATE TABLE reviews (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id TEXT NOT NULL,
                    reviewed_at TEXT NOT NULL,
                    reviewer TEXT,
                    score REAL,
                    note TEXT
                );
                CREATE INDEX reviews_call_id ON reviews(call_id);
                CREATE TABLE review_sections (
                    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
                    section TEXT NOT NULL,
                    score REAL NOT NULL
                );
                CREATE TABLE review_verdicts (
                    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
                    rule TEXT NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'reject'))
                );
                """)
        }
        m.registerMigration("v2-cases") { db in
            try db.execute(sql: """
                CREATE TABLE cases (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_id TEXT NOT NULL,
                    agent TEXT,
                    date TEXT,
                    category TEXT NOT NULL,
                    category_suggested INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    note TEXT,
                    first_turn INTEGER NOT NULL,
                    last_turn INTEGER NOT NULL,
                    excerpt TEXT NOT NULL,
                    findings TEXT NOT NULL,
                    score REAL,
                    grade TEXT,
                    complaint_type TEXT,
                    aspects TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX cases_category ON cases(category);
                """)
        }
        // What reviewers say the machine missed: a rule that should have fired on a turn.
        m.registerMigration("v3-review-misses") { db in
            try db.execute(sql: """
                CREATE TABLE review_misses (
                    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
                    rule TEXT NOT NULL,
                    turn INTEGER NOT NULL CHECK (turn >= 1),
                    note TEXT
                );
                CREATE INDEX review_misses_rule ON review_misses(rule);
                """)
        }
        // Reviews name the transcript they judged (two calls may share an id); older reviews get
        // the latest transcript of their id.
        m.registerMigration("v4-review-hash") { db in
            try db.execute(sql: """
                ALTER TABLE reviews ADD COLUMN content_hash TEXT;
                UPDATE reviews SET content_hash = (SELECT r.content_hash FROM results r WHERE r.call_id = reviews.call_id
                                                   ORDER BY r.id DESC LIMIT 1);
                CREATE INDEX reviews_content_hash ON reviews(content_hash);
                """)
        }
        // What `callqc purge` deleted, for the audit trail (counts and dates, no content).
        m.registerMigration("v5-purge-log") { db in
            try db.execute(sql: """
                CREATE TABLE purge_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    purged_at TEXT NOT NULL,
                    before TEXT NOT NULL,
                    keep_reviewed INTEGER NOT NULL,
                    calls INTEGER NOT NULL,
                    results INTEGER NOT NULL,
                    reviews INTEGER NOT NULL
                );
                """)
        }
        // Accounts, sessions, tokens, the append-only audit log, appeals (SQLiteFloorStore.swift).
        registerFloorMigrations(&m)
        return m
    }

    /// The applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try SQLiteResultStore.migrator.appliedMigrations(db) }
    }

    public func save(_ results: [CallResult]) throws {
        if results.isEmpty { return }
        let now = ISO8601DateFormatter().string(from: Date())
        try queue.write { db in
            for r in results {
                let summary = CallSummary(r)
                var call = r.call
                call.source = nil
                try db.execute(sql: """
                    INSERT INTO calls (content_hash, call_id, agent, date, source, language, script, transcript)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(content_hash) DO UPDATE SET call_id = excluded.call_id, agent = excluded.agent,
                        date = excluded.date, source = excluded.source, language = excluded.language, script = excluded.script
                    """, arguments: [summary.contentHash, r.call.id, r.call.agent, r.call.date, r.call.source,
                                     r.metrics.language.rawValue, r.call.script, CallJSON.encode(r.call).compact()])
                try db.execute(sql: "DELETE FROM results WHERE content_hash = ? AND ruleset_name = ? AND ruleset_version = ?",
                               arguments: [summary.contentHash, summary.ruleSet, summary.ruleSetVersion])
                try db.execute(sql: """
                    INSERT INTO results (content_hash, call_id, ruleset_name, ruleset_version, tool_version, checked_at, score,
                        max_score, grade, veto, veto_rules, duration, agent_cpm, agent_wpm, result_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [summary.contentHash, r.call.id, summary.ruleSet, summary.ruleSetVersion, CallQCVersion.version, now,
                                     summary.score, summary.maxScore, summary.grade, summary.veto, summary.vetoRules.joined(separator: " "),
                                     summary.duration, summary.agentCharsPerMinute, summary.agentWordsPerMinute,
                                     ResultJSON.encode(r).compact()])
                let id = db.lastInsertedRowID
                for s in summary.sections {
                    try db.execute(sql: "INSERT INTO sections (result_id, section, title, score, max) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [id, s.id, s.title, s.score, s.max])
                }
                for (i, f) in r.findings.enumerated() {
                    try db.execute(sql: """
                        INSERT INTO findings (result_id, idx, rule, kind, section, severity, points, turn, start, text)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, i, f.rule, f.kind.rawValue, f.section, f.severity.rawValue,
                                         summary.findings[i].points, f.turn, f.start, f.text])
                }
            }
            try SQLiteResultStore.recordGrades(db, results)
        }
    }

    public func summaries(from: String?, to: String?) throws -> [CallSummary] {
        // One row per transcript (content hash): calls sharing an id are all kept.
        var condition = "r.id = (SELECT MAX(id) FROM results WHERE content_hash = r.content_hash)"
        var args: [DatabaseValueConvertible?] = []
        if let from { condition += " AND c.date >= ?"; args.append(from) }
        if let to { condition += " AND c.date <= ?"; args.append(to) }
        return try summaries(where: condition, args)
    }

    /// Summaries of the results that meet an SQL condition over `results r` and `calls c`.
    func summaries(where condition: String, _ args: [DatabaseValueConvertible?]) throws -> [CallSummary] {
        try queue.read { db in
            let sql = """
                SELECT r.id, r.call_id, c.agent, c.date, c.source, r.content_hash, r.ruleset_name, r.ruleset_version,
                       r.score, r.max_score, r.grade, r.veto, r.veto_rules, r.agent_cpm, r.agent_wpm, r.duration
                FROM results r JOIN calls c ON c.content_hash = r.content_hash
                WHERE \(condition)
                ORDER BY c.date, c.agent, r.call_id
                """
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
            // Sections and findings of the selected results only.
            let ids = rows.map { row -> Int64 in row["id"] }
            let list = ids.isEmpty ? "NULL" : ids.map(String.init).joined(separator: ",")
            var sections: [Int64: [CallSummary.SectionSummary]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT result_id, section, title, score, max FROM sections WHERE result_id IN (\(list)) ORDER BY rowid") {
                sections[row["result_id"], default: []].append(.init(id: row["section"], title: row["title"], score: row["score"], max: row["max"]))
            }
            var findings: [Int64: [CallSummary.FindingSummary]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT result_id, rule, severity, section, points FROM findings WHERE result_id IN (\(list)) ORDER BY result_id, idx") {
                findings[row["result_id"], default: []].append(.init(rule: row["rule"], severity: Severity(rawValue: row["severity"]) ?? .info,
                                                                     section: row["section"], points: row["points"]))
            }
            let keys = try SQLiteResultStore.keys(db, callIDs: Set(rows.map { row -> String in row["call_id"] }))
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
            return try SQLiteResultStore.struck(db, summaries)
        }
    }

    /// The stored calls (content hash, call id, date, source) whose id is one of `callIDs`.
    static func calls(_ db: Database, callIDs: Set<String>) throws -> [(hash: String, id: String, date: String?, source: String?)] {
        guard !callIDs.isEmpty else { return [] }
        var out: [(hash: String, id: String, date: String?, source: String?)] = []
        let list = Array(callIDs)
        for start in stride(from: 0, to: list.count, by: 500) {
            let chunk = Array(list[start..<min(start + 500, list.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT content_hash, call_id, date, source FROM calls WHERE call_id IN (\(marks)) ORDER BY date, content_hash",
                                        arguments: StatementArguments(chunk)) {
                out.append((row["content_hash"], row["call_id"], row["date"], row["source"]))
            }
        }
        return out
    }

    /// The key that names each stored call of these ids: the id alone when no other stored call
    /// has it, else `ID@DATE` when the date tells them apart, else `ID@` and 12 digits of the content hash.
    static func keys(_ db: Database, callIDs: Set<String>) throws -> [String: String] {
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
    func resolve(_ db: Database, _ reference: String) throws -> [(hash: String, id: String, date: String?, source: String?)] {
        let exact = try SQLiteResultStore.calls(db, callIDs: [reference])
        if !exact.isEmpty { return exact }
        if let at = reference.lastIndex(of: "@") {
            let id = String(reference[..<at]), qualifier = String(reference[reference.index(after: at)...])
            let group = try SQLiteResultStore.calls(db, callIDs: [id])
            let byDate = group.filter { $0.date == qualifier }
            if !byDate.isEmpty { return byDate }
            if qualifier.count >= 6 { return group.filter { $0.hash.hasPrefix(qualifier.lowercased()) } }
            return []
        }
        if reference.count == 32, reference.allSatisfy(\.isHexDigit) {
            return try Row.fetchAll(db, sql: "SELECT content_hash, call_id, date, source FROM calls WHERE content_hash = ?", arguments: [reference.lowercased()])
                .map { ($0["content_hash"], $0["call_id"], $0["date"], $0["source"]) }
        }
        return []
    }

    /// Stored calls that share an id with one of `results` but are another transcript, and pairs of
    /// such results within `results` themselves: each is kept, and worth a warning.
    public func collisions(_ results: [CallResult]) throws -> [CallIDCollision] {
        var out: [CallIDCollision] = []
        var seen: [String: [(hash: String, date: String?, source: String?)]] = [:]
        let stored = try queue.read { db in try SQLiteResultStore.calls(db, callIDs: Set(results.map(\.call.id))) }
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
        let found: (Int64, String, String, String)? = try queue.read { db in
            let matches = try resolve(db, reference)
            if matches.count > 1 {
                let keys = try SQLiteResultStore.keys(db, callIDs: Set(matches.map(\.id)))
                throw AmbiguousCallReference(reference: reference, candidates: matches.map { (keys[$0.hash] ?? $0.id, $0.source) })
            }
            guard let hash = matches.first?.hash, let row = try Row.fetchOne(db, sql: """
                SELECT r.id, r.result_json, c.transcript, r.checked_at FROM results r JOIN calls c ON c.content_hash = r.content_hash
                WHERE r.content_hash = ? ORDER BY r.id DESC LIMIT 1
                """, arguments: [hash]) else { return nil }
            return (row[0], row[1], row[2], row[3])
        }
        guard let (id, resultText, transcript, checkedAt) = found else { return nil }
        let result = try JSONParser.parse(resultText)
        let call = try CallJSON.decode(try JSONParser.parse(transcript), source: reference, index: nil, roleMap: .standard)
        guard let summary = try summaries(where: "r.id = ?", [id]).first else { return nil }
        return StoredResult(summary: summary, result: try struck(result, of: summary), call: call, checkedAt: checkedAt)
    }

    public func record(_ review: Review) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO reviews (call_id, content_hash, reviewed_at, reviewer, score, note) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [review.callID, review.contentHash, review.reviewedAt, review.reviewer, review.score, review.note])
            let id = db.lastInsertedRowID
            for (section, score) in review.sectionScores.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO review_sections (review_id, section, score) VALUES (?, ?, ?)", arguments: [id, section, score])
            }
            for rule in review.confirmed {
                try db.execute(sql: "INSERT INTO review_verdicts (review_id, rule, verdict) VALUES (?, ?, 'confirm')", arguments: [id, rule])
            }
            for rule in review.rejected {
                try db.execute(sql: "INSERT INTO review_verdicts (review_id, rule, verdict) VALUES (?, ?, 'reject')", arguments: [id, rule])
            }
            for miss in review.missed {
                try db.execute(sql: "INSERT INTO review_misses (review_id, rule, turn, note) VALUES (?, ?, ?, ?)",
                               arguments: [id, miss.rule, miss.turn, miss.note])
            }
        }
    }

    public func reviews() throws -> [Review] {
        try queue.read { db in
            var sections: [Int64: [String: Double]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT review_id, section, score FROM review_sections") {
                sections[row["review_id"], default: [:]][row["section"]] = row["score"]
            }
            var verdicts: [Int64: [(String, String)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT review_id, rule, verdict FROM review_verdicts ORDER BY rowid") {
                verdicts[row["review_id"], default: []].append((row["rule"], row["verdict"]))
            }
            var misses: [Int64: [MissedFinding]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT review_id, rule, turn, note FROM review_misses ORDER BY rowid") {
                misses[row["review_id"], default: []].append(MissedFinding(rule: row["rule"], turn: row["turn"], note: row["note"]))
            }
            return try Row.fetchAll(db, sql: "SELECT id, call_id, content_hash, reviewed_at, reviewer, score, note FROM reviews ORDER BY id").map { row in
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
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results") ?? 0 }
    }

}
