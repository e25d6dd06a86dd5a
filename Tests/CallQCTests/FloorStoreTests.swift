import XCTest
@testable import CallQC
@testable import CallQCStore

/// Accounts, sessions, tokens, failed logins, the audit log and appeals in the store, each test on
/// both backends (SQLite and PostgreSQL, ``StoreBackends``).
final class FloorStoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The body throws a ``FloorError`` naming `words`; `context` (the backend) leads each failure's message.
    func refused(_ body: () throws -> Void, _ words: String, _ context: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), "\(context) refused: \(words)", file: file, line: line) { error in
            XCTAssertTrue(error is FloorError, "\(context) \(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(words), "\(context) \(error)", file: file, line: line)
        }
    }

    // MARK: Users and passwords

    func testUsersAddListDisableAndSetRole() throws {
        try StoreBackends.each(in: dir) { store, backend in
            XCTAssertFalse(try store.hasUsers(), "[\(backend)]")
            try store.addUser(FloorUser(name: "lihua", role: .admin))
            try store.addUser(FloorUser(name: "wangfang", role: .agent, agentID: "A023", team: "east"))
            XCTAssertTrue(try store.hasUsers(), "[\(backend)]")
            refused({ try store.addUser(FloorUser(name: "lihua", role: .trainer)) }, "exists", "[\(backend)]")
            refused({ try store.addUser(FloorUser(name: "zhao", role: .agent)) }, "agent id", "[\(backend)]")
            refused({ try store.addUser(FloorUser(name: "two words", role: .trainer)) }, "spaces", "[\(backend)]")
            refused({ try store.addUser(FloorUser(name: "cli:root", role: .admin)) }, "cli:", "[\(backend)]")
            XCTAssertEqual(try store.users().map(\.name), ["lihua", "wangfang"], "[\(backend)]")
            let agent = try XCTUnwrap(try store.user(named: "wangfang"), "[\(backend)]")
            XCTAssertEqual(agent.role, .agent, "[\(backend)]")
            XCTAssertEqual(agent.agentID, "A023", "[\(backend)]")
            XCTAssertEqual(agent.team, "east", "[\(backend)]")
            XCTAssertFalse(agent.disabled, "[\(backend)]")
            XCTAssertFalse(agent.hasPassword, "[\(backend)]")
            XCTAssertFalse(agent.createdAt.isEmpty, "[\(backend)]")
            XCTAssertNil(try store.user(named: "nobody"), "[\(backend)]")

            try store.setDisabled("wangfang", true)
            XCTAssertEqual(try store.user(named: "wangfang")?.disabled, true, "[\(backend)]")
            try store.setDisabled("wangfang", false)
            XCTAssertEqual(try store.user(named: "wangfang")?.disabled, false, "[\(backend)]")
            refused({ try store.setDisabled("nobody", true) }, "no user", "[\(backend)]")

            try store.setRole("wangfang", role: .supervisor)
            XCTAssertEqual(try store.user(named: "wangfang")?.role, .supervisor, "[\(backend)]")
            refused({ try store.setRole("lihua", role: .agent) }, "agent id", "[\(backend)]")
            try store.setAgent("lihua", agentID: "A001", team: nil)
            // The last enabled admin can be neither demoted nor disabled: nobody could manage users then.
            refused({ try store.setRole("lihua", role: .agent) }, "last enabled admin", "[\(backend)]")
            refused({ try store.setDisabled("lihua", true) }, "last enabled admin", "[\(backend)]")
            try store.setRole("wangfang", role: .admin)
            try store.setRole("lihua", role: .agent)
            XCTAssertEqual(try store.user(named: "lihua")?.role, .agent, "[\(backend)]")
            refused({ try store.setRole("nobody", role: .admin) }, "no user", "[\(backend)]")

            XCTAssertNil(try store.passwordHash(of: "lihua"), "[\(backend)]")
            try store.setPasswordHash("lihua", hash: "$2b$04$x")
            XCTAssertEqual(try store.passwordHash(of: "lihua"), "$2b$04$x", "[\(backend)]")
            XCTAssertEqual(try store.user(named: "lihua")?.hasPassword, true, "[\(backend)]")
        }
    }

    func testPasswordRules() throws {
        XCTAssertNoThrow(try PasswordHasher.check("correct horse battery", user: "lihua"))
        XCTAssertNoThrow(try PasswordHasher.check("密码是十个字符的长度", user: "lihua"))
        refused({ try PasswordHasher.check("short", user: "lihua") }, "at least 10")
        refused({ try PasswordHasher.check("aaaaaaaaaaaaaa", user: "lihua") }, "one character repeated")
        refused({ try PasswordHasher.check("my-wangfang-2026", user: "wangfang") }, "user name")
        refused({ try PasswordHasher.check("wangfang-east", user: "wangfang-east") }, "user name")
        refused({ try PasswordHasher.check("WANGFANG-EAST", user: "wangfang-east") }, "user name")
        refused({ try PasswordHasher.check(String(repeating: "ab", count: 40), user: "lihua") }, "72 bytes")
    }

    func testBcryptHashesAndVerifies() throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = hasher.hash("correct horse battery")
        XCTAssertTrue(hash.hasPrefix("$2"), hash)
        XCTAssertFalse(hash.contains("correct horse battery"))
        XCTAssertNotEqual(hash, hasher.hash("correct horse battery"), "salted")
        XCTAssertTrue(hasher.verify("correct horse battery", hash: hash))
        XCTAssertFalse(hasher.verify("correct horse batterY", hash: hash))
        XCTAssertFalse(hasher.verify("correct horse battery", hash: "not a hash"))
        // The default cost is the one measured (docs/store.md) and what a hash records.
        XCTAssertEqual(PasswordHasher.defaultCost, 11)
        XCTAssertTrue(PasswordHasher().hash("correct horse battery").hasPrefix("$2b$11$"))
    }

    func testSecretDigests() {
        XCTAssertEqual(FloorSecret.sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let token = FloorSecret.apiToken()
        XCTAssertTrue(token.hasPrefix("cqc_"))
        XCTAssertEqual(token.count, 4 + 43, "32 bytes in base64url without padding")
        XCTAssertFalse(token.contains("+") || token.contains("/") || token.contains("="))
        XCTAssertNotEqual(token, FloorSecret.apiToken())
    }

    // MARK: Set-password links and sessions

    func testSetupLinkWorksOnceAndExpires() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "lihua", role: .admin))
            let now = Date()
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("s1"), expires: now.addingTimeInterval(72 * 3600))
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("wrong"), now: now), "[\(backend)]")
            XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s1"), now: now), "lihua", "[\(backend)]")
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s1"), now: now), "[\(backend)] one use")
            // Expired: nil, and gone.
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("s2"), expires: now.addingTimeInterval(3600))
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s2"), now: now.addingTimeInterval(7200)), "[\(backend)]")
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s2"), now: now), "[\(backend)]")
            // A new link replaces the user's earlier one.
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("s3"), expires: now.addingTimeInterval(3600))
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("s4"), expires: now.addingTimeInterval(3600))
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s3"), now: now), "[\(backend)]")
            XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("s4"), now: now), "lihua", "[\(backend)]")
            refused({ try store.addSetupLink(user: "nobody", secretHash: "x", expires: now) }, "no user", "[\(backend)]")
        }
    }

    func testSessionsAddTouchAndDelete() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "lihua", role: .trainer))
            let start = Date(timeIntervalSince1970: 1_796_000_000)
            let a = FloorSecret.sha256Hex("session-a"), b = FloorSecret.sha256Hex("session-b")
            try store.addSession(idHash: a, FloorSession(user: "lihua", createdAt: start, lastSeen: start, address: "127.0.0.1"))
            try store.addSession(idHash: b, FloorSession(user: "lihua", createdAt: start, lastSeen: start))
            XCTAssertEqual(try store.session(idHash: a), FloorSession(user: "lihua", createdAt: start, lastSeen: start, address: "127.0.0.1"), "[\(backend)]")
            try store.touchSession(idHash: a, at: start.addingTimeInterval(600))
            XCTAssertEqual(try store.session(idHash: a)?.lastSeen, start.addingTimeInterval(600), "[\(backend)]")
            XCTAssertEqual(try store.session(idHash: a)?.createdAt, start, "[\(backend)]")
            try store.deleteSession(idHash: a)
            XCTAssertNil(try store.session(idHash: a), "[\(backend)]")
            XCTAssertNotNil(try store.session(idHash: b), "[\(backend)]")
            try store.deleteSessions(user: "lihua")
            XCTAssertNil(try store.session(idHash: b), "[\(backend)]")
            // Disabling a user ends their sessions.
            try store.addSession(idHash: a, FloorSession(user: "lihua", createdAt: start, lastSeen: start))
            try store.setDisabled("lihua", true)
            XCTAssertNil(try store.session(idHash: a), "[\(backend)]")
            // The database holds the hash, never the id.
            XCTAssertNoThrow(try store.addSession(idHash: b, FloorSession(user: "lihua", createdAt: start, lastSeen: start)), "[\(backend)]")
            let bytes = try backend.storedBytes()
            XCTAssertNil(bytes.range(of: Data("session-b".utf8)), "[\(backend)]")
            XCTAssertNotNil(bytes.range(of: Data(b.utf8)), "[\(backend)] the digest is kept")
        }
    }

    // MARK: Tokens

    func testTokensAreStoredHashedAndRevocable() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "bot", role: .supervisor))
            let token = FloorSecret.apiToken()
            let id = try store.addToken(user: "bot", label: "nightly", tokenHash: FloorSecret.sha256Hex(token), createdAt: "2026-12-01T08:00:00Z")
            refused({ _ = try store.addToken(user: "nobody", label: "", tokenHash: "x", createdAt: "") }, "no user", "[\(backend)]")
            XCTAssertEqual(try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: "2026-12-01T09:00:00Z"), "bot", "[\(backend)]")
            XCTAssertNil(try store.tokenUser(tokenHash: FloorSecret.sha256Hex("cqc_other"), usedAt: "2026-12-01T09:00:00Z"), "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: "bot"), [APITokenInfo(id: id, user: "bot", label: "nightly", createdAt: "2026-12-01T08:00:00Z",
                                                                       lastUsedAt: "2026-12-01T09:00:00Z")], "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: "nobody"), [], "[\(backend)]")
            // The raw token is nowhere in the database; its digest is.
            let bytes = try backend.storedBytes()
            XCTAssertNil(bytes.range(of: Data(token.utf8)), "[\(backend)]")
            XCTAssertNil(bytes.range(of: Data(token.dropFirst(4).prefix(20).utf8)), "[\(backend)]")
            XCTAssertNotNil(bytes.range(of: Data(FloorSecret.sha256Hex(token).utf8)), "[\(backend)]")
            // A disabled user's token does not work; revoked, it never does again.
            try store.setDisabled("bot", true)
            XCTAssertNil(try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: "2026-12-01T10:00:00Z"), "[\(backend)]")
            try store.setDisabled("bot", false)
            try store.revokeToken(id: id, at: "2026-12-01T11:00:00Z")
            XCTAssertNil(try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: "2026-12-01T12:00:00Z"), "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: nil).first?.revokedAt, "2026-12-01T11:00:00Z", "[\(backend)]")
            refused({ try store.revokeToken(id: id, at: "") }, "was revoked", "[\(backend)]")
            refused({ try store.revokeToken(id: 99, at: "") }, "no token 99", "[\(backend)]")
        }
    }

    // MARK: Failed logins

    func testFailedLoginsPerUserAndAddressWithinAWindow() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let t0 = Date(timeIntervalSince1970: 1_796_000_000)
            try store.recordFailedLogin(user: "lihua", address: "10.0.0.1", at: t0)
            try store.recordFailedLogin(user: "lihua", address: "10.0.0.2", at: t0.addingTimeInterval(60))
            try store.recordFailedLogin(user: "wangfang", address: "10.0.0.1", at: t0.addingTimeInterval(120))
            try store.recordFailedLogin(user: nil, address: "10.0.0.1", at: t0.addingTimeInterval(180))
            XCTAssertEqual(try store.failedLogins(user: "lihua", address: nil, since: t0), 2, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: "10.0.0.1", since: t0), 3, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "lihua", address: "10.0.0.1", since: t0), 1, "[\(backend)]")
            // The window: only failures at or after `since`.
            XCTAssertEqual(try store.failedLogins(user: "lihua", address: nil, since: t0.addingTimeInterval(30)), 1, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: "10.0.0.1", since: t0.addingTimeInterval(150)), 1, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "zhao", address: nil, since: t0), 0, "[\(backend)]")
        }
    }

    // MARK: Audit log

    func testAuditLogIsAppendOnly() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.audit(AuditEntry(at: "2026-12-01T09:00:00Z", actor: "lihua", action: .login, address: "127.0.0.1"))
            try store.audit(AuditEntry(at: "2026-12-02T10:00:00Z", actor: "lihua", action: .unmask, target: "C1", detail: "customer complaint"))
            try store.audit(AuditEntry(at: "2026-12-03T11:00:00Z", actor: "cli:root", action: .userAdded, target: "wangfang"))
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: nil).map(\.action), [.login, .unmask, .userAdded], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: "2026-12-02", to: nil, actor: nil, action: nil).count, 2, "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: "2026-12-02", actor: nil, action: nil).count, 2, "[\(backend)] the last day is included")
            XCTAssertEqual(try store.auditLog(from: "2026-12-02", to: "2026-12-02", actor: nil, action: nil).map(\.detail), ["customer complaint"], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: "2026-12-02T09:59:59Z", actor: nil, action: nil).count, 1, "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "lihua", action: nil).count, 2, "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "lihua", action: .unmask).first,
                           AuditEntry(id: 2, at: "2026-12-02T10:00:00Z", actor: "lihua", action: .unmask, target: "C1", detail: "customer complaint"), "[\(backend)]")
            // Raw SQL on the store's own connection cannot change or delete a line.
            for sql in ["UPDATE audit_log SET actor = 'someone' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2", "DELETE FROM audit_log"] {
                XCTAssertThrowsError(try store.database.write { db in try db.execute(sql) }, "[\(backend)] \(sql)") { error in
                    XCTAssertTrue("\(error)".contains("append-only"), "[\(backend)] \(error)")
                }
            }
            // Nor can another connection (another process), whatever the statement: the triggers refuse
            // an UPDATE or DELETE on the database's side (PostgreSQL also TRUNCATE, which fires no row trigger).
            var foreign = ["UPDATE audit_log SET detail = NULL", "DELETE FROM audit_log WHERE actor = 'cli:root'"]
            if backend.kind == .postgres { foreign.append("TRUNCATE audit_log") }
            for sql in foreign {
                XCTAssertThrowsError(try backend.rawWrite(sql), "[\(backend)] \(sql)") { error in
                    XCTAssertTrue("\(error)".contains("append-only"), "[\(backend)] \(error)")
                }
            }
            // Appending stays open to every connection.
            XCTAssertNoThrow(try backend.rawWrite("INSERT INTO audit_log (at, actor, action) VALUES ('2026-12-04T08:00:00Z', 'cli:root', 'login')"),
                             "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: nil).count, 4, "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "lihua", action: nil).first?.address, "127.0.0.1", "[\(backend)]")
        }
    }

    // MARK: Appeals

    // The rude-agent sample: 55 points (E); finding 0 is the missing closing (10 points of greeting-closing's 15).

    func testAcceptedAppealStrikesTheFindingAndRescores() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("rude-agent.txt")])
            let before = try XCTUnwrap(try store.detail(callID: "C20261120-0057"), "[\(backend)]")
            XCTAssertEqual(before.summary.score, 55, "[\(backend)]")
            XCTAssertEqual(before.summary.grade, "E", "[\(backend)]")
            XCTAssertEqual(before.summary.findings[0].rule, "closing", "[\(backend)]")
            XCTAssertEqual(before.summary.findings[0].points, 10, "[\(backend)]")
            XCTAssertEqual(before.summary.sections.first { $0.id == "greeting-closing" }?.score, 5, "[\(backend)]")

            let id = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 0, agent: "wangfang",
                                                reason: "我说了再见", createdAt: "2026-12-01T09:00:00Z"))
            let pending = try XCTUnwrap(try store.appeal(id: id), "[\(backend)]")
            XCTAssertEqual(pending.status, .pending, "[\(backend)]")
            XCTAssertEqual(pending.rule, "closing", "[\(backend)] the rule is filled in from the stored result")
            XCTAssertEqual(pending.contentHash, before.summary.contentHash, "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: .pending).map(\.id), [id], "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: .accepted), [], "[\(backend)]")
            refused({ _ = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 0, agent: "wangfang",
                                                     reason: "again", createdAt: "")) }, "already disputes", "[\(backend)]")
            refused({ _ = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 99, agent: "wangfang",
                                                     reason: "x", createdAt: "")) }, "no finding 99", "[\(backend)]")
            refused({ _ = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 1, rule: "closing",
                                                     agent: "wangfang", reason: "x", createdAt: "")) }, "not closing", "[\(backend)]")
            refused({ _ = try store.addAppeal(Appeal(callKey: "nope", callID: "nope", findingIndex: 0, agent: "wangfang", reason: "x", createdAt: "")) },
                    "no stored call", "[\(backend)]")
            // Pending: nothing changes.
            XCTAssertEqual(try store.detail(callID: "C20261120-0057")?.summary.score, 55, "[\(backend)]")

            try store.decideAppeal(id: id, accept: true, by: "lihua", note: "录音里有结束语", at: "2026-12-01T10:00:00Z")
            let decided = try XCTUnwrap(try store.appeal(id: id), "[\(backend)]")
            XCTAssertEqual(decided.status, .accepted, "[\(backend)]")
            XCTAssertEqual(decided.decidedBy, "lihua", "[\(backend)]")
            XCTAssertEqual(decided.decidedAt, "2026-12-01T10:00:00Z", "[\(backend)]")
            XCTAssertEqual(decided.note, "录音里有结束语", "[\(backend)]")

            // Summaries and detail carry the strike: 10 points back to greeting-closing, 65 (D).
            let summary = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            XCTAssertEqual(summary.score, 65, "[\(backend)]")
            XCTAssertEqual(summary.grade, "D", "[\(backend)]")
            XCTAssertTrue(summary.findings[0].struck, "[\(backend)]")
            XCTAssertEqual(summary.findings[0].points, 0, "[\(backend)]")
            XCTAssertFalse(summary.findings[1].struck, "[\(backend)]")
            XCTAssertEqual(summary.sections.first { $0.id == "greeting-closing" }?.score, 15, "[\(backend)]")
            let after = try XCTUnwrap(try store.detail(callID: "C20261120-0057"), "[\(backend)]")
            XCTAssertEqual(after.summary, summary, "[\(backend)]")
            let finding = try XCTUnwrap(after.result["findings"]?.arrayValue?.first, "[\(backend)]")
            XCTAssertEqual(finding["struck"]?["appeal"], .number(Double(id)), "[\(backend)]")
            XCTAssertEqual(finding["struck"]?["by"], .string("lihua"), "[\(backend)]")
            XCTAssertEqual(finding["struck"]?["at"], .string("2026-12-01T10:00:00Z"), "[\(backend)]")
            XCTAssertNil(after.result["findings"]?.arrayValue?[1]["struck"], "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["total"], .number(65), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["grade"], .string("D"), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["original"]?["total"], .number(55), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["original"]?["grade"], .string("E"), "[\(backend)]")
            let section = after.result["score"]?["sections"]?.arrayValue?.first { $0["id"] == .string("greeting-closing") }
            XCTAssertEqual(section?["score"], .number(15), "[\(backend)]")
            XCTAssertEqual(section?["deductions"]?.arrayValue?.first?["struck"], .bool(true), "[\(backend)]")
            // History: the stored result is as checked.
            let stored = try store.database.read { db in try db.string("SELECT result_json FROM results") }
            let original = try JSONParser.parse(try XCTUnwrap(stored, "[\(backend)]"))
            XCTAssertEqual(original["score"]?["total"], .number(55), "[\(backend)]")
            XCTAssertNil(original["findings"]?.arrayValue?.first?["struck"], "[\(backend)]")
            XCTAssertEqual(try store.database.read { db in try db.double("SELECT score FROM results") }, 55, "[\(backend)]")
            // Reports count the struck finding no more.
            let report = Report(try store.summaries(from: nil, to: nil), by: .rule)
            XCTAssertNil(report.rows.first { $0.key == "closing" }, "[\(backend)]")
            // Both steps are audited by the store.
            let audit = try store.auditLog(from: nil, to: nil, actor: nil, action: nil)
            XCTAssertEqual(audit.map(\.action), [.appeal, .appealDecided], "[\(backend)]")
            XCTAssertEqual(audit.map(\.actor), ["wangfang", "lihua"], "[\(backend)]")
            XCTAssertEqual(audit.map(\.target), ["C20261120-0057", "C20261120-0057"], "[\(backend)]")
            XCTAssertTrue(audit[1].detail?.contains("accepted") ?? false, "[\(backend)] \(audit[1])")
            // A struck finding cannot be appealed again.
            refused({ _ = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 0, agent: "wangfang",
                                                     reason: "x", createdAt: "")) }, "already", "[\(backend)]")
        }
    }

    func testStrikingAVetoLiftsIt() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let call = Shipped.check("""
                # call: V1
                # date: 2026-11-21
                # agent: A023
                [00:00.3-00:04.8] 坐席: 您好，很高兴为您服务，请问有什么可以帮您？
                [00:05.0-00:09.0] 客户: 我的宽带又断了。
                [00:09.5-00:12.0] 坐席: 你有病吧，说了多少次了。
                [00:12.5-00:15.0] 客户: 你怎么说话的？
                [00:30.0-00:33.0] 坐席: 感谢您的来电，祝您生活愉快，再见。

                """)
            try store.save([call])
            let before = try XCTUnwrap(try store.detail(callID: "V1"), "[\(backend)]").summary
            XCTAssertTrue(before.veto, "[\(backend)]")
            XCTAssertEqual(before.vetoRules, ["taboo.abuse"], "[\(backend)]")
            XCTAssertEqual(before.score, 0, "[\(backend)]")
            let index = try XCTUnwrap(before.findings.firstIndex { $0.rule == "taboo.abuse" }, "[\(backend)]")
            let id = try store.addAppeal(Appeal(callKey: "V1", callID: "V1", findingIndex: index, agent: "wangfang", reason: "客户先骂人", createdAt: ""))
            try store.decideAppeal(id: id, accept: true, by: "lihua", note: nil, at: "")
            let after = try XCTUnwrap(try store.detail(callID: "V1"), "[\(backend)]")
            XCTAssertFalse(after.summary.veto, "[\(backend)]")
            XCTAssertEqual(after.summary.vetoRules, [], "[\(backend)]")
            let sum = after.summary.sections.reduce(0) { $0 + $1.score }
            XCTAssertEqual(after.summary.score, sum, "[\(backend)] without the veto the score is the sum of the sections")
            let politeness = try XCTUnwrap(before.sections.first { $0.id == "politeness" }, "[\(backend)]")
            XCTAssertEqual(after.summary.sections.first { $0.id == "politeness" }?.score,
                           min(politeness.max, politeness.score + before.findings[index].points), "[\(backend)]")
            let scheme = try XCTUnwrap(Shipped.catalog.ruleSets.first { $0.name == before.ruleSet }, "[\(backend)]").scoring
            XCTAssertEqual(after.summary.grade, scheme.grade(for: sum), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["veto"], .bool(false), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["total"], .number(sum), "[\(backend)]")
            XCTAssertEqual(after.result["score"]?["original"]?["veto"], .bool(true), "[\(backend)]")
        }
    }

    func testPurgeTakesTheAppealsOfPurgedCalls() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("rude-agent.txt")])
            _ = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 0, agent: "wangfang",
                                           reason: "客户手机号13812345678我没读错", createdAt: "2026-12-01T09:00:00Z"))
            XCTAssertEqual(try store.appeals(status: nil).count, 1, "[\(backend)]")
            _ = try store.purge(before: "2026-12-31", keepReviewed: false)
            XCTAssertEqual(try store.appeals(status: nil).count, 0, "[\(backend)] an appeal's reason goes with its call")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: .appeal).count, 1, "[\(backend)] the audit log keeps that it was made")
        }
    }

    func testRejectKeepsTheScoreAndADecisionIsFinal() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("rude-agent.txt")])
            let id = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", findingIndex: 0, agent: "wangfang",
                                                reason: "我说了再见", createdAt: ""))
            try store.decideAppeal(id: id, accept: false, by: "lihua", note: "录音里没有结束语", at: "2026-12-01T10:00:00Z")
            let rejected = try XCTUnwrap(try store.appeal(id: id), "[\(backend)]")
            XCTAssertEqual(rejected.status, .rejected, "[\(backend)]")
            XCTAssertEqual(rejected.note, "录音里没有结束语", "[\(backend)]")
            let after = try XCTUnwrap(try store.detail(callID: "C20261120-0057"), "[\(backend)]")
            XCTAssertEqual(after.summary.score, 55, "[\(backend)]")
            XCTAssertFalse(after.summary.findings[0].struck, "[\(backend)]")
            XCTAssertNil(after.result["score"]?["original"], "[\(backend)]")
            refused({ try store.decideAppeal(id: id, accept: true, by: "lihua", note: nil, at: "") }, "already rejected", "[\(backend)]")
            refused({ try store.decideAppeal(id: 42, accept: true, by: "lihua", note: nil, at: "") }, "no appeal 42", "[\(backend)]")
            // A rejected finding can be appealed again; an appeal of the score is recorded and leaves it to a review.
            let score = try store.addAppeal(Appeal(callKey: "C20261120-0057", callID: "C20261120-0057", agent: "wangfang", reason: "分数太低", createdAt: ""))
            try store.decideAppeal(id: score, accept: true, by: "lihua", note: "复核", at: "")
            XCTAssertEqual(try store.appeal(id: score)?.status, .accepted, "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: "C20261120-0057")?.summary.score, 55, "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: nil).map(\.status), [.rejected, .accepted], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: .appealDecided).count, 2, "[\(backend)]")
        }
    }

    func testCalibrationCountsAnAcceptedAppealAsAWronglyFlaggedFinding() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("rude-agent.txt")])
            let summary = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            // A reviewer confirmed both rules; then an appeal of the closing finding is accepted.
            try store.record(Review(callID: summary.callID, reviewedAt: "2026-12-01T08:00:00Z", reviewer: "lihua", confirmed: ["closing", "address"],
                                    contentHash: summary.contentHash))
            func precision(_ rule: String) throws -> Calibration.RulePrecision? {
                Calibration(reviews: try store.reviews(), calls: try store.summaries(from: nil, to: nil), appeals: try store.appeals(status: .accepted))
                    .rules.first { $0.rule == rule }
            }
            XCTAssertEqual(try precision("closing")?.confirmed, 1, "[\(backend)]")
            let id = try store.addAppeal(Appeal(callKey: summary.key, callID: summary.callID, findingIndex: 0, agent: "wangfang", reason: "说了再见", createdAt: ""))
            XCTAssertEqual(try precision("closing")?.rejected, 0, "[\(backend)] pending appeals do not count")
            try store.decideAppeal(id: id, accept: true, by: "lihua", note: nil, at: "")
            XCTAssertEqual(try precision("closing")?.rejected, 1, "[\(backend)]")
            XCTAssertEqual(try precision("closing")?.confirmed, 0, "[\(backend)]")
            XCTAssertEqual(try precision("address")?.confirmed, 1, "[\(backend)]")
            // Without reviews, the accepted appeal alone counts.
            let alone = Calibration(reviews: [], calls: try store.summaries(from: nil, to: nil), appeals: try store.appeals(status: nil))
            XCTAssertEqual(alone.rules.map(\.rule), ["closing"], "[\(backend)]")
            XCTAssertEqual(alone.rules.first?.rejected, 1, "[\(backend)]")
            XCTAssertEqual(alone.unmatched, [], "[\(backend)]")
        }
    }

    /// The bands are kept per rule set version at save time, and a strike applies only while the
    /// finding at its index is of the appealed rule.
    func testStrikesFollowTheirRule() {
        let ledger = StrikeLedger(strikes: [Strike(finding: 1, rule: "x", appeal: 1, by: "a", at: "t")],
                                  grades: [.init(grade: "A", minimum: 90), .init(grade: "B", minimum: 0)])
        var summary = CallSummary(callID: "c", agent: nil, date: nil, source: nil, contentHash: "h", ruleSet: "r", ruleSetVersion: "1",
                                  score: 85, maxScore: 100, grade: "B", veto: false, vetoRules: [], agentCharsPerMinute: nil,
                                  agentWordsPerMinute: nil, duration: nil,
                                  findings: [.init(rule: "y", severity: .warning, section: "s", points: 5), .init(rule: "x", severity: .warning, section: "s", points: 10)],
                                  sections: [.init(id: "s", title: "S", score: 85, max: 100)])
        let struck = ledger.apply(to: summary)
        XCTAssertEqual(struck.score, 95)
        XCTAssertEqual(struck.grade, "A")
        XCTAssertEqual(struck.findings.map(\.struck), [false, true])
        // The finding at index 1 is of another rule now (checked again): no strike.
        summary.findings[1].rule = "z"
        XCTAssertEqual(ledger.apply(to: summary), summary)
        // Never above the section's maximum.
        summary.findings[1].rule = "x"
        summary.sections[0].score = 95
        XCTAssertEqual(ledger.apply(to: summary).sections[0].score, 100)
    }
}
