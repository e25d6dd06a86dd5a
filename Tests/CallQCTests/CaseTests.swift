import XCTest
@testable import CallQC
import CallQCStore

/// The case library: cases built from stored calls, on both backends (``StoreBackends``).
final class CaseTests: XCTestCase {
    var dir: URL!
    static let results: [CallResult] = {
        let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)
        let loader = TranscriptLoader()
        let (inputs, _) = loader.expand([Shipped.root.appendingPathComponent("samples").path])
        return inputs.flatMap { loader.load($0).calls }.map { checker.check($0) }
    }()

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Runs `body` on each backend's store holding the samples.
    func eachStore(file: StaticString = #filePath, line: UInt = #line, _ body: (SQLStore, TestBackend) throws -> Void) throws {
        try StoreBackends.each(in: dir, file: file, line: line) { store, backend in
            try store.save(CaseTests.results)
            try body(store, backend)
        }
    }

    func build(_ store: SQLStore, _ id: String, turns: ClosedRange<Int>? = nil) throws -> TrainingCase {
        CaseBuilder().build(from: try XCTUnwrap(try store.detail(callID: id), "\(store.backend) \(id)"), turns: turns, createdAt: "now")
    }

    func testCategoriesAndComplaintTypesAreSuggested() throws {
        try eachStore { store, backend in
            let complaint = try build(store, "C20261121-0022")
            XCTAssertEqual(complaint.category, .complaint, "[\(backend)]")
            XCTAssertTrue(complaint.categorySuggested, "[\(backend)]")
            XCTAssertEqual(complaint.complaintType, .compensation, "[\(backend)] the customer demands 赔偿")
            XCTAssertEqual(try build(store, "C20261120-0057").complaintType, .solveProblem, "[\(backend)]")
            XCTAssertEqual(try build(store, "C20261121-0061").category, .enquiry, "[\(backend)] a sales call on a script")
            XCTAssertEqual(try build(store, "C20261120-0042").category, .serviceSharing, "[\(backend)] a call scoring 100")
            XCTAssertNil(try build(store, "C20261120-0042").complaintType, "[\(backend)]")
        }
        let builder = CaseBuilder()
        let vent = Call(id: "v", turns: [Turn(role: .customer, speaker: "客户", text: "你们这什么破网络，太差了，每次都这样，受够了！")])
        XCTAssertEqual(builder.complaintType(vent), .vent)
    }

    func testExcerptAroundTheFindingsAndAspectsPreFilled() throws {
        try eachStore { store, backend in
            let c = try build(store, "C20261120-0057")
            XCTAssertEqual(c.turns, 6...20, "[\(backend)] from the turn before the first finding, at most 15 turns")
            XCTAssertEqual(c.excerpt.count, 15, "[\(backend)]")
            XCTAssertEqual(c.excerpt[1].text, "不知道。系统上就这么显示的。", "[\(backend)]")
            XCTAssertTrue(c.findings.contains { $0.rule == "taboo.dont-know" && $0.turn == 7 }, "[\(backend)]")
            XCTAssertTrue(c.findings.contains { $0.turn == nil && $0.rule == "closing" }, "[\(backend)] whole-call findings travel with the case")
            XCTAssertEqual(Set(c.aspects.keys), Set(TrainingCase.aspectNames), "[\(backend)]")
            XCTAssertTrue(c.aspects["回答方式"]?.contains("「不知道」（第7句") ?? false, "[\(backend)] \(c.aspects["回答方式"] ?? "")")
            XCTAssertTrue(c.aspects["客户态度"]?.contains("投诉") ?? false, "[\(backend)]")
            XCTAssertTrue(c.aspects["客户感受"]?.contains("算了，跟你说不清楚") ?? false, "[\(backend)]")
            XCTAssertTrue(c.aspects["服务影响"]?.contains("55") ?? false, "[\(backend)]")
            XCTAssertTrue(c.aspects["客户感受"]?.hasSuffix(TrainingCase.toComplete) ?? false, "[\(backend)] left for the trainer")
            let chosen = try build(store, "C20261120-0057", turns: 3...5)
            XCTAssertEqual(chosen.excerpt.map(\.text).first, "你报一下号码。", "[\(backend)]")
            XCTAssertTrue(chosen.findings.allSatisfy { $0.turn == nil || (3...5).contains($0.turn!) }, "[\(backend)]")
            let survey = try build(store, "C20261121-0066")
            XCTAssertTrue(survey.aspects["处理过程"]?.contains("漏问：征询客户是否方便、第三题") ?? false, "[\(backend)] \(survey.aspects["处理过程"] ?? "")")
        }
    }

    func testStoreRoundTripAndRedactedExports() throws {
        try eachStore { store, backend in
            var c = try build(store, "C20261121-0080", turns: 1...9)
            c.id = try store.addCase(c)
            XCTAssertEqual(c.id, 1, "[\(backend)]")
            let back = try XCTUnwrap(try store.cases().first, "[\(backend)]")
            XCTAssertEqual(back.label, "CASE-0001", "[\(backend)]")
            XCTAssertEqual(back.excerpt, c.excerpt, "[\(backend)]")
            XCTAssertEqual(back.findings.map(\.rule), c.findings.map(\.rule), "[\(backend)]")
            XCTAssertEqual(back.aspects, c.aspects, "[\(backend)]")
            XCTAssertEqual(back.turns, 1...9, "[\(backend)]")
            XCTAssertEqual(back.category, c.category, "[\(backend)]")
            XCTAssertEqual(back.categorySuggested, c.categorySuggested, "[\(backend)]")
            XCTAssertEqual(back.score, c.score, "[\(backend)]")
            XCTAssertEqual(back.grade, c.grade, "[\(backend)]")
            XCTAssertEqual(back.complaintType, c.complaintType, "[\(backend)]")
            XCTAssertFalse(back.sharedWithAgent, "[\(backend)] a new case is not shared")
            XCTAssertTrue(back.excerpt[1].text.contains("13812345678"), "[\(backend)] the library keeps the original; exports mask it")
            for doc in [CaseDocument.markdown(back), CaseDocument.html(back), CaseDocument.json(back).compact()] {
                for secret in PrivacyTests.secrets { XCTAssertFalse(doc.contains(secret), "[\(backend)] export leaks \(secret)") }
                XCTAssertTrue(doc.contains("138****5678"), "[\(backend)]")
            }
            XCTAssertTrue(CaseDocument.markdown(back, redact: false).contains("13812345678"), "[\(backend)]")
            let html = CaseDocument.html(back)
            XCTAssertTrue(html.contains("<mark>"), "[\(backend)]")
            XCTAssertFalse(html.contains("<script"), "[\(backend)]")
            XCTAssertTrue(CaseDocument.markdown(back).contains("### 客户接触"), "[\(backend)]")
        }
    }

    func testSuggestionsFromTheStore() throws {
        try eachStore { store, backend in
            let s = CaseSuggester().suggest(try store.summaries(from: nil, to: nil), existing: ["C20261120-0042"])
            XCTAssertFalse(s.contains { $0.callID == "C20261120-0042" }, "[\(backend)] calls already in the library are not proposed")
            XCTAssertTrue(s.contains { $0.category == .serviceSharing }, "[\(backend)]")
            XCTAssertEqual(s.filter { $0.category == .complaint && $0.reason.hasPrefix("complaint") }.map(\.callID).first, "C20261121-0022", "[\(backend)]")
            // The most frequent deducting finding is shown by a call that has it, and every "shows" is true.
            let summaries = try store.summaries(from: nil, to: nil)
            var counts: [String: Int] = [:]
            for c in summaries where c.callID != "C20261120-0042" { for f in c.findings where f.points > 0 { counts[f.rule, default: 0] += 1 } }
            let top = try XCTUnwrap(counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key, "[\(backend)]")
            XCTAssertTrue(s.contains { $0.reason.hasPrefix("shows \(top) ") }, "[\(backend)] \(top): \(s.map(\.reason))")
            for suggestion in s where suggestion.reason.hasPrefix("shows ") {
                let rule = String(suggestion.reason.dropFirst(6).prefix { $0 != " " })
                XCTAssertTrue(summaries.contains { $0.key == suggestion.callID && $0.findings.contains { $0.rule == rule } }, "[\(backend)] \(suggestion.reason)")
            }
            XCTAssertEqual(Set(s.map(\.callID)).count, s.count, "[\(backend)] each call once")
        }
    }
}
