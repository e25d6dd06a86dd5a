import Foundation

/// What a person on the floor may do in the workbench.
public enum FloorRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// Their own calls (by agent id), the self-check, cases shared with them.
    case agent
    /// Their team's calls (all teams without a team), the review queue, reviews, calibration, appeals, reports.
    case supervisor
    /// The case library and adding cases; masked text only.
    case trainer
    /// Users, the audit log and everything else.
    case admin
}

/// A workbench account. Passwords are stored as bcrypt hashes only.
public struct FloorUser: Sendable, Hashable {
    public var name: String
    public var role: FloorRole
    /// The agent id the user's calls carry (`A023`); agents see those calls only.
    public var agentID: String?
    /// The team a supervisor oversees, or an agent belongs to.
    public var team: String?
    public var disabled: Bool
    /// Whether a password has been set (a new user has none until the set-password link is used).
    public var hasPassword: Bool
    public var createdAt: String

    public init(name: String, role: FloorRole, agentID: String? = nil, team: String? = nil, disabled: Bool = false,
                hasPassword: Bool = false, createdAt: String = "") {
        self.name = name
        self.role = role
        self.agentID = agentID
        self.team = team
        self.disabled = disabled
        self.hasPassword = hasPassword
        self.createdAt = createdAt
    }
}

/// A logged-in session, as the store keeps it (the id itself is stored hashed).
public struct FloorSession: Sendable, Hashable {
    public var user: String
    public var createdAt: Date
    public var lastSeen: Date
    public var address: String?

    public init(user: String, createdAt: Date, lastSeen: Date, address: String? = nil) {
        self.user = user
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.address = address
    }
}

/// A personal API token, as listed (the token itself is shown once and stored hashed).
public struct APITokenInfo: Sendable, Hashable {
    public var id: Int
    public var user: String
    public var label: String
    public var createdAt: String
    public var revokedAt: String?
    public var lastUsedAt: String?

    public init(id: Int, user: String, label: String, createdAt: String, revokedAt: String? = nil, lastUsedAt: String? = nil) {
        self.id = id
        self.user = user
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}

/// What the audit log records.
public enum AuditAction: String, Sendable, Hashable, CaseIterable {
    case login, loginFailed = "login-failed", logout
    case unmask
    case review
    case appeal, appealDecided = "appeal-decided"
    case caseAdded = "case-added", caseExported = "case-exported", caseShared = "case-shared"
    case userAdded = "user-added", userDisabled = "user-disabled", userEnabled = "user-enabled", roleChanged = "role-changed"
    case passwordSet = "password-set", passwordReset = "password-reset"
    case tokenCreated = "token-created", tokenRevoked = "token-revoked"
    case reportExported = "report-exported"
    /// A recording was fetched from its start (a player's first request; the seeks that follow are not logged).
    case recordingPlayed = "recording-played"
}

/// One line of the append-only audit log: who did what, to what, when, from where.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int
    /// ISO 8601, UTC.
    public var at: String
    /// The user (or `cli:OSUSER` for the command line).
    public var actor: String
    public var action: AuditAction
    /// What it was done to: a call key, a user, a case id.
    public var target: String?
    /// The reason given (unmasking), the decision, the change.
    public var detail: String?
    public var address: String?

    public init(id: Int = 0, at: String, actor: String, action: AuditAction, target: String? = nil, detail: String? = nil, address: String? = nil) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
        self.address = address
    }
}

/// An agent's dispute of a finding or of the call's score (申诉).
public struct Appeal: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable { case pending, accepted, rejected }

    public var id: Int
    /// The stored call (``CallSummary/key``) and its id.
    public var callKey: String
    public var callID: String
    /// The finding disputed: its index in the stored result, its rule; nil for the call's score.
    public var findingIndex: Int?
    public var rule: String?
    /// The user who appealed.
    public var agent: String
    public var reason: String
    public var status: Status
    public var createdAt: String
    public var decidedBy: String?
    public var decidedAt: String?
    public var note: String?
    /// The appealed transcript's content hash, set by the store (keys can change as calls sharing an id arrive).
    public var contentHash: String? = nil

    public init(id: Int = 0, callKey: String, callID: String, findingIndex: Int? = nil, rule: String? = nil, agent: String, reason: String,
                status: Status = .pending, createdAt: String, decidedBy: String? = nil, decidedAt: String? = nil, note: String? = nil) {
        self.id = id
        self.callKey = callKey
        self.callID = callID
        self.findingIndex = findingIndex
        self.rule = rule
        self.agent = agent
        self.reason = reason
        self.status = status
        self.createdAt = createdAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.note = note
    }
}

/// Why a floor operation was refused, for the caller to show.
public struct FloorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Accounts, sessions, tokens, the audit log and appeals: what the workbench needs to serve a
/// floor. The SQLite results store implements it (`CallQCStore`). Secrets (passwords, session
/// ids, tokens, set-password links) are handed in hashed by the caller or hashed here; nothing
/// stores them in the clear.
public protocol FloorStore: Sendable {
    // Users
    func addUser(_ user: FloorUser) throws
    func user(named name: String) throws -> FloorUser?
    func users() throws -> [FloorUser]
    func setRole(_ name: String, role: FloorRole) throws
    func setDisabled(_ name: String, _ disabled: Bool) throws
    /// The bcrypt hash of the user's password; nil when none is set.
    func passwordHash(of name: String) throws -> String?
    func setPasswordHash(_ name: String, hash: String?) throws
    /// Whether any user exists: the workbench then requires a login for everyone.
    func hasUsers() throws -> Bool

    // One-time set-password links: the SHA-256 of the link's secret, until it expires.
    func addSetupLink(user: String, secretHash: String, expires: Date) throws
    /// The user of a valid link, consumed by the call (a link works once).
    func consumeSetupLink(secretHash: String, now: Date) throws -> String?

    // Sessions, by the SHA-256 of their id.
    func addSession(idHash: String, _ session: FloorSession) throws
    func session(idHash: String) throws -> FloorSession?
    func touchSession(idHash: String, at: Date) throws
    func deleteSession(idHash: String) throws
    func deleteSessions(user: String) throws

    // Personal API tokens, by the SHA-256 of the token.
    func addToken(user: String, label: String, tokenHash: String, createdAt: String) throws -> Int
    /// The user of a live (not revoked) token, noting its use.
    func tokenUser(tokenHash: String, usedAt: String) throws -> String?
    func tokens(user: String?) throws -> [APITokenInfo]
    func revokeToken(id: Int, at: String) throws

    // Failed logins, for throttling: per account and per address, within a window.
    func recordFailedLogin(user: String?, address: String?, at: Date) throws
    func failedLogins(user: String?, address: String?, since: Date) throws -> Int

    // The audit log: append and read only.
    func audit(_ entry: AuditEntry) throws
    func auditLog(from: String?, to: String?, actor: String?, action: AuditAction?) throws -> [AuditEntry]

    // Appeals.
    func addAppeal(_ appeal: Appeal) throws -> Int
    func appeals(status: Appeal.Status?) throws -> [Appeal]
    func appeal(id: Int) throws -> Appeal?
    /// Decides a pending appeal; an accepted appeal of a finding strikes it from the stored result
    /// (score recomputed, the original kept) — see ``StrikeLedger``.
    func decideAppeal(id: Int, accept: Bool, by: String, note: String?, at: String) throws
}

/// The rules a new password must meet.
public enum FloorPassword {
    public static let minimumLength = 10

    /// What is wrong with a password for a user; nil when it will do.
    public static func problem(_ password: String, user: String) -> String? {
        if password.count < minimumLength { return "the password must have at least \(minimumLength) characters" }
        if Set(password).count == 1 { return "the password must not be one character repeated" }
        if password.lowercased().contains(user.lowercased()) { return "the password must not contain the user name" }
        return nil
    }
}
