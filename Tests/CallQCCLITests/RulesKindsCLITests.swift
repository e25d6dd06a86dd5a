import XCTest

/// `callqc rules kinds`: every kind documented, in the three formats, and the docs are its Markdown.
final class RulesKindsCLITests: XCTestCase {
    func testKindsDocumentsEveryKindAndTheDocsAreItsMarkdown() throws {
        let text = try CLI.run(["rules", "kinds"])
        XCTAssertEqual(text.status, 0, text.stderr)
        for kind in ["required", "forbidden", "sequence", "anchored", "repetition", "call", "pattern", "composite", "said", "pii"] {
            XCTAssertTrue(text.stdout.contains("\n\(kind)\n") || text.stdout.hasPrefix("\(kind)\n"), kind)
        }
        XCTAssertTrue(text.stdout.contains("within | within_file") == false, "only phrase lists take _file")
        let json = try CLI.run(["rules", "kinds", "--format", "json", "repetition"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(parsed.map { $0["kind"] as? String }, ["repetition"])
        let params = (parsed[0]["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(params), ["times", "similarity", "min_chars", "exceptions", "within"])

        let markdown = try CLI.run(["rules", "kinds", "--format", "markdown"])
        let docs = try String(contentsOfFile: CLITests.root.appendingPathComponent("docs/rules.md").path, encoding: .utf8)
        XCTAssertTrue(docs.contains(markdown.stdout), "docs/rules.md holds `callqc rules kinds --format markdown` as it is")

        let bad = try CLI.run(["rules", "kinds", "--format", "yaml"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("yaml"), bad.stderr)
        let unknown = try CLI.run(["rules", "kinds", "sequense"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown kind 'sequense'"), unknown.stderr)
    }
}
