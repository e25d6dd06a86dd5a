import CallQC
import CallQCStore
import Foundation
import XCTest

/// `callqc users`, `audit`, `appeals` and `review` on a fresh database, as an administrator's scripts run them.
final class FloorCLITests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("qc.sqlite").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-floor-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static var osUser: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? ""
    }

    @discardableResult
    func ok(_ args: [String], stdin: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Run {
        let r = try CLI.run(args + ["--db", db], stdin: stdin)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)", file: file, line: line)
        return r
    }

    func fails(_ args: [String], status: Int32 = 1, stdin: String? = nil, _ words: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(args + ["--db", db], stdin: stdin)
        XCTAssertEqual(r.status, status, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(words), "\(args): \(r.stderr)", file: file, line: line)
    }

    /// What leaves the tool from the command line is in the audit log too: cases added and exported, reports written.
    func testCasesAndReportsWrittenFromTheCommandLineAreAudited() throws {
        try ok(["check", "samples/rude-agent.txt"])
        try ok(["cases", "add", "C20261120-0057"])
        try ok(["cases", "export", "--output", dir.appendingPathComponent("cases").path])
        try ok(["report", "--format", "csv", "-o", dir.appendingPathComponent("day.csv").path])
        let store = try SQLStore(path: db)
        let actions = try store.auditLog(from: nil, to: nil, actor: nil, action: nil).map(\.action)
        XCTAssertEqual(actions, [.caseAdded, .caseExported, .reportExported])
        XCTAssertTrue(try store.auditLog(from: nil, to: nil, actor: nil, action: nil).allSatisfy { $0.actor == "cli:" + Self.osUser })
    }

    func testUsersFromTheFirstAdminToTokens() throws {
        // The first admin, on a database that does not exist yet: a one-time link, only its digest stored.
        let added = try ok(["users", "add", "lihua", "--role", "admin"])
        let link = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(link.hasPrefix("/set-password?token="), link)
        XCTAssertTrue(added.stderr.contains("valid 72 hours"), added.stderr)
        let secret = String(link.dropFirst("/set-password?token=".count))
        XCTAssertGreaterThanOrEqual(secret.count, 43)
        XCTAssertNil(try Data(contentsOf: URL(fileURLWithPath: db)).range(of: Data(secret.utf8)), "the secret is not stored")
        let store = try SQLStore(path: db)
        XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex(secret), now: Date()), "lihua")
        XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex(secret), now: Date()), "one use")
        let withBase = try ok(["users", "add", "zhao", "--role", "trainer", "--base-url", "https://qc.example.com/"])
        XCTAssertTrue(withBase.stdout.hasPrefix("https://qc.example.com/set-password?token="), withBase.stdout)

        // --password-stdin, for provisioning scripts; the rules are enforced before anything is stored.
        try ok(["users", "add", "wangfang", "--role", "agent", "--agent-id", "A023", "--team", "east", "--password-stdin"], stdin: "correct horse battery\n")
        let hash = try XCTUnwrap(try store.passwordHash(of: "wangfang"))
        XCTAssertTrue(PasswordHasher().verify("correct horse battery", hash: hash))
        XCTAssertFalse(PasswordHasher().verify("wrong horse battery", hash: hash))
        try fails(["users", "add", "sun", "--role", "trainer", "--password-stdin"], stdin: "short\n", "at least 10")
        try fails(["users", "add", "sun", "--role", "trainer", "--password-stdin"], stdin: "zzzzzzzzzzzz\n", "one character repeated")
        try fails(["users", "add", "sunshine-qc", "--role", "trainer", "--password-stdin"], stdin: "sunshine-qc\n", "user name")
        XCTAssertNil(try store.user(named: "sun"))
        try fails(["users", "add", "qian", "--role", "agent"], status: 2, "--agent-id")
        try fails(["users", "add", "lihua", "--role", "admin"], "exists")
        try fails(["users", "add", "li hua", "--role", "admin"], "spaces")
        try fails(["users", "add", "x", "--role", "boss"], status: 2, "is invalid for '--role <role>'")

        let list = try ok(["users", "list"])
        XCTAssertTrue(list.stdout.contains("NAME"), list.stdout)
        let row = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix("wangfang") })
        XCTAssertTrue(row.contains("agent") && row.contains("A023") && row.contains("east") && row.contains("active") && row.contains("set"), String(row))
        let json = try JSONParser.parse(try ok(["users", "list", "--format", "json"]).stdout)
        XCTAssertEqual(json.arrayValue?.compactMap { $0["name"]?.stringValue }, ["lihua", "wangfang", "zhao"])
        XCTAssertEqual(json.arrayValue?.first?["has_password"], .bool(false))

        // Disable ends sessions; enable; set-role.
        let start = Date()
        try store.addSession(idHash: FloorSecret.sha256Hex("s1"), FloorSession(user: "wangfang", createdAt: start, lastSeen: start))
        try ok(["users", "disable", "wangfang"])
        XCTAssertEqual(try store.user(named: "wangfang")?.disabled, true)
        XCTAssertNil(try store.session(idHash: FloorSecret.sha256Hex("s1")))
        XCTAssertTrue(try ok(["users", "list"]).stdout.contains("disabled"))
        try ok(["users", "enable", "wangfang"])
        XCTAssertEqual(try store.user(named: "wangfang")?.disabled, false)
        try fails(["users", "disable", "nobody"], "no user 'nobody'")
        try ok(["users", "set-role", "wangfang", "supervisor"])
        XCTAssertEqual(try store.user(named: "wangfang")?.role, .supervisor)
        try fails(["users", "set-role", "zhao", "agent"], "agent id")
        try ok(["users", "set-role", "zhao", "agent", "--agent-id", "A077", "--team", "west"])
        XCTAssertEqual(try store.user(named: "zhao").map { [$0.role.rawValue, $0.agentID, $0.team] }, ["agent", "A077", "west"])

        // Reset: a new password from standard input ends the sessions; without it, a new link.
        try store.addSession(idHash: FloorSecret.sha256Hex("s2"), FloorSession(user: "wangfang", createdAt: start, lastSeen: start))
        try ok(["users", "reset-password", "wangfang", "--password-stdin"], stdin: "another good password\n")
        XCTAssertNil(try store.session(idHash: FloorSecret.sha256Hex("s2")))
        XCTAssertTrue(PasswordHasher().verify("another good password", hash: try XCTUnwrap(try store.passwordHash(of: "wangfang"))))
        let reset = try ok(["users", "reset-password", "wangfang"])
        XCTAssertNil(try store.passwordHash(of: "wangfang"), "the old password no longer works")
        let resetSecret = String(reset.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("/set-password?token=".count))
        XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex(resetSecret), now: Date()), "wangfang")

        // Tokens: printed once, resolved by the store through their digest, listed without themselves, revoked.
        let created = try ok(["users", "token", "wangfang", "--label", "nightly"])
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(token.hasPrefix("cqc_"), token)
        XCTAssertEqual(try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: "2026-12-01T09:00:00Z"), "wangfang")
        XCTAssertNil(try Data(contentsOf: URL(fileURLWithPath: db)).range(of: Data(token.utf8)))
        let tokens = try ok(["users", "tokens", "wangfang"])
        XCTAssertTrue(tokens.stdout.contains("nightly") && tokens.stdout.contains("2026-12-01T09:00:00Z"), tokens.stdout)
        XCTAssertFalse(tokens.stdout.contains(token))
        let id = try XCTUnwrap(try store.tokens(user: "wangfang").first?.id)
        try ok(["users", "revoke-token", String(id)])
        XCTAssertNil(try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: "2026-12-01T10:00:00Z"))
        try fails(["users", "revoke-token", String(id)], "was revoked")
        try fails(["users", "token", "nobody"], "no user 'nobody'")

        // Every change is in the audit log as cli:OSUSER.
        let actor = "cli:" + Self.osUser
        let entries = try store.auditLog(from: nil, to: nil, actor: nil, action: nil)
        XCTAssertEqual(Set(entries.map(\.actor)), [actor])
        XCTAssertEqual(entries.map(\.action), [.userAdded, .userAdded, .userAdded, .userDisabled, .userEnabled, .roleChanged, .roleChanged,
                                               .passwordReset, .passwordReset, .tokenCreated, .tokenRevoked])
        let audit = try ok(["audit", "--action", "role-changed"])
        XCTAssertTrue(audit.stdout.contains("agent → supervisor") && audit.stdout.contains("trainer → agent"), audit.stdout)
        XCTAssertFalse(audit.stdout.contains("user-added"), audit.stdout)
        let auditJSON = try JSONParser.parse(try ok(["audit", "--user", actor, "--format", "json", "--from", "2000-01-01"]).stdout)
        XCTAssertEqual(auditJSON.arrayValue?.count, entries.count)
        XCTAssertEqual(auditJSON.arrayValue?.first?["action"], .string("user-added"))
        XCTAssertEqual(try JSONParser.parse(try ok(["audit", "--to", "2000-01-01", "--format", "json"]).stdout), .array([]))
        try fails(["audit", "--from", "yesterday"], status: 2, "--from must be")
        try fails(["audit", "--action", "delete"], status: 2, "is invalid for '--action <action>'")
    }

    func testAppealsAndReviewsFromTheCommandLine() throws {
        XCTAssertEqual(try CLI.run(["check", "samples/rude-agent.txt", "--db", db]).status, 0)
        try ok(["users", "add", "lihua", "--role", "supervisor", "--password-stdin"], stdin: "correct horse battery\n")
        try ok(["users", "add", "wangfang", "--role", "agent", "--agent-id", "A023", "--password-stdin"], stdin: "correct horse battery\n")

        let added = try ok(["appeals", "add", "C20261120-0057", "--finding", "1", "--reason", "我说了再见", "--agent", "wangfang"])
        XCTAssertTrue(added.stdout.contains("appeal 1 of finding #1 (closing)"), added.stdout)
        try fails(["appeals", "add", "C20261120-0057", "--finding", "1", "--reason", "again", "--agent", "wangfang"], "already disputes")
        try fails(["appeals", "add", "C20261120-0057", "--finding", "99", "--reason", "x", "--agent", "wangfang"], "--finding takes 1 to 13")
        try fails(["appeals", "add", "C20261120-0057", "--finding", "1", "--score", "--reason", "x", "--agent", "wangfang"], status: 2, "either --finding N or --score")
        try fails(["appeals", "add", "NO-SUCH-CALL", "--score", "--reason", "x", "--agent", "wangfang"], "no stored call")
        try ok(["appeals", "add", "C20261120-0057", "--score", "--reason", "分数太低", "--agent", "wangfang"])

        let pending = try ok(["appeals", "list", "--status", "pending"])
        XCTAssertTrue(pending.stdout.contains("finding #1 (closing)") && pending.stdout.contains("我说了再见") && pending.stdout.contains("score"), pending.stdout)
        let listed = try JSONParser.parse(try ok(["appeals", "list", "--format", "json"]).stdout)
        XCTAssertEqual(listed.arrayValue?.map { $0["status"] }, [.string("pending"), .string("pending")])
        XCTAssertEqual(listed.arrayValue?.first?["finding"], .number(1), "numbered as --finding takes it")
        XCTAssertEqual(listed.arrayValue?.first?["rule"], .string("closing"))

        // Accepting strikes the finding: 55 (E) → 65 (D) in what reports read.
        let accepted = try ok(["appeals", "decide", "1", "--accept", "--note", "录音里有结束语"])
        XCTAssertTrue(accepted.stdout.contains("55 (E) → 65 (D)"), accepted.stdout)
        try fails(["appeals", "decide", "1", "--reject"], "already accepted")
        try fails(["appeals", "decide", "2"], status: 2, "--accept")
        try fails(["appeals", "decide", "2", "--reject", "--by", "wangfang"], "not an enabled supervisor or admin")
        let rejected = try ok(["appeals", "decide", "2", "--reject", "--note", "分数无误", "--by", "lihua"])
        XCTAssertTrue(rejected.stdout.contains("rejected"), rejected.stdout)
        XCTAssertTrue(try ok(["appeals", "list", "--status", "rejected"]).stdout.contains("分数无误"))
        XCTAssertTrue(try ok(["report"]).stdout.contains("mean score 65"))
        let calibration = try JSONParser.parse(try ok(["report", "calibration", "--format", "json"]).stdout)
        let closing = calibration["rules"]?.arrayValue?.first { $0["rule"] == .string("closing") }
        XCTAssertEqual(closing?["rejected"], .number(1), "\(calibration.compact())")

        // review records the operating-system user unless --reviewer names another; both are audited.
        try ok(["review", "C20261120-0057", "--score", "70", "--confirm", "address"])
        try ok(["review", "C20261120-0057", "--note", "复听", "--reviewer", "lihua"])
        let store = try SQLStore(path: db)
        XCTAssertEqual(try store.reviews().map(\.reviewer), [Self.osUser, "lihua"])
        let log = try store.auditLog(from: nil, to: nil, actor: nil, action: nil)
        XCTAssertEqual(log.filter { $0.action == .appeal }.map(\.actor), ["wangfang", "wangfang"])
        XCTAssertEqual(log.filter { $0.action == .appealDecided }.map(\.actor), ["cli:" + Self.osUser, "lihua"])
        let reviews = log.filter { $0.action == .review }
        XCTAssertEqual(reviews.map(\.actor), ["cli:" + Self.osUser, "cli:" + Self.osUser])
        XCTAssertEqual(reviews.map(\.target), ["C20261120-0057", "C20261120-0057"])
        XCTAssertTrue(reviews[0].detail?.contains("score 70") ?? false, "\(reviews[0])")
        XCTAssertTrue(reviews[1].detail?.contains("reviewer lihua") ?? false, "\(reviews[1])")
    }
}
