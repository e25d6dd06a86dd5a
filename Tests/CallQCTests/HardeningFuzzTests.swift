import XCTest
@testable import CallQC

/// Issue 13: the fuzz run of BadInputTests, extended past reading: at least 20,000 generated
/// transcripts in every line and JSON format, each with planted mobile numbers, go through
/// reading, `callqc redact`'s redaction, `convert` (redacted call as plain text and JSON),
/// `lint` (redacted report as table and JSON), the check's redacted result and the masked
/// messages; then mutated copies through the same paths. No crash, and no planted number
/// comes out of any output.
final class HardeningFuzzTests: XCTestCase {
    struct Generated {
        var bytes: [UInt8]
        var source: String
        var planted: [String]
    }

    /// A planted mobile number in a form the detector masks: 11 digits, or grouped 3-4-4 by a space or a hyphen.
    static func mobile(_ rng: inout SplitMix64) -> (written: String, digits: String) {
        let second = "3456789"
        var digits = "1" + String(second[second.index(second.startIndex, offsetBy: Int(rng.next() % 7))])
        for _ in 0..<9 { digits += String(rng.next() % 10) }
        let a = digits.prefix(3), b = digits.dropFirst(3).prefix(4), c = digits.suffix(4)
        switch rng.next() % 4 {
        case 0: return ("\(a) \(b) \(c)", digits)
        case 1: return ("\(a)-\(b)-\(c)", digits)
        default: return (digits, digits)
        }
    }

    static let phrases = ["您好，很高兴为您服务。", "我想查一下话费。", "您的号码是", "好的，请稍等。", "我的手机号是", "不知道，你自己去营业厅问。",
                          "请问还有什么可以帮您？", "I want to check my bill,", "my number is", "感谢您的来电，再见。", "嗯", "这个我记一下"]

    static func generate(_ rng: inout SplitMix64) -> Generated {
        var planted: [String] = []
        func text() -> String {
            var t = phrases[Int(rng.next() % UInt64(phrases.count))]
            if rng.next() % 2 == 0 {
                let m = mobile(&rng)
                planted.append(m.digits)
                // Glued to the text before it (Chinese, or a word: is13812345678) or after a space.
                t += (rng.next() % 2 == 1 ? " " : "") + m.written + (rng.next() % 2 == 0 ? "，对吗" : "。")
            }
            return t
        }
        let turns = 2 + Int(rng.next() % 6)
        var id = "C\(rng.next() % 100_000)"
        if rng.next() % 8 == 0 { let m = mobile(&rng); planted.append(m.digits); id = m.digits }
        var times: [(Double, Double)] = []
        var t = 0.0
        for _ in 0..<turns { let s = t + Double(rng.next() % 20) / 10; t = s + 1 + Double(rng.next() % 50) / 10; times.append((s, t)) }
        func role(_ i: Int) -> String { i % 2 == 0 ? "坐席" : "客户" }
        func clock(_ s: Double, _ comma: Bool) -> String {
            let ms = Int((s * 1000).rounded())
            let v = String(format: "%02d:%02d:%02d%@%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, comma ? "," : ".", ms % 1000)
            return v
        }
        func json(_ s: String) -> String { JSONValue.string(s).compact() }
        var out = ""
        let source: String
        switch rng.next() % 7 {
        case 0:
            source = "\(id).txt"
            out = "# call: \(id)\n"
            for i in 0..<turns { out += "[\(TranscriptTime.format(times[i].0))-\(TranscriptTime.format(times[i].1))] \(role(i)): \(text())\n" }
        case 1, 2:
            let isLines = rng.next() % 2 == 0
            source = isLines ? "day.jsonl" : "\(id).json"
            let calls = isLines ? 1 + Int(rng.next() % 3) : 1
            for k in 0..<calls {
                let turnsJSON = (0..<turns).map { i in
                    "{\"role\":\"\(i % 2 == 0 ? "agent" : "customer")\",\"speaker\":\(json(role(i))),\"start\":\(times[i].0),\"end\":\(times[i].1),\"text\":\(json(text()))}"
                }.joined(separator: ",")
                out += "{\"id\":\(json(k == 0 ? id : id + "-\(k)")),\"agent\":\"A1\",\"date\":\"2026-11-21\",\"turns\":[\(turnsJSON)]}\n"
            }
        case 3:
            source = "\(id).vtt"
            out = "WEBVTT\n\n"
            for i in 0..<turns { out += "\(clock(times[i].0, false)) --> \(clock(times[i].1, false))\n<v \(role(i))>\(text())\n\n" }
        case 4:
            source = "\(id).srt"
            for i in 0..<turns { out += "\(i + 1)\n\(clock(times[i].0, true)) --> \(clock(times[i].1, true))\n\(role(i)): \(text())\n\n" }
        case 5:
            source = "\(id).txt"
            for i in 0..<turns {
                let s = Int(times[i].0) + 11 * 3600
                out += "[\(role(i))] \(String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60))\n\(text())\n\n"
            }
        default:
            source = "\(id).json"
            let segments = (0..<turns).map { i in
                "{\"start\":\(times[i].0),\"end\":\(times[i].1),\"speaker\":\"SPEAKER_0\(i % 2)\",\"text\":\(json(" " + text()))}"
            }.joined(separator: ",")
            out = "{\"language\":\"zh\",\"segments\":[\(segments)]}"
        }
        return Generated(bytes: Array(out.utf8), source: source, planted: planted)
    }

    /// Every output of the paths that mask personal data, for one input.
    static func outputs(_ bytes: [UInt8], source: String, linter: ScriptLinter, check: Bool) -> [String] {
        var outs: [String] = []
        let outcome = TranscriptLoader().read(bytes: bytes, source: source)
        // Messages on stderr and callqc.error/1 records.
        for p in outcome.errors + outcome.warnings {
            outs.append(p.masked().description)
            outs.append(ResultJSON.encode(p.masked()).compact())
        }
        // callqc redact.
        if case .success(let input) = TextInput.validate(source: source, bytes: bytes, maxLineBytes: Int.max) {
            if case .success(let redacted) = TranscriptRedaction.redact(input, format: InputFormat.detect(path: source, bytes: input.bytes)) {
                outs.append(String(decoding: redacted.bytes, as: UTF8.self))
            }
        }
        for call in outcome.calls {
            // callqc convert (redacted by default).
            let masked = call.redacted()
            outs.append(PlainTranscriptWriter.write(masked))
            outs.append(CallJSON.encode(masked).compact())
            // callqc lint.
            let report = linter.lint(ScriptLinter.agentLines(call), source: source, mode: .transcript).redactedForOutput()
            outs.append(LintRenderer.table(report))
            outs.append(LintRenderer.json(report).compact())
            // callqc check.
            if check {
                let result = Shipped.checker.check(call).redacted()
                outs.append(ResultJSON.encode(result).compact())
                outs.append(TableRenderer().render(result, index: 0))
            }
        }
        return outs
    }

    func testTwentyThousandGeneratedInputsLeakNoPlantedNumber() {
        var rng = SplitMix64(seed: 20261201)
        let linter = ScriptLinter(checker: Shipped.checker)
        var inputs = 0, plantedCount = 0, calls = 0
        var leaks: [String] = []
        for n in 0..<20_000 {
            let g = HardeningFuzzTests.generate(&rng)
            inputs += 1
            plantedCount += g.planted.count
            let outs = HardeningFuzzTests.outputs(g.bytes, source: g.source, linter: linter, check: n % 5 == 0)
            calls += outs.count
            for number in g.planted where leaks.count < 10 {
                if let leaked = outs.first(where: { $0.contains(number) }) {
                    leaks.append("\(g.source): \(number) in \(leaked.prefix(300)) — input: \(String(decoding: g.bytes, as: UTF8.self).prefix(300))")
                }
            }
            // A mutated copy: no crash (a mutation may break a number into another one, so no leak check).
            if n % 4 == 0 {
                var mutated = g.bytes
                for _ in 0..<(1 + Int(rng.next() % 4)) where !mutated.isEmpty {
                    let at = Int(rng.next() % UInt64(mutated.count))
                    switch rng.next() % 4 {
                    case 0: mutated[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: mutated.remove(at: at)
                    case 2: mutated.removeSubrange(at...)
                    default: mutated.insert(Array("[]{}:：\"\\,-0\n\r\u{1B}".utf8)[Int(rng.next() % 16)], at: at)
                    }
                }
                _ = HardeningFuzzTests.outputs(mutated, source: g.source, linter: linter, check: n % 20 == 0)
                inputs += 1
            }
        }
        XCTAssertGreaterThanOrEqual(inputs, 20_000)
        XCTAssertGreaterThan(plantedCount, 10_000)
        XCTAssertGreaterThan(calls, 100_000)
        XCTAssertEqual(leaks, [], "planted numbers that came out")
    }
}
