import Foundation
import CallQCTestSupport
import XCTest

/// The live board in headless Chromium: a taboo turn posted by the test appears on the board
/// (its script over Server-Sent Events) within a second.
final class LiveBrowserTests: XCTestCase {
    func testATabooTurnAppearsOnTheBoard() async throws {
        try TestChromium.require()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-live-browser-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (server, base) = try ServeProcess.start(["--no-config"])
        let browser = try Chromium(profile: dir.appendingPathComponent("profile"), log: dir.appendingPathComponent("chromium.log"))
        defer {
            browser.stop()
            server.terminate()
            server.waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }
        try await browser.attach()
        try await browser.go(base + "/live")
        var connected = false
        for _ in 0..<200 where !connected {
            connected = try await browser.evaluate("document.getElementById('live-status').getAttribute('data-connected') === '1'") as? Bool ?? false
            if !connected { try await Task.sleep(for: .milliseconds(50)) }
        }
        let page = try await browser.html()
        XCTAssertTrue(connected, page)
        let sent = Date()
        let r = try LiveHTTP.request(base, "POST", "/api/live/B1/turns?agent=A023", body: #"{"role":"agent","start":3,"end":6,"text":"不知道，你自己去营业厅问吧。"}"#)
        XCTAssertEqual(r.status, 200, r.body)
        var shown = ""
        for _ in 0..<200 where shown.isEmpty {
            shown = try await browser.evaluate("(function(){var li=document.querySelector('#live-alerts li[data-kind=forbidden]');return li?li.textContent:''})()") as? String ?? ""
            if shown.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        let elapsed = Date().timeIntervalSince(sent)
        XCTAssertTrue(shown.contains("服务忌语"), shown)
        XCTAssertTrue(shown.contains("→"), "the better phrasing: \(shown)")
        XCTAssertLessThan(elapsed, 1.0, "the alert is on the board within a second")
        let all = try await browser.evaluate("document.getElementById('live-alerts').textContent") as? String ?? ""
        XCTAssertTrue(all.contains("不知道") && all.contains("我帮您查询一下"), all)
        let card = try await browser.evaluate("document.querySelector('[data-call=B1] h3').textContent") as? String
        XCTAssertEqual(card, "B1 · A023")
    }
}
