import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The 漏检 (missed) control of the review form, the API's `missed`, and recall on the calibration page.
final class MissedReviewWebTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-web-missed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A store holding the rude call (C20261120-0057, 22 turns; taboo.dont-know found on turn 7).
    func store() throws -> SQLStore {
        let store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let calls = TranscriptLoader().load(.file(WebTests.root.appendingPathComponent("samples/rude-agent.txt").path)).calls
        try store.save(calls.map(WebTests.checker.check))
        return store
    }

    func app(_ store: SQLStore) -> some ApplicationProtocol {
        Application(router: Workbench(config: WorkbenchConfig(), checker: WebTests.checker, store: store).router())
    }

    func testMissedControlPostsAndCalibrationShowsRecall() async throws {
        let store = try store()
        let uri = "/calls/C20261120-0057/review"
        try await app(store).test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/calls/C20261120-0057", method: .get) { $0 }.body)
            XCTAssertTrue(page.contains("<details id=\"missed\">"), page)
            XCTAssertTrue(page.contains("漏检"))
            XCTAssertTrue(page.contains("name=\"missed.9\""), "one control per turn")
            XCTAssertTrue(page.contains("name=\"missed.22\""))
            XCTAssertFalse(page.contains("name=\"missed.23\""))
            XCTAssertTrue(page.contains("name=\"missed_note.9\""))
            XCTAssertTrue(page.contains("<option>taboo.refusal</option>"), page)
            XCTAssertFalse(page.contains("<option>greeting</option>"), "a missing greeting is not a turn's miss")

            // The machine found taboo.dont-know on turn 7: that is a confirmation, not a miss.
            let found = try await WebTests.post(client, uri, [("missed.7", "taboo.dont-know")])
            XCTAssertEqual(found.status, .badRequest)
            XCTAssertTrue(String(buffer: found.body).contains("请改为确认"), String(buffer: found.body))
            let outside = try await WebTests.post(client, uri, [("missed.40", "taboo.refusal")])
            XCTAssertEqual(outside.status, .badRequest)
            XCTAssertTrue(String(buffer: outside.body).contains("只有 22 句"))
            let unknown = try await WebTests.post(client, uri, [("missed.9", "no.such.rule")])
            XCTAssertEqual(unknown.status, .badRequest)

            let saved = try await WebTests.post(client, uri, [("score", "40"), ("verdict.taboo.refusal", "confirm"), ("missed.1", ""),
                                                              ("missed.9", "taboo.refusal"), ("missed_note.9", "推诿"), ("missed.13", "taboo.refusal")])
            XCTAssertEqual(saved.status, .seeOther, String(buffer: saved.body))
            let after = String(buffer: try await client.execute(uri: "/calls/C20261120-0057?saved=1", method: .get) { $0 }.body)
            XCTAssertTrue(after.contains("漏检 taboo.refusal@9, taboo.refusal@13"), after)

            let calibration = String(buffer: try await client.execute(uri: "/calibration", method: .get) { $0 }.body)
            XCTAssertTrue(calibration.contains("召回率"), calibration)
            // taboo.refusal: 1 call confirmed, 2 turns missed → recall 33%.
            XCTAssertTrue(calibration.contains("<tr><td>taboo.refusal</td><td>1</td><td>0</td><td>2</td><td>100%</td><td>33%</td></tr>"), calibration)
            XCTAssertTrue(calibration.contains("id=\"calibration-missed\""))
            XCTAssertTrue(calibration.contains("明细你自己去营业厅打印"), calibration)
            XCTAssertTrue(calibration.contains("推诿"))

            let api = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                               body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"missed\":[{\"rule\":\"taboo.refusal\",\"turn\":21,\"note\":\"推诿\"}]}")) { $0 }
            XCTAssertEqual(api.status, .created, String(buffer: api.body))
            let badAPI = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"missed\":[{\"rule\":\"taboo.refusal\",\"turn\":0}]}")) { $0 }
            XCTAssertEqual(badAPI.status, .badRequest)
        }
        let reviews = try store.reviews()
        XCTAssertEqual(reviews.count, 2, "refused posts record nothing")
        XCTAssertEqual(reviews[0].missed, [MissedFinding(rule: "taboo.refusal", turn: 9, note: "推诿"), MissedFinding(rule: "taboo.refusal", turn: 13)])
        XCTAssertEqual(reviews[0].confirmed, ["taboo.refusal"])
        XCTAssertEqual(reviews[1].missed, [MissedFinding(rule: "taboo.refusal", turn: 21, note: "推诿")])
    }
}
