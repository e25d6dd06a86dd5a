import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import XCTest

/// Issue 13 in the workbench.
final class HardeningWebTests: XCTestCase {
    var dir: URL!
    var web: HardeningWebTests { self }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-web-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func store() throws -> SQLStore {
        let store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let files = try FileManager.default.contentsOfDirectory(atPath: WebTests.root.appendingPathComponent("samples").path).filter { $0.hasSuffix(".txt") }
        try store.save(files.flatMap { f in
            TranscriptLoader().load(.file(WebTests.root.appendingPathComponent("samples/\(f)").path)).calls.map(WebTests.checker.check)
        })
        return store
    }

    func app(_ config: WorkbenchConfig = WorkbenchConfig(), store: SQLStore? = nil) -> some ApplicationProtocol {
        Application(router: Workbench(config: config, checker: WebTests.checker, store: store).router())
    }

    func testAPIReviewScoresWithinTheScorecard() async throws {
        let store = try web.store()
        try await web.app(store: store).test(.router) { client in
            for score in ["999999", "1.7e308"] {
                let r = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"score\":\(score)}")) { $0 }
                XCTAssertEqual(r.status, .badRequest, score)
                XCTAssertTrue(String(buffer: r.body).contains("maximum of 100"), String(buffer: r.body))
            }
            let section = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"sections\":{\"politeness\":999999}}")) { $0 }
            XCTAssertEqual(section.status, .badRequest)
        }
        XCTAssertEqual(try store.reviews(), [])
    }
}
