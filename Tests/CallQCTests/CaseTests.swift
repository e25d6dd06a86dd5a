import XCTest
@testable import CallQC
import CallQCStore

final class CaseTests: XCTestCase {
    var dir: URL!
    var store: SQLStore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLStore(path: dir.appendingPathComponent("qc.sqlite").path)
        let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)
        let loader = TranscriptLoader()
        let (inputs, _) = loader.expand([Shipped.root.appendingPathComponent("samples").path])
        try store.save(inputs.flatMap { loader.load($0).calls }.map { checker.check($0) })
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func build(_ id: String, turns: ClosedRange<Int>? = nil) throws -> TrainingCase {
        CaseBuilder().build(from: try XCTUnwrap(try store.detail(callID: id)), turns: turns, createdAt: "now")
    }

    func testCategoriesAndComplaintTypesAreSuggested() throws {
        let complaint = try build("C20261121-0022")
        XCTAssertEqual(complaint.category, .complaint)
        XCTAssertTrue(complaint.categorySuggested)
        XCTAssertEqual(complaint.complaintType, .compensation, "the customer demands 赔偿")
        XCTAssertEqual(try build("C20261120-0057").complaintType, .solveProblem)
        XCTAssertEqual(try build("C20261121-0061").category, .enquiry, "a sales call on a script")
        XCTAssertEqual(try build("C20261120-0042").category, .serviceSharing, "a call scoring 100")
        XCTAssertNil(try build("C20261120-0042").complaintType)
        let builder = CaseBuilder()
        let vent = Call(id: "v", turns: [Turn(role: .customer, speaker: "客户", text: "你们这什么破网络，太差了，每次都这样，受够了！")])
        XCTAssertEqual(builder.complaintType(vent), .vent)
    }

    func testExcerptAroundTheFindingsAndAspectsPreFilled() throws {
        let c = try build("C20261120-0057")
        XCTAssertEqual(c.turns, 6...20, "from the turn before the first finding, at most 15 turns")
        XCTAssertEqual(c.excerpt.count, 15)
        XCTAssertEqual(c.excerpt[1].text, "不知道。系统上就这么显示的。")
        XCTAssertTrue(c.findings.contains { $0.rule == "taboo.dont-know" && $0.turn == 7 })
        XCTAssertTrue(c.findings.contains { $0.turn == nil && $0.rule == "closing" }, "whole-call findings travel with the case")
        XCTAssertEqual(Set(c.aspects.keys), Set(TrainingCase.aspectNames))
        XCTAssertTrue(c.aspects["回答方式"]?.contains("「不知道」（第7句") ?? false, c.aspects["回答方式"] ?? "")
        XCTAssertTrue(c.aspects["客户态度"]?.contains("投诉") ?? false)
        XCTAssertTrue(c.aspects["客户感受"]?.contains("算了，跟你说不清楚") ?? false)
        XCTAssertTrue(c.aspects["服务影响"]?.contains("55") ?? false)
        XCTAssertTrue(c.aspects["客户感受"]?.hasSuffix(TrainingCase.toComplete) ?? false, "left for the trainer")
        let chosen = try build("C20261120-0057", turns: 3...5)
        XCTAssertEqual(chosen.excerpt.map(\.text).first, "你报一下号码。")
        XCTAssertTrue(chosen.findings.allSatisfy { $0.turn == nil || (3...5).contains($0.turn!) })
        let survey = try build("C20261121-0066")
        XCTAssertTrue(survey.aspects["处理过程"]?.contains("漏问：征询客户是否方便、第三题") ?? false, survey.aspects["处理过程"] ?? "")
    }

    func testStoreRoundTripAndRedactedExports() throws {
        var c = try build("C20261121-0080", turns: 1...9)
        c.id = try store.addCase(c)
        XCTAssertEqual(c.id, 1)
        let back = try XCTUnwrap(try store.cases().first)
        XCTAssertEqual(back.label, "CASE-0001")
        XCTAssertEqual(back.excerpt, c.excerpt)
        XCTAssertEqual(back.findings.map(\.rule), c.findings.map(\.rule))
        XCTAssertEqual(back.aspects, c.aspects)
        XCTAssertTrue(back.excerpt[1].text.contains("13812345678"), "the library keeps the original; exports mask it")
        for doc in [CaseDocument.markdown(back), CaseDocument.html(back), CaseDocument.json(back).compact()] {
            for secret in PrivacyTests.secrets { XCTAssertFalse(doc.contains(secret), "export leaks \(secret)") }
            XCTAssertTrue(doc.contains("138****5678"))
        }
        XCTAssertTrue(CaseDocument.markdown(back, redact: false).contains("13812345678"))
        let html = CaseDocument.html(back)
        XCTAssertTrue(html.contains("<mark>"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertTrue(CaseDocument.markdown(back).contains("### 客户接触"))
    }

    func testSuggestionsFromTheStore() throws {
        let s = CaseSuggester().suggest(try store.summaries(from: nil, to: nil), existing: ["C20261120-0042"])
        XCTAssertFalse(s.contains { $0.callID == "C20261120-0042" }, "calls already in the library are not proposed")
        XCTAssertTrue(s.contains { $0.category == .serviceSharing })
        XCTAssertEqual(s.filter { $0.category == .complaint && $0.reason.hasPrefix("complaint") }.map(\.callID).first, "C20261121-0022")
        // The most frequent deducting finding is shown by a call that has it, and every "shows" is true.
        let summaries = try store.summaries(from: nil, to: nil)
        var counts: [String: Int] = [:]
        for c in summaries where c.callID != "C20261120-0042" { for f in c.findings where f.points > 0 { counts[f.rule, default: 0] += 1 } }
        let top = try XCTUnwrap(counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        XCTAssertTrue(s.contains { $0.reason.hasPrefix("shows \(top) ") }, "\(top): \(s.map(\.reason))")
        for suggestion in s where suggestion.reason.hasPrefix("shows ") {
            let rule = String(suggestion.reason.dropFirst(6).prefix { $0 != " " })
            XCTAssertTrue(summaries.contains { $0.key == suggestion.callID && $0.findings.contains { $0.rule == rule } }, suggestion.reason)
        }
        XCTAssertEqual(Set(s.map(\.callID)).count, s.count, "each call once")
    }
}
