import Foundation
import CallQCTestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End to end: the built `callqc` checks the samples into a database, `callqc serve`
/// listens on a free loopback port, headless Chromium loads the pages and their DOM
/// is checked; forms are posted as a browser would (cookie and CSRF token from the
/// page), then Chromium shows what was stored.
final class BrowserTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let chromium = TestChromium.path

    var dir: URL!
    var server: Process?

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    static func binary() throws -> URL {
        let bundle = Bundle(for: BrowserTests.self).bundleURL
        let candidates = [bundle.appendingPathComponent("callqc"), bundle.deletingLastPathComponent().appendingPathComponent("callqc")]
        return try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "callqc binary next to \(bundle.path)")
    }

    @discardableResult
    static func run(_ executable: String, _ args: [String], cwd: URL = root, timeout: TimeInterval = 60) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        // Read both pipes while waiting, so a full pipe cannot stall the process.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, out: isOut)
                group.leave()
            }
        }
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return (process.terminationStatus, String(decoding: collected.out, as: UTF8.self), String(decoding: collected.err, as: UTF8.self))
    }

    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var out = Data(), err = Data()
        func set(_ d: Data, out isOut: Bool) { lock.lock(); if isOut { out = d } else { err = d }; lock.unlock() }
    }

    /// The DOM after Chromium loaded the page and ran it.
    func dom(_ url: String) throws -> String {
        let profile = dir.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        let r = try BrowserTests.run(BrowserTests.chromium, ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-dev-shm-usage",
                                                             "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000", "--dump-dom", url], timeout: 90)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("</html>"), "chromium printed the DOM of \(url): \(r.stderr.suffix(2000))")
        return r.stdout
    }

    /// Starts `callqc serve` on a free port and returns its address.
    func serve(_ args: [String]) throws -> String {
        let (process, address) = try ServeProcess.start(args)
        server = process
        return address
    }

    /// A browser-like client: keeps the cookies the server sets, follows redirects.
    final class Browser: @unchecked Sendable {
        let session: URLSession
        var cookies: [String: String] = [:]

        init() {
            let config = URLSessionConfiguration.ephemeral
            config.httpShouldSetCookies = false
            config.httpCookieAcceptPolicy = .never
            session = URLSession(configuration: config)
        }

        func request(_ url: String, form: [(String, String)]? = nil) throws -> (status: Int, body: String) {
            var req = URLRequest(url: URL(string: url)!)
            req.timeoutInterval = 60
            if !cookies.isEmpty { req.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
            if let form {
                req.httpMethod = "POST"
                req.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                req.httpBody = Data(form.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
            }
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result: (Data?, URLResponse?, Error?)
            session.dataTask(with: req) { d, r, e in result = (d, r, e); done.signal() }.resume()
            done.wait()
            if let e = result.2 { throw e }
            let http = result.1 as! HTTPURLResponse
            if let set = http.value(forHTTPHeaderField: "Set-Cookie") {
                for cookie in set.components(separatedBy: ", ") {
                    let kv = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1) ?? []
                    if kv.count == 2 { cookies[String(kv[0])] = String(kv[1]) }
                }
            }
            return (http.statusCode, String(decoding: result.0 ?? Data(), as: UTF8.self))
        }

        /// The CSRF token in a page's form.
        static func csrf(_ html: String) throws -> String {
            let marker = "name=\"csrf\" value=\""
            let start = try XCTUnwrap(html.range(of: marker), "the page has a form with a CSRF token")
            return String(html[start.upperBound...].prefix { $0 != "\"" })
        }
    }

    func testWorkbenchInHeadlessChromium() throws {
        try TestChromium.require()
        let binary = try BrowserTests.binary().path
        let db = dir.appendingPathComponent("qc.sqlite").path
        // A call whose transcript carries markup, to see that the browser shows it as text.
        let calls = dir.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        try "# call: XSS-1\n# agent: A900\n# date: 2026-11-20\n[00:00.0-00:03.0] 坐席: 您好<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\">\n[00:03.5-00:05.0] 客户: 我的电话是13812345678\n"
            .write(to: calls.appendingPathComponent("xss.txt"), atomically: true, encoding: .utf8)
        let checked = try BrowserTests.run(binary, ["check", "samples/", calls.path, "--db", db, "--no-progress", "-o", "/dev/null"])
        XCTAssertEqual(checked.status, 0, checked.stderr)

        let base = try serve(["--db", db])
        XCTAssertTrue(base.hasPrefix("http://127.0.0.1:"), base)

        // Self-check: the form in the browser, then a submission as the browser sends it.
        let form = try dom(base + "/self-check")
        XCTAssertTrue(form.contains("<textarea name=\"text\""), form)
        XCTAssertTrue(form.contains("自检"))
        let browser = Browser()
        let page = try browser.request(base + "/self-check")
        XCTAssertEqual(page.status, 200)
        let token = try Browser.csrf(page.body)
        XCTAssertEqual(browser.cookies["callqc_csrf"], token)
        let rude = try String(contentsOf: BrowserTests.root.appendingPathComponent("samples/rude-agent.txt"), encoding: .utf8)
        let result = try browser.request(base + "/self-check", form: [("csrf", token), ("text", rude)])
        XCTAssertEqual(result.status, 200)
        XCTAssertTrue(result.body.contains("title=\"taboo.dont-know\">不知道</mark>"), result.body)
        // Without the cookie's token the same post is refused.
        XCTAssertEqual(try Browser().request(base + "/self-check", form: [("csrf", token), ("text", rude)]).status, 403)

        // Review queue: the day's picks in the browser; record a verdict; see it stored.
        let queue = try dom(base + "/queue?date=2026-11-20")
        XCTAssertTrue(queue.contains("id=\"queue\""), queue)
        let call = try dom(base + "/calls/C20261120-0057")
        XCTAssertTrue(call.contains("<mark class=\"sev-error\" title=\"taboo.dont-know\">不知道</mark>"), call)
        XCTAssertTrue(call.contains("id=\"review-form\""))
        let saved = try browser.request(base + "/calls/C20261120-0057/review",
                                        form: [("csrf", token), ("score", "55"), ("verdict.taboo.dont-know", "confirm"), ("verdict.closing", "reject"), ("note", "浏览器测试")])
        XCTAssertEqual(saved.status, 200, "redirected to the call's page")
        XCTAssertTrue(saved.body.contains("role=\"status\""), saved.body)
        let reviewed = try dom(base + "/calls/C20261120-0057")
        XCTAssertTrue(reviewed.contains("浏览器测试"), reviewed)
        XCTAssertTrue(reviewed.contains("人工分 55"), reviewed)
        let after = try dom(base + "/queue?date=2026-11-20")
        XCTAssertTrue(after.contains("id=\"reviewed\""), after)
        let calibration = try dom(base + "/calibration?lang=en")
        XCTAssertTrue(calibration.contains("taboo.dont-know"), calibration)
        XCTAssertTrue(calibration.contains("Calibration"))
        let stored = try BrowserTests.run(binary, ["report", "calibration", "--db", db])
        XCTAssertTrue(stored.stdout.contains("taboo.dont-know"), "the verdict is in the database: \(stored.stdout)")

        // Case library: add the call, browse, open, export.
        let added = try browser.request(base + "/cases", form: [("csrf", token), ("call", "C20261120-0057"), ("title", "忌语的代价")])
        XCTAssertEqual(added.status, 200)
        let library = try dom(base + "/cases")
        XCTAssertTrue(library.contains("CASE-0001"), library)
        XCTAssertTrue(library.contains("忌语的代价"))
        let doc = try dom(base + "/cases/1")
        XCTAssertTrue(doc.contains("案例分析"), doc)
        XCTAssertTrue(doc.contains("id=\"export\""))
        let export = try browser.request(base + "/cases/1/export")
        XCTAssertTrue(export.body.hasPrefix("# CASE-0001"), export.body)

        // Reports.
        let reports = try dom(base + "/reports")
        XCTAssertTrue(reports.contains("id=\"by-agent\""), reports)
        XCTAssertTrue(reports.contains("A023"))

        // Markup in a transcript is text in the browser; the phone number is masked.
        let xss = try dom(base + "/calls/XSS-1")
        XCTAssertFalse(xss.contains("<title>owned</title>"), xss)
        XCTAssertTrue(xss.contains("&lt;script&gt;document.title='owned'&lt;/script&gt;"), xss)
        XCTAssertFalse(xss.contains("<img src=\"x\""))
        XCTAssertFalse(xss.contains("13812345678"))
        XCTAssertTrue(xss.contains("138****5678"))
    }

    func testServeRefusesAnOpenAddressWithoutAToken() throws {
        let r = try BrowserTests.run(try BrowserTests.binary().path, ["serve", "--host", "0.0.0.0", "--port", "0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("without an access token"), r.stderr)
    }
}
