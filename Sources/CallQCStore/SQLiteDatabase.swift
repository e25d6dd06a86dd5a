import CallQC
import Foundation
import GRDB

/// The embedded backend: one SQLite file through GRDB, its schema migrated by GRDB's migrator
/// from the first version on.
public final class SQLiteDatabase: SQLDatabase {
    let queue: DatabaseQueue
    public let path: String
    public var kind: SQLBackendKind { .sqlite }
    public var location: String { path }

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
        try SQLiteDatabase.migrate(queue)
    }

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.read { db in try body(GRDBConnection(db: db)) }
    }

    @discardableResult
    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try queue.write { db in try body(GRDBConnection(db: db)) }
    }

    public func transaction(_ body: (any SQLConnection) throws -> Bool) throws {
        try queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) { try body(GRDBConnection(db: db)) ? .commit : .rollback }
        }
    }

    public func compact() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
    }

    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try SQLiteDatabase.migrator.appliedMigrations(db) }
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
        SQLiteDatabase.registerFloorMigrations(&m)
        return m
    }

    /// Accounts, set-password links, sessions, API tokens, failed logins, the append-only audit
    /// log, appeals, and the grade bands of the rule sets results were checked with.
    static func registerFloorMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6-floor") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'trainer', 'admin')),
                    agent_id TEXT,
                    team TEXT,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    password_hash TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE setup_links (
                    secret_hash TEXT PRIMARY KEY NOT NULL,
                    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    expires TEXT NOT NULL
                );
                CREATE INDEX setup_links_user ON setup_links(user);
                CREATE TABLE sessions (
                    id_hash TEXT PRIMARY KEY NOT NULL,
                    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    created_at TEXT NOT NULL,
                    last_seen TEXT NOT NULL,
                    address TEXT
                );
                CREATE INDEX sessions_user ON sessions(user);
                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    label TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT,
                    last_used_at TEXT
                );
                CREATE INDEX api_tokens_user ON api_tokens(user);
                CREATE TABLE login_failures (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user TEXT,
                    address TEXT,
                    at TEXT NOT NULL
                );
                CREATE INDEX login_failures_user ON login_failures(user, at);
                CREATE INDEX login_failures_address ON login_failures(address, at);
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT,
                    detail TEXT,
                    address TEXT
                );
                CREATE INDEX audit_log_at ON audit_log(at);
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE appeals (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_key TEXT NOT NULL,
                    call_id TEXT NOT NULL,
                    content_hash TEXT,
                    finding_index INTEGER,
                    rule TEXT,
                    agent TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
                    created_at TEXT NOT NULL,
                    decided_by TEXT,
                    decided_at TEXT,
                    note TEXT
                );
                CREATE INDEX appeals_status ON appeals(status);
                CREATE INDEX appeals_content_hash ON appeals(content_hash);
                CREATE TABLE grade_bands (
                    ruleset_name TEXT NOT NULL,
                    ruleset_version TEXT NOT NULL,
                    grade TEXT NOT NULL,
                    minimum REAL NOT NULL,
                    PRIMARY KEY (ruleset_name, ruleset_version, grade)
                );
                """)
        }
        // Cases a trainer shares with the agent of their call (agents see only those).
        m.registerMigration("v7-case-sharing") { db in
            try db.execute(sql: "ALTER TABLE cases ADD COLUMN shared_with_agent INTEGER NOT NULL DEFAULT 0")
        }
        // The workbench's self-checks, per user: what was checked, when, the score and finding counts (never the text).
        m.registerMigration("v8-self-checks") { db in
            try db.execute(sql: """
                CREATE TABLE self_checks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user TEXT NOT NULL,
                    agent_id TEXT,
                    label TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('transcript', 'draft')),
                    checked_at TEXT NOT NULL,
                    score REAL,
                    max_score REAL,
                    grade TEXT,
                    findings INTEGER NOT NULL,
                    critical INTEGER NOT NULL,
                    errors INTEGER NOT NULL,
                    warnings INTEGER NOT NULL
                );
                CREATE INDEX self_checks_user ON self_checks(user, checked_at);
                CREATE INDEX self_checks_agent ON self_checks(agent_id, checked_at);
                """)
        }
    }
}

/// A GRDB database inside a read or a transaction.
struct GRDBConnection: SQLConnection {
    let db: Database

    static func arguments(_ values: [any SQLBindable]) -> StatementArguments {
        StatementArguments(values.map { v -> DatabaseValue in
            switch v.sqlValue.portable {
            case .null: return .null
            case .integer(let i): return i.databaseValue
            case .real(let d): return d.databaseValue
            case .text(let s): return s.databaseValue
            }
        })
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        if arguments.isEmpty {
            try db.execute(sql: sql)
        } else {
            // Statements with arguments are the store's few fixed ones: compiled once per connection.
            try db.cachedStatement(sql: sql).execute(arguments: GRDBConnection.arguments(arguments))
        }
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: GRDBConnection.arguments(arguments))
        var out: [SQLRow] = []
        var columns: [String]? = nil
        while let row = try cursor.next() {
            if columns == nil { columns = Array(row.columnNames) }
            out.append(SQLRow(columns: columns!, values: row.databaseValues.map { v in
                switch v.storage {
                case .null: return .null
                case .int64(let i): return .integer(i)
                case .double(let d): return .real(d)
                case .string(let s): return .text(s)
                case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
                }
            }))
        }
        return out
    }
}
