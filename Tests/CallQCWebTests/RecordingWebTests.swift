import CallQC
import CallQCStore
@testable import CallQCWeb
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

/// Recordings in the workbench: `/calls/{id}/audio` with byte ranges, only to those who may see
/// the call (floor accounts), only from inside the audio roots (traversal, symbolic links), and
/// the call page's player, notices and seek links.
final class RecordingWebTests: XCTestCase {
    var dir: URL!
    var root: URL!
    var store: SQLStore!
    var floor: any FloorStore { store as Any as! any FloorStore }
    /// 10,007 bytes (a prime: no range lines up with a pattern by luck), byte i = i mod 251.
    static let bytes: [UInt8] = (0..<10_007).map { UInt8($0 % 251) }
    /// Call keys by name.
    var keys: [String: String] = [:]

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-recweb-\(UUID().letters)")
        root = dir.appendingPathComponent("录音")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        try Data(RecordingWebTests.bytes).write(to: root.appendingPathComponent("north.wav"))
        try Data(RecordingWebTests.bytes.reversed()).write(to: root.appendingPathComponent("south.mp3"))
        try Data("secret".utf8).write(to: dir.appendingPathComponent("outside.wav"))
        try Data("notes".utf8).write(to: root.appendingPathComponent("notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("escape.wav").path, withDestinationPath: dir.appendingPathComponent("outside.wav").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("alias.wav").path, withDestinationPath: root.appendingPathComponent("north.wav").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("text.wav").path, withDestinationPath: root.appendingPathComponent("notes.txt").path)

        // The samples' calls of two agents, with recordings; and calls whose links must be refused.
        let loader = TranscriptLoader()
        var north = try XCTUnwrap(loader.load(.file(WebTests.root.appendingPathComponent("samples/rude-agent.txt").path)).calls.first)
        north.audio = root.appendingPathComponent("north.wav").path
        var south = try XCTUnwrap(loader.load(.file(WebTests.root.appendingPathComponent("samples/complaint.txt").path)).calls.first)
        south.audio = "south.mp3"       // relative: under the root
        var calls = [("north", north), ("south", south)]
        let links: [(String, String?)] = [
            ("dotdot", "../outside.wav"),
            ("absolute-outside", dir.appendingPathComponent("outside.wav").path),
            ("absolute-dotdot", root.path + "/../outside.wav"),
            ("percent", "%2e%2e/outside.wav"),
            ("percent-slash", "..%2Foutside.wav"),
            ("symlink-out", "escape.wav"),
            ("symlink-in", "alias.wav"),
            ("symlink-text", "text.wav"),
            ("not-audio", "notes.txt"),
            ("missing", "回访-0099.wav"),
            ("remote", "s3://bucket/recordings/回访-0042.wav"),
            ("none", nil),
        ]
        for (i, (name, link)) in links.enumerated() {
            calls.append((name, Call(id: "T-\(name)", agent: "A023", date: "2026-11-20",
                                     turns: [Turn(role: .agent, speaker: "坐席", start: 1.5, end: 4, text: "您好，这里是第\(i)通测试电话。"),
                                             Turn(role: .customer, speaker: "客户", start: 4.5, end: 6, text: "好的。")],
                                     audio: link)))
        }
        try store.save(calls.map { WebTests.checker.check($0.1) })
        for s in try store.summaries(from: nil, to: nil) {
            if let name = calls.first(where: { $0.1.id == s.callID })?.0 { keys[name] = s.key }
        }
        for u in [FloorUser(name: "wang", role: .agent, agentID: "A023", team: "north"), FloorUser(name: "li", role: .agent, agentID: "A031", team: "south"),
                  FloorUser(name: "sup-north", role: .supervisor, team: "north"), FloorUser(name: "liu", role: .trainer)] {
            try floor.addUser(u)
            _ = try floor.addToken(user: u.name, label: "test", tokenHash: FloorWebTests.sha("cqc_test_" + u.name), createdAt: "2026-12-01T00:00:00Z")
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func app(roots: [String]? = nil) -> some ApplicationProtocol {
        var config = WorkbenchConfig()
        config.audioRoots = roots ?? [root.path]
        return Application(router: Workbench(config: config, checker: WebTests.checker, store: store).router())
    }

    static func headers(_ user: String, range: String? = nil) -> HTTPFields {
        var h: HTTPFields = [.authorization: "Bearer cqc_test_\(user)"]
        if let range { h[.range] = range }
        return h
    }

    func audioPath(_ name: String) -> String { "/calls/" + Form.encode(keys[name]!) + "/audio" }

    func testRangesFirstMiddleLastSuffixAndUnsatisfiable() async throws {
        let path = audioPath("north"), all = RecordingWebTests.bytes, size = all.count
        try await app().test(.router) { client in
            func get(_ range: String?, method: HTTPRequest.Method = .get) async throws -> TestResponse {
                try await client.execute(uri: path, method: method, headers: RecordingWebTests.headers("wang", range: range))
            }
            let whole = try await get(nil)
            XCTAssertEqual(whole.status, .ok)
            XCTAssertEqual(whole.headers[.acceptRanges], "bytes")
            XCTAssertEqual(whole.headers[.contentType], "audio/wav")
            XCTAssertEqual(whole.headers[.contentLength], "\(size)")
            XCTAssertEqual(Array(buffer: whole.body), all)

            // (range, the bytes it names, Content-Range)
            let cases: [(String, ClosedRange<Int>)] = [
                ("bytes=0-0", 0...0),                         // the first byte
                ("bytes=0-499", 0...499),                     // the first 500
                ("bytes=5000-5250", 5000...5250),             // the middle, across a 251-byte cycle
                ("bytes=\(size - 1)-\(size - 1)", (size - 1)...(size - 1)),  // the last byte
                ("bytes=10000-", 10000...(size - 1)),         // from an offset to the end
                ("bytes=-7", (size - 7)...(size - 1)),        // the last 7 (suffix)
                ("bytes=-99999", 0...(size - 1)),             // a suffix longer than the file: all of it
                ("bytes=9000-99999", 9000...(size - 1)),      // an end past the file: cut to it
                ("bytes = 3-4".replacingOccurrences(of: " ", with: ""), 3...4),
            ]
            for (range, want) in cases {
                let r = try await get(range)
                XCTAssertEqual(r.status, .partialContent, range)
                XCTAssertEqual(r.headers[.contentRange], "bytes \(want.lowerBound)-\(want.upperBound)/\(size)", range)
                XCTAssertEqual(r.headers[.contentLength], "\(want.count)", range)
                XCTAssertEqual(r.headers[.acceptRanges], "bytes", range)
                XCTAssertEqual(Array(buffer: r.body), Array(all[want]), range)
            }
            for bad in ["bytes=\(size)-", "bytes=20000-30000", "bytes=500-400", "bytes=-0", "bytes=abc", "bytes=1-2-3", "bytes=", "bytes=-", "bytes=0x10-20", "bytes=+1-2"] {
                let r = try await get(bad)
                XCTAssertEqual(r.status, .rangeNotSatisfiable, bad)
                XCTAssertEqual(r.headers[.contentRange], "bytes */\(size)", bad)
                XCTAssertEqual(r.body.readableBytes, 0, bad)
            }
            // Several ranges: the whole file, as RFC 9110 allows.
            let several = try await get("bytes=0-1,5-6")
            XCTAssertEqual(several.status, .ok)
            XCTAssertEqual(several.body.readableBytes, size)
            // HEAD: the headers without the body.
            let head = try await get(nil, method: .head)
            XCTAssertEqual(head.status, .ok)
            XCTAssertEqual(head.headers[.contentLength], "\(size)")
            XCTAssertEqual(head.headers[.contentType], "audio/wav")
            XCTAssertEqual(head.body.readableBytes, 0)
            let headRange = try await get("bytes=-10", method: .head)
            XCTAssertEqual(headRange.status, .partialContent)
            XCTAssertEqual(headRange.headers[.contentRange], "bytes \(size - 10)-\(size - 1)/\(size)")
        }
    }

    func testContentTypeAndRelativeLinkUnderTheRoot() async throws {
        let path = audioPath("south")
        try await app().test(.router) { client in
            let r = try await client.execute(uri: path, method: .get, headers: RecordingWebTests.headers("li", range: "bytes=0-3"))
            XCTAssertEqual(r.status, .partialContent)
            XCTAssertEqual(r.headers[.contentType], "audio/mpeg")
            XCTAssertEqual(Array(buffer: r.body), Array(RecordingWebTests.bytes.reversed().prefix(4)))
        }
    }

    func testOnlyThoseWhoMaySeeTheCallGetItsRecording() async throws {
        let north = audioPath("north"), south = audioPath("south")
        try await app().test(.router) { client in
            // (user, path, status): the call page's own rule — another agent's call is not there.
            let rows: [(String, String, HTTPResponse.Status)] = [
                ("wang", north, .ok), ("wang", south, .notFound),
                ("li", south, .ok), ("li", north, .notFound),
                ("sup-north", north, .ok), ("sup-north", south, .notFound),
            ]
            for (user, path, status) in rows {
                for method in [HTTPRequest.Method.get, .head] {
                    let r = try await client.execute(uri: path, method: method, headers: RecordingWebTests.headers(user, range: "bytes=0-15"))
                    XCTAssertEqual(r.status, status == .ok ? .partialContent : status, "\(user) \(method) \(path)")
                    if status != .ok {
                        XCTAssertNotEqual(r.headers[.contentType]?.hasPrefix("audio/"), true)
                        XCTAssertFalse(Array(buffer: r.body).starts(with: RecordingWebTests.bytes.reversed().prefix(8)), "none of the recording")
                        let page = try await client.execute(uri: String(path.dropLast("/audio".count)), method: .get, headers: RecordingWebTests.headers(user))
                        XCTAssertEqual(page.status, .notFound, "as the call's page")
                    }
                }
            }
            // Nobody logged in: to the login page, no recording.
            let anonymous = try await client.execute(uri: north, method: .get, headers: [:])
            XCTAssertNotEqual(anonymous.status, .ok)
            XCTAssertNotEqual(anonymous.headers[.contentType], "audio/wav")
        }
    }

    /// A recording is the call unmasked (a voice, the numbers said aloud): trainers, who see masked text only, get
    /// neither the file nor a player; everyone else's listening is in the audit log, once per playing.
    func testTrainersGetNoRecordingAndListeningIsAudited() async throws {
        let north = audioPath("north")
        try await app().test(.router) { client in
            for method in [HTTPRequest.Method.get, .head] {
                let r = try await client.execute(uri: north, method: method, headers: RecordingWebTests.headers("liu", range: "bytes=0-15"))
                XCTAssertEqual(r.status, .notFound, "trainer \(method)")
                XCTAssertNotEqual(r.headers[.contentType]?.hasPrefix("audio/"), true)
            }
            let page = try await client.execute(uri: String(north.dropLast("/audio".count)), method: .get, headers: RecordingWebTests.headers("liu"))
            XCTAssertEqual(page.status, .ok, "the trainer still sees the (masked) call")
            XCTAssertFalse(String(buffer: page.body).contains("<audio"), "no player for a trainer")
            let supervisorPage = try await client.execute(uri: String(north.dropLast("/audio".count)), method: .get, headers: RecordingWebTests.headers("sup-north"))
            XCTAssertTrue(String(buffer: supervisorPage.body).contains("<audio"))

            // A playing starts at byte 0 (logged); the seeks after it are not.
            _ = try await client.execute(uri: north, method: .get, headers: RecordingWebTests.headers("sup-north", range: "bytes=0-"))
            _ = try await client.execute(uri: north, method: .get, headers: RecordingWebTests.headers("sup-north", range: "bytes=100-200"))
            _ = try await client.execute(uri: north, method: .head, headers: RecordingWebTests.headers("sup-north"))
        }
        let played = try floor.auditLog(from: nil, to: nil, actor: nil, action: .recordingPlayed)
        XCTAssertEqual(played.count, 1, "\(played)")
        XCTAssertEqual(played.first?.actor, "sup-north")
        XCTAssertEqual(played.first?.target, keys["north"])
    }

    func testTraversalAndLinksOutOfTheRootAreRefused() async throws {
        let refused = ["dotdot", "absolute-outside", "absolute-dotdot", "symlink-out", "symlink-text", "not-audio"]
        let paths = Dictionary(uniqueKeysWithValues: (refused + ["percent", "percent-slash", "missing", "remote", "none", "symlink-in"]).map { ($0, audioPath($0)) })
        let pages = paths.mapValues { String($0.dropLast("/audio".count)) }
        try await app().test(.router) { client in
            for name in refused + ["percent", "percent-slash", "missing", "remote", "none"] {
                let r = try await client.execute(uri: paths[name]!, method: .get, headers: RecordingWebTests.headers("wang"))
                XCTAssertEqual(r.status, .notFound, name)
                XCTAssertNotEqual(String(buffer: r.body), "secret", name)
                XCTAssertEqual(r.headers[.contentType], "text/plain; charset=utf-8", name)
                // The page is there, with a notice instead of a player.
                let page = try await client.execute(uri: pages[name]!, method: .get, headers: RecordingWebTests.headers("wang"))
                XCTAssertEqual(page.status, .ok, name)
                let html = String(buffer: page.body)
                XCTAssertFalse(html.contains("<audio"), name)
                XCTAssertFalse(html.contains("<script"), name)
                XCTAssertTrue(html.contains("您好，这里是第"), "\(name): the transcript is shown")
                switch name {
                case "none": XCTAssertFalse(html.contains("id=\"player\""), name)
                case "remote": XCTAssertTrue(html.contains("录音位于 s3://bucket/recordings/回访-0042.wav（外部地址，工作台不代为获取）"), html)
                case "missing", "percent", "percent-slash": XCTAssertTrue(html.contains("id=\"recording-missing\""), name)
                default: XCTAssertTrue(html.contains("id=\"recording-unavailable\""), "\(name): \(html)")
                }
            }
            // A symbolic link that stays inside the root is a recording.
            let inside = try await client.execute(uri: paths["symlink-in"]!, method: .get, headers: RecordingWebTests.headers("wang", range: "bytes=0-9"))
            XCTAssertEqual(inside.status, .partialContent)
            XCTAssertEqual(Array(buffer: inside.body), Array(RecordingWebTests.bytes.prefix(10)))
            // Traversal in the address: no call by that id.
            for uri in ["/calls/..%2F..%2Foutside.wav/audio", "/calls/%2e%2e/audio", "/calls/..%2F录音%2Fnorth.wav/audio", "/calls/%2Fetc%2Fpasswd/audio"] {
                let r = try await client.execute(uri: uri, method: .get, headers: RecordingWebTests.headers("wang"))
                XCTAssertEqual(r.status, .notFound, uri)
            }
        }
        // Without audio roots nothing is served, not even a link inside the folder.
        let north = audioPath("north")
        try await app(roots: []).test(.router) { client in
            let r = try await client.execute(uri: north, method: .get, headers: RecordingWebTests.headers("wang"))
            XCTAssertEqual(r.status, .notFound)
        }
    }

    func testLocatingAStoredLink() throws {
        let roots = [root.path]
        XCTAssertEqual(RecordingFile.locate(root.appendingPathComponent("north.wav").path, roots: roots),
                       .playable(path: RecordingFile.realPath(root.appendingPathComponent("north.wav").path)!, contentType: "audio/wav", size: RecordingWebTests.bytes.count))
        XCTAssertEqual(RecordingFile.locate("north.wav", roots: ["/nonexistent", root.path + "/"]).contentTypeIfPlayable, "audio/wav")
        for link in ["../outside.wav", "a/../../outside.wav", root.path + "/../outside.wav", dir.appendingPathComponent("outside.wav").path, "escape.wav", "text.wav", "notes.txt", "/etc/passwd", "north.wav\u{0}"] {
            guard case .refused = RecordingFile.locate(link, roots: roots) else { return XCTFail("\(link): \(RecordingFile.locate(link, roots: roots))") }
        }
        XCTAssertEqual(RecordingFile.locate("gone.wav", roots: roots), .missing)
        XCTAssertEqual(RecordingFile.locate(root.appendingPathComponent("gone.wav").path, roots: roots), .missing)
        XCTAssertEqual(RecordingFile.locate("https://x.example/a.wav?sig=1", roots: roots), .remote("https://x.example/a.wav"))
        // A root that is itself a symbolic link: the files under it are inside.
        let linkRoot = dir.appendingPathComponent("rec-link").path
        try FileManager.default.createSymbolicLink(atPath: linkRoot, withDestinationPath: root.path)
        XCTAssertEqual(RecordingFile.locate(linkRoot + "/north.wav", roots: [linkRoot]).contentTypeIfPlayable, "audio/wav")
        // A root named like the start of another folder's name does not hold it (`录音` vs `录音2`).
        let sibling = dir.appendingPathComponent("录音2")
        try FileManager.default.createDirectory(at: sibling, withIntermediateDirectories: true)
        try Data([1, 2]).write(to: sibling.appendingPathComponent("x.wav"))
        guard case .refused = RecordingFile.locate(sibling.appendingPathComponent("x.wav").path, roots: roots) else { return XCTFail("a sibling folder") }
    }

    func testParsingRanges() {
        XCTAssertEqual(ByteRange.parse(nil, size: 10), .whole)
        XCTAssertEqual(ByteRange.parse("bytes=0-0", size: 10), .part(0...0))
        XCTAssertEqual(ByteRange.parse("bytes=-3", size: 10), .part(7...9))
        XCTAssertEqual(ByteRange.parse("BYTES=2-", size: 10), .part(2...9))
        XCTAssertEqual(ByteRange.parse("bytes=0-0", size: 0), .unsatisfiable, "an empty file has no first byte")
        XCTAssertEqual(ByteRange.parse("bytes=-1", size: 0), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse("bytes=٣-٤", size: 10), .unsatisfiable, "Arabic-Indic digits are not digits here")
        XCTAssertEqual(ByteRange.parse("bytes=99999999999999999999-", size: 10), .unsatisfiable, "an overflowing start")
        XCTAssertEqual(ByteRange.parse("bytes=0-99999999999999999999", size: 10), .part(0...9), "an overflowing end is the last byte")
        XCTAssertEqual(ByteRange.parse("bytes=-99999999999999999999", size: 10), .part(0...9), "an overflowing suffix is the whole file")
        XCTAssertEqual(ByteRange.parse("items=0-5", size: 10), .whole, "an unknown unit is ignored (RFC 9110 §14.2)")
        XCTAssertEqual(ByteRange.parse("bytes=0-1,", size: 10), .unsatisfiable)
    }

    func testThePlayerSeekLinksAndTheScript() async throws {
        let page = "/calls/" + Form.encode(keys["north"]!)
        let src = page + "/audio"
        let missingPage = "/calls/" + Form.encode(keys["missing"]!), nonePage = "/calls/" + Form.encode(keys["none"]!)
        try await app().test(.router) { client in
            let r = try await client.execute(uri: page, method: .get, headers: RecordingWebTests.headers("wang"))
            XCTAssertEqual(r.status, .ok)
            let html = String(buffer: r.body)
            XCTAssertTrue(html.contains("<audio id=\"recording\" controls preload=\"metadata\" src=\"\(src)\"></audio>"), html)
            XCTAssertTrue(html.contains("<script src=\"/static/recording.js\" defer></script>"))
            for (rate, label) in [("1", "1×"), ("1.25", "1.25×"), ("1.5", "1.5×"), ("2", "2×")] {
                XCTAssertTrue(html.contains("<button type=\"button\" data-rate=\"\(rate)\" disabled>\(label)</button>"), label)
            }
            // The rude agent's 不知道 at 00:44.3 (turn 7): the turn's time and its finding seek there.
            XCTAssertTrue(html.contains("data-start=\"44.3\""), html)
            XCTAssertTrue(html.contains("<a class=\"seek\" href=\"\(src)#t=44.3\" data-t=\"44.3\">00:44.3–"), html)
            XCTAssertTrue(html.contains("<a class=\"seek\" href=\"\(src)#t=44.3\" data-t=\"44.3\">taboo.dont-know</a>"), html)
            // And in the scorecard, the deduction of that finding.
            let scorecard = String(html[html.range(of: "id=\"scorecard\"")!.lowerBound...].prefix { _ in true }).components(separatedBy: "</table>")[0]
            XCTAssertTrue(scorecard.contains("<b><a class=\"seek\" href=\"\(src)#t=44.3\" data-t=\"44.3\">taboo.dont-know</a></b>"), scorecard)
            XCTAssertTrue(html.contains("点击每句的时间或问题即可跳到录音的那一刻"))
            let csp = try XCTUnwrap(r.headers[HTTPField.Name("Content-Security-Policy")!])
            XCTAssertTrue(csp.contains("script-src 'self'"), csp)
            XCTAssertTrue(csp.contains("media-src 'self'"), csp)
            XCTAssertTrue(csp.hasPrefix("default-src 'none';"), csp)
            XCTAssertFalse(csp.contains("unsafe-eval"), csp)
            XCTAssertFalse(csp.contains("script-src 'unsafe-inline'") || csp.contains("script-src 'self' 'unsafe-inline'"), csp)
            XCTAssertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"), "the rest of the policy is kept")
            // No inline script anywhere on the page: every <script> has a src.
            XCTAssertEqual(html.components(separatedBy: "<script").count - 1, html.components(separatedBy: "<script src=\"/static/").count - 1)

            let en = try await client.execute(uri: page + "?lang=en", method: .get, headers: RecordingWebTests.headers("wang"))
            let enHTML = String(buffer: en.body)
            XCTAssertTrue(enHTML.contains("Click a turn") && enHTML.contains("s time or a finding to hear that moment."), enHTML)
            XCTAssertTrue(enHTML.contains("aria-label=\"Playback speed\""))

            let missing = try await client.execute(uri: missingPage + "?lang=en", method: .get, headers: RecordingWebTests.headers("wang"))
            XCTAssertTrue(String(buffer: missing.body).contains("The recording is missing: 回访-0099.wav (it is not in the recordings folder yet, or was moved)."))
            let zhMissing = try await client.execute(uri: missingPage, method: .get, headers: RecordingWebTests.headers("wang"))
            XCTAssertTrue(String(buffer: zhMissing.body).contains("录音文件不存在：回访-0099.wav"))

            let script = try await client.execute(uri: "/static/recording.js", method: .get, headers: RecordingWebTests.headers("li"))
            XCTAssertEqual(script.status, .ok)
            XCTAssertEqual(script.headers[.contentType], "text/javascript; charset=utf-8")
            let js = String(buffer: script.body)
            XCTAssertTrue(js.contains("audio.currentTime = t") && js.contains("playbackRate") && js.contains("classList.add('playing')"))

            // A call without a recording: the page as before, no player and no script.
            let none = try await client.execute(uri: nonePage, method: .get, headers: RecordingWebTests.headers("wang"))
            let noneHTML = String(buffer: none.body)
            XCTAssertFalse(noneHTML.contains("class=\"seek\""))
            XCTAssertTrue(noneHTML.contains("<li class=\"agent\"><span class=\"t\">00:01.5"), noneHTML)
        }
    }
}

extension RecordingFile {
    var contentTypeIfPlayable: String? {
        if case .playable(_, let type, _) = self { return type }
        return nil
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
