import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// Gaps found in review, in the workbench.
final class ReviewWebTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-web-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A call named after the caller's number, on the queue, reviewed, with a missed turn: the
    /// queue, the reviewed list and the calibration page link it without the number in the
    /// address (by its content hash), and the call page reached so holds no number either.
    func testLinksToACallNamedByANumberHoldNoNumber() async throws {
        let store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let text = "# call: 13812345678\n# agent: A1\n# date: 2026-11-21\n[00:00-00:03] 坐席: 不知道。\n[00:03-00:05] 客户: 嗯\n"
        let path = dir.appendingPathComponent("x.txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let call = try XCTUnwrap(TranscriptLoader().load(.file(path)).calls.first)
        try store.save([WebTests.checker.check(call)])
        let app = Application(router: Workbench(config: WorkbenchConfig(), checker: WebTests.checker, store: store).router())
        try await app.test(.router) { client in
            let queue = String(buffer: try await client.execute(uri: "/queue?date=2026-11-21", method: .get) { $0 }.body)
            XCTAssertTrue(queue.contains("138****5678"), queue)
            XCTAssertFalse(queue.contains("13812345678"), queue)
            let hash = ContentHash.of(call)
            XCTAssertTrue(queue.contains("/calls/\(hash)"), queue)
            let page = String(buffer: try await client.execute(uri: "/calls/\(hash)", method: .get) { $0 }.body)
            XCTAssertTrue(page.contains("review-form"), page)
            XCTAssertFalse(page.contains("13812345678"), page)
            let saved = try await WebTests.post(client, "/calls/\(hash)/review", [("score", "40"), ("missed.2", "taboo.refusal")])
            XCTAssertEqual(saved.status, .seeOther, String(buffer: saved.body))
            let reviewed = String(buffer: try await client.execute(uri: "/queue?date=2026-11-21", method: .get) { $0 }.body)
            XCTAssertTrue(reviewed.contains("id=\"reviewed\""), reviewed)
            XCTAssertFalse(reviewed.contains("13812345678"), reviewed)
            let calibration = String(buffer: try await client.execute(uri: "/calibration", method: .get) { $0 }.body)
            XCTAssertTrue(calibration.contains("calibration-missed"), calibration)
            XCTAssertFalse(calibration.contains("13812345678"), calibration)
        }
    }
}
