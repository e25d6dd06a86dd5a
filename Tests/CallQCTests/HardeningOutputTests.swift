import XCTest
@testable import CallQC

/// Issue 13: what a transcript, an id or a file name holds cannot steer the output.
final class HardeningOutputTests: XCTestCase {
    let hostile = "E1\u{1B}]0;pwned\u{07}\u{1B}[2J\nFAKE ROW\r\u{9B}31m\u{202E}"

    func result() -> CallResult {
        let call = Call(id: hostile, agent: "A\u{1B}[8m", source: "calls/\u{1B}[2Jx.txt", turns: [
            Turn(role: .agent, speaker: "坐席", start: 0, end: 2, text: "不知道\u{1B}[2J\n伪造的一行"),
            Turn(role: .customer, speaker: "客户", start: 2, end: 3, text: "嗯"),
        ])
        return Shipped.checker.check(call)
    }

    func testTheTableHasNoEscapeSequencesOrSplitRows() {
        let r = result()
        XCTAssertTrue(r.findings.contains { $0.text?.contains("\u{1B}") ?? false || $0.rule.hasPrefix("taboo") })
        let out = TableRenderer().render(r, index: 0)
        for bad in ["\u{1B}", "\u{07}", "\u{9B}", "\r", "\u{202E}"] { XCTAssertFalse(out.contains(bad), "\(bad.unicodeScalars.first!.value)") }
        XCTAssertTrue(out.contains("\\e]0;pwned"), out)
        XCTAssertEqual(out.split(separator: "\n").count, 1 + r.findings.count, "one row for the call, one per finding: \(out)")
        XCTAssertFalse(out.split(separator: "\n").contains { $0.hasPrefix("FAKE ROW") })
        let colored = TableRenderer(color: true).render(r, index: 0)
        XCTAssertFalse(colored.contains("\u{1B}]"), "only the renderer's own colour codes")
        XCTAssertEqual(TerminalText.safe("普通的文本 plain"), "普通的文本 plain")
    }

    func testMarkdownNeutralisesLinksAndHTMLFromIds() {
        var r = result()
        r.call.id = "[点我](http://evil.example/x) ![x](http://evil.example/t.png) <img src=x onerror=alert(1)> <http://evil.example>"
        r.call.source = "a`b](http://evil.example)"
        let out = MarkdownRenderer().render(r, index: 0)
        XCTAssertFalse(out.contains("](http"), out)
        XCTAssertFalse(out.contains("<img"), out)
        XCTAssertFalse(out.contains("<http"), out)
        XCTAssertTrue(out.contains("&lt;img"), out)
        XCTAssertFalse(out.contains("\u{1B}"))
        let problem = MarkdownRenderer().render(problem: InputProblem(source: "x`](http://e)\n# H", message: "m"), index: 0)
        XCTAssertFalse(problem.contains("](http"))
        XCTAssertFalse(problem.dropFirst().contains("\n#"))
    }

    func testConvertedFilesHoldNoNUL() throws {
        let json = #"{"id":"N\u0000UL","turns":[{"role":"agent","speaker":"坐\u0000席","start":0,"end":1,"text":"您好\u0000\u001B[2J，请讲"}]}"#
        let outcome = TranscriptLoader().read(bytes: Array(json.utf8), source: "n.json")
        XCTAssertEqual(outcome.errors, [])
        let call = try XCTUnwrap(outcome.calls.first)
        let plain = PlainTranscriptWriter.write(call)
        XCTAssertFalse(plain.utf8.contains(0), "no NUL in the plain file")
        XCTAssertFalse(plain.utf8.contains(0x1B))
        XCTAssertTrue(plain.contains("您好[2J，请讲"), plain)
        XCTAssertFalse(CallJSON.encode(call).compact().utf8.contains(0), "JSON escapes it")
    }
}
