import CallQC
import CallQCStore
@testable import CallQCWeb
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import XCTest
import CallQCTestSupport

/// Reports in pictures and the agent's own page, on generated calls of several agents and days
/// (Chinese and English, so Chinese and English rules): the charts' data points against numbers
/// computed here from the stored results, CSV downloads against the command line's CSV, and who
/// sees which agent's page.
final class ChartPageTests: XCTestCase {
    var dir: URL!
    var dbPath = ""
    var store: SQLStore!
    var floor: any FloorStore { store as Any as! any FloorStore }
    let csrf = "0123456789abcdef0123456789abcdef"
    var tokens: [String: String] = [:]
    static let days = ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    /// The phone number one of A101's calls reads out in a turn with a finding.
    static let phone = "13912345678"

    override func setUpWithError() throws {
        // Letters only: digit runs in paths would be masked as numbers in messages.
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-charts-" + UUID().uuidString.map { $0.isNumber ? Character(UnicodeScalar(UInt8(ascii: "g") + UInt8($0.wholeNumberValue!))) : $0 }.map(String.init).joined())
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        dbPath = dir.appendingPathComponent("qc.sqlite").path
        store = try SQLStore(path: dbPath)
        var results: [CallResult] = []
        for text in ChartPageTests.generatedCalls() {
            results += try ChartPageTests.read(text).map(WebTests.checker.check)
        }
        XCTAssertEqual(results.count, 28, "4 days × (3 + 2 + 2) calls")
        try store.save(results)
        let users: [FloorUser] = [
            FloorUser(name: "root", role: .admin),
            FloorUser(name: "sup-north", role: .supervisor, team: "north"),
            FloorUser(name: "sup-south", role: .supervisor, team: "south"),
            FloorUser(name: "wang", role: .agent, agentID: "A101", team: "north"),
            FloorUser(name: "zhou", role: .agent, agentID: "A102", team: "north"),
            FloorUser(name: "li", role: .agent, agentID: "A201", team: "south"),
            FloorUser(name: "trainer", role: .trainer),
        ]
        for u in users {
            try floor.addUser(u)
            try floor.setPasswordHash(u.name, hash: Bcrypt.hash("correct horse \(u.name)", cost: 4))
            let token = "cqc_test_" + u.name
            _ = try floor.addToken(user: u.name, label: "test", tokenHash: FloorWebTests.sha(token), createdAt: "2026-12-01T00:00:00Z")
            tokens[u.name] = token
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Calls of A101 and A102 (Chinese, team north) and A201 (English, team south) over four days:
    /// taboo phrases, a missing closing, a number read out, speech at different speeds.
    static func generatedCalls() -> [String] {
        var out: [String] = []
        let zhMiddles = ["不知道，系统就这么显示的。", "您好，我帮您查询一下，请稍等。", "这个你自己去营业厅问吧。", "我不知道，你问别人。",
                         "好的，马上为您处理，请您稍等片刻。"]
        for (d, day) in days.enumerated() {
            for agent in ["A101", "A102"] {
                for n in 0..<(agent == "A101" ? 3 : 2) {
                    let k = d * 3 + n + (agent == "A102" ? 1 : 0)
                    var middle = zhMiddles[k % zhMiddles.count]
                    if agent == "A101" && d == 3 && n == 1 { middle = "你的号码是\(phone)吧，不知道怎么回事。" }
                    let stretch = 4 + (k % 4) * 3
                    var text = """
                    # call: Q\(agent)-\(day.replacingOccurrences(of: "-", with: ""))-\(n)
                    # agent: \(agent)
                    # date: \(day)
                    [00:00.0-00:04.0] 坐席: 您好，很高兴为您服务，请问有什么可以帮您？
                    [00:04.5-00:10.0] 客户: 我想问一下这个月的话费怎么多扣了三十块钱。
                    [00:11.0-00:\(String(format: "%02d", 11 + stretch)).0] 坐席: \(middle)
                    [00:\(String(format: "%02d", 12 + stretch)).0-00:\(String(format: "%02d", 18 + stretch)).0] 客户: 那你帮我看看明细吧，我平时都不怎么用流量。

                    """
                    if k % 3 != 1 {
                        text += "[00:\(String(format: "%02d", 19 + stretch)).0-00:\(String(format: "%02d", 24 + stretch)).0] 坐席: 请问还有其他问题吗？感谢您的来电，再见。\n"
                    }
                    out.append(text)
                }
            }
            for n in 0..<2 {
                let k = d * 2 + n
                let middle = k % 2 == 0 ? "I don't know." : "Let me check that for you right away."
                var text = """
                # call: QA201-\(day.replacingOccurrences(of: "-", with: ""))-\(n)
                # agent: A201
                # date: \(day)
                # language: en
                [00:00-00:04] Agent: Thank you for calling, my name is Sam, how can I help you today?
                [00:05-00:10] Customer: My internet has been down since this morning and I work from home.
                [00:11-00:\(String(format: "%02d", 13 + k % 3))] Agent: \(middle)
                [00:17-00:22] Customer: Can you at least check if there is an outage in my area?

                """
                if k % 3 != 2 { text += "[00:23-00:28] Agent: Is there anything else I can help you with? Thank you for calling, goodbye.\n" }
                out.append(text)
            }
        }
        return out
    }

    /// The calls of a transcript, read as the workbench reads a pasted one.
    static func read(_ text: String) throws -> [Call] {
        let loader = TranscriptLoader()
        switch loader.prepare(bytes: Array(text.utf8), source: "gen.txt") {
        case .failure(let problem): throw problem
        case .success(let input):
            let outcome = loader.read(input)
            XCTAssertEqual(outcome.errors.count, 0, "\(outcome.errors)")
            return outcome.calls
        }
    }

    func app() -> some ApplicationProtocol {
        Application(router: Workbench(config: WorkbenchConfig(), checker: WebTests.checker, store: store).router())
    }

    struct Fixture: Sendable {
        var tokens: [String: String]
        var csrf: String
        func headers(_ user: String?, form: Bool = false) -> HTTPFields {
            var h: HTTPFields = [.cookie: "callqc_csrf=\(csrf)"]
            if let user { h[.authorization] = "Bearer \(tokens[user]!)" }
            if form { h[.contentType] = "application/x-www-form-urlencoded" }
            return h
        }
    }

    var fx: Fixture { Fixture(tokens: tokens, csrf: csrf) }

    /// The figure with this id in a page.
    static func figure(_ html: String, _ id: String) throws -> String {
        let start = try XCTUnwrap(html.range(of: "<figure class=\"chart\" id=\"\(id)\""), "no chart \(id)")
        let end = try XCTUnwrap(html.range(of: "</figure>", range: start.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// `series|label` → value of a chart's points.
    static func values(_ html: String, _ id: String) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for p in SVGPoints.points(try figure(html, id)) { out[p.series + "|" + p.label] = p.value }
        return out
    }

    /// `accuracy`: 0.006 for what the chart rounds to two decimals; more where the result JSON rounds the inputs (rates, one decimal).
    static func assertClose(_ got: [String: Double], _ expected: [String: Double], _ what: String, accuracy: Double = 0.006, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(got.keys), Set(expected.keys), what, file: file, line: line)
        for (k, v) in expected { XCTAssertEqual(got[k] ?? .nan, v, accuracy: accuracy, "\(what): \(k)", file: file, line: line) }
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

    // MARK: Reports

    func testReportChartsDrawTheStoredNumbers() async throws {
        let fx = self.fx, csrf = self.csrf, store: SQLStore = self.store
        _ = (fx, csrf, store)
        // An accepted appeal strikes one finding: the charts must not count it.
        let summaries0 = try store.summaries(from: nil, to: nil)
        let appealed = try XCTUnwrap(summaries0.first { $0.agent == "A101" && $0.findings.contains { $0.rule == "taboo.dont-know" } })
        let index = try XCTUnwrap(appealed.findings.firstIndex { $0.rule == "taboo.dont-know" })
        let appeal = try floor.addAppeal(Appeal(callKey: appealed.key, callID: appealed.callID, findingIndex: index, rule: "taboo.dont-know",
                                                agent: "wang", reason: "说的是系统不知道", createdAt: "2026-11-21T08:00:00Z"))
        try floor.decideAppeal(id: appeal, accept: true, by: "sup-north", note: "ok", at: "2026-11-21T09:00:00Z")

        // Independently, from the stored results: findings from each result's JSON, struck ones by the appeal.
        var expectedBands: [String: Double] = ["<60": 0, "60–69": 0, "70–79": 0, "80–89": 0, "90–100": 0]
        var scoresByAgent: [String: [Double]] = [:]
        var findings: [(rule: String, day: String)] = []
        var sectionShares: [String: [Double]] = [:]
        for s in try store.summaries(from: nil, to: nil) {
            let stored = try XCTUnwrap(try store.detail(callID: s.contentHash))
            let score = try XCTUnwrap(stored.result["score"]?["total"]?.numberValue)
            let band = score < 60 ? "<60" : score < 70 ? "60–69" : score < 80 ? "70–79" : score < 90 ? "80–89" : "90–100"
            expectedBands[band]! += 1
            scoresByAgent[s.agent!, default: []].append(score)
            for (i, f) in (stored.result["findings"]?.arrayValue ?? []).enumerated() {
                if s.contentHash == appealed.contentHash && i == index { continue }
                findings.append((f["rule"]!.stringValue!, s.date!))
            }
            for sec in stored.result["score"]?["sections"]?.arrayValue ?? [] {
                let id = sec["id"]!.stringValue!, title = sec["title"]?.stringValue ?? "", max = sec["max"]!.numberValue!
                guard max > 0 else { continue }
                sectionShares[title.isEmpty || title == id ? id : "\(title) (\(id))", default: []].append(sec["score"]!.numberValue! / max * 100)
            }
        }
        XCTAssertEqual(Set(scoresByAgent.keys), ["A101", "A102", "A201"])
        let ruleTotals = Dictionary(grouping: findings, by: \.rule).mapValues(\.count)
        let topRules = ruleTotals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map(\.key)
        XCTAssertTrue(topRules.contains { $0.hasPrefix("taboo.") }, "\(ruleTotals)")

        let expectedBands0 = expectedBands, scoresByAgent0 = scoresByAgent, findings0 = findings, sectionShares0 = sectionShares
        try await app().test(.router) { client in
            let expectedBands = expectedBands0, scoresByAgent = scoresByAgent0, findings = findings0, sectionShares = sectionShares0
            let page = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: fx.headers("root")) { $0 }.body)
            ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-distribution"),
                                       Dictionary(uniqueKeysWithValues: expectedBands.map { ("通话|" + $0.key, $0.value) }), "score distribution")
            ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-agents"),
                                       Dictionary(uniqueKeysWithValues: scoresByAgent.map { ("平均分|" + $0.key, ChartPageTests.mean($0.value)) }), "agents")
            var trends: [String: Double] = [:]
            for rule in topRules { for day in ChartPageTests.days { trends[rule + "|" + day] = Double(findings.filter { $0.rule == rule && $0.day == day }.count) } }
            ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-rule-trends"), trends, "rule trends")
            var sections: [String: Double] = [:]
            for (label, shares) in sectionShares { sections["得分率|" + label] = ChartPageTests.mean(shares) }
            ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-sections"), sections, "sections")
            // The Chinese and the English scorecards' sections of one id are two bars.
            XCTAssertNotNil(sections["得分率|礼貌及服务用语 (politeness)"], "\(sections.keys)")
            XCTAssertNotNil(sections["得分率|Courtesy and service language (politeness)"], "\(sections.keys)")
            // The HTML report draws the same charts with the same renderer.
            let full = String(buffer: try await client.execute(uri: "/reports/full", method: .get, headers: fx.headers("root")) { $0 }.body)
            for id in ["chart-distribution", "chart-agents", "chart-rule-trends", "chart-sections"] {
                XCTAssertEqual(try ChartPageTests.values(full, id), try ChartPageTests.values(page, id), id)
            }
            // A supervisor's charts hold their team only.
            let north = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: fx.headers("sup-north")) { $0 }.body)
            XCTAssertEqual(Set(try ChartPageTests.values(north, "chart-agents").keys), ["平均分|A101", "平均分|A102"])
            // English labels with ?lang=en.
            let en = String(buffer: try await client.execute(uri: "/reports?lang=en", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertTrue(en.contains("<figcaption>Score distribution (calls)</figcaption>"), en)
        }
    }

    func testCalibrationAndQueueCharts() async throws {
        let fx = self.fx, csrf = self.csrf, store: SQLStore = self.store
        _ = (fx, csrf, store)
        let summaries = try store.summaries(from: nil, to: nil)
        let withTaboo = summaries.filter { $0.findings.contains { $0.rule == "taboo.dont-know" } }.sorted { $0.key < $1.key }
        XCTAssertGreaterThanOrEqual(withTaboo.count, 3)
        try store.record(Review(callID: withTaboo[0].callID, reviewedAt: "2026-11-21T10:00:00Z", reviewer: "sup", score: 50, confirmed: ["taboo.dont-know"], contentHash: withTaboo[0].contentHash))
        try store.record(Review(callID: withTaboo[1].callID, reviewedAt: "2026-11-21T10:01:00Z", reviewer: "sup", confirmed: ["taboo.dont-know"], contentHash: withTaboo[1].contentHash))
        try store.record(Review(callID: withTaboo[2].callID, reviewedAt: "2026-11-21T10:02:00Z", reviewer: "sup", rejected: ["taboo.dont-know"],
                                missed: [MissedFinding(rule: "closing", turn: 3)], contentHash: withTaboo[2].contentHash))
        try await app().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/calibration", method: .get, headers: fx.headers("root")) { $0 }.body)
            let points = try ChartPageTests.values(page, "chart-calibration")
            // taboo.dont-know: 2 confirmed, 1 rejected → precision 66.67%; recall 2 / (2 + 0) = 100%.
            XCTAssertEqual(points["准确率|taboo.dont-know"] ?? .nan, 200.0 / 3, accuracy: 0.006)
            XCTAssertEqual(points["召回率|taboo.dont-know"] ?? .nan, 100, accuracy: 0.006)
            // closing: only missed → no precision, recall 0.
            XCTAssertNil(points["准确率|closing"])
            XCTAssertEqual(points["召回率|closing"] ?? .nan, 0, accuracy: 0.006)

            let day = ChartPageTests.days[1]
            let queuePage = String(buffer: try await client.execute(uri: "/queue?date=\(day)&per_agent=2", method: .get, headers: fx.headers("root")) { $0 }.body)
            let mix = try ChartPageTests.values(queuePage, "chart-risk-mix")
            let queue = SamplingPlan(perAgent: 2).draw(summaries.filter { $0.date == day }, reviewed: Set(try store.reviews().map { $0.contentHash ?? $0.callID }))
            var expected: [String: Double] = [:]
            for p in queue.picks {
                let kind = p.reason.hasPrefix("risk: veto") ? "一票否决" : p.reason.hasPrefix("risk: critical") ? "严重问题" : p.reason.hasPrefix("risk: score") ? "低分" : "随机"
                expected[kind + "|" + p.agent, default: 0] += 1
            }
            XCTAssertGreaterThanOrEqual(queue.picks.count, 4)
            ChartPageTests.assertClose(mix, expected, "risk mix")
        }
    }

    /// Calibration is over the calls the user may see: a review of another team's call (its counts, its missed turn's
    /// text and note) is in no chart, table or download of a team's supervisor.
    func testCalibrationHoldsOnlyTheTeamsReviews() async throws {
        let fx = self.fx, store: SQLStore = self.store
        let summaries = try store.summaries(from: nil, to: nil)
        let south = try XCTUnwrap(summaries.first { $0.agent == "A201" }), north = try XCTUnwrap(summaries.first { $0.agent == "A101" })
        try store.record(Review(callID: south.callID, reviewedAt: "2026-11-21T11:00:00Z", reviewer: "sup-south", confirmed: ["southonly.rule"],
                                missed: [MissedFinding(rule: "politeness", turn: 1, note: "south note 南区备注")], contentHash: south.contentHash))
        try store.record(Review(callID: north.callID, reviewedAt: "2026-11-21T11:01:00Z", reviewer: "sup-north", confirmed: ["northonly.rule"],
                                contentHash: north.contentHash))
        try await app().test(.router) { client in
            for (user, sees, hidden) in [("sup-north", "northonly.rule", "southonly.rule"), ("sup-south", "southonly.rule", "northonly.rule")] {
                let page = String(buffer: try await client.execute(uri: "/calibration", method: .get, headers: fx.headers(user)) { $0 }.body)
                XCTAssertTrue(page.contains(sees), user)
                XCTAssertFalse(page.contains(hidden), "\(user) sees another team's review on the page")
                for table in ["rules", "missed", "differences", "chart-calibration"] {
                    let csv = String(buffer: try await client.execute(uri: "/calibration/csv?table=\(table)", method: .get, headers: fx.headers(user)) { $0 }.body)
                    XCTAssertFalse(csv.contains(hidden), "\(user) \(table).csv holds another team's review")
                }
            }
            let northMissed = String(buffer: try await client.execute(uri: "/calibration/csv?table=missed", method: .get, headers: fx.headers("sup-north")) { $0 }.body)
            XCTAssertFalse(northMissed.contains("南区备注"), "the south review's note")
            let rootMissed = String(buffer: try await client.execute(uri: "/calibration/csv?table=missed", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertTrue(rootMissed.contains("南区备注"), "an admin sees every review")
        }
    }

    func testLabelsFromTheStoreAreEscapedInTheCharts() async throws {
        let fx = self.fx
        let evil = "A9<b>&\"x'"
        let text = """
        # call: QEVIL-1
        # agent: \(evil)
        # date: 2026-11-21
        [00:00.0-00:04.0] 坐席: 您好，很高兴为您服务。
        [00:04.5-00:10.0] 客户: 我想查话费。
        [00:11.0-00:14.0] 坐席: 不知道。

        """
        try store.save(try ChartPageTests.read(text).map(WebTests.checker.check))
        XCTAssertEqual(try store.summaries(from: nil, to: nil).filter { $0.agent == evil }.count, 1, "the agent id is stored as written")
        try await app().test(.router) { client in
            for uri in ["/reports", "/reports/full", "/me?agent=" + Form.encode(evil)] {
                let r = try await client.execute(uri: uri, method: .get, headers: fx.headers("root")) { $0 }
                XCTAssertEqual(r.status, .ok, uri)
                let page = String(buffer: r.body)
                XCTAssertFalse(page.contains("<b>&"), "\(uri): markup from the store is text")
                XCTAssertFalse(page.contains(evil), uri)
                XCTAssertTrue(page.contains("A9&lt;b&gt;&amp;&quot;x&#39;"), uri)
            }
            let page = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertNotNil(try ChartPageTests.values(page, "chart-agents")["平均分|" + evil], "the label reads back as the agent id")
        }
    }

    // MARK: CSV

    /// `callqc ARGS` run as the user would, its standard output as bytes.
    func cli(_ args: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = try BrowserTests.binary()
        process.arguments = args
        process.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "callqc \(args.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        return Array(data)
    }

    func testCSVDownloadsAreTheCLIsCSVWithAByteOrderMark() async throws {
        let fx = self.fx, csrf = self.csrf, store: SQLStore = self.store
        _ = (fx, csrf, store)
        let withTaboo = try store.summaries(from: nil, to: nil).filter { $0.findings.contains { $0.rule == "taboo.dont-know" } }
        try store.record(Review(callID: withTaboo[0].callID, reviewedAt: "2026-11-21T10:00:00Z", reviewer: "sup", score: 50, sectionScores: [:],
                                confirmed: ["taboo.dont-know"], missed: [MissedFinding(rule: "closing", turn: 2, note: "客户说号码\(ChartPageTests.phone)后没有结束语")],
                                contentHash: withTaboo[0].contentHash))
        let day = ChartPageTests.days[2]
        let expected: [(String, [String])] = [
            ("/reports/csv?table=by-agent", ["report", "--by", "agent"]),
            ("/reports/csv?table=by-day&from=2026-11-18&to=2026-11-19", ["report", "--by", "day", "--from", "2026-11-18", "--to", "2026-11-19"]),
            ("/reports/csv?table=by-rule", ["report", "--by", "rule"]),
            ("/queue/csv?date=\(day)&per_agent=2&seed=1", ["sample", "--date", day, "--per-agent", "2", "--seed", "1"]),
            ("/queue/csv?table=picks&date=\(day)&per_agent=3&seed=7", ["sample", "--date", day, "--per-agent", "3", "--seed", "7"]),
            ("/calibration/csv?table=rules", ["report", "calibration"]),
            ("/calibration/csv?table=differences", ["report", "calibration", "--table", "differences"]),
            ("/calibration/csv?table=missed", ["report", "calibration", "--table", "missed"]),
        ]
        var cliOutputs: [String: [UInt8]] = [:]
        for (path, args) in expected { cliOutputs[path] = try cli(args + ["--db", dbPath, "--format", "csv", "--bom"]) }
        let outputs = cliOutputs
        try await app().test(.router) { client in
            for (path, _) in expected {
                let r = try await client.execute(uri: path, method: .get, headers: fx.headers("root")) { $0 }
                XCTAssertEqual(r.status, .ok, path)
                XCTAssertEqual(r.headers[.contentType], "text/csv; charset=utf-8", path)
                XCTAssertTrue(r.headers[HTTPField.Name("Content-Disposition")!]?.hasPrefix("attachment; filename=\"callqc-") == true, path)
                let bytes = Array(r.body.readableBytesView)
                XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "\(path) begins with the BOM")
                XCTAssertEqual(bytes, outputs[path], "\(path) is the command line's CSV")
                XCTAssertGreaterThan(String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").count, 1, "\(path) has rows")
            }
            // Personal data masked as on the page: the number in the reviewer's note is not in the download.
            let missed = String(buffer: try await client.execute(uri: "/calibration/csv?table=missed", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertFalse(missed.contains(ChartPageTests.phone), missed)
            XCTAssertTrue(missed.contains("139****5678"), missed)
            // The page's visibility: a supervisor downloads their team's agents only.
            let north = String(buffer: try await client.execute(uri: "/reports/csv?table=by-agent", method: .get, headers: fx.headers("sup-north")) { $0 }.body)
            XCTAssertEqual(north.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",").first!) }, ["A101", "A102"])
            // The queue's call keys are masked as on the page (the page and the CLI mask alike).
            let bad = try await client.execute(uri: "/reports/csv?table=nope", method: .get, headers: fx.headers("root")) { $0.status }
            XCTAssertEqual(bad, .badRequest)
            // The page links to its downloads.
            let page = String(buffer: try await client.execute(uri: "/reports?from=2026-11-18", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertTrue(page.contains("href=\"/reports/csv?table=by-agent&amp;from=2026-11-18\""), page)
        }
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "root", action: .reportExported).count, expected.count + 1, "each download is audited (the missed turns twice)")
    }

    // MARK: The agent's own page

    func testAgentPageShowsOnlyTheAgentsOwnData() async throws {
        let fx = self.fx, csrf = self.csrf, store: SQLStore = self.store
        _ = (fx, csrf, store)
        let summaries = try store.summaries(from: nil, to: nil)
        let mine = summaries.filter { $0.agent == "A101" }
        let others = summaries.filter { $0.agent != "A101" }
        // An appeal of wang's, decided; one of li's, pending.
        let wangCall = try XCTUnwrap(mine.first { !$0.findings.isEmpty })
        let wangAppeal = try floor.addAppeal(Appeal(callKey: wangCall.key, callID: wangCall.callID, findingIndex: 0, rule: wangCall.findings[0].rule,
                                                    agent: "wang", reason: "客户先挂断的", createdAt: ISO8601DateFormatter().string(from: Date())))
        try floor.decideAppeal(id: wangAppeal, accept: false, by: "sup-north", note: "录音里说了", at: "2026-11-22T09:00:00Z")
        let liCall = try XCTUnwrap(others.first { $0.agent == "A201" && !$0.findings.isEmpty })
        _ = try floor.addAppeal(Appeal(callKey: liCall.key, callID: liCall.callID, findingIndex: 0, rule: liCall.findings[0].rule,
                                       agent: "li", reason: "south reason zzz", createdAt: ISO8601DateFormatter().string(from: Date())))
        try store.addSelfCheck(SelfCheckRecord(user: "li", agentID: "A201", label: "li-draft-zzz.txt", kind: .draft, checkedAt: "2026-11-22T10:00:00Z",
                                               score: nil, maxScore: nil, grade: nil, findings: 1, critical: 0, errors: 1, warnings: 0))

        // Independently: wang's mean score and mean rate per day, from the stored results.
        var scoreByDay: [String: [Double]] = [:], rateByDay: [String: [Double]] = [:]
        for s in mine {
            let stored = try XCTUnwrap(try store.detail(callID: s.contentHash))
            scoreByDay[s.date!, default: []].append(stored.result["score"]!["total"]!.numberValue!)
            if let r = stored.result["metrics"]?["agent_chars_per_minute"]?.numberValue { rateByDay[s.date!, default: []].append(r) }
        }
        XCTAssertEqual(scoreByDay.count, 4)
        XCTAssertEqual(rateByDay.count, 4, "the generated calls have times")

        let scoreByDay0 = scoreByDay, rateByDay0 = rateByDay
        try await app().test(.router) { client in
            let scoreByDay = scoreByDay0, rateByDay = rateByDay0
            for (user, uri) in [("wang", "/me"), ("sup-north", "/me?agent=A101"), ("root", "/me?agent=A101")] {
                let r = try await client.execute(uri: uri, method: .get, headers: fx.headers(user)) { $0 }
                XCTAssertEqual(r.status, .ok, "\(user) \(uri)")
                let page = String(buffer: r.body)
                ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-my-score"),
                                           Dictionary(uniqueKeysWithValues: scoreByDay.map { ("平均分|" + $0.key, ChartPageTests.mean($0.value)) }), "\(user): score")
                ChartPageTests.assertClose(try ChartPageTests.values(page, "chart-my-rate"),
                                           Dictionary(uniqueKeysWithValues: rateByDay.map { ("字/分钟|" + $0.key, ChartPageTests.mean($0.value)) }), "\(user): rate", accuracy: 0.06)
                // Another agent's calls, appeals and self-checks never appear.
                for other in others { XCTAssertFalse(page.contains(other.callID), "\(user): \(other.callID) is not A101's") }
                XCTAssertFalse(page.contains("south reason zzz"), user)
                XCTAssertFalse(page.contains("li-draft-zzz"), user)
                XCTAssertTrue(page.contains(mine[0].callID), user)
                // The frequent findings: taboo.dont-know with the better phrasing the rule carries, an example
                // linked to one of the agent's calls, the number in it masked.
                let findings = try XCTUnwrap(page.range(of: "<table id=\"my-findings\">").map { String(page[$0.lowerBound...]) })
                XCTAssertTrue(findings.contains("<td>taboo.dont-know</td>"), findings)
                XCTAssertTrue(findings.contains("我帮您查询一下"), "the better phrasing")
                XCTAssertTrue(findings.contains("class=\"example\""), findings)
                XCTAssertFalse(page.contains(ChartPageTests.phone), "\(user): the number is masked")
                XCTAssertTrue(page.contains("139****5678"), "\(user): the quote with the number masked")
                // The appeal and its outcome.
                XCTAssertTrue(page.contains("客户先挂断的"), user)
                XCTAssertTrue(page.contains("已驳回"), user)
                XCTAssertTrue(page.contains("录音里说了"), user)
            }
            // An agent asking for another agent's page, a supervisor of another team, a trainer: refused.
            for (user, uri, status) in [("wang", "/me?agent=A201", HTTPResponse.Status.notFound), ("wang", "/me?agent=A102", .notFound),
                                        ("sup-south", "/me?agent=A101", .notFound), ("trainer", "/me?agent=A101", .forbidden),
                                        ("sup-north", "/me?agent=A201", .notFound)] {
                let r = try await client.execute(uri: uri, method: .get, headers: fx.headers(user)) { $0 }
                XCTAssertEqual(r.status, status, "\(user) \(uri)")
                XCTAssertFalse(String(buffer: r.body).contains("chart-my-score"), "\(user) \(uri)")
            }
            // In English: the same numbers under English names.
            let en = String(buffer: try await client.execute(uri: "/me?lang=en", method: .get, headers: fx.headers("wang")) { $0 }.body)
            XCTAssertTrue(en.contains("My most frequent findings"), en)
            ChartPageTests.assertClose(try ChartPageTests.values(en, "chart-my-score"),
                                       Dictionary(uniqueKeysWithValues: scoreByDay.map { ("mean score|" + $0.key, ChartPageTests.mean($0.value)) }), "en: score")
            // A supervisor without an agent chooses among their team's agents.
            let choose = String(buffer: try await client.execute(uri: "/me", method: .get, headers: fx.headers("sup-north")) { $0 }.body)
            XCTAssertTrue(choose.contains("href=\"/me?agent=A101\""), choose)
            XCTAssertTrue(choose.contains("href=\"/me?agent=A102\""), choose)
            XCTAssertFalse(choose.contains("A201"), choose)
            // The navigation links an agent to their page; the reports link an agent's row to it.
            let nav = String(buffer: try await client.execute(uri: "/self-check", method: .get, headers: fx.headers("wang")) { $0 }.body)
            XCTAssertTrue(nav.contains("href=\"/me\""), nav)
            let reports = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: fx.headers("root")) { $0 }.body)
            XCTAssertTrue(reports.contains("href=\"/me?agent=A201\""))
        }
    }

    func testSelfChecksAreRecordedAndShownInTheHistory() async throws {
        let fx = self.fx, csrf = self.csrf, store: SQLStore = self.store
        _ = (fx, csrf, store)
        let transcript = try WebTests.sample("rude-agent.txt")
        let expected = WebTests.checker.check(try XCTUnwrap(try ChartPageTests.read(transcript).first))
        let boundary = "----callqcchartsboundary"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"as\"\r\n\r\nauto\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"投诉-\(ChartPageTests.phone).txt\"\r\nContent-Type: text/plain\r\n\r\n\(transcript)\r\n--\(boundary)--\r\n"
        var headers = fx.headers("wang")
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let sent = headers, multipart = body
        try await app().test(.router) { client in
            let r = try await client.execute(uri: "/self-check", method: .post, headers: sent, body: ByteBuffer(string: multipart)) { $0 }
            XCTAssertEqual(r.status, .ok, String(buffer: r.body).prefix(500).description)
            // A draft, pasted.
            let draft = try await client.execute(uri: "/self-check", method: .post, headers: fx.headers("wang", form: true),
                                                 body: WebTests.form([("text", "您好，欢迎致电。\n不知道，你自己去营业厅问。"), ("as", "draft"), ("csrf", csrf)])) { $0.status }
            XCTAssertEqual(draft, .ok)
        }
        let history = try store.selfChecks(user: "wang")
        XCTAssertEqual(history.count, 2)
        let call = try XCTUnwrap(history.first { $0.kind == .transcript })
        XCTAssertEqual(call.agentID, "A101")
        XCTAssertEqual(call.score, expected.scorecard?.total)
        XCTAssertEqual(call.grade, expected.scorecard?.grade)
        XCTAssertEqual(call.findings, expected.findings.count)
        XCTAssertEqual(call.errors, expected.findings.filter { $0.severity == .error }.count)
        XCTAssertFalse(call.label.contains(ChartPageTests.phone), call.label)
        XCTAssertTrue(call.label.hasPrefix("投诉-"), call.label)
        let draft = try XCTUnwrap(history.first { $0.kind == .draft })
        XCTAssertNil(draft.score)
        XCTAssertGreaterThan(draft.findings, 0)
        XCTAssertEqual(try store.selfChecks(user: "li"), [])
        try await app().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/me", method: .get, headers: fx.headers("wang")) { $0 }.body)
            XCTAssertTrue(page.contains("<table id=\"my-self-checks\">"), page)
            XCTAssertTrue(page.contains(call.label), page)
            XCTAssertTrue(page.contains(Format.points(call.score!)), page)
            let other = String(buffer: try await client.execute(uri: "/me", method: .get, headers: fx.headers("li")) { $0 }.body)
            XCTAssertFalse(other.contains("my-self-checks"), "li has no history")
        }
    }
}

