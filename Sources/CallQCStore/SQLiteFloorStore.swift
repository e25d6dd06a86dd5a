import CallQC
import Foundation
import GRDB

/// Times on the floor: ISO 8601 in UTC to the second (`2026-12-01T09:30:00Z`), so that they sort
/// and compare as text.
enum FloorTime {
    static func string(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
    static var now: String { string(Date()) }
}

extension SQLiteResultStore {
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
    }

}

extension SQLiteResultStore: FloorStore {
    // MARK: Users

    static func user(_ row: Row) -> FloorUser {
        FloorUser(name: row["name"], role: FloorRole(rawValue: row["role"]) ?? .agent, agentID: row["agent_id"], team: row["team"],
                  disabled: row["disabled"], hasPassword: (row["password_hash"] as String?) != nil, createdAt: row["created_at"])
    }

    /// Refuses a user name that is empty, long, has spaces or control characters, or is reserved (`cli:`).
    public static func checkUserName(_ name: String) throws {
        if name.isEmpty || name.count > 64 { throw FloorError("a user name has 1 to 64 characters") }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "/" }) {
            throw FloorError("user name '\(name)' has spaces, slashes or control characters")
        }
        if name.hasPrefix("cli:") { throw FloorError("user names starting with 'cli:' are kept for the command line in the audit log") }
    }

    static func requireUser(_ db: Database, _ name: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) == true else {
            throw FloorError("no user '\(name)'")
        }
    }

    public func addUser(_ user: FloorUser) throws {
        try SQLiteResultStore.checkUserName(user.name)
        if user.role == .agent && (user.agentID ?? "").isEmpty { throw FloorError("an agent needs an agent id (the id their calls carry)") }
        try queue.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [user.name]) == true {
                throw FloorError("user '\(user.name)' exists")
            }
            try db.execute(sql: "INSERT INTO users (name, role, agent_id, team, disabled, password_hash, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                           arguments: [user.name, user.role.rawValue, user.agentID.flatMap { $0.isEmpty ? nil : $0 },
                                       user.team.flatMap { $0.isEmpty ? nil : $0 }, user.disabled, user.createdAt.isEmpty ? FloorTime.now : user.createdAt])
        }
    }

    public func user(named name: String) throws -> FloorUser? {
        try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(SQLiteResultStore.user) }
    }

    public func users() throws -> [FloorUser] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(SQLiteResultStore.user) }
    }

    public func setRole(_ name: String, role: FloorRole) throws {
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT agent_id FROM users WHERE name = ?", arguments: [name]) else { throw FloorError("no user '\(name)'") }
            if role == .agent && ((row["agent_id"] as String?) ?? "").isEmpty { throw FloorError("an agent needs an agent id: set one first (--agent-id)") }
            if role != .admin { try SQLiteResultStore.keepAnAdmin(db, losing: name) }
            try db.execute(sql: "UPDATE users SET role = ? WHERE name = ?", arguments: [role.rawValue, name])
        }
    }

    /// Sets a user's agent id and team (nil leaves one as it is; an empty text clears it).
    public func setAgent(_ name: String, agentID: String?, team: String?) throws {
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT role FROM users WHERE name = ?", arguments: [name]) else { throw FloorError("no user '\(name)'") }
            if let agentID {
                if agentID.isEmpty && (row["role"] as String) == FloorRole.agent.rawValue { throw FloorError("an agent needs an agent id") }
                try db.execute(sql: "UPDATE users SET agent_id = ? WHERE name = ?", arguments: [agentID.isEmpty ? nil : agentID, name])
            }
            if let team { try db.execute(sql: "UPDATE users SET team = ? WHERE name = ?", arguments: [team.isEmpty ? nil : team, name]) }
        }
    }

    /// Disabling a user also ends their sessions.
    /// Refuses to leave the floor without an enabled admin: nobody could manage users then.
    static func keepAnAdmin(_ db: Database, losing name: String) throws {
        let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND name <> ?", arguments: [name]) ?? 0
        let isAdmin = try Bool.fetchOne(db, sql: "SELECT role = 'admin' AND disabled = 0 FROM users WHERE name = ?", arguments: [name]) ?? false
        if isAdmin && others == 0 {
            throw FloorError("'\(name)' is the last enabled admin: make another user admin first (callqc users set-role OTHER admin)")
        }
    }

    public func setDisabled(_ name: String, _ disabled: Bool) throws {
        try queue.write { db in
            try SQLiteResultStore.requireUser(db, name)
            if disabled { try SQLiteResultStore.keepAnAdmin(db, losing: name) }
            try db.execute(sql: "UPDATE users SET disabled = ? WHERE name = ?", arguments: [disabled, name])
            if disabled { try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [name]) }
        }
    }

    public func passwordHash(of name: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM users WHERE name = ?", arguments: [name]) }
    }

    public func setPasswordHash(_ name: String, hash: String?) throws {
        try queue.write { db in
            try SQLiteResultStore.requireUser(db, name)
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE name = ?", arguments: [hash, name])
        }
    }

    public func hasUsers() throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users)") ?? false }
    }

    // MARK: Set-password links

    /// A new link replaces the user's earlier ones.
    public func addSetupLink(user: String, secretHash: String, expires: Date) throws {
        try queue.write { db in
            try SQLiteResultStore.requireUser(db, user)
            try db.execute(sql: "DELETE FROM setup_links WHERE user = ? OR expires < ?", arguments: [user, FloorTime.now])
            try db.execute(sql: "INSERT INTO setup_links (secret_hash, user, expires) VALUES (?, ?, ?)",
                           arguments: [secretHash, user, FloorTime.string(expires)])
        }
    }

    /// The link is deleted whether it is still valid or expired.
    public func consumeSetupLink(secretHash: String, now: Date) throws -> String? {
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT user, expires FROM setup_links WHERE secret_hash = ?", arguments: [secretHash]) else { return nil }
            try db.execute(sql: "DELETE FROM setup_links WHERE secret_hash = ?", arguments: [secretHash])
            let expires: String = row["expires"]
            return expires > FloorTime.string(now) ? row["user"] : nil
        }
    }

    // MARK: Sessions

    public func addSession(idHash: String, _ session: FloorSession) throws {
        try queue.write { db in
            try SQLiteResultStore.requireUser(db, session.user)
            try db.execute(sql: "INSERT INTO sessions (id_hash, user, created_at, last_seen, address) VALUES (?, ?, ?, ?, ?)",
                           arguments: [idHash, session.user, FloorTime.string(session.createdAt), FloorTime.string(session.lastSeen), session.address])
        }
    }

    public func session(idHash: String) throws -> FloorSession? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT user, created_at, last_seen, address FROM sessions WHERE id_hash = ?", arguments: [idHash]).map { row in
                FloorSession(user: row["user"], createdAt: FloorTime.date(row["created_at"]) ?? .distantPast,
                             lastSeen: FloorTime.date(row["last_seen"]) ?? .distantPast, address: row["address"])
            }
        }
    }

    public func touchSession(idHash: String, at: Date) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE id_hash = ?", arguments: [FloorTime.string(at), idHash])
        }
    }

    public func deleteSession(idHash: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [idHash]) }
    }

    public func deleteSessions(user: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM sessions WHERE user = ?", arguments: [user]) }
    }

    // MARK: API tokens

    public func addToken(user: String, label: String, tokenHash: String, createdAt: String) throws -> Int {
        try queue.write { db in
            try SQLiteResultStore.requireUser(db, user)
            try db.execute(sql: "INSERT INTO api_tokens (user, label, token_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [user, label, tokenHash, createdAt.isEmpty ? FloorTime.now : createdAt])
            return Int(db.lastInsertedRowID)
        }
    }

    /// Nil for an unknown or revoked token, and for a token of a disabled user.
    public func tokenUser(tokenHash: String, usedAt: String) throws -> String? {
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.id, t.user FROM api_tokens t JOIN users u ON u.name = t.user
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0
                """, arguments: [tokenHash]) else { return nil }
            try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [usedAt, row["id"] as Int64])
            return row["user"]
        }
    }

    public func tokens(user: String?) throws -> [APITokenInfo] {
        try queue.read { db in
            let sql = "SELECT id, user, label, created_at, revoked_at, last_used_at FROM api_tokens" + (user == nil ? "" : " WHERE user = ?") + " ORDER BY id"
            return try Row.fetchAll(db, sql: sql, arguments: user.map { [$0] } ?? []).map { row in
                APITokenInfo(id: row["id"], user: row["user"], label: row["label"], createdAt: row["created_at"],
                             revokedAt: row["revoked_at"], lastUsedAt: row["last_used_at"])
            }
        }
    }

    public func revokeToken(id: Int, at: String) throws {
        try queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT revoked_at FROM api_tokens WHERE id = ?", arguments: [id]) else { throw FloorError("no token \(id)") }
            if let when = row["revoked_at"] as String? { throw FloorError("token \(id) was revoked at \(when)") }
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", arguments: [at.isEmpty ? FloorTime.now : at, id])
        }
    }

    /// The user (or token) of a token id, for messages.
    public func token(id: Int) throws -> APITokenInfo? {
        try tokens(user: nil).first { $0.id == id }
    }

    // MARK: Failed logins

    /// Failures older than a week are dropped (the audit log keeps them).
    public func recordFailedLogin(user: String?, address: String?, at: Date) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO login_failures (user, address, at) VALUES (?, ?, ?)", arguments: [user, address, FloorTime.string(at)])
            try db.execute(sql: "DELETE FROM login_failures WHERE at < ?", arguments: [FloorTime.string(at.addingTimeInterval(-7 * 86400))])
        }
    }

    /// Failures since the date, of the user and from the address where each is given (both: both must match).
    public func failedLogins(user: String?, address: String?, since: Date) throws -> Int {
        try queue.read { db in
            var sql = "SELECT COUNT(*) FROM login_failures WHERE at >= ?"
            var args: [DatabaseValueConvertible?] = [FloorTime.string(since)]
            if let user { sql += " AND user = ?"; args.append(user) }
            if let address { sql += " AND address = ?"; args.append(address) }
            return try Int.fetchOne(db, sql: sql, arguments: StatementArguments(args)) ?? 0
        }
    }

    // MARK: Audit log

    static func audit(_ db: Database, _ entry: AuditEntry) throws {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [entry.at.isEmpty ? FloorTime.now : entry.at, entry.actor, entry.action.rawValue, entry.target, entry.detail, entry.address])
    }

    /// Appends an entry (its id is given by the store; an empty `at` is now).
    public func audit(_ entry: AuditEntry) throws {
        try queue.write { db in try SQLiteResultStore.audit(db, entry) }
    }

    /// Entries oldest first. `from` and `to` are dates (`2026-12-01`, both days included) or ISO 8601 times.
    public func auditLog(from: String?, to: String?, actor: String?, action: AuditAction?) throws -> [AuditEntry] {
        try queue.read { db in
            var sql = "SELECT * FROM audit_log WHERE 1"
            var args: [DatabaseValueConvertible?] = []
            if let from { sql += " AND at >= ?"; args.append(from) }
            if let to { sql += " AND substr(at, 1, ?) <= ?"; args.append(to.count); args.append(to) }
            if let actor { sql += " AND actor = ?"; args.append(actor) }
            if let action { sql += " AND action = ?"; args.append(action.rawValue) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(args)).compactMap { row in
                guard let action = AuditAction(rawValue: row["action"]) else { return nil }
                return AuditEntry(id: row["id"], at: row["at"], actor: row["actor"], action: action, target: row["target"],
                                  detail: row["detail"], address: row["address"])
            }
        }
    }

}
