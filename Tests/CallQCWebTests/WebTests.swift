import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The workbench's handlers, through HummingbirdTesting's router client.
final class WebTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checker: Checker = {
        let lexicons = root.appendingPathComponent("lexicons").path
        return Checker(catalog: try! RuleCatalog.load(rules: nil, lexicons: lexicons),
                       scripts: try! ScriptCatalog.load(directory: lexicons + "/scripts", fixed: nil))
    }()

    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    static func sample(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("samples/\(name)"), encoding: .utf8)
    }

    /// A store with every sample call checked into it.
    func store() throws -> SQLStore {
        let store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let loader = TranscriptLoader()
        let files = try FileManager.default.contentsOfDirectory(atPath: WebTests.root.appendingPathComponent("samples").path).filter { $0.hasSuffix(".txt") }
        var results: [CallResult] = []
        for f in files {
            results += loader.load(.file(WebTests.root.appendingPathComponent("samples/\(f)").path)).calls.map(WebTests.checker.check)
        }
        try store.save(results)
        return store
    }

    func app(_ config: WorkbenchConfig = WorkbenchConfig(), store: SQLStore? = nil) -> some ApplicationProtocol {
        Application(router: Workbench(config: config, checker: WebTests.checker, store: store).router())
    }

    /// The CSRF cookie a page sets and the token its form carries.
    static func csrf(_ response: TestResponse) throws -> String {
        let cookie = try XCTUnwrap(response.headers[.setCookie], "a page sets the CSRF cookie")
        let value = try XCTUnwrap(cookie.split(separator: ";").first?.split(separator: "=").last.map(String.init))
        let body = String(buffer: response.body)
        XCTAssertTrue(body.contains("name=\"csrf\" value=\"\(value)\""), "the form carries the cookie's token")
        return value
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\(Form.encode($0.0))=\(Form.encode($0.1))" }.joined(separator: "&"))
    }

    static func formHeaders(_ token: String) -> HTTPFields {
        [.contentType: "application/x-www-form-urlencoded", .cookie: "callqc_csrf=\(token)"]
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        let token = try await client.execute(uri: "/self-check", method: .get) { try WebTests.csrf($0) }
        return try await client.execute(uri: uri, method: .post, headers: WebTests.formHeaders(token), body: WebTests.form(fields + [("csrf", token)]))
    }

    func testSelfCheckRendersFindingsInPlace() async throws {
        let text = try WebTests.sample("rude-agent.txt")
        try await app().test(.router) { client in
            let form = try await client.execute(uri: "/self-check", method: .get) { $0 }
            XCTAssertEqual(form.status, .ok)
            XCTAssertTrue(String(buffer: form.body).contains("<textarea name=\"text\""))
            let r = try await WebTests.post(client, "/self-check", [("text", text)])
            XCTAssertEqual(r.status, .ok)
            let body = String(buffer: r.body)
            XCTAssertTrue(body.contains("id=\"scorecard\""), body)
            XCTAssertTrue(body.contains("<mark class=\"sev-error\" title=\"taboo.dont-know\">不知道</mark>"), body)
            XCTAssertTrue(body.contains("→ 建议"), "taboo phrases come with a better phrasing")
            XCTAssertTrue(body.contains("C20261120-0057"))
            XCTAssertTrue(body.contains("朗读时长"))
        }
    }

    func testSoundMatchesAreMarked音近() async throws {
        try await app().test(.router) { client in
            let r = try await WebTests.post(client, "/self-check", [("text", "坐席: 您好，请讲。\n客户: 我的快递到哪了？\n坐席: 不知到，找邻导去。\n")])
            let body = String(buffer: r.body)
            XCTAssertTrue(body.contains("taboo.elsewhere"), body)
            XCTAssertTrue(body.contains(">音近</span>"), "a reviewer sees that a finding matched by sound")
            let literal = try await WebTests.post(client, "/self-check", [("text", "坐席: 不知道。\n")])
            XCTAssertFalse(String(buffer: literal.body).contains(">音近</span>"))
        }
    }

    func testSelfCheckOfADraftShowsReadingTimeAndSuggestions() async throws {
        let draft = try String(contentsOf: WebTests.root.appendingPathComponent("samples/drafts/survey-draft.draft"), encoding: .utf8)
        try await app().test(.router) { client in
            let r = try await WebTests.post(client, "/self-check?lang=en", [("text", draft)])
            XCTAssertEqual(r.status, .ok)
            let body = String(buffer: r.body)
            XCTAssertTrue(body.contains("id=\"reading-time\""), body)
            XCTAssertTrue(body.contains("Reading time"), body)
            XCTAssertTrue(body.contains("120 characters a minute"), body)
            let taboo = String(buffer: try await WebTests.post(client, "/self-check", [("text", "您好。\n这个我不知道，你自己去营业厅问吧。\n再见")]).body)
            XCTAssertTrue(taboo.contains("<mark class=\"sev-error\">不知道</mark>"), taboo)
            XCTAssertTrue(taboo.contains("→ 建议"), taboo)
        }
    }

    func testMissingScriptStepShowsNearMiss() async throws {
        let text = try WebTests.sample("survey-skipped-step.txt")
        try await app().test(.router) { client in
            let body = String(buffer: try await WebTests.post(client, "/self-check", [("text", text)]).body)
            XCTAssertTrue(body.contains("id=\"script-steps\""), body)
            XCTAssertTrue(body.contains("class=\"step-missing\""), body)
        }
    }

    func testTranscriptTextIsEscaped() async throws {
        let text = "[00:00.0-00:03.0] 坐席: 您好<script>alert(1)</script>，请问有什么可以帮您？\n[00:03.5-00:05.0] 客户: <b>喂</b>\n"
        try await app().test(.router) { client in
            let body = String(buffer: try await WebTests.post(client, "/self-check", [("text", text)]).body)
            XCTAssertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), body)
            XCTAssertFalse(body.contains("<script>alert(1)"))
            XCTAssertFalse(body.contains("<b>喂</b>"))
            // And as a draft.
            let draft = String(buffer: try await WebTests.post(client, "/self-check", [("text", "您好<img src=x onerror=alert(1)>"), ("as", "draft")]).body)
            XCTAssertTrue(draft.contains("&lt;img src=x onerror=alert(1)&gt;"), draft)
            XCTAssertFalse(draft.contains("<img src=x"))
        }
    }

    func testBadInputShowsTheCLIsError() async throws {
        try await app().test(.router) { client in
            let r = try await WebTests.post(client, "/self-check", [("text", "[00:01-00:03] 坐席: 您好\n[00:05-00:04] 客户: 喂\n")])
            XCTAssertEqual(r.status, .unprocessableContent)
            let body = String(buffer: r.body)
            XCTAssertTrue(body.contains("role=\"alert\""), body)
            XCTAssertTrue(body.contains(":2: end time"), body)
            let json = try await WebTests.post(client, "/self-check", [("text", "{\"id\": 1,"), ("as", "transcript")])
            XCTAssertTrue(String(buffer: json.body).contains("invalid JSON"), String(buffer: json.body))
            let empty = try await WebTests.post(client, "/self-check", [("text", "  ")])
            XCTAssertEqual(empty.status, .badRequest)
        }
    }

    /// The self-check reads pasted text through the loader `callqc check` uses: a vendor's
    /// JSON is read as that vendor's, and a broken one shows the reader's error, not a draft's lint.
    func testSelfCheckReadsThroughTheLoader() async throws {
        try await app().test(.router) { client in
            let aliyun = #"{"TaskId": "d429", "StatusText": "SUCCESS", "Result": {"Sentences": [{"BeginTime": 340, "EndTime": 2365, "Text": "您好，很高兴为您服务，请问有什么可以帮您？", "ChannelId": 1}, {"BeginTime": 2500, "EndTime": 4200, "Text": "我想查一下话费。", "ChannelId": 0}]}}"#
            let read = try await WebTests.post(client, "/self-check", [("text", aliyun)])
            XCTAssertEqual(read.status, .ok, String(buffer: read.body))
            XCTAssertTrue(String(buffer: read.body).contains("id=\"result\""), String(buffer: read.body))
            let broken = try await WebTests.post(client, "/self-check", [("text", String(aliyun.dropLast(40)))])
            XCTAssertEqual(broken.status, .unprocessableContent)
            XCTAssertTrue(String(buffer: broken.body).contains("invalid JSON"), String(buffer: broken.body))
            XCTAssertFalse(String(buffer: broken.body).contains("id=\"reading-time\""), "not linted as a draft")
        }
    }

    func testPersonalDataIsMaskedUnlessTurnedOff() async throws {
        let text = "[00:00.0-00:03.0] 坐席: 您好，请问有什么可以帮您？\n[00:03.5-00:06.0] 客户: 我的手机是13812345678\n"
        try await app().test(.router) { client in
            let body = String(buffer: try await WebTests.post(client, "/self-check", [("text", text)]).body)
            XCTAssertFalse(body.contains("13812345678"), body)
            XCTAssertTrue(body.contains("138****5678"), body)
        }
        try await app(WorkbenchConfig(redact: false)).test(.router) { client in
            let body = String(buffer: try await WebTests.post(client, "/self-check", [("text", text)]).body)
            XCTAssertTrue(body.contains("13812345678"))
        }
    }

    func testCSRFIsChecked() async throws {
        let store = try store()
        try await app(store: store).test(.router) { client in
            // No token at all.
            let none = try await client.execute(uri: "/calls/C20261120-0057/review", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: WebTests.form([("score", "50")]))
            XCTAssertEqual(none.status, .forbidden)
            XCTAssertTrue(String(buffer: none.body).contains("CSRF"))
            // A field that does not match its cookie.
            let token = try await client.execute(uri: "/self-check", method: .get) { try WebTests.csrf($0) }
            let forged = try await client.execute(uri: "/calls/C20261120-0057/review", method: .post, headers: WebTests.formHeaders(token),
                                                  body: WebTests.form([("score", "50"), ("csrf", String(token.reversed()))]))
            XCTAssertEqual(forged.status, .forbidden)
            let selfCheck = try await client.execute(uri: "/self-check", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: WebTests.form([("text", "您好")]))
            XCTAssertEqual(selfCheck.status, .forbidden)
            let cases = try await client.execute(uri: "/cases", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: WebTests.form([("call", "C20261120-0057")]))
            XCTAssertEqual(cases.status, .forbidden)
        }
        XCTAssertTrue(try store.reviews().isEmpty)
        XCTAssertTrue(try store.cases().isEmpty)
    }

    func testTokenRequiredOffLoopback() async throws {
        XCTAssertNotNil(WorkbenchConfig(host: "0.0.0.0").problem())
        XCTAssertTrue(WorkbenchConfig(host: "0.0.0.0").problem()!.contains("--token"))
        XCTAssertNotNil(WorkbenchConfig(host: "192.168.1.5", token: "").problem())
        XCTAssertNil(WorkbenchConfig(host: "0.0.0.0", token: "s3cret").problem())
        XCTAssertNil(WorkbenchConfig(host: "127.0.0.1").problem())
        XCTAssertNil(WorkbenchConfig(host: "localhost").problem())
        XCTAssertNil(WorkbenchConfig(host: "::1").problem())
        XCTAssertFalse(WorkbenchConfig.isLoopback("128.0.0.1"))
        try await app(WorkbenchConfig(host: "0.0.0.0", token: "s3cret")).test(.router) { client in
            let denied = try await client.execute(uri: "/self-check", method: .get) { $0 }
            XCTAssertEqual(denied.status, .unauthorized)
            XCTAssertFalse(String(buffer: denied.body).contains("textarea"))
            do { let status = try await client.execute(uri: "/api/check", method: .post, body: ByteBuffer(string: "坐席: 您好")) { $0.status }; XCTAssertEqual(status, .unauthorized) }
            do { let status = try await client.execute(uri: "/self-check", method: .get, headers: [.authorization: "Bearer wrong"]) { $0.status }; XCTAssertEqual(status, .unauthorized) }
            do { let status = try await client.execute(uri: "/self-check", method: .get, headers: [.authorization: "Bearer s3cret"]) { $0.status }; XCTAssertEqual(status, .ok) }
            do { let status = try await client.execute(uri: "/login?token=wrong", method: .get) { $0.status }; XCTAssertEqual(status, .unauthorized) }
            let login = try await client.execute(uri: "/login?token=s3cret", method: .get) { $0 }
            XCTAssertEqual(login.status, .seeOther)
            XCTAssertTrue(login.headers[.setCookie]?.hasPrefix("token=s3cret") ?? false, "\(login.headers)")
            do { let status = try await client.execute(uri: "/queue", method: .get, headers: [.cookie: "token=s3cret"]) { $0.status }; XCTAssertEqual(status, .ok) }
        }
    }

    func testRequestBodiesAreLimited() async throws {
        try await app(WorkbenchConfig(maxBodyBytes: 4096)).test(.router) { client in
            let r = try await WebTests.post(client, "/self-check", [("text", String(repeating: "您好，", count: 2000))])
            XCTAssertEqual(r.status, .contentTooLarge)
            XCTAssertTrue(String(buffer: r.body).contains("4 KB"), String(buffer: r.body))
            let api = try await client.execute(uri: "/api/check", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 10_000))) { $0 }
            XCTAssertEqual(api.status, .contentTooLarge)
        }
    }

    func testAPICheckReturnsResultJSON() async throws {
        let text = try WebTests.sample("rude-agent.txt")
        try await app().test(.router) { client in
            let r = try await client.execute(uri: "/api/check?source=rude-agent.txt", method: .post, body: ByteBuffer(string: text)) { $0 }
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "application/json; charset=utf-8")
            let json = try JSONParser.parse(String(buffer: r.body))
            let first = try XCTUnwrap(json.arrayValue?.first)
            XCTAssertEqual(first["schema"]?.stringValue, "callqc.result/1")
            XCTAssertEqual(first["call"]?["id"]?.stringValue, "C20261120-0057")
            XCTAssertTrue(first["findings"]?.arrayValue?.contains { $0["rule"]?.stringValue == "taboo.dont-know" } ?? false)
            let bad = try await client.execute(uri: "/api/check", method: .post, body: ByteBuffer(string: "{\"turns\": [")) { $0 }
            XCTAssertEqual(bad.status, .unprocessableContent)
            XCTAssertEqual(try JSONParser.parse(String(buffer: bad.body)).arrayValue?.first?["schema"]?.stringValue, "callqc.error/1")
            let lint = try await client.execute(uri: "/api/lint?as=draft", method: .post, body: ByteBuffer(string: "您好，我不知道。\n再见")) { $0 }
            XCTAssertEqual(lint.status, .ok)
            XCTAssertEqual(try JSONParser.parse(String(buffer: lint.body)).arrayValue?.first?["schema"]?.stringValue, "callqc.lint/1")
        }
    }

    func testQueueReviewAndCalibration() async throws {
        let store = try store()
        try await app(store: store).test(.router) { client in
            let queue = String(buffer: try await client.execute(uri: "/queue?date=2026-11-20", method: .get) { $0 }.body)
            XCTAssertTrue(queue.contains("id=\"queue\""), queue)
            XCTAssertTrue(queue.contains("/calls/C20261120-0057"), queue)
            XCTAssertTrue(queue.contains("href=\"/queue?date=2026-11-20&amp;lang=en\">English</a>"), "the language link keeps the page")
            let english = String(buffer: try await client.execute(uri: "/queue?date=2026-11-20&lang=en", method: .get) { $0 }.body)
            XCTAssertTrue(english.contains("Review queue"))
            XCTAssertTrue(english.contains("href=\"/calls/C20261120-0057?lang=en\""), english)
            let bad = try await client.execute(uri: "/queue?date=yesterday", method: .get) { $0 }
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertTrue(String(buffer: bad.body).contains("YYYY-MM-DD"))
            let call = String(buffer: try await client.execute(uri: "/calls/C20261120-0057", method: .get) { $0 }.body)
            XCTAssertTrue(call.contains("id=\"review-form\""))
            XCTAssertTrue(call.contains("name=\"verdict.taboo.dont-know\""), call)
            XCTAssertTrue(call.contains("<mark"))
            let invalid = try await WebTests.post(client, "/calls/C20261120-0057/review", [("score", "-3")])
            XCTAssertEqual(invalid.status, .badRequest)
            XCTAssertTrue(String(buffer: invalid.body).contains("0 或以上"))
            let saved = try await WebTests.post(client, "/calls/C20261120-0057/review", [("score", "55"), ("verdict.taboo.dont-know", "confirm"), ("verdict.closing", "reject"), ("note", "态度差")])
            XCTAssertEqual(saved.status, .seeOther)
            XCTAssertEqual(saved.headers[.location], "/calls/C20261120-0057?saved=1")
            let after = String(buffer: try await client.execute(uri: "/calls/C20261120-0057?saved=1", method: .get) { $0 }.body)
            XCTAssertTrue(after.contains("class=\"review\""), after)
            let calibration = String(buffer: try await client.execute(uri: "/calibration", method: .get) { $0 }.body)
            XCTAssertTrue(calibration.contains("taboo.dont-know"), calibration)
            let api = try JSONParser.parse(String(buffer: try await client.execute(uri: "/api/queue?date=2026-11-20", method: .get) { $0 }.body))
            XCTAssertEqual(api["schema"]?.stringValue, "callqc.queue/1")
            XCTAssertFalse(api["picks"]?.arrayValue?.contains { $0["call"]?.stringValue == "C20261120-0057" } ?? true, "a reviewed call is not drawn again")
        }
        let reviews = try store.reviews()
        XCTAssertEqual(reviews.count, 1)
        XCTAssertEqual(reviews.first?.score, 55)
        XCTAssertEqual(reviews.first?.confirmed, ["taboo.dont-know"])
        XCTAssertEqual(reviews.first?.rejected, ["closing"])
    }

    func testAPIReviews() async throws {
        let store = try store()
        try await app(store: store).test(.router) { client in
            let plain = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"score\":50}")) { $0 }
            XCTAssertEqual(plain.status, .unsupportedMediaType)
            let missing = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"call\":\"NOPE\",\"score\":50}")) { $0 }
            XCTAssertEqual(missing.status, .notFound)
            let ok = try await client.execute(uri: "/api/reviews", method: .post, headers: [.contentType: "application/json"],
                                              body: ByteBuffer(string: "{\"call\":\"C20261120-0057\",\"score\":50,\"confirm\":[\"taboo\"],\"reject\":[]}")) { $0 }
            XCTAssertEqual(ok.status, .created, String(buffer: ok.body))
            XCTAssertEqual(try JSONParser.parse(String(buffer: ok.body))["schema"]?.stringValue, "callqc.review/1")
        }
        XCTAssertEqual(try store.reviews().first?.confirmed, ["taboo"])
    }

    func testReportsAndFullReport() async throws {
        let store = try store()
        try await app(store: store).test(.router) { client in
            let body = String(buffer: try await client.execute(uri: "/reports?lang=en", method: .get) { $0 }.body)
            XCTAssertTrue(body.contains("id=\"by-agent\""))
            XCTAssertTrue(body.contains("id=\"by-day\""))
            XCTAssertTrue(body.contains("A023"))
            XCTAssertTrue(body.contains("2026-11-20"))
            XCTAssertTrue(body.contains("By agent"))
            let full = String(buffer: try await client.execute(uri: "/reports/full", method: .get) { $0 }.body)
            XCTAssertTrue(full.contains("callqc 质检报告"))
            do { let status = try await client.execute(uri: "/reports?from=20261120", method: .get) { $0.status }; XCTAssertEqual(status, .ok) }
        }
    }

    func testCaseLibrary() async throws {
        let store = try store()
        try await app(store: store).test(.router) { client in
            let added = try await WebTests.post(client, "/cases", [("call", "C20261120-0057"), ("title", "忌语的代价")])
            XCTAssertEqual(added.status, .seeOther)
            XCTAssertEqual(added.headers[.location], "/cases/1")
            let list = String(buffer: try await client.execute(uri: "/cases?q=忌语".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, method: .get) { $0 }.body)
            XCTAssertTrue(list.contains("CASE-0001"), list)
            let none = String(buffer: try await client.execute(uri: "/cases?q=nothing-like-this", method: .get) { $0 }.body)
            XCTAssertFalse(none.contains("CASE-0001"))
            let page = String(buffer: try await client.execute(uri: "/cases/1", method: .get) { $0 }.body)
            XCTAssertTrue(page.contains("忌语的代价"))
            XCTAssertTrue(page.contains("案例分析"))
            let export = try await client.execute(uri: "/cases/CASE-0001/export", method: .get) { $0 }
            XCTAssertEqual(export.headers[.contentDisposition], "attachment; filename=\"CASE-0001.md\"")
            XCTAssertTrue(String(buffer: export.body).hasPrefix("# CASE-0001"))
            let unknown = try await WebTests.post(client, "/cases", [("call", "NO-SUCH-CALL")])
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertTrue(String(buffer: unknown.body).contains("NO-SUCH-CALL"))
        }
    }

    func testPagesWithoutAStoreSaySo() async throws {
        try await app().test(.router) { client in
            let body = String(buffer: try await client.execute(uri: "/queue", method: .get) { $0 }.body)
            XCTAssertTrue(body.contains("--db"))
            do { let status = try await client.execute(uri: "/api/queue", method: .get) { $0.status }; XCTAssertEqual(status, .serviceUnavailable) }
            do { let status = try await client.execute(uri: "/", method: .get) { $0.status }; XCTAssertEqual(status, .seeOther) }
        }
    }

    func testMultipartUpload() async throws {
        let text = try WebTests.sample("rude-agent.txt")
        try await app().test(.router) { client in
            let token = try await client.execute(uri: "/self-check", method: .get) { try WebTests.csrf($0) }
            let boundary = "----callqc\(UUID().uuidString)"
            var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rude-agent.txt\"\r\nContent-Type: text/plain\r\n\r\n\(text)\r\n--\(boundary)--\r\n"
            let r = try await client.execute(uri: "/self-check", method: .post,
                                             headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: "callqc_csrf=\(token)"],
                                             body: ByteBuffer(string: body)) { $0 }
            XCTAssertEqual(r.status, .ok)
            XCTAssertTrue(String(buffer: r.body).contains("taboo.dont-know"))
        }
    }
}
