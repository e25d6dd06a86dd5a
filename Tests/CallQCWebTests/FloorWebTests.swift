import CallQC
import CallQCStore
@testable import CallQCWeb
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import XCTest

/// The workbench on a floor: every route × every role, with the status the server must give;
/// logins (throttled, rotated, ended), sessions that expire, revoked tokens.
final class FloorWebTests: XCTestCase {
    var dir: URL!
    var store: SQLStore!
    var floor: any FloorStore { store as Any as! any FloorStore }
    /// name → personal API token.
    var tokens: [String: String] = [:]
    let csrf = "0123456789abcdef0123456789abcdef"
    /// Calls of agent A023 (team north) and A031 (team south).
    var northCall = "", southCall = "", southCase = 0, southAppeal = 0

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let loader = TranscriptLoader()
        let calls = ["rude-agent.txt", "complaint.txt"].flatMap { loader.load(.file(WebTests.root.appendingPathComponent("samples/\($0)").path)).calls }
        try store.save(calls.map { WebTests.checker.check($0) })
        let summaries = try store.summaries(from: nil, to: nil)
        northCall = try XCTUnwrap(summaries.first { $0.agent == "A023" }?.key)
        southCall = try XCTUnwrap(summaries.first { $0.agent == "A031" }?.key)
        let users: [FloorUser] = [
            FloorUser(name: "root", role: .admin),
            FloorUser(name: "sup-north", role: .supervisor, team: "north"),
            FloorUser(name: "sup-south", role: .supervisor, team: "south"),
            FloorUser(name: "wang", role: .agent, agentID: "A023", team: "north"),
            FloorUser(name: "li", role: .agent, agentID: "A031", team: "south"),
            FloorUser(name: "trainer", role: .trainer),
        ]
        for u in users {
            try floor.addUser(u)
            try floor.setPasswordHash(u.name, hash: Bcrypt.hash("correct horse \(u.name)", cost: 4))
            let token = "cqc_test_" + u.name
            _ = try floor.addToken(user: u.name, label: "test", tokenHash: FloorWebTests.sha(token), createdAt: "2026-12-01T00:00:00Z")
            tokens[u.name] = token
        }
        let stored = try XCTUnwrap(try store.detail(callID: southCall))
        southCase = try store.addCase(CaseBuilder().build(from: stored, category: nil, title: "south", createdAt: "2026-12-01T00:00:00Z"))
        southAppeal = try floor.addAppeal(Appeal(callKey: southCall, callID: stored.summary.callID, findingIndex: 0, rule: stored.summary.findings.first?.rule,
                                                 agent: "li", reason: "not said", createdAt: ISO8601DateFormatter().string(from: Date())))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static func sha(_ s: String) -> String { SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined() }

    func app(_ config: WorkbenchConfig = WorkbenchConfig()) -> some ApplicationProtocol {
        Application(router: Workbench(config: config, checker: WebTests.checker, store: store).router())
    }

    /// What the requests need, as a value the test closures can take along.
    struct Fixture: Sendable {
        var tokens: [String: String]
        var csrf: String
        var northCall: String, southCall: String, southCase: Int, southAppeal: Int

        func headers(_ user: String?, form: Bool = false) -> HTTPFields {
            var h: HTTPFields = [.cookie: "callqc_csrf=\(csrf)"]
            if let user { h[.authorization] = "Bearer \(tokens[user]!)" }
            if form { h[.contentType] = "application/x-www-form-urlencoded" }
            return h
        }
    }

    var fx: Fixture { Fixture(tokens: tokens, csrf: csrf, northCall: northCall, southCall: southCall, southCase: southCase, southAppeal: southAppeal) }

    /// Every route × every role: the statuses the server gives. 404 where the call or case is not
    /// the user's to see; 403 where the role may not use the route at all.
    func testEveryRouteForEveryRole() async throws {
        let north = Form.encode(northCall), south = Form.encode(southCall)
        // (method, path, form fields, expected status per user)
        typealias Row = (HTTPRequest.Method, String, [(String, String)], [String: HTTPResponse.Status])
        let all: (HTTPResponse.Status) -> [String: HTTPResponse.Status] = { s in
            ["root": s, "sup-north": s, "sup-south": s, "wang": s, "li": s, "trainer": s]
        }
        let rows: [Row] = [
            (.get, "/self-check", [], all(.ok)),
            (.get, "/queue", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/calls/\(north)", [], ["root": .ok, "sup-north": .ok, "sup-south": .notFound, "wang": .ok, "li": .notFound, "trainer": .ok]),
            (.get, "/api/calls/\(north)", [], ["root": .ok, "sup-north": .ok, "sup-south": .notFound, "wang": .ok, "li": .notFound, "trainer": .ok]),
            (.get, "/api/calls/\(south)", [], ["root": .ok, "sup-north": .notFound, "sup-south": .ok, "wang": .notFound, "li": .ok, "trainer": .ok]),
            (.get, "/calibration", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/reports", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/api/queue", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/cases", [], all(.ok)),
            (.get, "/cases/\(southCase)", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .notFound, "li": .notFound, "trainer": .ok]),
            (.post, "/cases/\(southCase)/share", [("shared", "1")], ["sup-north": .forbidden, "wang": .forbidden, "li": .forbidden]),
            (.post, "/cases", [("call", northCall)], ["root": .seeOther, "sup-north": .forbidden, "sup-south": .forbidden, "wang": .forbidden, "li": .forbidden, "trainer": .seeOther]),
            (.post, "/calls/\(north)/review", [("score", "80")], ["root": .seeOther, "sup-north": .seeOther, "sup-south": .notFound, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.post, "/calls/\(north)/unmask", [("reason", "complaint follow-up")], ["root": .ok, "sup-north": .ok, "sup-south": .notFound, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.post, "/calls/\(north)/appeal", [("finding", "score"), ("reason", "the customer hung up")], ["root": .forbidden, "sup-north": .forbidden, "sup-south": .forbidden, "wang": .seeOther, "li": .notFound, "trainer": .forbidden]),
            (.get, "/appeals", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .ok, "li": .ok, "trainer": .forbidden]),
            (.post, "/appeals/\(southAppeal)/decide", [("decision", "reject"), ("note", "heard it")], ["sup-north": .notFound, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/me", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .ok, "li": .ok, "trainer": .forbidden]),
            (.get, "/me?agent=A023", [], ["root": .ok, "sup-north": .ok, "sup-south": .notFound, "wang": .ok, "li": .notFound, "trainer": .forbidden]),
            (.get, "/reports/csv?table=by-agent", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/queue/csv", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/calibration/csv", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/queue/csv?table=reviewed", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/queue/csv?table=chart-risk-mix", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/reports/csv?table=chart-agents", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/calibration/csv?table=chart-calibration", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/me/csv?table=calls&agent=A023", [], ["root": .ok, "sup-north": .ok, "sup-south": .notFound, "wang": .ok, "li": .notFound, "trainer": .forbidden]),
            (.get, "/me/csv?table=findings", [], ["wang": .ok, "li": .ok, "trainer": .forbidden]),
            (.get, "/me/csv?table=agents", [], ["root": .ok, "sup-north": .ok, "sup-south": .ok, "wang": .badRequest, "li": .badRequest, "trainer": .forbidden]),
            (.get, "/admin/audit", [], ["root": .ok, "sup-north": .forbidden, "sup-south": .forbidden, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/admin/audit/csv", [], ["root": .ok, "sup-north": .forbidden, "sup-south": .forbidden, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
            (.get, "/admin/users", [], ["root": .ok, "sup-north": .forbidden, "sup-south": .forbidden, "wang": .forbidden, "li": .forbidden, "trainer": .forbidden]),
        ]
        let fx = self.fx
        try await app().test(.router) { client in
            for (method, path, fields, expected) in rows {
                for (user, status) in expected.sorted(by: { $0.key < $1.key }) {
                    let body = fields.isEmpty ? nil : WebTests.form(fields + [("csrf", fx.csrf)])
                    let r = try await client.execute(uri: path, method: method, headers: fx.headers(user, form: !fields.isEmpty), body: body)
                    XCTAssertEqual(r.status, status, "\(method) \(path) as \(user): \(String(buffer: r.body).prefix(300))")
                }
                // Without credentials: pages send to the login page, the API answers 401.
                let anonymous = try await client.execute(uri: path, method: method, headers: fx.headers(nil, form: !fields.isEmpty),
                                                         body: fields.isEmpty ? nil : WebTests.form(fields + [("csrf", fx.csrf)]))
                XCTAssertEqual(anonymous.status, path.hasPrefix("/api/") ? .unauthorized : .seeOther, "\(method) \(path) without a login")
            }
            // The decision the others were refused, by the south supervisor: it lands.
            let decided = try await client.execute(uri: "/appeals/\(fx.southAppeal)/decide", method: .post, headers: fx.headers("sup-south", form: true),
                                                   body: WebTests.form([("decision", "reject"), ("note", "heard it"), ("csrf", fx.csrf)]))
            XCTAssertEqual(decided.status, .seeOther, String(buffer: decided.body))
        }
        // Shared by the trainer, the case is the south agent's to read, and still not the north agent's.
        try await app().test(.router) { client in
            let shared = try await client.execute(uri: "/cases/\(fx.southCase)/share", method: .post, headers: fx.headers("trainer", form: true),
                                                  body: WebTests.form([("shared", "1"), ("csrf", fx.csrf)]))
            XCTAssertEqual(shared.status, .seeOther, String(buffer: shared.body))
            do { let r = try await client.execute(uri: "/cases/\(fx.southCase)", method: .get, headers: fx.headers("li")); XCTAssertEqual(r.status, .ok) }
            do { let r = try await client.execute(uri: "/cases/\(fx.southCase)", method: .get, headers: fx.headers("wang")); XCTAssertEqual(r.status, .notFound) }
        }
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "trainer", action: .caseShared).count, 1)
        XCTAssertEqual(try floor.appeal(id: southAppeal)?.status, .rejected)
        XCTAssertEqual(try floor.appeal(id: southAppeal)?.decidedBy, "sup-south")
        // The reviews recorded name the logged-in user, and the unmasking is in the audit log with its reason.
        XCTAssertEqual(Set(try store.reviews().compactMap(\.reviewer)), ["root", "sup-north"])
        let unmasks = try floor.auditLog(from: nil, to: nil, actor: nil, action: .unmask)
        XCTAssertEqual(Set(unmasks.map(\.actor)), ["root", "sup-north"])
        XCTAssertTrue(unmasks.allSatisfy { $0.detail == "complaint follow-up" && $0.target == northCall })
    }

    /// Agents and trainers see masked text even on a server started with --no-redact; a
    /// supervisor's page is masked until unmasked, for that page only.
    func testPersonalDataStaysMaskedForAgentsAndTrainers() async throws {
        let text = "# call: C-PII\n# agent: A023\n# date: 2026-11-30\n[00:00-00:04] 坐席: 您好。\n[00:04-00:09] 客户: 我手机号是13812345678。\n"
        let path = dir.appendingPathComponent("pii.txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try store.save(TranscriptLoader().load(.file(path)).calls.map { WebTests.checker.check($0) })
        var open = WorkbenchConfig()
        open.redact = false
        let fx = self.fx
        try await app(open).test(.router) { client in
            for user in ["wang", "trainer"] {
                let page = String(buffer: try await client.execute(uri: "/calls/C-PII", method: .get, headers: fx.headers(user)).body)
                XCTAssertFalse(page.contains("13812345678"), user)
                XCTAssertTrue(page.contains("138****5678"), user)
                XCTAssertFalse(page.contains("unmask-form"), "\(user) has no unmask button")
                let api = String(buffer: try await client.execute(uri: "/api/calls/C-PII", method: .get, headers: fx.headers(user)).body)
                XCTAssertFalse(api.contains("13812345678"), user)
            }
        }
        try await app().test(.router) { client in
            let masked = String(buffer: try await client.execute(uri: "/calls/C-PII", method: .get, headers: fx.headers("sup-north")).body)
            XCTAssertFalse(masked.contains("13812345678"))
            XCTAssertTrue(masked.contains("unmask-form"))
            let shown = try await client.execute(uri: "/calls/C-PII/unmask", method: .post, headers: fx.headers("sup-north", form: true),
                                                 body: WebTests.form([("reason", "customer asked for a callback"), ("csrf", fx.csrf)]))
            XCTAssertTrue(String(buffer: shown.body).contains("13812345678"))
            let again = String(buffer: try await client.execute(uri: "/calls/C-PII", method: .get, headers: fx.headers("sup-north")).body)
            XCTAssertFalse(again.contains("13812345678"), "the next page is masked again")
        }
    }

    func testLoginRotatesTheSessionLogoutEndsItAndFailuresAreThrottled() async throws {
        let fx = self.fx
        try await app().test(.router) { client in
            let form = try await client.execute(uri: "/login", method: .get, headers: [.cookie: "callqc_csrf=\(fx.csrf)"])
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(String(buffer: form.body).contains("name=\"password\""))
            // A session id the browser brings is never the one it gets.
            let login = try await client.execute(uri: "/login", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf); callqc_session=planted", .contentType: "application/x-www-form-urlencoded"],
                                                 body: WebTests.form([("user", "wang"), ("password", "correct horse wang"), ("next", "/appeals"), ("csrf", fx.csrf)]))
            XCTAssertEqual(login.status, .seeOther, String(buffer: login.body))
            XCTAssertEqual(login.headers[.location], "/appeals")
            let setCookie = try XCTUnwrap(login.headers[.setCookie])
            XCTAssertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie)
            XCTAssertFalse(setCookie.contains("Secure"), "not Secure without --behind-tls")
            let session = try XCTUnwrap(setCookie.split(separator: ";").first?.split(separator: "=").last.map(String.init))
            XCTAssertNotEqual(session, "planted")
            let cookies = "callqc_csrf=\(fx.csrf); callqc_session=\(session)"
            do { let r = try await client.execute(uri: "/appeals", method: .get, headers: [.cookie: cookies]); XCTAssertEqual(r.status, .ok) }
            let out = try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookies, .contentType: "application/x-www-form-urlencoded"],
                                               body: WebTests.form([("csrf", fx.csrf)]))
            XCTAssertEqual(out.status, .seeOther)
            do { let r = try await client.execute(uri: "/appeals", method: .get, headers: [.cookie: cookies]); XCTAssertEqual(r.status, .seeOther, "the session ended on the server") }

            for attempt in 1...6 {
                let r = try await client.execute(uri: "/login", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                 body: WebTests.form([("user", "li"), ("password", "wrong password \(attempt)"), ("csrf", fx.csrf)]))
                XCTAssertEqual(r.status, attempt <= 5 ? .unauthorized : .tooManyRequests, "attempt \(attempt)")
            }
            // Throttled: even the right password waits.
            let right = try await client.execute(uri: "/login", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                 body: WebTests.form([("user", "li"), ("password", "correct horse li"), ("csrf", fx.csrf)]))
            XCTAssertEqual(right.status, .tooManyRequests)
        }
        let failures = try floor.auditLog(from: nil, to: nil, actor: "li", action: .loginFailed)
        XCTAssertEqual(failures.count, 7)
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "wang", action: .login).count, 1)
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "wang", action: .logout).count, 1)
    }

    func testSessionsExpireWhenIdleAndRevokedTokensStopWorking() async throws {
        let id = "idle-session-id"
        try floor.addSession(idHash: FloorWebTests.sha(id), FloorSession(user: "root", createdAt: Date().addingTimeInterval(-7200), lastSeen: Date().addingTimeInterval(-3600)))
        let fresh = "fresh-session-id"
        try floor.addSession(idHash: FloorWebTests.sha(fresh), FloorSession(user: "root", createdAt: Date(), lastSeen: Date()))
        let fx = self.fx
        try await app().test(.router) { client in
            do { let r = try await client.execute(uri: "/admin/audit", method: .get, headers: [.cookie: "callqc_session=\(id)"]); XCTAssertEqual(r.status, .seeOther, "idle for an hour: logged out") }
            do { let r = try await client.execute(uri: "/admin/audit", method: .get, headers: [.cookie: "callqc_session=\(fresh)"]); XCTAssertEqual(r.status, .ok) }
            do { let r = try await client.execute(uri: "/api/calls/\(Form.encode(fx.northCall))", method: .get, headers: fx.headers("root")); XCTAssertEqual(r.status, .ok) }
        }
        let root = try floor.tokens(user: "root")
        try floor.revokeToken(id: try XCTUnwrap(root.first?.id), at: "2026-12-01T00:00:00Z")
        try await app().test(.router) { client in
            do { let r = try await client.execute(uri: "/api/calls/\(Form.encode(fx.northCall))", method: .get, headers: fx.headers("root")); XCTAssertEqual(r.status, .unauthorized) }
        }
        try floor.setDisabled("wang", true)
        try await app().test(.router) { client in
            do { let r = try await client.execute(uri: "/api/calls/\(Form.encode(fx.northCall))", method: .get, headers: fx.headers("wang")); XCTAssertEqual(r.status, .unauthorized, "a disabled user's token no longer works") }
        }
    }

    /// A user makes a personal API token on their account page (shown once), uses it, and revokes it;
    /// another user's token cannot be revoked from there.
    func testPersonalTokensFromTheAccountPage() async throws {
        let fx = self.fx
        let rootTokenID = try XCTUnwrap(try floor.tokens(user: "root").first?.id)
        try await app().test(.router) { client in
            let made = try await client.execute(uri: "/account/tokens", method: .post, headers: fx.headers("wang", form: true),
                                                body: WebTests.form([("label", "my script"), ("csrf", fx.csrf)]))
            let page = String(buffer: made.body)
            XCTAssertEqual(made.status, .ok, page)
            let token = try XCTUnwrap(page.range(of: "<code id=\"new-token\">").map { String(page[$0.upperBound...].prefix { $0 != "<" }) })
            XCTAssertTrue(token.hasPrefix("cqc_"), token)
            var bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            do { let r = try await client.execute(uri: "/api/calls/\(Form.encode(fx.northCall))", method: .get, headers: bearer); XCTAssertEqual(r.status, .ok) }
            let account = String(buffer: try await client.execute(uri: "/account", method: .get, headers: fx.headers("wang")).body)
            XCTAssertFalse(account.contains(token), "a token is shown once")
            XCTAssertTrue(account.contains("my script"))
            do {
                let r = try await client.execute(uri: "/account/tokens/\(rootTokenID)/revoke", method: .post, headers: fx.headers("wang", form: true),
                                                 body: WebTests.form([("csrf", fx.csrf)]))
                XCTAssertEqual(r.status, .notFound, "another user's token")
            }
            let row = try XCTUnwrap(account.range(of: "my script").map { String(account[$0.upperBound...]) })
            let mine = try XCTUnwrap(row.range(of: "action=\"/account/tokens/").map { String(row[$0.upperBound...].prefix { $0.isNumber }) })
            let revoked = try await client.execute(uri: "/account/tokens/\(mine)/revoke", method: .post, headers: fx.headers("wang", form: true),
                                                   body: WebTests.form([("csrf", fx.csrf)]))
            XCTAssertEqual(revoked.status, .seeOther)
            bearer[.cookie] = nil
            do { let r = try await client.execute(uri: "/api/calls/\(Form.encode(fx.northCall))", method: .get, headers: bearer); XCTAssertEqual(r.status, .unauthorized) }
        }
        XCTAssertNil(try floor.tokens(user: "root").first { $0.id == rootTokenID }?.revokedAt)
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "wang", action: .tokenCreated).count, 1)
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "wang", action: .tokenRevoked).count, 1)
    }

    /// An admin manages users in the browser: adds one (a one-time link the new user sets a password
    /// with, then logs in), changes a role, cannot disable the last admin; others may not.
    func testAdminManagesUsersInTheBrowser() async throws {
        let fx = self.fx
        try await app().test(.router) { client in
            let refused = try await client.execute(uri: "/admin/users", method: .post, headers: fx.headers("sup-north", form: true),
                                                   body: WebTests.form([("name", "intruder"), ("role", "admin"), ("csrf", fx.csrf)]))
            XCTAssertEqual(refused.status, .forbidden)
            let added = try await client.execute(uri: "/admin/users", method: .post, headers: fx.headers("root", form: true),
                                                 body: WebTests.form([("name", "zhou"), ("role", "agent"), ("agent_id", "A055"), ("team", "north"), ("csrf", fx.csrf)]))
            let page = String(buffer: added.body)
            XCTAssertEqual(added.status, .ok, page)
            let link = try XCTUnwrap(page.range(of: "<code id=\"setup-link\">").map { String(page[$0.upperBound...].prefix { $0 != "<" }) })
            XCTAssertTrue(link.hasPrefix("/set-password?token="), link)
            let token = String(link.dropFirst("/set-password?token=".count))
            let set = try await client.execute(uri: "/set-password", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"],
                                               body: WebTests.form([("token", token), ("password", "lantern river 42"), ("again", "lantern river 42"), ("csrf", fx.csrf)]))
            XCTAssertEqual(set.status, .seeOther, String(buffer: set.body))
            let login = try await client.execute(uri: "/login", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                 body: WebTests.form([("user", "zhou"), ("password", "lantern river 42"), ("csrf", fx.csrf)]))
            XCTAssertEqual(login.status, .seeOther, String(buffer: login.body))
            let reused = try await client.execute(uri: "/set-password", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                  body: WebTests.form([("token", token), ("password", "another password 7"), ("again", "another password 7"), ("csrf", fx.csrf)]))
            XCTAssertEqual(reused.status, .notFound, "the link works once")
            let role = try await client.execute(uri: "/admin/users/zhou/role", method: .post, headers: fx.headers("root", form: true),
                                                body: WebTests.form([("role", "trainer"), ("csrf", fx.csrf)]))
            XCTAssertEqual(role.status, .ok)
            let last = try await client.execute(uri: "/admin/users/root/disable", method: .post, headers: fx.headers("root", form: true),
                                                body: WebTests.form([("csrf", fx.csrf)]))
            XCTAssertEqual(last.status, .conflict, "the last admin stays")
            XCTAssertTrue(String(buffer: last.body).contains("last enabled admin"))
        }
        XCTAssertEqual(try floor.user(named: "zhou")?.role, .trainer)
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "root", action: .userAdded).map(\.target), ["zhou"])
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "root", action: .roleChanged).first?.detail, "agent → trainer")
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "zhou", action: .passwordSet).count, 1)
    }
}
