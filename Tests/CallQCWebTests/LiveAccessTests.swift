import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

/// Who may feed and end a live call on a floor with accounts: an agent their own calls (a call they open is theirs,
/// whatever `agent=` says), a supervisor their team's; another agent or another team's supervisor finds no such call.
final class LiveAccessTests: XCTestCase {
    var dir: URL!
    var store: SQLStore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-liveaccess-\(UUID().uuidString.filter(\.isLetter))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let floor = store as Any as! any FloorStore
        for u in [FloorUser(name: "wang", role: .agent, agentID: "A023", team: "north"), FloorUser(name: "li", role: .agent, agentID: "A031", team: "south"),
                  FloorUser(name: "sup-north", role: .supervisor, team: "north"), FloorUser(name: "sup-south", role: .supervisor, team: "south")] {
            try floor.addUser(u)
            _ = try floor.addToken(user: u.name, label: "test", tokenHash: FloorWebTests.sha("cqc_test_" + u.name), createdAt: "2026-12-01T00:00:00Z")
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static func headers(_ user: String) -> HTTPFields { [.authorization: "Bearer cqc_test_\(user)", .contentType: "application/json"] }

    func testAgentsFeedTheirOwnCallsAndSupervisorsTheirTeams() async throws {
        let app = Application(router: Workbench(config: WorkbenchConfig(), checker: WebTests.checker, store: store).router())
        let greeting = Array(#"{"role":"agent","start":0,"end":3,"text":"您好，请问有什么可以帮您？"}"#.utf8)
        let taboo = Array(#"{"role":"agent","start":8,"end":11,"text":"这个我不知道，你问别人吧。"}"#.utf8)
        try await app.test(.router) { client in
            func post(_ path: String, _ user: String, _ body: [UInt8]) async throws -> (HTTPResponse.Status, String) {
                let r = try await client.execute(uri: path, method: .post, headers: LiveAccessTests.headers(user), body: ByteBuffer(bytes: body))
                return (r.status, String(buffer: r.body))
            }
            // wang opens a call: it is A023's, even when wang names another agent.
            var r = try await post("/api/live/W1/turns?agent=A031", "wang", greeting)
            XCTAssertEqual(r.0, .notFound, "an agent cannot open a call as another agent: \(r.1)")
            r = try await post("/api/live/W1/turns", "wang", greeting)
            XCTAssertEqual(r.0, .ok, r.1)
            // Another agent and another team's supervisor find no such call; wang's supervisor feeds it.
            r = try await post("/api/live/W1/turns", "li", taboo)
            XCTAssertEqual(r.0, .notFound, r.1)
            r = try await post("/api/live/W1/turns", "sup-south", taboo)
            XCTAssertEqual(r.0, .notFound, r.1)
            r = try await post("/api/live/W1/turns", "sup-north", taboo)
            XCTAssertEqual(r.0, .ok, r.1)
            XCTAssertTrue(r.1.contains("taboo.dont-know"), r.1)
            // Ending follows the same rule; the result is the call's.
            r = try await post("/api/live/W1/end", "li", [])
            XCTAssertEqual(r.0, .notFound, r.1)
            r = try await post("/api/live/W1/end", "wang", [])
            XCTAssertEqual(r.0, .ok, r.1)
            XCTAssertTrue(r.1.contains("\"agent\":\"A023\""), r.1)
            // A supervisor opens a call for an agent of their team only.
            r = try await post("/api/live/S1/turns?agent=A031", "sup-north", greeting)
            XCTAssertEqual(r.0, .notFound, r.1)
            r = try await post("/api/live/S2/turns?agent=A023", "sup-north", greeting)
            XCTAssertEqual(r.0, .ok, r.1)
            // Without a login: no live call at all.
            let anonymous = try await client.execute(uri: "/api/live/W9/turns", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: greeting))
            XCTAssertNotEqual(anonymous.status, .ok)
        }
        // The ended call is stored like a batch result, under its agent.
        XCTAssertEqual(try store.detail(callID: "W1")?.summary.agent, "A023")
    }
}
