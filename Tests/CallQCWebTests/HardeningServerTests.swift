import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Issue 13: the workbench under load, slow clients and foreign host names.
extension HardeningWebTests {
    func testOnlyConfiguredHostNamesAreAnswered() async throws {
        let local = WorkbenchConfig().allowedHosts
        for host in ["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST", nil] {
            XCTAssertTrue(HostMiddleware<BasicRequestContext>.allows(host, local), host ?? "no host")
        }
        for host in ["evil.example.com", "evil.example.com:8080", "127.0.0.1.evil.example.com", "0.0.0.0"] {
            XCTAssertFalse(HostMiddleware<BasicRequestContext>.allows(host, local), host)
        }
        let config = WorkbenchConfig(host: "0.0.0.0", token: "t0ken", publicHosts: ["https://qc.example.com/"])
        XCTAssertTrue(HostMiddleware<BasicRequestContext>.allows("qc.example.com:443", config.allowedHosts))
        XCTAssertFalse(HostMiddleware<BasicRequestContext>.allows("0.0.0.0:8080", config.allowedHosts))
        XCTAssertTrue(HostMiddleware<BasicRequestContext>.allows("10.0.0.5", WorkbenchConfig(host: "10.0.0.5", token: "t").allowedHosts))
        // The router's test client says "localhost": answered.
        try await web.app().test(.router) { client in
            let r = try await client.execute(uri: "/self-check", method: .get) { $0 }
            XCTAssertEqual(r.status, .ok)
        }
    }

    func testJSONAnswersAreNotSniffedAndTheReview404MasksTheId() async throws {
        let store = try web.store()
        try await web.app(store: store).test(.router) { client in
            let r = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: "{\"call\":\"13812345678\",\"score\":50}")) { $0 }
            XCTAssertEqual(r.status, .notFound)
            XCTAssertEqual(r.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
            XCTAssertFalse(String(buffer: r.body).contains("13812345678"), String(buffer: r.body))
            let page = try await client.execute(uri: "/calls/13812345678", method: .get) { $0 }
            XCTAssertEqual(page.status, .notFound)
            XCTAssertFalse(String(buffer: page.body).contains("13812345678"))
        }
        var open = WorkbenchConfig()
        open.redact = false
        try await web.app(open, store: store).test(.router) { client in
            let page = try await client.execute(uri: "/calls/13812345678", method: .get) { $0 }
            XCTAssertFalse(String(buffer: page.body).contains("13812345678"), "the request's id is masked even with --no-redact")
        }
    }

    func testWorkPerRequestIsBounded() async throws {
        var config = WorkbenchConfig()
        config.maxTurns = 1000
        let lines = (0..<1500).map { i in "[\(i):00-\(i):30] \(i % 2 == 0 ? "坐席" : "客户"): 好的\n" }.joined()
        try await web.app(config).test(.router) { client in
            let r = try await client.execute(uri: "/api/check", method: .post, body: ByteBuffer(string: lines)) { $0 }
            XCTAssertEqual(r.status, .contentTooLarge, String(buffer: r.body))
            XCTAssertTrue(String(buffer: r.body).contains("1000"), String(buffer: r.body))
            let lint = try await client.execute(uri: "/api/lint", method: .post, body: ByteBuffer(string: lines)) { $0 }
            XCTAssertEqual(lint.status, .contentTooLarge)
        }
        // A budget too small for any check: 422 with the reason.
        config.maxTurns = 20_000
        config.workBudgetSeconds = 0.000_001
        try await web.app(config).test(.router) { client in
            let r = try await client.execute(uri: "/api/check", method: .post, body: ByteBuffer(string: lines)) { $0 }
            XCTAssertEqual(r.status, .unprocessableContent)
            XCTAssertTrue(String(buffer: r.body).contains("budget"), String(buffer: r.body))
        }
    }

    func testWorkPoolAnswersWithinItsBudget() async {
        let pool = WorkPool(workers: 1)
        let late = await pool.run(budget: 0.05) { () -> Int in usleep(1_000_000); return 1 }
        XCTAssertNil(late, "over budget")
        let quick = await pool.run(budget: 5) { 2 }
        XCTAssertEqual(quick, 2)
    }
}
