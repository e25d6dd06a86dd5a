import XCTest
@testable import CallQC
import CallQCText

/// The shipped rule sets, loaded once for all tests.
enum Shipped {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let lexicons = root.appendingPathComponent("lexicons").path
    static let catalog: RuleCatalog = try! RuleCatalog.load(rules: nil, lexicons: lexicons)
    static let checker = Checker(catalog: catalog)

    static func check(_ transcript: String, file: StaticString = #filePath, line: UInt = #line) -> CallResult {
        let outcome = TranscriptLoader().read(bytes: Array(transcript.utf8), source: "test.txt")
        XCTAssertEqual(outcome.errors, [], file: file, line: line)
        return checker.check(outcome.calls.first ?? Call(id: "none"))
    }

    static func sample(_ name: String) -> CallResult {
        let outcome = TranscriptLoader().load(.file(root.appendingPathComponent("samples/\(name)").path))
        return checker.check(outcome.calls[0])
    }
}

final class RuleEngineTests: XCTestCase {
    func rules(_ r: CallResult) -> [String] { r.findings.map(\.rule) }

    /// Every example of every shipped rule: one parameterised test for the lexicons.
    func testShippedRuleSetsPassTheirOwnExamples() {
        XCTAssertEqual(Shipped.catalog.ruleSets.map(\.name), ["zh-CN", "en"])
        for set in Shipped.catalog.ruleSets {
            let failures = Shipped.checker.testExamples(of: set)
            XCTAssertEqual(failures.map(\.description), [], set.name)
            XCTAssertGreaterThan(set.rules.reduce(0) { $0 + $1.examples.count }, 30, set.name)
            // Script rules judge the steps of a call's script; their examples live in the script files.
            for rule in set.rules where rule.header.kind != .scriptStep && rule.header.kind != .scriptOrder {
                XCTAssertFalse(rule.examples.isEmpty, "\(set.name): rule \(rule.header.id) has no examples")
            }
            XCTAssertEqual(set.scoring.maximum, 100)
        }
    }

    func testDefaultRuleIDsAndKinds() {
        let zh = Shipped.catalog.ruleSets[0]
        let ids = Set(zh.rules.map(\.header.id))
        for id in ["greeting", "closing", "pace.fast", "pace.slow", "interruption", "silence"] { XCTAssertTrue(ids.contains(id), id) }
        XCTAssertTrue(ids.contains { $0.hasPrefix("taboo") })
        // Every kind is used by a shipped rule, or by a condition of one (`said`).
        let used = Set(zh.rules.flatMap { $0.check.allChecks.map { type(of: $0).kind } })
        XCTAssertEqual(used, Set(CheckKind.allCases))
        XCTAssertEqual(Set(zh.rules.map(\.header.kind)), Set(CheckKind.allCases).subtracting([.said]))
    }

    func testAllSixteenTabooPhrasesOfTheCenterAreFlagged() {
        let taboo = ["不行。", "不知道。", "找领导去。", "你懂不懂。", "不知道就别说了。", "这是规定，就不行。", "着什么急，我正忙着。",
                     "有意见，告去。", "刚才不是和你说过了吗，怎么还问。", "你想好了没有，快点。", "我就这态度，不满意到别处问。",
                     "干什么，快点。", "你问我，我问谁。", "我解决不了。", "不是告诉你了，怎么还不明白。", "说了这么多遍还不明白。"]
        XCTAssertEqual(taboo.count, 16)
        for phrase in taboo {
            let r = Shipped.check("坐席: \(phrase)\n")
            let hits = r.findings.filter { $0.rule.hasPrefix("taboo") }
            XCTAssertEqual(hits.count, 1, "\(phrase): \(hits.map(\.rule)) — one fault, one finding")
        }
    }

    func testTraditionalTranscriptMeetsSimplifiedLexiconAndReportsWhatWasWritten() throws {
        let r = Shipped.check("[00:00-00:06] 客服: 您好，歡迎致電星聯電訊！\n[00:07-00:09] 客戶: 你們系統是不是壞了？\n[00:10-00:12] 客服: 不知道。\n")
        XCTAssertFalse(rules(r).contains("greeting"), "歡迎致電 meets 欢迎致电")
        let f = try XCTUnwrap(r.findings.first { $0.rule == "taboo.dont-know" })
        XCTAssertEqual(f.turn, 3)
        XCTAssertEqual(f.role, .agent)
        XCTAssertEqual(f.start, 10)
        XCTAssertEqual(f.text, "不知道")
        XCTAssertEqual(f.span, 0..<3)
    }

    func testSpacedAndFullWidthVariantsMatch() throws {
        let r = Shipped.check("坐席: 您 好 ， 请问 有什么 可以 帮到 您？\n坐席：　找　领　导　去　！\n")
        XCTAssertFalse(rules(r).contains("greeting"))
        let f = try XCTUnwrap(r.findings.first { $0.rule == "taboo.elsewhere" })
        XCTAssertEqual(f.text, "找　领　导　去", "the span shows the text as written, spaces included")
        let english = Shipped.check("# language: en\nAgent: ＴＨＡＮＫ　ＹＯＵ for calling.\nAgent: That’s NOT my problem!\n")
        XCTAssertFalse(rules(english).contains("greeting"))
        XCTAssertEqual(english.findings.first { $0.rule == "taboo" }?.text, "That’s NOT my problem")
    }

    func testHarmlessContextsAreNotTaboo() {
        for text in ["您不知道也没关系，我帮您查一下。", "不管行不行，我们先试试。", "如果网络还是不行的话，我帮您预约师傅。",
                     "不知道您现在方便吗？", "您看这样行不行？"] {
            let r = Shipped.check("坐席: \(text)\n")
            XCTAssertEqual(r.findings.filter { $0.rule.hasPrefix("taboo") }.map(\.rule), [], text)
        }
        // English: phrases match on word boundaries only.
        let r = Shipped.check("# language: en\nAgent: I know exactly what you mean, and whatever works for you is fine.\n")
        XCTAssertEqual(r.findings.filter { $0.rule.hasPrefix("taboo") }.map(\.rule), [])
    }

    func testCustomerSpeechIsNotHeldAgainstTheAgent() {
        let r = Shipped.check("坐席: 您好，请讲。\n客户: 我也不知道扣的是什么，你问我我问谁？\n坐席: 请您稍等，我帮您查一下，谢谢。\n")
        XCTAssertEqual(r.findings.filter { $0.rule.hasPrefix("taboo") }.count, 0)
        let s = Shipped.sample("rude-agent.txt")
        XCTAssertTrue(s.findings.filter { $0.rule.hasPrefix("taboo") }.allSatisfy { $0.role == .agent })
        XCTAssertFalse(s.findings.contains { $0.rule.hasPrefix("taboo") && ($0.text ?? "").contains("我也不知道") })
    }

    func testNoTimestampsNoSpeechRateVerdict() {
        let r = Shipped.sample("no-timestamps.txt")
        XCTAssertFalse(rules(r).contains { $0.hasPrefix("pace") })
        XCTAssertNil(r.metrics.agentCharsPerMinute)
        XCTAssertEqual(ResultJSON.encode(r)["metrics"]?["speech_rate"], .string("not measurable"))
        let fast = Shipped.sample("fast-agent.txt")
        XCTAssertTrue(rules(fast).contains("pace.fast"))
        XCTAssertFalse(rules(fast).contains("pace.slow"))
        XCTAssertEqual(fast.findings.filter { $0.rule == "pace.fast" && $0.turn == nil }.count, 1)
    }

    func testScoresAndExplanationsAddUp() throws {
        for name in ["rude-agent.txt", "interruption.txt", "english-rude-call.txt", "good-call-broadband.txt", "complaint.txt"] {
            let r = Shipped.sample(name)
            let card = try XCTUnwrap(r.scorecard)
            XCTAssertEqual(card.max, 100)
            XCTAssertEqual(card.total, card.sections.reduce(0) { $0 + $1.score }, name)
            for s in card.sections {
                XCTAssertEqual(s.max - s.score, s.deductions.reduce(0) { $0 + $1.points }, accuracy: 1e-9, "\(name) \(s.id)")
                XCTAssertGreaterThanOrEqual(s.score, 0)
                for d in s.deductions {
                    XCTAssertEqual(r.findings[d.finding].rule, d.rule)
                    XCTAssertEqual(r.findings[d.finding].section, s.id)
                }
            }
            // Every deducting finding of a rule with points appears in a deduction.
            let deducted = Set(card.sections.flatMap { $0.deductions.map(\.finding) })
            let headers = Shipped.catalog.ruleSets.flatMap(\.rules).map(\.header)
            for (i, f) in r.findings.enumerated() where f.deducts && (headers.first { $0.id == f.rule }?.deduction ?? 0) > 0 {
                XCTAssertTrue(deducted.contains(i), "\(name): finding \(i) \(f.rule) took no points")
            }
        }
        XCTAssertEqual(Shipped.sample("good-call-broadband.txt").scorecard?.total, 100)
        XCTAssertLessThan(Shipped.sample("rude-agent.txt").scorecard?.total ?? 100, 60)
        XCTAssertEqual(Shipped.sample("rude-agent.txt").scorecard?.grade, "E")
    }

    func testVetoSetsScoreToZero() throws {
        let r = Shipped.check("坐席: 您好，欢迎致电，很高兴为您服务。\n客户: 你们怎么回事？\n坐席: 你有病吧，爱办不办。感谢您的来电，再见。\n")
        let card = try XCTUnwrap(r.scorecard)
        XCTAssertTrue(card.veto)
        XCTAssertEqual(card.total, 0)
        XCTAssertEqual(card.vetoRules, ["taboo.abuse"])
        XCTAssertEqual(card.grade, "E")
    }

    func testMissingRequiredPhraseSaysWhereItLooked() throws {
        let r = Shipped.sample("missing-greeting.txt")
        let f = try XCTUnwrap(r.findings.first { $0.rule == "greeting" })
        XCTAssertNil(f.turn)
        XCTAssertEqual(f.kind, .required)
        XCTAssertTrue(f.detail?.contains("looked at turns 1, 3") ?? false, f.detail ?? "")
        let json = ResultJSON.encode(r)
        XCTAssertEqual(json["findings"]?.arrayValue?.first { $0["rule"] == .string("greeting") }?["turn"], .null)
    }

    func testInterruptionAndSilence() {
        let r = Shipped.sample("interruption.txt")
        XCTAssertEqual(r.findings.filter { $0.rule == "interruption" }.map(\.turn), [3, 5, 10, 12])
        let silence = r.findings.filter { $0.rule == "silence" }
        XCTAssertEqual(silence.count, 1)
        XCTAssertEqual(r.metrics.longestSilence ?? 0, 11.4, accuracy: 0.001)
        XCTAssertEqual(r.interruptions, 4)
        // An announced hold is not dead air.
        let hold = Shipped.check("[00:00-00:03] 坐席: 好的，请您稍等，我帮您查一下。\n[00:40-00:44] 坐席: 让您久等了，查到了。\n")
        XCTAssertFalse(rules(hold).contains("silence"))
    }

    func testComplaintCuesAreInfoWithoutDeduction() {
        let r = Shipped.sample("complaint.txt")
        let cues = r.findings.filter { $0.kind == .cue }
        XCTAssertFalse(cues.isEmpty)
        XCTAssertTrue(cues.allSatisfy { $0.severity == .info && $0.role == .customer })
        XCTAssertTrue(r.scorecard!.sections.allSatisfy { s in s.deductions.allSatisfy { $0.rule != "complaint.cue" } })
    }

    func testLanguagePicksTheRuleSet() {
        XCTAssertEqual(Shipped.sample("english-rude-call.txt").ruleSet?.name, "en")
        XCTAssertEqual(Shipped.sample("traditional-chinese.txt").ruleSet?.name, "zh-CN")
        XCTAssertEqual(Shipped.sample("good-call-broadband.txt").ruleSet?.name, "zh-CN")
    }

    func testResultContract() throws {
        let json = ResultJSON.encode(Shipped.sample("rude-agent.txt"))
        XCTAssertEqual(json["schema"], .string("callqc.result/1"))
        XCTAssertEqual(json["ruleset"]?["name"], .string("zh-CN"))
        XCTAssertNotNil(json["tool"]?["version"]?.stringValue)
        for key in ["total", "max", "grade", "veto", "sections"] { XCTAssertNotNil(json["score"]?[key], key) }
        let finding = try XCTUnwrap(json["findings"]?.arrayValue?.first { $0["rule"] == .string("taboo.dont-know") })
        for key in ["rule", "kind", "section", "severity", "message", "turn", "role", "start", "end", "span", "text"] {
            XCTAssertNotNil(finding[key], key)
        }
        XCTAssertEqual(finding["kind"], .string("forbidden"))
        XCTAssertEqual(finding["span"]?["begin"], .number(0))
        XCTAssertEqual(finding["span"]?["end"], .number(3))
        for key in ["interruptions", "longest_silence", "agent_chars_per_minute", "agent_words_per_minute"] {
            XCTAssertNotNil(json["metrics"]?[key], key)
        }
    }
}
