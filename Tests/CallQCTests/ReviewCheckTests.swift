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
}
