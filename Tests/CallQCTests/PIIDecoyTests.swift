import XCTest
@testable import CallQC
import CallQCStore

/// The decoy-rich set (Fixtures/pii/items.jsonl, written for these tests): personal values in
/// every form the detector must find, beside public numbers, company numbers, dates, order
/// numbers, amounts and examples it must leave alone. Each line is an item: its turns
/// (`role: text`) and its secrets (the values as written; `a|b` for one value split across
/// turns; none for a decoy).
final class PIIDecoyTests: XCTestCase {
    struct Item {
        var id: String
        var category: String
        var turns: [(role: Role, text: String)]
        var secrets: [[String]]
    }

    static let items: [Item] = {
        let raw = try! String(contentsOfFile: Fixtures.path("pii/items.jsonl"), encoding: .utf8)
        return raw.split(separator: "\n").map { line in
            let v = try! JSONParser.parse(Array(line.utf8))
            let turns = (v["turns"]?.arrayValue ?? []).map { t -> (role: Role, text: String) in
                let s = t.stringValue!
                let colon = s.range(of: ": ")!
                return (Role(rawValue: String(s[..<colon.lowerBound]))!, String(s[colon.upperBound...]))
            }
            let secrets: [[String]] = (v["secrets"]?.arrayValue ?? []).map { $0.stringValue!.split(separator: "|").map(String.init) }
            return Item(id: v["id"]!.stringValue!, category: v["category"]!.stringValue!, turns: turns, secrets: secrets)
        }
    }()

    static func call(_ item: Item) -> Call {
        Call(id: item.id, turns: item.turns.map { Turn(role: $0.role, speaker: $0.role == .agent ? "坐席" : "客户", text: $0.text) })
    }

    /// Where each part of a secret lies: (turn, scalar range), parts in successive turns.
    static func locate(_ parts: [String], in turns: [String]) -> [(Int, Range<Int>)]? {
        var out: [(Int, Range<Int>)] = []
        var from = 0
        for part in parts {
            var found = false
            for t in from..<turns.count {
                let scalars = Array(turns[t].unicodeScalars), p = Array(part.unicodeScalars)
                guard p.count <= scalars.count else { continue }
                for s in 0...(scalars.count - p.count) where Array(scalars[s..<(s + p.count)]) == p {
                    out.append((t, s..<(s + p.count))); from = t + 1; found = true; break
                }
                if found { break }
            }
            if !found { return nil }
        }
        return out
    }

    func testPrecisionAndRecallOnTheDecoySet() {
        let items = PIIDecoyTests.items
        let realItems = items.reduce(0) { $0 + $1.secrets.count }
        let decoys = items.filter { $0.secrets.isEmpty }.count
        XCTAssertGreaterThanOrEqual(realItems, 100)
        XCTAssertGreaterThanOrEqual(decoys, 100)
        let detector = PIIDetector()
        var found = 0, predicted = 0, right = 0
        var misses: [String] = [], falseAlarms: [String] = []
        for item in items {
            let call = PIIDecoyTests.call(item)
            let matches = detector.find(inTurns: Redactor.speakers(call))
            let masked = detector.redact(turns: Redactor.speakers(call))
            let texts = item.turns.map(\.text)
            var secretRanges: [(Int, Range<Int>)] = []
            for parts in item.secrets {
                guard let where_ = PIIDecoyTests.locate(parts, in: texts) else { XCTFail("\(item.id): \(parts) not in the turns"); continue }
                secretRanges += where_
                let covered = where_.allSatisfy { t, r in matches[t].contains { $0.span.overlaps(r) } }
                let longest = parts.max { $0.count < $1.count }!
                let leaked = masked.contains { $0.contains(longest) }
                if covered && !leaked { found += 1 } else { misses.append("\(item.id) [\(item.category)] \(parts.joined(separator: " | ")) → \(masked.joined(separator: " / "))") }
            }
            for (t, ms) in matches.enumerated() {
                for m in ms {
                    if let other = m.otherTurn, other > t { continue }      // a split value counts once, where it ends
                    predicted += 1
                    if secretRanges.contains(where: { $0.0 == t && $0.1.overlaps(m.span) }) { right += 1 }
                    else { falseAlarms.append("\(item.id) [\(item.category)] \(m.kind.rawValue) \(m.text) in: \(texts[t])") }
                }
            }
        }
        let precision = predicted == 0 ? 1 : Double(right) / Double(predicted)
        let recall = Double(found) / Double(realItems)
        print("personal data on the decoy set: \(realItems) real items, \(decoys) decoys; precision \(String(format: "%.3f", precision)) (\(right)/\(predicted)), recall \(String(format: "%.3f", recall)) (\(found)/\(realItems))")
        for m in misses { print("  missed: \(m)") }
        for f in falseAlarms { print("  false alarm: \(f)") }
        XCTAssertGreaterThanOrEqual(precision, 0.95)
        XCTAssertGreaterThanOrEqual(recall, 0.98)
    }

    /// No planted value survives any output: check in every format, the HTML report, case
    /// exports, convert (JSON and plain) and redact (plain and JSON copies).
    func testNoPlantedValueSurvivesAnyOutput() throws {
        let real = PIIDecoyTests.items.filter { !$0.secrets.isEmpty }
        // The secrets as they must never be seen: whole values, and the longest part of a split one.
        func planted(_ item: Item) -> [String] { item.secrets.map { parts in parts.max { $0.count < $1.count }! } }
        // Each output is checked for its own item's values; pages with every call for the long ones
        // (a short part such as 1234 may be another value's visible last digits).
        var current: [String] = []
        func assertClean(_ output: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            for s in current where output.contains(s) { XCTFail("\(what) leaks \(s)", file: file, line: line) }
        }
        let sections = Shipped.catalog.ruleSets[0].scoring.sections
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-pii-decoys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var results: [CallResult] = []
        for item in real {
            current = planted(item)
            var call = PIIDecoyTests.call(item)
            call.date = "2026-11-21"
            call.agent = "A1"
            let result = Shipped.checker.check(call)
            results.append(result)
            let red = result.redacted()
            for format in OutputFormat.allCases {
                let r = format.renderer(sections: sections)
                assertClean(r.begin() + r.render(red, index: 0) + r.end(RunSummary()), "\(item.id) --format \(format.rawValue)")
            }
            // convert (a result carries no turns: the call is masked whole).
            let converted = call.redacted()
            assertClean(CallJSON.encode(converted).pretty(), "\(item.id) convert --to json")
            assertClean(PlainTranscriptWriter.write(converted), "\(item.id) convert --to plain")
            // redact: the plain copy and the JSON copy.
            let plain = PlainTranscriptWriter.write(call)
            guard case .success(let input) = TextInput.validate(source: "p.txt", bytes: Array(plain.utf8)),
                  case .success(let copy) = TranscriptRedaction.redact(input, format: .plain) else { XCTFail(item.id); continue }
            assertClean(String(decoding: copy.bytes, as: UTF8.self), "\(item.id) redact (plain)")
            let json = CallJSON.encode(call).pretty()
            guard case .success(let jinput) = TextInput.validate(source: "p.json", bytes: Array(json.utf8)),
                  case .success(let jcopy) = TranscriptRedaction.redact(jinput, format: .json) else { XCTFail(item.id); continue }
            assertClean(String(decoding: jcopy.bytes, as: UTF8.self), "\(item.id) redact (JSON)")
        }
        // The HTML report from the store, and cases made from the stored calls (Markdown, HTML and
        // JSON exports), on each backend: what comes back from the store is masked alike.
        try StoreBackends.each(in: dir) { store, backend in
            current = real.flatMap(planted).filter { $0.count >= 8 }
            try store.save(results)
            let calls = try store.summaries(from: nil, to: nil)
            var stored: [StoredResult] = []
            for r in results { if let s = try store.detail(callID: r.call.id) { stored.append(s) } }
            XCTAssertEqual(stored.count, results.count, "[\(backend)]")
            for s in stored {
                let original = try XCTUnwrap(results.first { $0.call.id == s.call.id })
                XCTAssertEqual(s.call.turns.map(\.text), original.call.turns.map(\.text), "[\(backend)] \(s.call.id): the store keeps the text as it was")
            }
            let page = HTMLReport(title: "t", period: "p", byAgent: Report(calls, by: .agent), byRule: Report(calls, by: .rule),
                                  calls: stored, omittedCalls: 0, redact: true, generatedAt: "now").render()
            assertClean(page, "[\(backend)] HTML report")
            for s in stored {
                current = planted(real.first { $0.id == s.call.id }!)
                let c = CaseBuilder().build(from: s, turns: 1...s.call.turns.count, createdAt: "now")
                assertClean(CaseDocument.markdown(c) + CaseDocument.html(c) + CaseDocument.json(c).compact(), "[\(backend)] \(s.call.id) case exports")
            }
        }
    }

    /// Context raises and split values are findings of the call, with what a reviewer needs.
    func testFindingsSayWhyAndWhere() {
        let r = Shipped.check("""
        坐席: 请报一下您的身份证号
        客户: 身份证号110105194912310021
        坐席: 手机号呢？
        客户: 138 1234
        坐席: 嗯
        客户: 5678
        坐席: 您可以拨打我们的客服热线400-820-8820，或者打10086
        坐席: 跟您核对一下，手机号13812345678，对吗？
        """)
        let pii = r.findings.filter { $0.kind == .pii }
        XCTAssertEqual(pii.map(\.rule), ["pii.customer", "pii.customer", "pii.agent"])
        XCTAssertEqual(pii.map { $0.turn ?? 0 }, [2, 6, 8])
        XCTAssertTrue(pii[0].detail?.contains("checksum failed; masked by its context") ?? false, pii[0].detail ?? "")
        XCTAssertTrue(pii[1].detail?.contains("split across turns 4 and 6") ?? false, pii[1].detail ?? "")
        let red = r.redacted()
        XCTAssertFalse(ResultJSON.encode(red).compact().contains("110105194912310021"))
        let call = r.call.redacted()
        XCTAssertEqual(call.turns[3].text, "138 ****")
        XCTAssertEqual(call.turns[5].text, "5678")
    }
}
