import CallQC
import CallQCStore
import Foundation
import Logging
import WSClient
import CallQCTestSupport
import XCTest

/// The floor in a real browser: `callqc serve` on a database with accounts, and headless
/// Chromium driven over the DevTools protocol (CDP) as an agent, a supervisor and a trainer
/// would use it: logging in through the form, following links by URL, filling and submitting
/// the pages' forms. Each journey has its own browser profile (its own cookies).
///
/// The pages carry no scripts of their own but the recording player (strict CSP), so the test's JavaScript comes in through
/// `Runtime.evaluate`, which DevTools runs outside the page's CSP.
final class FloorBrowserTests: XCTestCase {
    static let chromium = BrowserTests.chromium
    /// The samples' calls: rude-agent and pii-readout are agent A023's, complaint is A031's.
    static let rudeCall = "C20261120-0057", complaintCall = "C20261121-0022", piiCall = "C20261121-0080"

    var dir: URL!
    var server: Process?
    var browsers: [Chromium] = []

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-floor-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for b in browsers { b.stop() }
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// `callqc users add NAME … --password-stdin`: the password on standard input, as a provisioning script gives it.
    func addUser(_ db: String, _ name: String, _ args: [String], password: String) throws {
        let process = Process()
        process.executableURL = try BrowserTests.binary()
        process.arguments = ["users", "add", name] + args + ["--password-stdin", "--db", db]
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data((password + "\n").utf8))
        try input.fileHandleForWriting.close()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "users add \(name): \(String(decoding: message, as: UTF8.self))")
    }

    func testAgentSupervisorAndTrainerInHeadlessChromium() async throws {
        try TestChromium.require()
        let started = Date()
        let binary = try BrowserTests.binary().path
        let db = dir.appendingPathComponent("qc.sqlite").path
        let checked = try BrowserTests.run(binary, ["check", "samples/rude-agent.txt", "samples/complaint.txt", "samples/pii-readout.txt",
                                                   "--db", db, "--no-progress", "-o", "/dev/null"])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        let passwords = ["wang": "Agent-pass-7Qx!", "zhao": "Super-pass-3Kd!", "sun": "Train-pass-9Pm!"]
        try addUser(db, "wang", ["--role", "agent", "--agent-id", "A023", "--team", "north"], password: passwords["wang"]!)
        try addUser(db, "li", ["--role", "agent", "--agent-id", "A031", "--team", "south"], password: "Agent-pass-5Tr!")
        try addUser(db, "zhao", ["--role", "supervisor", "--team", "north"], password: passwords["zhao"]!)
        try addUser(db, "sun", ["--role", "trainer"], password: passwords["sun"]!)
        try addUser(db, "chen", ["--role", "admin"], password: "Admin-pass-2Vb!")
        let base = try serveFloor(db)
        let store = try SQLStore(path: db)
        let floor = store as Any as! any FloorStore

        // ── The agent: their own call, not another agent's, and an appeal of a finding. ──
        let agent = try await browser()
        try await agent.logIn(base, to: "/calls/\(FloorBrowserTests.rudeCall)", user: "wang", password: passwords["wang"]!)
        var page = try await agent.html()
        var status = try await agent.status()
        XCTAssertEqual(status, 200)
        XCTAssertTrue(page.contains("title=\"taboo.dont-know\">不知道</mark>"), "the agent sees the findings of their own call")
        XCTAssertTrue(page.contains("id=\"appeal-form\""), page)
        XCTAssertFalse(page.contains("id=\"review-form\""), "agents do not review")
        XCTAssertFalse(page.contains("id=\"unmask-form\""), "agents never unmask")

        try await agent.go(base + "/calls/\(FloorBrowserTests.complaintCall)")
        status = try await agent.status()
        XCTAssertEqual(status, 404, "another agent's call by URL")
        page = try await agent.html()
        XCTAssertTrue(page.contains("role=\"alert\""), page)
        XCTAssertFalse(page.contains("宽带"), "nothing of the other agent's call is shown")
        XCTAssertFalse(page.contains("A031"))
        try await agent.go(base + "/api/calls/\(FloorBrowserTests.complaintCall)")
        status = try await agent.status()
        XCTAssertEqual(status, 404, "and by API, with the session's cookie")

        try await agent.go(base + "/calls/\(FloorBrowserTests.rudeCall)")
        let option = try await agent.evaluate(
            "[...document.querySelectorAll('#appeal-form select[name=finding] option')].map(o => o.value + ' ' + o.textContent).find(t => t.includes('taboo.dont-know'))")
        let finding = try XCTUnwrap(option as? String, "the appeal form offers the finding taboo.dont-know")
        let index = String(finding.prefix { $0 != " " })
        try await agent.submit("#appeal-form", [("finding", index), ("reason", "客户确实问了哪天超的，我当时在查系统")])
        var here = try await agent.location()
        XCTAssertTrue(here.contains("appealed=1"), here)
        page = try await agent.html()
        XCTAssertTrue(page.contains("申诉已提交"), "the agent sees the notice")
        XCTAssertTrue(page.contains("id=\"appeals\""), page)
        let appeal = try XCTUnwrap(try floor.appeals(status: .pending).first, "the appeal is stored")
        XCTAssertEqual(appeal.agent, "wang")
        XCTAssertEqual(appeal.rule, "taboo.dont-know")
        XCTAssertEqual(appeal.callID, FloorBrowserTests.rudeCall)

        // ── The supervisor of team north: decides the appeal, reviews, unmasks. ──
        let supervisor = try await browser()
        try await supervisor.logIn(base, to: "/appeals", user: "zhao", password: passwords["zhao"]!)
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("id=\"appeal-queue\""), page)
        XCTAssertTrue(page.contains("客户确实问了哪天超的"), "the appeal is in the supervisor's queue")
        try await supervisor.submit("form.decide[action='/appeals/\(appeal.id)/decide']", [("note", "录音核实，坐席在查询")],
                                    submitter: "button[name=decision][value=accept]")
        here = try await supervisor.location()
        XCTAssertTrue(here.contains("decided=1"), here)
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("已处理"), page)
        let decided = try XCTUnwrap(try floor.appeal(id: appeal.id))
        XCTAssertEqual(decided.status, .accepted)
        XCTAssertEqual(decided.decidedBy, "zhao")
        XCTAssertEqual(decided.note, "录音核实，坐席在查询")

        // The agent, still logged in, sees the outcome.
        try await agent.go(base + "/appeals")
        page = try await agent.html()
        XCTAssertTrue(page.contains("<tr class=\"accepted\">"), page)
        XCTAssertTrue(page.contains("录音核实，坐席在查询"))

        try await supervisor.go(base + "/calls/\(FloorBrowserTests.rudeCall)")
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("id=\"review-form\""), page)
        XCTAssertFalse(page.contains("name=\"reviewer\""), "on a floor the reviewer is not typed")
        try await supervisor.submit("#review-form", [("score", "62"), ("verdict.taboo.dont-know", "reject"), ("note", "浏览器复核")])
        here = try await supervisor.location()
        XCTAssertTrue(here.contains("saved=1"), here)
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("浏览器复核"), "the review is shown")
        XCTAssertTrue(page.contains(" · zhao · 浏览器复核"), "under the supervisor's name")
        let review = try XCTUnwrap(try store.reviews().first { $0.callID == FloorBrowserTests.rudeCall }, "the review is stored")
        XCTAssertEqual(review.reviewer, "zhao", "the reviewer stored is the logged-in user")
        XCTAssertEqual(review.score, 62)
        XCTAssertEqual(review.rejected, ["taboo.dont-know"])

        try await supervisor.go(base + "/calls/\(FloorBrowserTests.piiCall)")
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("138****5678"), "masked until unmasked")
        XCTAssertFalse(page.contains("13812345678"))
        try await supervisor.submit("#unmask-form", [("reason", "客户来电投诉补卡，核对号码")])
        status = try await supervisor.status()
        XCTAssertEqual(status, 200)
        page = try await supervisor.html()
        XCTAssertTrue(page.contains("13812345678"), "the unmasked number")
        XCTAssertTrue(page.contains("11010519491231002X"))
        XCTAssertFalse(page.contains("id=\"unmask-form\""))
        try await supervisor.go(base + "/calls/\(FloorBrowserTests.piiCall)")
        page = try await supervisor.html()
        XCTAssertFalse(page.contains("13812345678"), "every other page stays masked")
        let pii = try XCTUnwrap(try store.detail(callID: FloorBrowserTests.piiCall))
        let unmasks = try floor.auditLog(from: nil, to: nil, actor: "zhao", action: .unmask)
        XCTAssertEqual(unmasks.count, 1, "\(unmasks)")
        XCTAssertEqual(unmasks.first?.target, pii.summary.key)
        XCTAssertEqual(unmasks.first?.detail, "客户来电投诉补卡，核对号码")
        XCTAssertEqual(unmasks.first?.address, "127.0.0.1")
        // And the administrator's audit page shows it.
        let admin = try await browser()
        try await admin.logIn(base, to: "/admin/audit?action=unmask", user: "chen", password: "Admin-pass-2Vb!")
        page = try await admin.html()
        XCTAssertTrue(page.contains("<td>zhao</td><td>unmask</td>"), page)
        XCTAssertTrue(page.contains("客户来电投诉补卡，核对号码"))
        admin.stop()

        // ── The trainer: adds a case from a call and sees masked data only. ──
        let trainer = try await browser()
        try await trainer.logIn(base, to: "/calls/\(FloorBrowserTests.piiCall)", user: "sun", password: passwords["sun"]!)
        page = try await trainer.html()
        status = try await trainer.status()
        XCTAssertEqual(status, 200)
        FloorBrowserTests.assertMasked(page, "the call page")
        XCTAssertTrue(page.contains("id=\"case-form\""), page)
        XCTAssertFalse(page.contains("id=\"unmask-form\""), "trainers never unmask")
        XCTAssertFalse(page.contains("id=\"review-form\""))
        try await trainer.submit("#case-form", [("title", "核对身份信息的正确做法")])
        let caseURL = try await trainer.location()
        XCTAssertNotNil(caseURL.range(of: "/cases/[0-9]+$", options: .regularExpression), caseURL)
        page = try await trainer.html()
        XCTAssertTrue(page.contains("核对身份信息的正确做法"), page)
        FloorBrowserTests.assertMasked(page, "the case page")
        let cases = try store.cases()
        XCTAssertEqual(cases.count, 1)
        XCTAssertEqual(cases.first?.title, "核对身份信息的正确做法")
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "sun", action: .caseAdded).count, 1)
        try await trainer.go(base + "/api/calls/\(FloorBrowserTests.piiCall)")
        page = try await trainer.html()
        FloorBrowserTests.assertMasked(page, "the call by API")

        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the three journeys take under a minute")
    }

    /// A page with the pii-readout call's customer data masked: the phone number as 138****5678, never whole.
    static func assertMasked(_ page: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(page.contains("138****5678"), "\(what) shows the masked number", file: file, line: line)
        for secret in ["13812345678", "11010519491231002X", "6222021234567890128"] {
            XCTAssertFalse(page.contains(secret), "\(what) shows \(secret)", file: file, line: line)
        }
    }

    /// `callqc serve` on the database with users: everyone logs in.
    func serveFloor(_ db: String) throws -> String {
        let (process, address) = try ServeProcess.start(["--db", db])
        server = process
        XCTAssertTrue(address.hasPrefix("http://127.0.0.1:"), address)
        return address
    }

    /// A fresh headless Chromium (its own profile, so its own cookies), attached to its page.
    func browser() async throws -> Chromium {
        let b = try Chromium(profile: dir.appendingPathComponent("profile-\(browsers.count)"), log: dir.appendingPathComponent("chromium-\(browsers.count).log"))
        browsers.append(b)
        try await b.attach()
        return b
    }
}

/// A headless Chromium process and a DevTools-protocol session on its first page, over one
/// WebSocket to the browser's endpoint (`Target.attachToTarget` with `flatten`).
///
/// The endpoint is read from the profile's `DevToolsActivePort`; the page's target from
/// `Target.getTargets` (the `/json` list says the same, but Foundation's HTTP client on Linux
/// rejects DevTools' HTTP headers, so the WebSocket is the one road in).
final class Chromium: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let process = Process()
    let profile: URL
    let log: URL
    let cdp = CDPConnection()
    var session = ""

    /// `arguments`: more of Chromium's switches (`--autoplay-policy=no-user-gesture-required` for a player).
    init(profile: URL, log: URL, arguments: [String] = []) throws {
        self.profile = profile
        self.log = log
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: FloorBrowserTests.chromium)
        process.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-dev-shm-usage",
                             "--remote-debugging-port=0",
                             // WSClient sends the Origin ws://127.0.0.1, which DevTools refuses unless allowed.
                             "--remote-allow-origins=ws://127.0.0.1", "--user-data-dir=\(profile.path)"] + arguments + ["about:blank"]
        let out = try FileHandle(forWritingTo: log)
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for DevTools to listen, connects, and attaches to the page.
    func attach() async throws {
        let file = profile.appendingPathComponent("DevToolsActivePort")
        let deadline = Date().addingTimeInterval(30)
        var lines: [Substring] = []
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8) { lines = text.split(separator: "\n") }
            if lines.count >= 2 { break }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard lines.count >= 2 else {
            throw Failure(description: "chromium did not write DevToolsActivePort: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
        }
        try await cdp.connect("ws://127.0.0.1:\(lines[0])\(lines[1])")
        let targets = try await cdp.call("Target.getTargets")
        let infos = targets["targetInfos"] as? [[String: Any]] ?? []
        guard let page = infos.first(where: { $0["type"] as? String == "page" })?["targetId"] as? String else {
            throw Failure(description: "no page among \(infos)")
        }
        let attached = try await cdp.call("Target.attachToTarget", ["targetId": page, "flatten": true])
        session = try XCTUnwrap(attached["sessionId"] as? String)
        _ = try await cdp.call("Page.enable", session: session)
    }

    func stop() {
        cdp.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The value of a JavaScript expression in the page (JSON-like values only).
    func evaluate(_ expression: String) async throws -> Any? {
        let r = try await cdp.call("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        if let exception = r["exceptionDetails"] as? [String: Any] {
            throw Failure(description: "\(expression): \((exception["exception"] as? [String: Any])?["description"] ?? exception)")
        }
        return (r["result"] as? [String: Any])?["value"]
    }

    /// Marks the current document, so that a new one (after a navigation, a submission and its redirect) can be told from it.
    func markDocument() async throws {
        _ = try await evaluate("window.__callqcOld = true")
    }

    /// Waits until the marked document is replaced by a new one that has finished loading.
    func waitForNewDocument(_ what: String) async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            // Between documents there may be no context to evaluate in: try again.
            if let ready = try? await evaluate("window.__callqcOld === undefined && document.readyState === 'complete'") as? Bool, ready { return }
            try await Task.sleep(for: .milliseconds(40))
        }
        throw Failure(description: "\(what): no new page within 20 s (at \((try? await location()) ?? "?"))")
    }

    func go(_ url: String) async throws {
        try await markDocument()
        let r = try await cdp.call("Page.navigate", ["url": url], session: session)
        if let error = r["errorText"] as? String { throw Failure(description: "\(url): \(error)") }
        try await waitForNewDocument(url)
    }

    /// Fills the fields of the form (by name; a radio button by its value) and submits it as a
    /// click on the submit button would (`requestSubmit`: the form's own validation, and the
    /// submitter's name and value); waits for the page that comes back.
    func submit(_ form: String, _ fields: [(String, String)], submitter: String? = nil) async throws {
        let pairs = fields.map { [$0.0, $0.1] }
        let script = """
        (() => {
          const f = document.querySelector(\(Chromium.js(form)));
          if (!f) return 'no form ' + \(Chromium.js(form));
          for (const [name, value] of \(Chromium.js(pairs))) {
            const els = f.querySelectorAll('[name="' + CSS.escape(name) + '"]');
            if (!els.length) return 'no field ' + name;
            for (const el of els) {
              if (el.type === 'radio' || el.type === 'checkbox') { if (el.value === value) el.checked = true; } else { el.value = value; }
            }
          }
          const button = \(submitter.map { "f.querySelector(\(Chromium.js($0)))" } ?? "null");
          if (\(submitter == nil ? "false" : "!button")) return 'no button ' + \(Chromium.js(submitter ?? ""));
          if (!f.checkValidity()) return 'the form is not valid';
          window.__callqcOld = true;
          f.requestSubmit(button);
          return 'ok';
        })()
        """
        let outcome = try await evaluate(script) as? String
        guard outcome == "ok" else { throw Failure(description: "\(form) at \((try? await location()) ?? "?"): \(outcome ?? "nil")") }
        try await waitForNewDocument(form)
    }

    /// Logs in through the form: asks for a page, is sent to /login, submits user and password, comes back.
    func logIn(_ base: String, to path: String, user: String, password: String) async throws {
        try await go(base + path)
        let here = try await location()
        guard here.hasPrefix(base + "/login?next=") else { throw Failure(description: "not sent to the login page: \(here)") }
        try await submit("#login", [("user", user), ("password", password)])
        let after = try await location()
        guard after == base + path else { throw Failure(description: "\(user) did not land on \(path) after logging in: \(after)\n\(try await html())") }
    }

    func html() async throws -> String { try await evaluate("document.documentElement.outerHTML") as? String ?? "" }
    func location() async throws -> String { try await evaluate("location.href") as? String ?? "" }
    /// The HTTP status of the current document.
    func status() async throws -> Int {
        let value = try await evaluate("performance.getEntriesByType('navigation')[0].responseStatus")
        return (value as? Int) ?? (value as? Double).map { Int($0) } ?? 0
    }

    /// A JavaScript literal for a string or an array of them.
    static func js(_ value: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
    }
}

/// One WebSocket to DevTools (WSClient from swift-websocket): commands go out with an id, and
/// each waits for the answer with that id; events are not needed (the test polls the page).
final class CDPConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var writer: WebSocketOutboundWriter?
    private var nextID = 0
    private var waiting: [Int: CheckedContinuation<Data, any Error>] = [:]
    /// Answers that came before their command began to wait.
    private var early: [Int: Data] = [:]
    private var failure: (any Error)?
    private var task: Task<Void, Never>?

    struct Failure: Error, CustomStringConvertible { var description: String }

    func connect(_ url: String) async throws {
        var logger = Logger(label: "callqc.cdp")
        logger.logLevel = .warning
        task = Task { [self] in
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 24), logger: logger) { inbound, outbound, _ in
                    self.lock.withLock { self.writer = outbound }
                    for try await message in inbound.messages(maxSize: 1 << 26) {
                        if case .text(let text) = message { self.received(Data(text.utf8)) }
                    }
                }
                self.fail(Failure(description: "DevTools closed the connection"))
            } catch {
                self.fail(error)
            }
        }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let (ready, failed) = lock.withLock { (writer != nil, failure) }
            if let failed { throw failed }
            if ready { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "no WebSocket to \(url) within 15 s")
    }

    private func received(_ data: Data) {
        guard let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let id = message["id"] as? Int else { return }
        let waiter = lock.withLock { () -> CheckedContinuation<Data, any Error>? in
            if let w = waiting.removeValue(forKey: id) { return w }
            early[id] = data
            return nil
        }
        waiter?.resume(returning: data)
    }

    private func fail(_ error: any Error) {
        let waiters = lock.withLock {
            if failure == nil { failure = error }
            defer { waiting.removeAll() }
            return Array(waiting.values)
        }
        for w in waiters { w.resume(throwing: error) }
    }

    private func timeOut(_ id: Int, _ method: String) {
        let waiter = lock.withLock { waiting.removeValue(forKey: id) }
        waiter?.resume(throwing: Failure(description: "\(method): no answer from DevTools within 30 s"))
    }

    /// Sends a command and returns its result (throws the protocol's error).
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil) async throws -> [String: Any] {
        var message: [String: Any] = ["method": method, "params": params]
        if let session { message["sessionId"] = session }
        let (id, writer, failed) = lock.withLock { () -> (Int, WebSocketOutboundWriter?, (any Error)?) in
            nextID += 1
            return (nextID, self.writer, failure)
        }
        if let failed { throw failed }
        guard let writer else { throw Failure(description: "not connected") }
        message["id"] = id
        try await writer.write(.text(String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)))
        let timer = Task { [self] in
            try? await Task.sleep(for: .seconds(30))
            if !Task.isCancelled { timeOut(id, method) }
        }
        defer { timer.cancel() }
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            let outcome = lock.withLock { () -> Result<Data, any Error>? in
                if let answer = early.removeValue(forKey: id) { return .success(answer) }
                if let failure { return .failure(failure) }
                waiting[id] = continuation
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
        let reply = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        if let error = reply["error"] as? [String: Any] { throw Failure(description: "\(method): \(error["message"] ?? error)") }
        return reply["result"] as? [String: Any] ?? [:]
    }

    func close() {
        task?.cancel()
    }
}
