import XCTest
@testable import CallQC
import CallQCText

/// Kinds that describe themselves: one registry, declarations that match what the parsers
/// read, docs generated from them, and the examples in the docs valid rules.
final class RuleKindTests: XCTestCase {
    static let sections = ["greeting-closing", "pace", "politeness", "listening", "completeness"]

    /// A rule set in a temporary folder with the zh-CN phrase files beside it, so that the
    /// docs' examples (`phrases_file: ../phrases/…`) load as written.
    func ruleSet(_ rules: String) throws -> RuleSet { try RuleKindTests.ruleSet(rules, in: self) }

    static func ruleSet(_ rules: String, in test: XCTestCase) throws -> RuleSet {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-kinds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: Shipped.lexicons + "/zh-CN/phrases", toPath: dir.appendingPathComponent("phrases").path)
        try """
        name: kinds
        version: "1"
        language: zh
        scoring:
          sections:
        \(RuleKindTests.sections.map { "    - {id: \($0), title: \($0), points: 20}" }.joined(separator: "\n"))
          grades:
            - {grade: A, min: 90}
            - {grade: E, min: 0}
        """.write(to: dir.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
        try rules.write(to: dir.appendingPathComponent("rules/a.yaml"), atomically: true, encoding: .utf8)
        return try RuleSetLoader().load(dir.path)
    }

    func testEveryKindIsRegisteredOnceAndNamedInItsOwnFile() {
        let names = CheckRegistry.kinds.map { $0.kind.rawValue }
        XCTAssertEqual(names.count, Set(names).count, "a kind is registered twice")
        for name in names {
            XCTAssertEqual(CheckKind(rawValue: name)?.rawValue, name)
        }
        XCTAssertNil(CheckKind(rawValue: "forbiden"), "an unknown name is no kind")
        for name in ["sequence", "anchored", "repetition", "call", "pattern", "composite"] {
            XCTAssertTrue(names.contains(name), name)
        }
    }

    /// Every kind's docs example is a valid rule whose own examples pass; and what the parser
    /// reads is exactly what the kind declares (the loader already fails on an undeclared key).
    func testDocsExamplesLoadAndTheParametersReadAreTheParametersDeclared() throws {
        for type in CheckRegistry.kinds {
            if type.yamlExample.isEmpty {
                XCTAssertTrue(type.parameters.isEmpty, "\(type.kind): a kind with parameters shows an example")
                continue
            }
            let set = try ruleSet("rules:\n" + type.yamlExample)
            XCTAssertEqual(set.rules.map(\.header.kind), [type.kind])
            XCTAssertFalse(set.rules[0].examples.isEmpty, "\(type.kind): the docs example has examples")
            XCTAssertEqual(Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true)).testExamples(of: set).map(\.description), [], "\(type.kind)")

            // The keys the parser reads, present or not.
            let node = try XCTUnwrap(YAMLNode.parse(type.yamlExample, file: "example.yaml"))
            guard case .sequence(let items) = node.value else { return XCTFail("\(type.kind): the example is a list of one rule") }
            var fields = try FieldReader(items[0], what: "a rule")
            for key in RuleSetLoader.headerKeys { _ = fields.node(key) }
            var context = RuleParseContext(folder: TextFolder(), file: Shipped.lexicons + "/zh-CN/rules/example.yaml", language: "zh")
            _ = try type.parse(&fields, &context)
            let read = fields.used.subtracting(RuleSetLoader.headerKeys)
            XCTAssertEqual(read, Set(type.parameters.flatMap(\.keys)), "\(type.kind): declared parameters differ from those read")
            for p in type.parameters { XCTAssertFalse(p.doc.isEmpty, "\(type.kind).\(p.name) has no doc line") }
        }
    }

    /// docs/rules.md holds the generated kinds section; it fails when the docs and the registry differ.
    /// Regenerate: CALLQC_REGENERATE_DOCS=1 swift test --disable-swift-testing --filter RuleKindTests
    func testDocsKindsSectionIsGeneratedFromTheRegistry() throws {
        let path = Shipped.root.appendingPathComponent("docs/rules.md").path
        let doc = try String(contentsOfFile: path, encoding: .utf8)
        let generated = KindDocs.markdown()
        guard let a = doc.range(of: KindDocs.begin), let b = doc.range(of: KindDocs.end, range: a.upperBound..<doc.endIndex) else {
            return XCTFail("docs/rules.md lacks the generated kinds section (\(KindDocs.begin))")
        }
        var lineEnd = b.upperBound
        if lineEnd < doc.endIndex, doc[lineEnd] == "\n" { lineEnd = doc.index(after: lineEnd) }
        let current = String(doc[a.lowerBound..<lineEnd])
        if current != generated, ProcessInfo.processInfo.environment["CALLQC_REGENERATE_DOCS"] == "1" {
            try (String(doc[..<a.lowerBound]) + generated + String(doc[lineEnd...])).write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(current, generated, "docs/rules.md differs from `callqc rules kinds --format markdown`: regenerate it (CALLQC_REGENERATE_DOCS=1 swift test --filter RuleKindTests)")
        for kind in CheckKind.allCases { XCTAssertTrue(current.contains("`\(kind.rawValue)`"), kind.rawValue) }
    }

    func testUnknownKindSuggestsTheNearestAndListsAll() {
        XCTAssertThrowsError(try ruleSet("""
        rules:
          - id: a
            kind: sequense
            message: m
            section: politeness
        """)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("a.yaml:3"), text)
            XCTAssertTrue(text.contains("did you mean 'sequence'"), text)
            XCTAssertTrue(text.contains("repetition"), text)
        }
    }

    func testMisspeltParameterOfANewKindSuggestsTheDeclaredOne() {
        XCTAssertThrowsError(try ruleSet("""
        rules:
          - id: a
            kind: repetition
            message: m
            section: listening
            similarty: 0.9
        """)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("a.yaml:6") && text.contains("did you mean 'similarity'"), text)
        }
    }

    func testRuleFileMistakesOfTheNewKindsNameTheLineAndTheFix() {
        let cases: [(String, String)] = [
            ("kind: pattern\n    pattern: '([0-9]+元'", "not a regular expression"),
            ("kind: composite\n    conditions: {a: {phrases: [您好]}}\n    when: {all: [a, b]}", "'when' names 'b'"),
            ("kind: composite\n    conditions: {a: {phrases: [您好]}}\n    when: {at_least: 2, of: [a]}", "can never hold"),
            ("kind: composite\n    conditions: {a: {rule: nosuch}}\n    when: a", "names rule 'nosuch'"),
            ("kind: composite\n    conditions: {a: {kind: cal, duration: {below: 3}}}\n    when: a", "did you mean 'call'"),
            ("kind: call\n    last_speaker: boss", "use agent, customer or other"),
            ("kind: call\n    duration: {}", "compares with nothing"),
            ("kind: anchored\n    anchor: {phrases: [投诉]}\n    response: {phrases: [抱歉]}\n    look: later", "use after, before or around"),
            ("kind: sequence\n    first: {phrases: [核实]}", "lacks 'then'"),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(try ruleSet("rules:\n  - id: a\n    message: m\n    section: listening\n    " + body + "\n")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(expected), "\(body): \(text)")
                XCTAssertTrue(text.contains("a.yaml:"), "\(body): \(text)")
            }
        }
    }

    func testExamplesOfAKindThatNeedsAConversationMustBeOne() {
        XCTAssertThrowsError(try ruleSet("""
        rules:
          - id: a
            kind: anchored
            message: m
            section: politeness
            anchor: {phrases: [投诉]}
            response: {phrases: [抱歉]}
            examples:
              flag: [我要投诉]
        """)) { error in XCTAssertTrue("\(error)".contains("needs a conversation"), "\(error)") }
    }

    func testRedactionReadsWhatTheKindDeclaresItQuotes() {
        XCTAssertEqual(CheckRegistry.quotes(.pii), .personalData)
        XCTAssertEqual(CheckRegistry.quotes(.silence), .evidence)
        XCTAssertEqual(CheckRegistry.quotes(.sequence), .evidenceAndDetail)
        // A call-facts finding quotes the last turn in its detail: redaction masks the number in it.
        let r = Shipped.check("""
        [00:00-00:04] 坐席: 您好，星联移动，请讲。
        [00:05-00:12] 客户: 我的号码13912345678怎么停机了？
        """).redacted()
        let hangUp = r.findings.first { $0.rule == "call.hang-up" }
        XCTAssertNotNil(hangUp)
        XCTAssertFalse(hangUp?.detail?.contains("13912345678") ?? true, hangUp?.detail ?? "")
    }
}
