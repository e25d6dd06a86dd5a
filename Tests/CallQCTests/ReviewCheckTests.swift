import XCTest
@testable import CallQC

/// Gaps found in review, in the checks.
final class ReviewCheckTests: XCTestCase {
    func testTheMissingClosingSaysTheGreetingWasNoClosing() {
        let r = Shipped.check("# language: en\n[00:00-00:04] Agent: Thank you for calling Acme, how can I help you?\n[00:04-00:20] Customer: Never mind, forget it.\n")
        let closing = r.findings.first { $0.rule == "closing" }
        XCTAssertNotNil(closing)
        XCTAssertFalse(closing?.detail?.contains("outside the window") ?? true, closing?.detail ?? "")
        XCTAssertTrue(closing?.detail?.contains("as the opening") ?? false, closing?.detail ?? "")
    }

    /// CSV cells hold no NUL, escape sequence or other control character (a call id or agent
    /// from JSON can carry them): the CSV went to the terminal and to spreadsheets raw.
    func testCSVCellsHoldNoControlCharacters() {
        let line = CSVRenderer.line(["N\u{0}\u{1B}[2J1", "A\u{0}", "x\u{1B}]0;t\u{07}y\u{9B}z", "a\tb", "two\nlines"])
        XCTAssertFalse(line.unicodeScalars.contains { ($0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value)) || (0x7F...0x9F).contains($0.value) }, line.debugDescription)
        XCTAssertEqual(line, "N[2J1,A,x]0;tyz,a\tb,\"two\nlines\"\r\n")
    }

    /// A cell a spreadsheet would run as a formula gets a leading quote: = + - @, a leading tab or carriage return
    /// (OWASP's list) and the full-width ＝ ＋ － ＠; numbers and text that only contain them stay as they are.
    func testCSVCellsNeverStartAFormula() {
        XCTAssertEqual(CSVRenderer.line(["=HYPERLINK(\"http://x\")", "@SUM(1)", "+1", "-3+3", "\t=1+1", "\r=2+2", "＝1+1", "＋86", "－3", "＠a"]),
                       "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(1),'+1,'-3+3,'\t=1+1,\"'\r=2+2\",'＝1+1,'＋86,'－3,'＠a\r\n")
        XCTAssertEqual(CSVRenderer.line(["-3", "-2.5", "A023", "客户=投诉", "a\tb"]), "-3,-2.5,A023,客户=投诉,a\tb\r\n")
    }

    /// 感谢您的来电 inside the opening (您好，感谢您的来电，工号…为您服务) is no closing when the
    /// customer hangs up; a closing that ends the greeting's turn still is one.
    func testThankYouForCallingInsideTheOpeningIsNoClosing() {
        let opening = Shipped.check("[00:00-00:05] 坐席: 您好，感谢您的来电，工号1234为您服务，请问有什么可以帮您？\n[00:05-00:10] 客户: 算了不说了\n")
        XCTAssertFalse(opening.findings.contains { $0.rule == "greeting" })
        XCTAssertTrue(opening.findings.contains { $0.rule == "closing" }, "the opening's 感谢您的来电 closed nothing")
        let en = Shipped.check("# language: en\n[00:00-00:05] Agent: Hello, thank you for calling Acme, this is Sam, how may I help you?\n[00:05-00:10] Customer: Forget it.\n")
        XCTAssertTrue(en.findings.contains { $0.rule == "closing" }, en.findings.map(\.rule).description)
        // Closings that end the greeting's turn.
        for text in ["[00:00-00:08] 坐席: 您好，您的宽带已经恢复了，感谢您的来电，再见。\n",
                     "# language: en\n[00:00-00:09] Agent: Thank you for calling, your order has shipped. Have a nice day, Mr. Smith!\n"] {
            XCTAssertFalse(Shipped.check(text).findings.contains { $0.rule == "closing" }, text)
        }
    }

    /// A draft or a script is typed, not recognised: no match by sound there (不只道路 is no
    /// 不知道); an agent's own call, a recogniser's transcript, keeps it.
    func testNoMatchBySoundInTypedDrafts() {
        let linter = ScriptLinter(checker: Shipped.checker)
        let draft = linter.lint(ScriptLinter.draftLines("您好，很高兴为您服务\n不只道路要修，线路也要查\n不知到\n"), source: "d", mode: .draft)
        XCTAssertFalse(draft.allIssues.contains { $0.rule.hasPrefix("taboo") }, draft.allIssues.map(\.rule).description)
        let call = linter.lint(ScriptLinter.draftLines("您好，很高兴为您服务\n不知到\n"), source: "c", mode: .transcript)
        XCTAssertTrue(call.allIssues.contains { $0.rule == "taboo.dont-know" }, "a transcript keeps the match by sound")
    }
}
