import XCTest
@testable import CallQC
import CallQCStore

final class StoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func samples() -> [CallResult] {
        let loader = TranscriptLoader()
        let (inputs, _) = loader.expand([Shipped.root.appendingPathComponent("samples").path])
        let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)
        return inputs.flatMap { loader.load($0).calls }.map { checker.check($0) }
    }

    func testMigrationsAndIdempotentRechecks() throws {
        let results = samples()
        try StoreBackends.each(in: dir) { store, backend in
            XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2-cases", "v3-review-misses", "v4-review-hash", "v5-purge-log", "v6-floor", "v7-case-sharing", "v8-self-checks"],
                           "[\(backend)]")
            try store.save(results)
            try store.save(results)
            XCTAssertEqual(try store.resultCount(), results.count, "[\(backend)] the same transcript with the same rule set version replaces")
            // The same transcript from another folder is the same call.
            var moved = results[0]
            moved.call.source = "elsewhere/\(moved.call.id).txt"
            try store.save([moved])
            XCTAssertEqual(try store.resultCount(), results.count, "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).first { $0.contentHash == ContentHash.of(moved.call) }?.source,
                           moved.call.source, "[\(backend)] the call's row takes the latest source")
            // A new rule set version adds a result beside the old one; summaries show the latest.
            var newer = results[0]
            newer.ruleSet = RuleSetStamp(name: newer.ruleSet!.name, version: "2099.1")
            try store.save([newer])
            XCTAssertEqual(try store.resultCount(), results.count + 1, "[\(backend)]")
            let summaries = try store.summaries(from: nil, to: nil)
            XCTAssertEqual(summaries.count, results.count, "[\(backend)]")
            XCTAssertEqual(summaries.first { $0.callID == newer.call.id }?.ruleSetVersion, "2099.1", "[\(backend)]")
            // Reopening keeps everything.
            let again = try backend.open()
            XCTAssertEqual(try again.resultCount(), results.count + 1, "[\(backend)]")
            XCTAssertEqual(try again.summaries(from: nil, to: nil), summaries, "[\(backend)]")
            XCTAssertEqual(try again.appliedMigrations().count, 8, "[\(backend)] opening again migrates nothing more")
        }
    }

    func testSummariesAndDetailRoundTrip() throws {
        let results = samples()
        try StoreBackends.each(in: dir) { store, backend in
            try store.save(results)
            let day = try store.summaries(from: "2026-11-20", to: "2026-11-20")
            XCTAssertEqual(Set(day.map(\.date)), ["2026-11-20"], "[\(backend)]")
            XCTAssertEqual(day.count, results.filter { $0.call.date == "2026-11-20" }.count, "[\(backend)]")
            let rude = try XCTUnwrap(try store.detail(callID: "C20261120-0057"), "[\(backend)]")
            XCTAssertEqual(rude.summary.score, 55, "[\(backend)]")
            XCTAssertEqual(rude.call.turns.count, 22, "[\(backend)]")
            XCTAssertEqual(rude.result["score"]?["total"], .number(55), "[\(backend)]")
            XCTAssertEqual(rude.summary.findings.reduce(0) { $0 + $1.points }, 45, "[\(backend)]")
            XCTAssertNil(try store.detail(callID: "no-such-call"), "[\(backend)]")
            // What was saved comes back as it was: the summary, the result JSON and the transcript.
            let original = try XCTUnwrap(results.first { $0.call.id == "C20261120-0057" }, "[\(backend)]")
            XCTAssertEqual(rude.summary, CallSummary(original), "[\(backend)]")
            XCTAssertEqual(rude.result, ResultJSON.encode(original), "[\(backend)]")
            XCTAssertEqual(CallJSON.encode(rude.call).compact(), CallJSON.encode(original.call).compact(), "[\(backend)]")
        }
    }

    func testSamplingQuotaDeterminismRiskFirstAndReviewedExcluded() throws {
        // Hand-made day: agent A has 5 calls, B has 1.
        func call(_ id: String, _ agent: String, _ score: Double, veto: Bool = false, critical: Bool = false) -> CallSummary {
            CallSummary(callID: id, agent: agent, date: "2026-11-21", source: nil, contentHash: id, ruleSet: "zh-CN", ruleSetVersion: "1",
                        score: score, maxScore: 100, grade: nil, veto: veto, vetoRules: veto ? ["taboo.abuse"] : [],
                        agentCharsPerMinute: nil, agentWordsPerMinute: nil, duration: nil,
                        findings: critical ? [.init(rule: "taboo.abuse", severity: .critical, section: "politeness", points: 30)] : [],
                        sections: [])
        }
        let calls = [call("A1", "A", 95), call("A2", "A", 54), call("A3", "A", 0, veto: true), call("A4", "A", 100), call("A5", "A", 97),
                     call("B1", "B", 100)]
        let plan = SamplingPlan(perAgent: 2, riskShare: 0.5, seed: 7)
        let q = plan.draw(calls, reviewed: [])
        XCTAssertEqual(q.picks.filter { $0.agent == "A" }.count, 2)
        XCTAssertEqual(q.picks.first { $0.agent == "A" }?.call.callID, "A3", "the veto comes first")
        XCTAssertEqual(q.picks.first { $0.agent == "A" }?.reason, "risk: veto taboo.abuse")
        XCTAssertEqual(q.picks.filter { $0.agent == "A" }.last?.reason, "random")
        XCTAssertEqual(q.short.map(\.agent), ["B"], "B has fewer calls than the quota")
        XCTAssertEqual(plan.draw(calls, reviewed: []), q, "same seed, same queue")
        let other = (1...20).map { SamplingPlan(perAgent: 2, riskShare: 0.5, seed: UInt64($0)).draw(calls, reviewed: []) }
        XCTAssertGreaterThan(Set(other.map { $0.picks.map(\.call.callID) }).count, 1, "other seeds draw other random picks")
        // With the veto reviewed, the next riskiest (score 54) is picked, and A3 is not drawn again.
        let after = plan.draw(calls, reviewed: ["A3"])
        XCTAssertEqual(after.picks.filter { $0.agent == "A" }.count, 1, "one of A's two reviews is done")
        XCTAssertEqual(after.picks.first { $0.agent == "A" }?.reason, "risk: score 54")
        XCTAssertFalse(after.picks.contains { $0.call.callID == "A3" })
        // All-risk plan.
        let risky = SamplingPlan(perAgent: 2, riskShare: 1, seed: 7).draw(calls, reviewed: [])
        XCTAssertEqual(risky.picks.filter { $0.agent == "A" }.map(\.call.callID), ["A3", "A2"])
    }

    func testCalibrationOnAHandMadeSet() throws {
        func call(_ id: String, _ agent: String, _ score: Double, _ politeness: Double) -> CallSummary {
            CallSummary(callID: id, agent: agent, date: "2026-11-21", source: nil, contentHash: id, ruleSet: "zh-CN", ruleSetVersion: "1",
                        score: score, maxScore: 100, grade: nil, veto: false, vetoRules: [], agentCharsPerMinute: nil, agentWordsPerMinute: nil,
                        duration: nil, findings: [], sections: [.init(id: "politeness", title: "礼貌", score: politeness, max: 35)])
        }
        let calls = [call("c1", "A", 80, 25), call("c2", "A", 60, 15), call("c3", "B", 90, 35)]
        let reviews = [
            Review(callID: "c1", reviewedAt: "t1", score: 70, sectionScores: ["politeness": 20], confirmed: ["taboo"], rejected: ["address"]),
            Review(callID: "c2", reviewedAt: "t2", score: 70, sectionScores: ["politeness": 25], confirmed: ["taboo", "closing"]),
            Review(callID: "c3", reviewedAt: "t3", score: 90, rejected: ["taboo.dont-know"]),
            Review(callID: "c3", reviewedAt: "t4", score: 94, rejected: ["taboo.dont-know"]),
            Review(callID: "ghost", reviewedAt: "t5", score: 50),
        ]
        let c = Calibration(reviews: reviews, calls: calls)
        XCTAssertEqual(c.rules.first { $0.rule == "taboo" }?.precision, 1)
        XCTAssertEqual(c.rules.first { $0.rule == "taboo.dont-know" }?.precision, 0, "only the latest review of c3 counts")
        XCTAssertEqual(c.rules.first { $0.rule == "taboo.dont-know" }?.rejected, 1)
        XCTAssertEqual(c.rules.first?.rule, "address", "lowest precision first (ties by name)")
        // Machine − human: c1 +10, c2 −10, c3 −4 → mean −4/3.
        let total = try XCTUnwrap(c.total)
        XCTAssertEqual(total.count, 3)
        XCTAssertEqual(total.mean, -4.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(total.spread, (((10 + 4.0/3) * (10 + 4.0/3) + (-10 + 4.0/3) * (-10 + 4.0/3) + (-4 + 4.0/3) * (-4 + 4.0/3)) / 2).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(c.byAgent.map(\.key), ["A", "B"])
        XCTAssertEqual(c.byAgent[0].mean, 0, accuracy: 1e-9)
        XCTAssertEqual(c.bySection.first?.key, "politeness")
        XCTAssertEqual(c.bySection.first?.mean ?? 99, -2.5, accuracy: 1e-9)
        XCTAssertEqual(c.unmatched, ["ghost"])
    }

    func testReviewsRoundTrip() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let r = Review(callID: "C1", reviewedAt: "2026-11-29T08:00:00Z", reviewer: "王组长", score: 72,
                           sectionScores: ["politeness": 20], confirmed: ["taboo"], rejected: ["address", "silence"], note: "态度生硬")
            try store.record(r)
            XCTAssertEqual(try store.reviews(), [r], "[\(backend)]")
            XCTAssertEqual(try backend.open().reviews(), [r], "[\(backend)] kept")
        }
    }

    /// Memory stays flat: the runner never holds more than a batch, and JSON Lines are chunked.
    func testBatchStreamingIsBounded() throws {
        let file = dir.appendingPathComponent("day.jsonl")
        let line = CallJSON.encode(Call(id: "X", agent: "A1", date: "2026-11-21", turns: [
            Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: "您好，欢迎致电，很高兴为您服务。"),
            Turn(role: .customer, speaker: "客户", start: 3.5, end: 5, text: "我查话费。"),
        ])).compact()
        let count = 3000
        var text = ""
        for i in 0..<count { text += line.replacingOccurrences(of: "\"id\":\"X\"", with: "\"id\":\"X\(i)\"") + "\n" }
        text += "{not json}\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let source = WorkSource(inputs: [.file(file.path)], format: .jsonl, linesPerChunk: 100)
        let runner = BatchRunner(loader: TranscriptLoader(), checker: Shipped.checker, batchSize: 4)
        var calls = 0, batches = 0, largest = 0, errors: [InputProblem] = []
        var ids = Set<String>()
        runner.run(source) { outcomes in
            batches += 1
            largest = max(largest, outcomes.reduce(0) { $0 + $1.results.count })
            for o in outcomes {
                calls += o.results.count
                errors += o.errors
                for r in o.results { ids.insert(r.call.id) }
            }
        }
        XCTAssertEqual(calls, count)
        XCTAssertEqual(ids.count, count)
        XCTAssertLessThanOrEqual(largest, 4, "a batch holds at most batchSize records")
        XCTAssertGreaterThanOrEqual(batches, count / 4)
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.line, count + 1, "line numbers count from the start of the file, across chunks")
    }

    /// A folder is walked as the run goes, in name order level by level, one path at a time.
    func testDirectoryWalkIsLazyAndOrdered() throws {
        let root = dir.appendingPathComponent("calls")
        for name in ["b/2.txt", "b/1.txt", "a.txt", "c/.hidden.txt", ".git/x.txt", "c/notes.md", "d/e/f.json"] {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "坐席: 您好\n".write(to: url, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let (inputs, problems) = TranscriptLoader().expand([root.path, dir.appendingPathComponent("empty").path], walkDirectories: false)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(inputs.count, 2, "folders stay folders until walked")
        let source = WorkSource(inputs: inputs, format: nil)
        var seen: [String] = []
        var warnings: [InputProblem] = []
        while let item = source.nextItem() {
            if let p = item.problem { warnings.append(p) } else { seen.append(String(item.source.dropFirst(root.path.count + 1))) }
        }
        XCTAssertEqual(seen, ["a.txt", "b/1.txt", "b/2.txt", "d/e/f.json"])
        XCTAssertEqual(warnings.map(\.severity), [.warning])
        XCTAssertTrue(warnings.first?.source.hasSuffix("empty") ?? false)
    }

    func testRedactor() {
        let r = Redactor()
        XCTAssertEqual(r.redact("我的手机是13812345678，谢谢"), "我的手机是138****5678，谢谢")
        XCTAssertEqual(r.redact("号码 138 1234 5678"), "号码 138 **** 5678")
        XCTAssertEqual(r.redact("幺三八幺二三四五六七八"), "幺三八****五六七八")
        // 11010519491231002X is a valid resident ID (checksum X).
        XCTAssertEqual(r.redact("身份证11010519491231002X"), "身份证1101**********002X")
        XCTAssertEqual(r.redact("卡号6222021234567890128"), "卡号6222***********0128")
        XCTAssertEqual(r.redact("邮箱 zhang.san@example.com"), "邮箱 z********@example.com")
        // Ordinary numbers stay.
        for plain in ["套餐128元", "2026-11-21", "五十八元的套餐", "一百二十八", "流量30G", "第3个问题", "工号A042", "10分"] {
            XCTAssertEqual(r.redact(plain), plain, plain)
        }
    }

    func testHTMLReportIsSelfContainedAndRedacted() throws {
        var results = samples()
        results[0].call.turns[1].text += " 我的手机是13812345678"
        try StoreBackends.each(in: dir) { store, backend in
            try store.save(results)
            let calls = try store.summaries(from: nil, to: nil)
            let stored = try calls.compactMap { try store.detail(callID: $0.callID) }
            XCTAssertEqual(stored.count, results.count, "[\(backend)]")
            func html(redact: Bool) -> String {
                HTMLReport(title: "质检报告", period: "all", byAgent: Report(calls, by: .agent), byRule: Report(calls, by: .rule),
                           calls: stored, omittedCalls: 0, redact: redact, generatedAt: "now").render()
            }
            let page = html(redact: true)
            XCTAssertTrue(page.hasPrefix("<!doctype html>"), "[\(backend)]")
            XCTAssertFalse(page.contains("13812345678"), "[\(backend)]")
            XCTAssertTrue(page.contains("138****5678"), "[\(backend)]")
            XCTAssertTrue(html(redact: false).contains("13812345678"), "[\(backend)]")
            for external in ["<script", "src=\"http", "href=\"http", "@import", "url("] { XCTAssertFalse(page.contains(external), "[\(backend)] \(external)") }
            XCTAssertTrue(page.contains("<svg"), "[\(backend)]")
            XCTAssertTrue(page.contains("<mark class=\"sev-error\" title=\"taboo.dont-know\">不知道</mark>"), "[\(backend)]")
            XCTAssertTrue(page.contains("歡迎致電") || page.contains("歡迎"), "[\(backend)] Traditional text is shown as written")
        }
    }
}
