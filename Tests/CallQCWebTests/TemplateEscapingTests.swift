import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import XCTest

/// Every page made from a template escapes what users, agents and transcripts supply: markup,
/// both quotes and the ampersand, in text and in attribute values. A page assembled by string
/// concatenation that forgot one `esc` fails here.
extension FloorWebTests {
    static let nasty = "<script>\"&'"
    static let escaped = "&lt;script&gt;&quot;&amp;&#39;"

    func testEveryTemplatePageEscapesWhatUsersWrote() async throws {
        let nasty = FloorWebTests.nasty
        // A user named with markup (an agent of A023), a call whose id and transcript are markup.
        try floor.addUser(FloorUser(name: nasty, role: .agent, agentID: "A023", team: "north"))
        try floor.setPasswordHash(nasty, hash: Bcrypt.hash("correct horse nasty", cost: 4))
        _ = try floor.addToken(user: nasty, label: "test", tokenHash: FloorWebTests.sha("cqc_test_nasty"), createdAt: "2026-12-01T00:00:00Z")
        tokens[nasty] = "cqc_test_nasty"
        let text = "# call: \(nasty)\n# agent: A023\n# date: 2026-11-30\n[00:00-00:04] 坐席: 您好\(nasty)，不知道。\n[00:04-00:09] 客户: 喂\(nasty)。\n"
        let path = dir.appendingPathComponent("nasty.txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try store.save(TranscriptLoader().load(.file(path)).calls.map { WebTests.checker.check($0) })
        let key = try XCTUnwrap(try store.summaries(from: nil, to: nil).first { $0.callID == nasty }?.key)
        let call = "/calls/" + Form.encode(key)
        let fx = self.fx

        @Sendable func check(_ r: TestResponse, _ what: String, status: HTTPResponse.Status = .ok, file: StaticString = #filePath, line: UInt = #line) {
            let body = String(buffer: r.body)
            XCTAssertEqual(r.status, status, "\(what): \(body.prefix(300))", file: file, line: line)
            XCTAssertFalse(body.contains(nasty), "\(what) has the markup unescaped", file: file, line: line)
            XCTAssertTrue(body.contains(FloorWebTests.escaped), "\(what) shows the markup escaped", file: file, line: line)
        }
        @Sendable func get(_ client: some TestClientProtocol, _ uri: String, as user: String?) async throws -> TestResponse {
            try await client.execute(uri: uri, method: .get, headers: fx.headers(user))
        }
        @Sendable func post(_ client: some TestClientProtocol, _ uri: String, as user: String?, _ fields: [(String, String)]) async throws -> TestResponse {
            try await client.execute(uri: uri, method: .post, headers: fx.headers(user, form: true), body: WebTests.form(fields + [("csrf", fx.csrf)]))
        }

        try await app().test(.router) { client in
            // The agent: the layout's account (their name), the call page (its id, the transcript), the self-check.
            check(try await get(client, "/self-check", as: nasty), "the layout's account")
            check(try await get(client, call, as: nasty), "the call page, for its agent")
            let appealed = try await post(client, call + "/appeal", as: nasty, [("finding", "score"), ("reason", nasty)])
            XCTAssertEqual(appealed.status, .seeOther, String(buffer: appealed.body))
            check(try await get(client, "/appeals", as: nasty), "the agent's appeals")

            // A supervisor: the appeal queue (agent, call, reason), the call page with its appeal and a review, the queue.
            check(try await get(client, "/appeals", as: "sup-north"), "the appeal queue")
            let reviewed = try await post(client, call + "/review", as: "sup-north", [("score", "80"), ("note", nasty)])
            XCTAssertEqual(reviewed.status, .seeOther, String(buffer: reviewed.body))
            let page = String(buffer: try await get(client, call, as: "sup-north").body)
            XCTAssertFalse(page.contains(nasty))
            XCTAssertTrue(page.contains("<li class=\"review\">"), page)
            XCTAssertTrue(page.contains("<ul id=\"appeals\"><li class=\"appeal pending\">"), page)
            XCTAssertTrue(page.contains("reason: \(FloorWebTests.escaped)") || page.contains("理由: \(FloorWebTests.escaped)"), page)
            XCTAssertTrue(page.contains("id=\"call-id\">\(FloorWebTests.escaped)"), page)
            check(try await get(client, "/queue?date=2026-11-30", as: "sup-north"), "the queue")
            // A refused review echoes what was typed, escaped, in the form's values.
            let refused = try await post(client, call + "/review", as: "sup-north", [("score", nasty), ("note", nasty)])
            check(refused, "a refused review", status: .badRequest)
            XCTAssertTrue(String(buffer: refused.body).contains("name=\"note\" size=\"60\" value=\"\(FloorWebTests.escaped)\""))
            check(try await post(client, call + "/unmask", as: "sup-north", [("reason", nasty)]), "the unmasked call page")

            // The admin: the audit log (actor, detail, the filter's echo) and the users.
            check(try await get(client, "/admin/audit", as: "root"), "the audit log")
            let filtered = String(buffer: try await get(client, "/admin/audit?user=" + Form.encode(nasty), as: "root").body)
            XCTAssertTrue(filtered.contains("name=\"user\" value=\"\(FloorWebTests.escaped)\""), filtered)
            check(try await get(client, "/admin/users", as: "root"), "the users")

            // The trainer: a case titled with markup, of the call whose id is markup.
            let added = try await post(client, "/cases", as: "trainer", [("call", key), ("title", nasty)])
            XCTAssertEqual(added.status, .seeOther, String(buffer: added.body))
            check(try await get(client, "/cases", as: "trainer"), "the case library")
            check(try await get(client, "/cases?q=" + Form.encode(nasty), as: "trainer"), "the case library's search")
            check(try await post(client, "/cases", as: "trainer", [("call", nasty + "-none")]), "a case of no call", status: .notFound)

            // Reports echo a wrong date; logging in echoes the user typed; setting a password, the link's token.
            check(try await get(client, "/reports?from=" + Form.encode(nasty), as: "sup-north"), "the reports' error")
            check(try await post(client, "/login", as: nil, [("user", nasty), ("password", "wrong")]), "a failed login", status: .unauthorized)
            check(try await get(client, "/set-password?token=" + Form.encode(nasty), as: nil), "the set-password form")
        }
    }

    /// The forms decoded with Hummingbird's URLEncodedFormDecoder: a missing field is a 400 that
    /// names it; a missing or wrong CSRF token is still a 403, whatever else the form lacks.
    func testDecodedFormsRefuseMissingFieldsAndForeignPosts() async throws {
        let fx = self.fx
        try await app().test(.router) { client in
            let form: HTTPFields = [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "application/x-www-form-urlencoded"]
            let lacking = try await client.execute(uri: "/login", method: .post, headers: form, body: WebTests.form([("user", "wang"), ("csrf", fx.csrf)]))
            XCTAssertEqual(lacking.status, .badRequest)
            XCTAssertTrue(String(buffer: lacking.body).contains("password"), String(buffer: lacking.body))
            let foreign = try await client.execute(uri: "/login", method: .post, headers: form, body: WebTests.form([("user", "wang")]))
            XCTAssertEqual(foreign.status, .forbidden, "no CSRF field: refused as such")
            let wrong = try await client.execute(uri: "/login", method: .post, headers: form,
                                                 body: WebTests.form([("user", "wang"), ("password", "correct horse wang"), ("csrf", String(repeating: "f", count: 32))]))
            XCTAssertEqual(wrong.status, .forbidden)
            // A multipart body's fields decode as well.
            let boundary = "XyZ"
            let multipart = ["user": "wang", "password": "correct horse wang", "csrf": fx.csrf]
                .map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0.key)\"\r\n\r\n\($0.value)\r\n" }.joined() + "--\(boundary)--\r\n"
            let ok = try await client.execute(uri: "/login", method: .post, headers: [.cookie: "callqc_csrf=\(fx.csrf)", .contentType: "multipart/form-data; boundary=\(boundary)"],
                                              body: ByteBuffer(string: multipart))
            XCTAssertEqual(ok.status, .seeOther, String(buffer: ok.body))
            // An appeal decision without its field keeps its worded refusal.
            let undecided = try await client.execute(uri: "/appeals/\(fx.southAppeal)/decide", method: .post, headers: fx.headers("sup-south", form: true),
                                                     body: WebTests.form([("note", "?"), ("csrf", fx.csrf)]))
            XCTAssertEqual(undecided.status, .badRequest)
            XCTAssertTrue(String(buffer: undecided.body).contains("采纳或驳回"), String(buffer: undecided.body))
        }
    }
}
