import XCTest
@testable import CallQC

final class LintTests: XCTestCase {
    let linter = ScriptLinter(checker: Shipped.checker)

    func lint(_ draft: String) -> LintReport {
        linter.lint(ScriptLinter.draftLines(draft), source: "draft", mode: .draft)
    }

    func testTabooWithABetterPhrasing() throws {
        let r = lint("您好，欢迎致电星联移动。\n这个我不知道，你问我我问谁。\n感谢您的来电，再见。\n")
        let issues = r.lines[1].issues
        XCTAssertEqual(issues.map(\.rule).sorted(), ["taboo.ask-who", "taboo.dont-know"])
        XCTAssertEqual(issues.first { $0.rule == "taboo.dont-know" }?.suggestion, "我帮您查询一下")
        XCTAssertEqual(issues.first { $0.rule == "taboo.ask-who" }?.suggestion, "这个问题我帮您查询一下")
        XCTAssertTrue(r.issues.filter { $0.rule == "greeting" || $0.rule == "closing" }.isEmpty)
    }

    func testMissingGreetingAndClosingNameTheLines() throws {
        let r = lint("# 初稿\n\n请问是张女士吗？\n第一个问题，请问您对我们的网络质量满意吗？\n好的，问卷就到这里。\n")
        let greeting = try XCTUnwrap(r.issues.first { $0.rule == "greeting" })
        XCTAssertTrue(greeting.detail?.contains("looked at lines 3, 4") ?? false, greeting.detail ?? "")
        XCTAssertNotNil(r.issues.first { $0.rule == "closing" })
        XCTAssertEqual(r.lines.map(\.number), [3, 4, 5], "comments and blank lines are skipped, numbers stay the file's")
    }

    /// A draft typed on Windows (CRLF) lints as the same draft typed elsewhere: the same lines, numbers and issues.
    /// Before, the whole file was one line, and a first comment line hid all of it ("the draft has no lines").
    func testADraftWithWindowsLineEndingsLintsTheSame() throws {
        let text = try String(contentsOf: Shipped.root.appendingPathComponent("samples/drafts/survey-draft.draft"), encoding: .utf8)
        let unix = ScriptLinter.draftLines(text)
        let windows = ScriptLinter.draftLines(text.replacingOccurrences(of: "\n", with: "\r\n"))
        XCTAssertGreaterThan(unix.count, 5)
        XCTAssertEqual(windows.map(\.number), unix.map(\.number))
        XCTAssertEqual(windows.map(\.text), unix.map(\.text))
        let a = linter.lint(unix, source: "d", mode: .draft), b = linter.lint(windows, source: "d", mode: .draft)
        XCTAssertEqual(b.lines.map(\.number), a.lines.map(\.number))
        XCTAssertEqual("\(b.lines.map(\.issues))", "\(a.lines.map(\.issues))")
    }

    func testReadingTimeAtTheStandardRate() {
        // 26 countable characters at 120 a minute: 13 seconds; at 90, 17.3.
        let r = lint("您好，欢迎致电星联移动，很高兴为您服务，请问有什么可以帮您？\n")
        XCTAssertEqual(r.lines[0].readingSeconds, 13, accuracy: 0.001)
        XCTAssertEqual(r.unit, "characters")
        let slow = ScriptLinter(checker: Shipped.checker, rate: 90).lint(ScriptLinter.draftLines("您好，欢迎致电星联移动，很高兴为您服务，请问有什么可以帮您？"), source: "d", mode: .draft)
        XCTAssertEqual(slow.lines[0].readingSeconds, 26.0 / 90 * 60, accuracy: 0.001)
        let english = lint("Thank you for calling, how can I help you today?\n")
        XCTAssertEqual(english.unit, "words")
        XCTAssertEqual(english.lines[0].readingSeconds, 10.0 / 150 * 60, accuracy: 0.001)
    }

    func testClausesTooLongForOneBreath() {
        let r = lint("您好，我是星联移动客户服务中心的外呼员您上周在我们营业厅办理了宽带业务今天想做一个回访，请问您现在方便吗？\n")
        let breath = r.lines[0].issues.filter { $0.rule == "lint.breath" }
        XCTAssertEqual(breath.count, 1)
        XCTAssertTrue(breath[0].message.contains("一口气说不完"), breath[0].message)
        XCTAssertEqual(lint("您好，请问您现在方便吗？").lines[0].issues.filter { $0.rule == "lint.breath" }.count, 0)
    }

    func testTranscriptModeLooksAtTheAgentOnly() throws {
        let call = TranscriptLoader().load(.file(Shipped.root.appendingPathComponent("samples/rude-agent.txt").path)).calls[0]
        let r = linter.lint(ScriptLinter.agentLines(call), source: "rude", mode: .transcript)
        XCTAssertEqual(r.lines.count, 11)
        XCTAssertTrue(r.lines.allSatisfy { $0.number % 2 == 1 }, "agent turns are the odd ones, numbered as in the call")
        XCTAssertEqual(r.lines.first { $0.issues.contains { $0.rule == "taboo.dont-know" } }?.number, 7)
        XCTAssertFalse(r.allIssues.contains { ($0.text ?? "").contains("我也不知道") }, "the customer's words are not linted")
        XCTAssertTrue(r.issues.first { $0.rule == "closing" }?.detail?.contains("turns 19, 21") ?? false)
        XCTAssertNotNil(r.lines[0].spokenRate)
    }

    func testScriptFileMode() throws {
        let script = try ScriptLoader().load(Shipped.lexicons + "/scripts/satisfaction-survey.yaml")
        let r = linter.lint(ScriptLinter.scriptLines(script), source: "s", mode: .script)
        XCTAssertEqual(r.lines.count, script.steps.reduce(0) { $0 + $1.phrasings.count })
        XCTAssertEqual(r.lines.first?.label, "identify")
        XCTAssertFalse(r.allIssues.contains { $0.rule.hasPrefix("taboo") })
    }

    func testJSONReport() {
        let json = LintRenderer.json(lint("不知道。\n"))
        XCTAssertEqual(json["schema"], .string("callqc.lint/1"))
        XCTAssertEqual(json["lines"]?.arrayValue?.first?["issues"]?.arrayValue?.first?["suggestion"], .string("我帮您查询一下"))
    }
}
