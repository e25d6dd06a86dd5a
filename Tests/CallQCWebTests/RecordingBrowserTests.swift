import Foundation
import CallQCTestSupport
import XCTest

/// A reviewer clicks a finding and hears it: a WAV recording written by the test (a tone, PCM),
/// a call checked into a store with `--audio-root`, `callqc serve --audio-root`, and headless
/// Chromium on the call page: the click on the finding seeks the player (read back as
/// `audio.currentTime`), the turn played is highlighted, the speed buttons set the rate.
final class RecordingBrowserTests: XCTestCase {
    var dir: URL!
    var server: Process?
    var browser: Chromium?

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-rec-browser-\(UUID().letters)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("calls"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("recordings"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        browser?.stop()
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// A mono 16-bit PCM WAV file of a 440 Hz tone.
    static func wav(seconds: Int, rate: Int = 8000) -> Data {
        let samples = seconds * rate
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + samples * 2); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(samples * 2)
        for i in 0..<samples {
            let v = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
            withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
        }
        return d
    }

    /// A number from the page (JSON numbers come back as Int or Double).
    static func number(_ v: Any?) -> Double? { (v as? Double) ?? (v as? Int).map(Double.init) ?? (v as? NSNumber)?.doubleValue }

    func testClickingAFindingSeeksTheRecording() async throws {
        try TestChromium.require()
        let id = "录音-0001"
        let transcript = """
        # call: \(id)
        # agent: A023
        # date: 2026-11-20
        [00:00.5-00:03.5] 坐席: 您好，很高兴为您服务，请问有什么可以帮您？
        [00:04.0-00:07.0] 客户: 我想问一下我的宽带什么时候到期。
        [00:12.0-00:15.5] 坐席: 这个我不知道，你自己去营业厅问吧。
        [00:16.0-00:18.0] 客户: 好吧。
        [00:19.0-00:22.0] 坐席: 感谢您的来电，祝您生活愉快，再见。

        """
        try transcript.write(to: dir.appendingPathComponent("calls/\(id).txt"), atomically: true, encoding: .utf8)
        let recordings = dir.appendingPathComponent("recordings").path
        try RecordingBrowserTests.wav(seconds: 24).write(to: dir.appendingPathComponent("recordings/\(id).wav"))

        let binary = try BrowserTests.binary().path
        let db = dir.appendingPathComponent("qc.sqlite").path
        let checked = try BrowserTests.run(binary, ["check", dir.appendingPathComponent("calls").path, "--db", db, "--audio-root", recordings,
                                                   "--format", "jsonl", "--no-progress"])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertTrue(checked.stdout.contains("\"audio\":\"\(recordings)/\(id).wav\""), "the result links the recording: \(checked.stdout)")

        let (process, base) = try ServeProcess.start(["--db", db, "--audio-root", recordings])
        server = process
        let b = try Chromium(profile: dir.appendingPathComponent("profile"), log: dir.appendingPathComponent("chromium.log"),
                             arguments: ["--autoplay-policy=no-user-gesture-required", "--mute-audio"])
        browser = b
        try await b.attach()
        let page = base + "/calls/" + id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-")))!
        try await b.go(page)
        let status = try await b.status()
        XCTAssertEqual(status, 200)

        // The player has the recording's length once its metadata is in.
        var duration = 0.0
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            duration = RecordingBrowserTests.number(try await b.evaluate("(() => { const a = document.getElementById('recording'); return a && a.readyState >= 1 ? a.duration : 0 })()")) ?? 0
            if duration > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(duration, 24, accuracy: 0.1, "the WAV's 24 seconds, fetched from /calls/{id}/audio")
        let before = RecordingBrowserTests.number(try await b.evaluate("document.getElementById('recording').currentTime"))
        XCTAssertEqual(before ?? -1, 0, accuracy: 0.01)

        // The finding: 不知道 in the third turn, which starts at 12 s.
        let found = try await b.evaluate("""
            (() => { const a = [...document.querySelectorAll('#transcript .note.finding a.seek')].find(a => a.textContent === 'taboo.dont-know');
                     return a ? [a.getAttribute('data-t'), a.getAttribute('href')] : null })()
            """)
        let link = try XCTUnwrap(found as? [String], "the finding taboo.dont-know is a seek link")
        XCTAssertEqual(link[0], "12")
        XCTAssertTrue(link[1].hasSuffix("/audio#t=12"), "without JavaScript, a media fragment: \(link[1])")
        // The click and the reading in one task of the page: the player's position right after the
        // click, before any playing could move it (the recording is paused at 0 until then).
        let clicked = try await b.evaluate("""
            (() => { const audio = document.getElementById('recording'), before = audio.currentTime, paused = audio.paused;
                     const a = [...document.querySelectorAll('#transcript .note.finding a.seek')].find(a => a.textContent === 'taboo.dont-know');
                     a.click(); return [before, paused, audio.currentTime, location.href] })()
            """) as? [Any]
        XCTAssertEqual(RecordingBrowserTests.number(clicked?[0]) ?? -1, 0, accuracy: 0.01, "at the start before the click")
        XCTAssertEqual(clicked?[1] as? Bool, true, "and not playing")
        let now = RecordingBrowserTests.number(clicked?[2]) ?? -1
        XCTAssertEqual(now, 12, accuracy: 0.05, "audio.currentTime right after the click: the finding's start")
        XCTAssertEqual(clicked?[3] as? String, page, "the click seeks the player; the page stays")
        // It plays from there.
        var playing12 = false
        let playDeadline = Date().addingTimeInterval(10)
        while Date() < playDeadline {
            let t = RecordingBrowserTests.number(try await b.evaluate("document.getElementById('recording').currentTime")) ?? 0
            playing12 = t >= 12 && t < 18
            if playing12 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(playing12)
        let location = try await b.location()
        XCTAssertEqual(location, page)

        // The turn being played is highlighted: the third.
        var playing: Double?
        let highlightDeadline = Date().addingTimeInterval(10)
        while Date() < highlightDeadline {
            playing = RecordingBrowserTests.number(try await b.evaluate("[...document.querySelectorAll('#transcript > li')].findIndex(li => li.classList.contains('playing'))"))
            if playing == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(playing, 2, "the turn at 12 s is highlighted")

        // A turn's time seeks too (the fifth turn, at 19 s), wherever the player was.
        let turnClick = try await b.evaluate("""
            (() => { const audio = document.getElementById('recording'), before = audio.currentTime;
                     document.querySelector('#transcript > li:nth-child(5) .t a.seek').click(); return [before, audio.currentTime] })()
            """) as? [Any]
        XCTAssertLessThan(RecordingBrowserTests.number(turnClick?[0]) ?? 99, 18, "before: still near the finding")
        XCTAssertEqual(RecordingBrowserTests.number(turnClick?[1]) ?? -1, 19, accuracy: 0.05, "after: the turn's start")
        let rate = try await b.evaluate("""
            (() => { document.querySelector('#speed button[data-rate="1.5"]').click();
                     return [document.getElementById('recording').playbackRate, document.querySelector('#speed button[data-rate="1.5"]').getAttribute('aria-pressed')] })()
            """) as? [Any]
        XCTAssertEqual(RecordingBrowserTests.number(rate?.first), 1.5)
        XCTAssertEqual(rate?.last as? String, "true")
        // The page ran the workbench's script under its CSP: no violation was reported.
        let log = (try? String(contentsOf: dir.appendingPathComponent("chromium.log"), encoding: .utf8)) ?? ""
        XCTAssertFalse(log.contains("Content Security Policy"), log)
    }
}

extension UUID {
    /// The UUID with its digits as letters: digit runs in paths are masked as phone numbers.
    fileprivate var letters: String {
        String(uuidString.map { c -> Character in
            guard let d = c.wholeNumberValue, c.isASCII else { return c }
            return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
        })
    }
}
