import XCTest
@testable import CallQC

/// `callqc eval`: labelled turns in, exact TP/FP/FN counts out.
final class EvaluationTests: XCTestCase {
    var dir: URL!

    /// A small rule set of its own, so the counts do not move when the shipped lexicons change.
    static let ruleSet = """
    name: eval-test
    version: "1"
    language: zh
    scoring:
      sections:
        - {id: politeness, title: 礼貌, points: 90}
        - {id: completeness, title: 完整, points: 10}
      grades:
        - {grade: A, min: 90}
        - {grade: E, min: 0}
    """

    static let rules = """
    rules:
      - id: taboo
        kind: forbidden
        message: 忌语
        section: politeness
        deduction: 10
        phrases: [找领导去]
      - id: taboo.dont-know
        kind: forbidden
        message: 不知道
        section: politeness
        deduction: 10
        phrases: [不知道]
      - id: pii.agent
        kind: pii
        message: 坐席念出个人信息
        section: completeness
        deduction: 2
        roles: [agent]
      - id: pii.customer
        kind: pii
        message: 客户报出个人信息
        severity: info
        section: completeness
        roles: [customer]
      - id: complaint.cue
        kind: cue
        message: 投诉
        severity: info
        section: completeness
        roles: [customer]
        phrases: [投诉]
    """

    /// Line 2 and 3 are what a naive count gets wrong: the finding is on a context turn.
    static let jsonl = """
    {"id":"t1","text":"我不知道。","expect":["taboo.dont-know"],"category":"listed","lang":"zh-Hans"}
    {"id":"t2","text":"我帮您查一下。","expect":[],"before":[{"role":"agent","text":"不知道。"}],"category":"context"}
    {"id":"t3","text":"您稍等。","expect":["taboo.dont-know"],"after":[{"role":"agent","text":"不知道"}],"category":"context"}
    {"id":"t4","text":"找领导去。","expect":[],"category":"lookalike"}
    {"id":"t5","role":"customer","text":"我的手机号是13812345678。","expect":["pii.customer"],"category":"pii-real"}
    {"id":"t6","role":"customer","text":"我要投诉你们！","expect":["complaint.cue"]}
    {"id":"t7","text":"不知道，找领导去。","expect":["taboo.dont-know","taboo"],"category":"listed"}
    {"text": 5, "expect": []}

    not json
    {"id":"t8","text":"好的。","expect":["taboo.typo"]}
    {"id":"t9","text":"您的号码是13912345678吗？","expect":[],"category":"pii-decoy"}
    {"id":"t10","text":"好的","expect":"taboo"}
    {"id":"t11","text":"好的","expect":[],"lang":"fr"}
    {"id":"t12","text":"好的","expect":[],"before":[{"text":"喂"}]}
    """

    static let transcript = """
    # call: T-1
    # category: transcript
    # expect: this comment is not a label
    客户: 你们怎么回事？
    坐席: 不知道。  # expect: taboo.dont-know
    客户: 那我的号码13812345678你记一下。  # expect: pii.customer
    坐席: 找领导去。  # expect: -
    坐席: 我帮您查询。  #expect：taboo
    """

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules/rules"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("labels"), withIntermediateDirectories: true)
        try Self.ruleSet.write(to: dir.appendingPathComponent("rules/ruleset.yaml"), atomically: true, encoding: .utf8)
        try Self.rules.write(to: dir.appendingPathComponent("rules/rules/a.yaml"), atomically: true, encoding: .utf8)
        try Self.jsonl.write(to: dir.appendingPathComponent("labels/a.jsonl"), atomically: true, encoding: .utf8)
        try Self.transcript.write(to: dir.appendingPathComponent("labels/b.txt"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("labels/README.md"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func evaluate(kinds: Set<String> = Set(Evaluator.defaultKinds)) throws -> (Evaluation, [InputProblem]) {
        let set = try RuleSetLoader().load(dir.appendingPathComponent("rules").path)
        let evaluator = Evaluator(checker: Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true)), kinds: kinds)
        let reader = LabelledDataReader()
        let (files, expandProblems) = reader.expand([dir.appendingPathComponent("labels").path])
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, ["a.jsonl", "b.txt"])
        var problems = expandProblems
        var turns: [EvaluatedTurn] = []
        for file in files {
            let outcome = reader.read(file: file)
            problems += outcome.problems
            for call in outcome.calls { turns += evaluator.evaluate(call) }
        }
        return (Evaluation(turns: turns, kinds: Array(kinds).sorted()), problems)
    }

    func testCountsPerRuleExactly() throws {
        let (e, _) = try evaluate()
        XCTAssertEqual(e.turns.count, 13)
        func row(_ id: String) -> EvaluationCounts? { e.rules.first { $0.name == id }?.counts }
        XCTAssertEqual(row("taboo.dont-know"), EvaluationCounts(truePositives: 3, falsePositives: 0, falseNegatives: 1))
        XCTAssertEqual(row("taboo"), EvaluationCounts(truePositives: 1, falsePositives: 2, falseNegatives: 1))
        XCTAssertEqual(row("pii.customer"), EvaluationCounts(truePositives: 2, falsePositives: 0, falseNegatives: 0))
        XCTAssertEqual(row("pii.agent"), EvaluationCounts(truePositives: 0, falsePositives: 1, falseNegatives: 0))
        XCTAssertEqual(row("taboo.typo"), EvaluationCounts(truePositives: 0, falsePositives: 0, falseNegatives: 1))
        XCTAssertNil(row("complaint.cue"), "a cue is not a scored kind")
        XCTAssertEqual(e.rules.map(\.name), ["pii.agent", "pii.customer", "taboo", "taboo.dont-know", "taboo.typo"])
        XCTAssertEqual(e.all, EvaluationCounts(truePositives: 6, falsePositives: 3, falseNegatives: 3))
        XCTAssertEqual(e.all.precision!, 6.0 / 9.0, accuracy: 1e-9)
        XCTAssertEqual(e.all.recall!, 6.0 / 9.0, accuracy: 1e-9)
        XCTAssertEqual(e.unknownRules, ["taboo.typo"])
        XCTAssertEqual(e.unscoredRules, ["complaint.cue"])
    }

    func testFindingsOnContextTurnsDoNotCount() throws {
        let (e, _) = try evaluate()
        let t2 = try XCTUnwrap(e.turns.first { $0.label.id == "t2" })
        XCTAssertEqual(t2.label.turn, 2)
        XCTAssertEqual(t2.found, [])
        XCTAssertTrue(t2.isExact)
        let t3 = try XCTUnwrap(e.turns.first { $0.label.id == "t3" })
        XCTAssertEqual(t3.label.turn, 1)
        XCTAssertEqual(t3.missed, ["taboo.dont-know"])
    }

    func testGroupsCountTurns() throws {
        let (e, _) = try evaluate()
        let taboo = try XCTUnwrap(e.groups.first { $0.name == "taboo+curt" })
        // Positive: t1 t3 t7 t8 T#2 T#5; predicted: t1 t4 t7 T#2 T#4.
        XCTAssertEqual(taboo.counts, EvaluationCounts(truePositives: 3, falsePositives: 2, falseNegatives: 3))
        let pii = try XCTUnwrap(e.groups.first { $0.name == "pii" })
        XCTAssertEqual(pii.counts, EvaluationCounts(truePositives: 2, falsePositives: 1, falseNegatives: 0))
        XCTAssertEqual(e.counts(for: "pii"), pii.counts)
        XCTAssertEqual(e.counts(for: "taboo")?.falsePositives, 2)
        XCTAssertNil(e.counts(for: "nothing"))
    }

    func testCategoriesMissesAndFalseAlarms() throws {
        let (e, _) = try evaluate()
        let context = try XCTUnwrap(e.categories.first { $0.name == "context" })
        XCTAssertEqual(context.turns, 2)
        XCTAssertEqual(context.exact, 1)
        XCTAssertEqual(context.counts, EvaluationCounts(truePositives: 0, falsePositives: 0, falseNegatives: 1))
        let transcript = try XCTUnwrap(e.categories.first { $0.name == "transcript" })
        XCTAssertEqual(transcript.turns, 4)
        XCTAssertEqual(transcript.exact, 2)
        XCTAssertEqual(e.misses.map(\.label.id), ["t3", "t8", "T-1#5"])
        XCTAssertEqual(e.falseAlarms.map(\.label.id), ["t4", "t9", "T-1#4"])
    }

    func testBreakdownByRoleAndLanguage() throws {
        let (e, _) = try evaluate()
        let byRole = Evaluation(turns: e.turns, kinds: e.kinds, breakdown: .role)
        XCTAssertEqual(byRole.categories.map(\.name), ["agent", "customer"])
        XCTAssertEqual(byRole.categories.map(\.turns), [10, 3])
        XCTAssertEqual(byRole.categories[1].counts, EvaluationCounts(truePositives: 2, falsePositives: 0, falseNegatives: 0))
        let byLang = Evaluation(turns: e.turns, kinds: e.kinds, breakdown: .lang)
        XCTAssertEqual(byLang.categories.map(\.name), ["(none)", "zh-Hans"])
        XCTAssertEqual(byLang.categories.map(\.turns), [12, 1])
        XCTAssertEqual(byLang.all, e.all, "a breakdown changes no total")
    }

    func testLabelledTranscriptTurnsAndLines() throws {
        let (e, _) = try evaluate()
        let labelled = e.turns.filter { $0.label.file.hasSuffix("b.txt") }
        XCTAssertEqual(labelled.map(\.label.turn), [2, 3, 4, 5])
        XCTAssertEqual(labelled.map(\.label.line), [5, 6, 7, 8])
        XCTAssertEqual(labelled.map(\.text), ["不知道。", "那我的号码13812345678你记一下。", "找领导去。", "我帮您查询。"])
        XCTAssertEqual(labelled.map(\.role), [.agent, .customer, .agent, .agent])
    }

    func testBadLinesNameFileAndLineAndTheRestIsRead() throws {
        let (_, problems) = try evaluate()
        let errors = problems.filter { $0.severity == .error }
        XCTAssertEqual(errors.map(\.line), [8, 10, 13, 14, 15])
        XCTAssertTrue(errors.allSatisfy { $0.source.hasSuffix("a.jsonl") })
        XCTAssertTrue(errors[0].message.contains("'text' must be a string"), errors[0].message)
        XCTAssertTrue(errors[1].message.contains("not JSON"), errors[1].message)
        XCTAssertTrue(errors[2].message.contains("'expect' must be a list"), errors[2].message)
        XCTAssertTrue(errors[3].message.contains("'lang'"), errors[3].message)
        XCTAssertTrue(errors[4].message.contains("needs a role"), errors[4].message)
    }

    func testKindsAreMatchedByName() throws {
        let (e, _) = try evaluate(kinds: ["pii"])
        XCTAssertEqual(e.rules.map(\.name), ["pii.agent", "pii.customer", "taboo.typo"])
        XCTAssertEqual(e.unscoredRules, ["complaint.cue", "taboo", "taboo.dont-know"])
        // A kind the rule sets do not have (yet) scores nothing and breaks nothing.
        let (f, _) = try evaluate(kinds: ["curt-refusal"])
        XCTAssertEqual(f.all.truePositives + f.all.falsePositives, 0)
    }

    func testALabelOnALineThatIsNotATurnIsReported() {
        let text = "坐席: 您好。\n# 备注  # expect: taboo\n坐席: 不知道。  # expect: taboo.dont-know\n"
        let outcome = LabelledDataReader().read(bytes: Array(text.utf8), source: "c.txt")
        XCTAssertEqual(outcome.problems.map(\.description), ["c.txt:2: '# expect:' on a line that is not a turn (a comment or a header)"])
        XCTAssertEqual(outcome.calls.first?.labels.map(\.turn), [2])
        XCTAssertEqual(outcome.calls.first?.call.turns.map(\.text), ["您好。", "不知道。"])
    }

    func testExpectSuffixParsing() {
        XCTAssertEqual(LabelledDataReader.splitExpect("坐席: 不知道。  # expect: a, b")?.0, "坐席: 不知道。")
        XCTAssertEqual(LabelledDataReader.splitExpect("坐席: 不知道。  # expect: a, b")?.1, " a, b")
        XCTAssertNil(LabelledDataReader.splitExpect("坐席: 工单号 #12"))
        XCTAssertNil(LabelledDataReader.splitExpect("# expect: a"))
        XCTAssertEqual(try LabelledDataReader.parseExpect(" -").get(), [])
        XCTAssertEqual(try LabelledDataReader.parseExpect(" a，b、a").get(), ["a", "b"])
        XCTAssertThrowsError(try LabelledDataReader.parseExpect("  ").get())
        XCTAssertEqual(EvaluationGroup.defaults[0].contains("taboo"), true)
        XCTAssertEqual(EvaluationGroup.defaults[0].contains("taboo.refusal"), true)
        XCTAssertEqual(EvaluationGroup.defaults[0].contains("refusal.curt"), true)
        XCTAssertEqual(EvaluationGroup.defaults[0].contains("taboos"), false)
        XCTAssertEqual(EvaluationGroup.defaults[0].contains("pii.agent"), false)
    }
}
