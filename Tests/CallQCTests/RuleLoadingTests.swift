import XCTest
@testable import CallQC

/// Rule files with mistakes stop the run with file:line and the fix.
final class RuleLoadingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try """
        name: test
        version: "1"
        language: zh
        scoring:
          sections:
            - {id: politeness, title: 礼貌, points: 100}
          grades:
            - {grade: A, min: 90}
            - {grade: E, min: 0}
        """.write(to: dir.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ rules: String, name: String = "rules/a.yaml") throws {
        try rules.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func loadError(file: StaticString = #filePath, line: UInt = #line) -> RuleError? {
        do {
            _ = try RuleSetLoader().load(dir.path)
            XCTFail("expected a rule error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    let good = """
    rules:
      - id: taboo
        kind: forbidden
        message: 忌语
        section: politeness
        deduction: 10
        phrases: [找领导去]
    """

    func testAGoodRuleSetLoads() throws {
        try write(good)
        let set = try RuleSetLoader().load(dir.path)
        XCTAssertEqual(set.rules.map(\.header.id), ["taboo"])
        XCTAssertEqual(set.rules[0].header.line, 2)
    }

    func testUnknownKeySuggestsTheRightOne() throws {
        try write(good.replacingOccurrences(of: "    phrases: [找领导去]", with: "    phrase: [找领导去]"))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.file.hasSuffix("rules/a.yaml"))
        XCTAssertEqual(e.line, 2)
        // The rule lacks 'phrases' before the unknown key is seen; either message must name the line.
        XCTAssertTrue(e.description.contains("phrases"), e.description)
        try write(good + "\n    exeptions: [您]\n")
        let e2 = try XCTUnwrap(loadError())
        XCTAssertEqual(e2.line, 8)
        XCTAssertTrue(e2.description.contains("unknown key 'exeptions'"), e2.description)
        XCTAssertTrue(e2.description.contains("did you mean 'exceptions'"), e2.description)
    }

    func testWrongTypes() throws {
        try write(good.replacingOccurrences(of: "deduction: 10", with: "deduction: ten"))
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("'deduction' must be a number"))
        try write(good.replacingOccurrences(of: "kind: forbidden", with: "kind: forbiden"))
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.description.contains("unknown kind 'forbiden'") && e.description.contains("forbidden"), e.description)
        try write(good.replacingOccurrences(of: "section: politeness", with: "section: manners"))
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("section 'manners'"))
        try write(good + "\n    severity: fatal\n")
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("unknown severity 'fatal'"))
        try write(good + "\n    veto: maybe\n")
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("true or false"))
    }

    func testEmptyPhrasesAndPhrasesThatFoldToNothing() throws {
        try write(good.replacingOccurrences(of: "[找领导去]", with: "[找领导去, \"\"]"))
        let e = try XCTUnwrap(loadError())
        XCTAssertEqual(e.line, 7)
        XCTAssertTrue(e.description.contains("empty phrase"), e.description)
        try write(good.replacingOccurrences(of: "[找领导去]", with: "[找领导去, \"。。！\"]"))
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("folds to nothing"))
    }

    func testDuplicateIDsNameTheFirst() throws {
        try write(good)
        try write(good, name: "rules/b.yaml")
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.file.hasSuffix("rules/b.yaml"))
        XCTAssertTrue(e.description.contains("duplicate rule id 'taboo'") && e.description.contains("a.yaml:2"), e.description)
    }

    func testMissingPhraseFile() throws {
        try write(good.replacingOccurrences(of: "phrases: [找领导去]", with: "phrases_file: ../phrases/missing.txt"))
        let e = try XCTUnwrap(loadError())
        XCTAssertEqual(e.line, 7)
        XCTAssertTrue(e.description.contains("not found") && e.description.contains("relative"), e.description)
    }

    func testPhraseFilesWithComments() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("phrases"), withIntermediateDirectories: true)
        try "# 忌语\n找领导去\n\n  你问我，我问谁  \n# end\n".write(to: dir.appendingPathComponent("phrases/t.txt"), atomically: true, encoding: .utf8)
        try write(good.replacingOccurrences(of: "phrases: [找领导去]", with: "phrases_file: ../phrases/t.txt"))
        let set = try RuleSetLoader().load(dir.path)
        XCTAssertEqual(set.foldedPhrases, ["找领导去", "你问我我问谁"])
        try "找领导去\n。。\n".write(to: dir.appendingPathComponent("phrases/t.txt"), atomically: true, encoding: .utf8)
        let e = try XCTUnwrap(loadError())
        XCTAssertTrue(e.file.hasSuffix("phrases/t.txt"))
        XCTAssertEqual(e.line, 2)
    }

    /// A phrase file saved on Windows (CRLF) or with lone CRs reads as the same phrases, with the same line numbers
    /// in errors; before, "\r\n" (one Swift Character) never split, and the file was one commented-out line.
    func testPhraseFilesWithWindowsLineEndings() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("phrases"), withIntermediateDirectories: true)
        try write(good.replacingOccurrences(of: "phrases: [找领导去]", with: "phrases_file: ../phrases/t.txt"))
        for ending in ["\r\n", "\r"] {
            try ["# 忌语", "找领导去", "", "  你问我，我问谁  ", "# end", ""].joined(separator: ending)
                .write(to: dir.appendingPathComponent("phrases/t.txt"), atomically: true, encoding: .utf8)
            let set = try RuleSetLoader().load(dir.path)
            XCTAssertEqual(set.foldedPhrases, ["找领导去", "你问我我问谁"], ending.debugDescription)
            try ["找领导去", "。。", ""].joined(separator: ending).write(to: dir.appendingPathComponent("phrases/t.txt"), atomically: true, encoding: .utf8)
            let e = try XCTUnwrap(loadError())
            XCTAssertEqual(e.line, 2, ending.debugDescription)
        }
    }

    func testYAMLSyntaxErrorNamesTheLine() throws {
        try write("rules:\n  - id: a\n    kind: [forbidden\n")
        let e = try XCTUnwrap(loadError())
        XCTAssertNotNil(e.line)
        XCTAssertTrue(e.description.contains("invalid YAML"), e.description)
    }

    func testRequiredRuleNeedsAWindow() throws {
        try write(good.replacingOccurrences(of: "kind: forbidden", with: "kind: required"))
        XCTAssertTrue(try XCTUnwrap(loadError()).description.contains("window"))
    }

    func testBrokenExamplesAreReportedByTheRunner() throws {
        try write(good + "\n    examples:\n      flag: [我帮您问一下领导]\n      pass: [找领导去吧]\n")
        let set = try RuleSetLoader().load(dir.path)
        let failures = Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true)).testExamples(of: set)
        XCTAssertEqual(failures.count, 2)
        XCTAssertTrue(failures[0].description.contains("should flag"))
        XCTAssertTrue(failures[1].description.contains("should pass"))
        XCTAssertTrue(failures[0].description.contains("a.yaml:9"), failures[0].description)
    }
}
