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
}
