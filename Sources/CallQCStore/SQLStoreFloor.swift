import CallQC
import Foundation

/// Times on the floor: ISO 8601 in UTC to the second (`2026-12-01T09:30:00Z`), so that they sort
/// and compare as text.
enum FloorTime {
    static func string(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
    static var now: String { string(Date()) }
}

extension SQLStore: FloorStore {
    // MARK: Users

    static func user(_ row: SQLRow) -> FloorUser {
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

    static func requireUser(_ db: any SQLConnection, _ name: String) throws {
        guard try db.bool("SELECT 1 FROM users WHERE name = ?", [name]) == true else {
            throw FloorError("no user '\(name)'")
        }
    }

    public func addUser(_ user: FloorUser) throws {
        try SQLStore.checkUserName(user.name)
        if user.role == .agent && (user.agentID ?? "").isEmpty { throw FloorError("an agent needs an agent id (the id their calls carry)") }
        try database.write { db in
            if try db.bool("SELECT 1 FROM users WHERE name = ?", [user.name]) == true {
                throw FloorError("user '\(user.name)' exists")
            }
            try db.execute("INSERT INTO users (name, role, agent_id, team, disabled, password_hash, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)", [user.name, user.role.rawValue, user.agentID.flatMap { $0.isEmpty ? nil : $0 },
                                       user.team.flatMap { $0.isEmpty ? nil : $0 }, user.disabled, user.createdAt.isEmpty ? FloorTime.now : user.createdAt])
        }
    }

    public func user(named name: String) throws -> FloorUser? {
        try database.read { db in try db.row("SELECT * FROM users WHERE name = ?", [name]).map(SQLStore.user) }
    }

    public func users() throws -> [FloorUser] {
        try database.read { db in try db.rows("SELECT * FROM users ORDER BY name").map(SQLStore.user) }
    }

    public func setRole(_ name: String, role: FloorRole) throws {
        try database.write { db in
            guard let row = try db.row("SELECT agent_id FROM users WHERE name = ?", [name]) else { throw FloorError("no user '\(name)'") }
            if role == .agent && ((row["agent_id"] as String?) ?? "").isEmpty { throw FloorError("an agent needs an agent id: set one first (--agent-id)") }
            if role != .admin { try SQLStore.keepAnAdmin(db, losing: name) }
            try db.execute("UPDATE users SET role = ? WHERE name = ?", [role.rawValue, name])
        }
    }

    /// Sets a user's agent id and team (nil leaves one as it is; an empty text clears it).
    public func setAgent(_ name: String, agentID: String?, team: String?) throws {
        try database.write { db in
            guard let row = try db.row("SELECT role FROM users WHERE name = ?", [name]) else { throw FloorError("no user '\(name)'") }
            if let agentID {
                if agentID.isEmpty && (row["role"] as String) == FloorRole.agent.rawValue { throw FloorError("an agent needs an agent id") }
                try db.execute("UPDATE users SET agent_id = ? WHERE name = ?", [agentID.isEmpty ? nil : agentID, name])
            }
            if let team { try db.execute("UPDATE users SET team = ? WHERE name = ?", [team.isEmpty ? nil : team, name]) }
        }
    }

    /// Disabling a user also ends their sessions.
    /// Refuses to leave the floor without an enabled admin: nobody could manage users then.
    static func keepAnAdmin(_ db: any SQLConnection, losing name: String) throws {
        let others = try db.int("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND name <> ?", [name]) ?? 0
        let isAdmin = try db.bool("SELECT role = 'admin' AND disabled = 0 FROM users WHERE name = ?", [name]) ?? false
        if isAdmin && others == 0 {
            throw FloorError("'\(name)' is the last enabled admin: make another user admin first (callqc users set-role OTHER admin)")
        }
    }

    public func setDisabled(_ name: String, _ disabled: Bool) throws {
        try database.write { db in
            try SQLStore.requireUser(db, name)
            if disabled { try SQLStore.keepAnAdmin(db, losing: name) }
            try db.execute("UPDATE users SET disabled = ? WHERE name = ?", [disabled, name])
            if disabled { try db.execute("DELETE FROM sessions WHERE \"user\" = ?", [name]) }
        }
    }

    public func passwordHash(of name: String) throws -> String? {
        try database.read { db in try db.string("SELECT password_hash FROM users WHERE name = ?", [name]) }
    }

    public func setPasswordHash(_ name: String, hash: String?) throws {
        try database.write { db in
            try SQLStore.requireUser(db, name)
            try db.execute("UPDATE users SET password_hash = ? WHERE name = ?", [hash, name])
        }
    }

    public func hasUsers() throws -> Bool {
        try database.read { db in try db.bool("SELECT EXISTS (SELECT 1 FROM users)") ?? false }
    }

    // MARK: Set-password links

    /// A new link replaces the user's earlier ones.
    public func addSetupLink(user: String, secretHash: String, expires: Date) throws {
        try database.write { db in
            try SQLStore.requireUser(db, user)
            try db.execute("DELETE FROM setup_links WHERE \"user\" = ? OR expires < ?", [user, FloorTime.now])
            try db.execute("INSERT INTO setup_links (secret_hash, \"user\", expires) VALUES (?, ?, ?)", [secretHash, user, FloorTime.string(expires)])
        }
    }

    /// The link is deleted whether it is still valid or expired.
    public func consumeSetupLink(secretHash: String, now: Date) throws -> String? {
        try database.write { db in
            guard let row = try db.row("SELECT \"user\", expires FROM setup_links WHERE secret_hash = ?", [secretHash]) else { return nil }
            try db.execute("DELETE FROM setup_links WHERE secret_hash = ?", [secretHash])
            let expires: String = row["expires"]
            return expires > FloorTime.string(now) ? row["user"] : nil
        }
    }

    // MARK: Sessions

    public func addSession(idHash: String, _ session: FloorSession) throws {
        try database.write { db in
            try SQLStore.requireUser(db, session.user)
            try db.execute("INSERT INTO sessions (id_hash, \"user\", created_at, last_seen, address) VALUES (?, ?, ?, ?, ?)", [idHash, session.user, FloorTime.string(session.createdAt), FloorTime.string(session.lastSeen), session.address])
        }
    }

    public func session(idHash: String) throws -> FloorSession? {
        try database.read { db in
            try db.row("SELECT \"user\", created_at, last_seen, address FROM sessions WHERE id_hash = ?", [idHash]).map { row in
                FloorSession(user: row["user"], createdAt: FloorTime.date(row["created_at"]) ?? .distantPast,
                             lastSeen: FloorTime.date(row["last_seen"]) ?? .distantPast, address: row["address"])
            }
        }
    }

    public func touchSession(idHash: String, at: Date) throws {
        try database.write { db in
            try db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [FloorTime.string(at), idHash])
        }
    }

    public func deleteSession(idHash: String) throws {
        try database.write { db in try db.execute("DELETE FROM sessions WHERE id_hash = ?", [idHash]) }
    }

    public func deleteSessions(user: String) throws {
        try database.write { db in try db.execute("DELETE FROM sessions WHERE \"user\" = ?", [user]) }
    }

    // MARK: API tokens

    public func addToken(user: String, label: String, tokenHash: String, createdAt: String) throws -> Int {
        try database.write { db in
            try SQLStore.requireUser(db, user)
            return Int(try db.insert("INSERT INTO api_tokens (\"user\", label, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                                     [user, label, tokenHash, createdAt.isEmpty ? FloorTime.now : createdAt]))
        }
    }

    /// Nil for an unknown or revoked token, and for a token of a disabled user.
    public func tokenUser(tokenHash: String, usedAt: String) throws -> String? {
        try database.write { db in
            guard let row = try db.row("""
                SELECT t.id, t."user" FROM api_tokens t JOIN users u ON u.name = t."user"
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0
                """, [tokenHash]) else { return nil }
            try db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [usedAt, row["id"] as Int64])
            return row["user"]
        }
    }

    public func tokens(user: String?) throws -> [APITokenInfo] {
        try database.read { db in
            let sql = "SELECT id, \"user\", label, created_at, revoked_at, last_used_at FROM api_tokens" + (user == nil ? "" : " WHERE \"user\" = ?") + " ORDER BY id"
            return try db.rows(sql, user.map { [$0] } ?? []).map { row in
                APITokenInfo(id: row["id"], user: row["user"], label: row["label"], createdAt: row["created_at"],
                             revokedAt: row["revoked_at"], lastUsedAt: row["last_used_at"])
            }
        }
    }

    public func revokeToken(id: Int, at: String) throws {
        try database.write { db in
            guard let row = try db.row("SELECT revoked_at FROM api_tokens WHERE id = ?", [id]) else { throw FloorError("no token \(id)") }
            if let when = row["revoked_at"] as String? { throw FloorError("token \(id) was revoked at \(when)") }
            try db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [at.isEmpty ? FloorTime.now : at, id])
        }
    }

    /// The user (or token) of a token id, for messages.
    public func token(id: Int) throws -> APITokenInfo? {
        try tokens(user: nil).first { $0.id == id }
    }

    // MARK: Failed logins

    /// A failed login's user name or address as it is kept and counted: its first 200 characters.
    /// Both come from the request (a name typed, an X-Forwarded-For header), so they can be of any
    /// length, and PostgreSQL refuses an index entry over about 2.7 KB: a long one would fail the
    /// insert, and the failure would not count. No account is lost (names have at most 64
    /// characters); texts alike in their first 200 characters count together.
    static func loginKey(_ text: String?) -> String? {
        guard let text, text.count > 200 else { return text }
        return String(text.prefix(200))
    }

    /// Failures older than a week are dropped (the audit log keeps them).
    public func recordFailedLogin(user: String?, address: String?, at: Date) throws {
        try database.write { db in
            try db.execute("INSERT INTO login_failures (\"user\", address, at) VALUES (?, ?, ?)",
                           [SQLStore.loginKey(user), SQLStore.loginKey(address), FloorTime.string(at)])
            try db.execute("DELETE FROM login_failures WHERE at < ?", [FloorTime.string(at.addingTimeInterval(-7 * 86400))])
        }
    }

    /// Failures since the date, of the user and from the address where each is given (both: both must match).
    public func failedLogins(user: String?, address: String?, since: Date) throws -> Int {
        try database.read { db in
            var sql = "SELECT COUNT(*) FROM login_failures WHERE at >= ?"
            var args: [any SQLBindable] = [FloorTime.string(since)]
            if let user = SQLStore.loginKey(user) { sql += " AND \"user\" = ?"; args.append(user) }
            if let address = SQLStore.loginKey(address) { sql += " AND address = ?"; args.append(address) }
            return try db.int(sql, args) ?? 0
        }
    }

    // MARK: Audit log

    static func audit(_ db: any SQLConnection, _ entry: AuditEntry) throws {
        try db.execute("INSERT INTO audit_log (at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)", [entry.at.isEmpty ? FloorTime.now : entry.at, entry.actor, entry.action.rawValue, entry.target, entry.detail, entry.address])
    }

    /// Appends an entry (its id is given by the store; an empty `at` is now).
    public func audit(_ entry: AuditEntry) throws {
        try database.write { db in try SQLStore.audit(db, entry) }
    }

    /// Entries oldest first. `from` and `to` are dates (`2026-12-01`, both days included) or ISO 8601 times.
    public func auditLog(from: String?, to: String?, actor: String?, action: AuditAction?) throws -> [AuditEntry] {
        try database.read { db in
            var sql = "SELECT * FROM audit_log WHERE 1 = 1"
            var args: [any SQLBindable] = []
            if let from { sql += " AND at >= ?"; args.append(from) }
            if let to { sql += " AND substr(at, 1, \(to.count)) <= ?"; args.append(to) }
            if let actor { sql += " AND actor = ?"; args.append(actor) }
            if let action { sql += " AND action = ?"; args.append(action.rawValue) }
            return try db.rows(sql + " ORDER BY id", args).compactMap { row in
                guard let action = AuditAction(rawValue: row["action"]) else { return nil }
                return AuditEntry(id: row["id"], at: row["at"], actor: row["actor"], action: action, target: row["target"],
                                  detail: row["detail"], address: row["address"])
            }
        }
    }

}
