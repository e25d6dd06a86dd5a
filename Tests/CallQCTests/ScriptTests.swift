import XCTest
@testable import CallQC
import CallQCText

final class ScriptTests: XCTestCase {
    static let scripts: ScriptCatalog = try! ScriptCatalog.load(directory: Shipped.lexicons + "/scripts", fixed: nil)
    let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)

    func check(_ name: String) -> CallResult {
        checker.check(TranscriptLoader().load(.file(Shipped.root.appendingPathComponent("samples/\(name)").path)).calls[0])
    }

    func step(_ r: CallResult, _ id: String) -> ScriptResult.Step? { r.script?.steps.first { $0.id == id } }

    func testShippedScriptsPassTheirExamples() {
        XCTAssertEqual(Set(ScriptTests.scripts.scripts.map(\.id)), ["satisfaction-survey", "broadband-upgrade"])
        for s in ScriptTests.scripts.scripts {
            XCTAssertEqual(s.testExamples().map(\.description), [], s.id)
            XCTAssertGreaterThan(s.exampleCount, 15)
            for step in s.steps {
                XCTAssertTrue(step.examples.contains { $0.mustMatch } && step.examples.contains { !$0.mustMatch }, "\(s.id)/\(step.id) needs both kinds of example")
            }
        }
    }

    func testAFollowedScriptIsFullyCovered() throws {
        let r = check("outbound-survey.txt")
        let s = try XCTUnwrap(r.script)
        XCTAssertEqual(s.id, "satisfaction-survey")
        XCTAssertEqual(s.coverage, 1)
        XCTAssertTrue(s.inOrder)
        XCTAssertEqual(step(r, "q3-badge")?.turn, 9)
        XCTAssertEqual(step(r, "q3-badge")?.start, 96.6)
        XCTAssertFalse(r.findings.contains { $0.kind == .scriptStep || $0.kind == .scriptOrder })
    }

    func testASRGarbledAndReworded(){
        // sales-call.txt: 须要 for 需要, 五 百兆 with a space, "耽误您一分钟时间可以吗" instead of "请问您现在方便吗".
        let r = check("sales-call.txt")
        XCTAssertEqual(r.script?.coverage, 1)
        XCTAssertEqual(step(r, "price")?.status, .present)
        XCTAssertLessThan(step(r, "price")?.similarity ?? 1, 1, "found despite the recognition error")
        XCTAssertEqual(step(r, "price")?.text, "每个月只须要多交")
        XCTAssertEqual(step(r, "consent")?.status, .present)
    }

    func testSkippedStepsAreMissingWithTheirNearestMiss() throws {
        let r = check("survey-skipped-step.txt")
        let s = try XCTUnwrap(r.script)
        XCTAssertEqual(s.coverage, 7.0 / 9.0, accuracy: 1e-9)
        XCTAssertEqual(s.steps.filter { $0.status == .missing }.map(\.id), ["consent", "q3-badge"])
        let missing = r.findings.filter { $0.kind == .scriptStep }
        XCTAssertEqual(missing.count, 2)
        XCTAssertTrue(missing.allSatisfy { $0.section == "completeness" && $0.turn == nil })
        XCTAssertTrue(missing[0].message.contains("征询客户是否方便"))
        XCTAssertTrue(missing[0].detail?.contains("closest: turn") ?? false, missing[0].detail ?? "")
        XCTAssertNotNil(step(r, "consent")?.nearMiss)
        // Reworded but recognisable: "宽带装好以后，用起来有没有什么问题" counts for q4.
        XCTAssertEqual(step(r, "q4-problems")?.status, .present)
        XCTAssertEqual(r.scorecard?.sections.first { $0.id == "completeness" }?.score, 10)
    }

    func testOrderViolationsAreCaught() throws {
        let r = check("survey-out-of-order.txt")
        let s = try XCTUnwrap(r.script)
        XCTAssertFalse(s.inOrder)
        XCTAssertEqual(s.coverage, 1)
        XCTAssertEqual(s.steps.filter { $0.status == .outOfOrder }.map(\.id), ["q5-recommend"])
        let f = try XCTUnwrap(r.findings.first { $0.kind == .scriptOrder })
        XCTAssertEqual(f.turn, 5)
        XCTAssertTrue(f.detail?.contains("before step 'q1-network' (turn 7)") ?? false, f.detail ?? "")
    }

    func testUnrelatedTurnsDoNotCountAsSteps() {
        let call = Call(id: "x", script: "satisfaction-survey", turns: [
            Turn(role: .agent, speaker: "坐席", text: "您好，欢迎致电星联移动，请问有什么可以帮您？"),
            Turn(role: .customer, speaker: "客户", text: "我想问一下网络质量的问题，营业厅说推荐我升级。"),
            Turn(role: .agent, speaker: "坐席", text: "好的，我帮您查一下您的宽带账号。"),
            Turn(role: .agent, speaker: "坐席", text: "感谢您的来电，再见。"),
        ])
        let r = checker.check(call)
        XCTAssertEqual(r.script?.coverage, 0, "\(r.script?.steps.filter { $0.status != .missing }.map(\.id) ?? [])")
        XCTAssertEqual(r.findings.filter { $0.kind == .scriptStep }.count, 9)
    }

    func testCustomerWordsDoNotSayTheAgentsSteps() {
        let call = Call(id: "x", script: "satisfaction-survey", turns: [
            Turn(role: .customer, speaker: "客户", text: "请问您现在方便吗？"),
            Turn(role: .agent, speaker: "坐席", text: "方便，您说。"),
        ])
        XCTAssertEqual(checker.check(call).script?.steps.first { $0.id == "consent" }?.status, .missing)
    }

    func testKeysMustAppear() throws {
        let script = try XCTUnwrap(ScriptTests.scripts.scripts.first { $0.id == "satisfaction-survey" })
        let q1 = try XCTUnwrap(script.steps.first { $0.id == "q1-network" })
        let folder = TextFolder()
        let withoutKey = folder.fold("请问您对我们的服务质量满意吗")
        let s = ScriptMatcher.score(q1, withoutKey, scalars: withoutKey.scalars)
        XCTAssertGreaterThanOrEqual(s.match.similarity, q1.threshold, "similar enough on its own")
        XCTAssertFalse(s.said, "but the key phrase 网络 is missing")
        XCTAssertEqual(s.missingKey, "网络")
    }

    func testNoScriptNoScriptFindings() {
        let r = check("good-call-broadband.txt")
        XCTAssertNil(r.script)
        XCTAssertEqual(ResultJSON.encode(r)["script"], .null)
    }

    func testScriptJSONContract() throws {
        let json = ResultJSON.encode(check("survey-skipped-step.txt"))
        let s = try XCTUnwrap(json["script"])
        XCTAssertEqual(s["id"], .string("satisfaction-survey"))
        XCTAssertEqual(s["coverage"], .number(0.778))
        XCTAssertEqual(s["in_order"], .bool(true))
        let consent = try XCTUnwrap(s["steps"]?.arrayValue?.first { $0["id"] == .string("consent") })
        XCTAssertEqual(consent["status"], .string("missing"))
        XCTAssertEqual(consent["turn"], .null)
        XCTAssertNotNil(consent["near_miss"]?["turn"]?.numberValue)
        let q2 = try XCTUnwrap(s["steps"]?.arrayValue?.first { $0["id"] == .string("q2-staff") })
        XCTAssertEqual(q2["status"], .string("present"))
        XCTAssertEqual(q2["turn"], .number(5))
        XCTAssertEqual(q2["similarity"], .number(1))
    }

    func testMissingGreetingReportsTheNearestMiss() throws {
        let r = Shipped.check("[00:00-00:03] 坐席: 喂，什么事？\n[00:04-00:06] 客户: 我查话费。\n[00:07-00:10] 坐席: 好的。\n[00:30-00:34] 坐席: 您好，欢迎致电。\n")
        let f = try XCTUnwrap(r.findings.first { $0.rule == "greeting" })
        XCTAssertTrue(f.detail?.contains("closest: turn 4 「您好") ?? false, f.detail ?? "")
        XCTAssertTrue(f.detail?.contains("outside the window") ?? false, f.detail ?? "")
    }

    func testScriptFileMistakesNameTheLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.yaml")
        try "id: s\nsteps:\n  - id: a\n    say: [请问您现在方便吗]\n  - id: a\n    say: [好]\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScriptLoader().load(file.path)) { e in
            XCTAssertEqual((e as? RuleError)?.line, 5)
            XCTAssertTrue("\(e)".contains("duplicate step id 'a'"))
        }
        try "id: s\nsteps:\n  - id: a\n    sey: [请问您现在方便吗]\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScriptLoader().load(file.path)) { e in XCTAssertTrue("\(e)".contains("'say'"), "\(e)") }
        try "id: s\nthreshold: 2\nsteps:\n  - id: a\n    say: [好]\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScriptLoader().load(file.path)) { e in XCTAssertTrue("\(e)".contains("between 0 and 1"), "\(e)") }
    }

    /// Script files go through the rule cache too (docs/rules.md): a cached load checks calls exactly as a parsed one,
    /// the cache really holds them, and a script with a mistake fails with its line on every run, cached or not.
    func testCachedScriptsCheckLikeParsedOnesAndMistakesStillFail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-scriptcache-\(UUID().uuidString.filter(\.isLetter))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = RuleFileCache(folder: dir.appendingPathComponent("cache").path, version: "test")
        let parsed = try ScriptCatalog.load(directory: Shipped.lexicons + "/scripts", fixed: nil)
        _ = try ScriptCatalog.load(directory: Shipped.lexicons + "/scripts", fixed: nil, cache: cache)
        let stored = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cache").path).filter { $0.hasSuffix(".tree") }
        XCTAssertEqual(stored.count, 2, "one tree per shipped script: \(stored)")
        let cached = try ScriptCatalog.load(directory: Shipped.lexicons + "/scripts", fixed: nil, cache: cache)
        XCTAssertEqual(cached.scripts.map(\.id), parsed.scripts.map(\.id))
        for name in ["outbound-survey.txt", "sales-call.txt", "survey-skipped-step.txt", "survey-out-of-order.txt"] {
            let path = Shipped.root.appendingPathComponent("samples/\(name)").path
            let call = TranscriptLoader().load(.file(path)).calls[0]
            let a = Checker(catalog: Shipped.catalog, scripts: parsed).check(call)
            let b = Checker(catalog: Shipped.catalog, scripts: cached).check(call)
            XCTAssertEqual(ResultJSON.compact(a), ResultJSON.compact(b), name)
            XCTAssertNotNil(b.script, name)
        }
        // A mistake the YAML parser does not see (a duplicate step id) is found again from the cached tree.
        let bad = dir.appendingPathComponent("bad.yaml")
        try "id: s\nsteps:\n  - id: a\n    say: [请问您现在方便吗]\n  - id: a\n    say: [好]\n".write(to: bad, atomically: true, encoding: .utf8)
        for run in 1...2 {
            XCTAssertThrowsError(try ScriptLoader(cache: cache).load(bad.path), "run \(run)") { e in
                XCTAssertEqual((e as? RuleError)?.line, 5)
                XCTAssertTrue("\(e)".contains("duplicate step id 'a'"), "\(e)")
            }
        }
    }
}
