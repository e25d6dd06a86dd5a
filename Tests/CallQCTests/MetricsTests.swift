import XCTest
@testable import CallQC

final class MetricsTests: XCTestCase {
    let loader = TranscriptLoader()

    func call(_ text: String) throws -> Call {
        let outcome = loader.read(bytes: Array(text.utf8), source: "m.txt")
        XCTAssertEqual(outcome.errors, [])
        return try XCTUnwrap(outcome.calls.first)
    }

    func testChineseRateFromTimedAgentTurns() throws {
        // Agent: 22 countable characters in 10 s and 9 in 5 s → 31 chars / 0.25 min = 124.
        let m = CallMetrics.measure(try call("""
        [00:00-00:10] 坐席: 您好，欢迎致电星联移动，很高兴为您服务，请问您贵姓？
        [00:10.5-00:20] 客户: 我姓王，我想问一下我的话费怎么这么多。
        [00:20-00:25] 坐席: 王先生，我帮您查一下。
        坐席: 这一句没有时间，不计入语速。
        """))
        XCTAssertEqual(m.turns, 4)
        XCTAssertEqual(m.agentTurns, 3)
        XCTAssertEqual(m.customerTurns, 1)
        XCTAssertEqual(m.duration, 25)
        XCTAssertEqual(m.language, .chineseSimplified)
        XCTAssertEqual(try XCTUnwrap(m.agentCharsPerMinute), (22.0 + 9.0) / (15.0 / 60), accuracy: 0.001)
        XCTAssertNil(m.agentWordsPerMinute)
        XCTAssertEqual(m.talkShareBasis, .time)
        XCTAssertEqual(try XCTUnwrap(m.agentTalkShare), 15.0 / 24.5, accuracy: 0.0001)
    }

    func testNoTimestampsMeansNoRateNeverAGuess() throws {
        let m = CallMetrics.measure(try call("坐席：您好，请问有什么可以帮您？\n客户：我查话费。\n"))
        XCTAssertNil(m.agentCharsPerMinute)
        XCTAssertNil(m.agentWordsPerMinute)
        XCTAssertNil(m.duration)
        XCTAssertEqual(m.talkShareBasis, .characters)
        XCTAssertEqual(try XCTUnwrap(m.agentTalkShare), 11.0 / 15.0, accuracy: 0.0001)
    }

    func testEnglishRateInWords() throws {
        let m = CallMetrics.measure(try call("""
        [00:00-00:04] Agent: Thank you for calling Northstar Mobile, how can I help you today?
        [00:04.5-00:07] Customer: My bill is too high.
        """))
        XCTAssertEqual(m.language, .english)
        XCTAssertNil(m.agentCharsPerMinute)
        XCTAssertEqual(try XCTUnwrap(m.agentWordsPerMinute), 12.0 / (4.0 / 60), accuracy: 0.001)
    }

    func testWordTimesRefineTheDuration() {
        var turn = Turn(role: .agent, speaker: "Agent", start: 0, end: 10, text: "hello there")
        XCTAssertEqual(CallMetrics.spokenDuration(turn), 10)
        turn.words = [Word(text: "hello", start: 2, end: 2.5), Word(text: "there", start: 2.6, end: 3)]
        XCTAssertEqual(try XCTUnwrap(CallMetrics.spokenDuration(turn)), 1, accuracy: 1e-9)
    }

    func testDeclaredLanguageWins() throws {
        var c = try call("坐席：您好\n")
        c.language = "zh-TW"
        XCTAssertEqual(CallMetrics.measure(c).language, .chineseTraditional)
        XCTAssertTrue(CallMetrics.measure(c).languageDeclared)
        XCTAssertEqual(CallMetrics.language(declared: "en_US"), .english)
        XCTAssertNil(CallMetrics.language(declared: "fr"))
    }

    func testSamplesMeasureAsAQCSupervisorExpects() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples").path
        func metrics(_ name: String) throws -> CallMetrics {
            CallMetrics.measure(try XCTUnwrap(loader.load(.file(dir + "/" + name)).calls.first, name))
        }
        let good = try metrics("good-call-broadband.txt")
        XCTAssertEqual(try XCTUnwrap(good.agentCharsPerMinute), 120, accuracy: 25, "a normal agent speaks about 120 characters a minute")
        XCTAssertGreaterThan(try XCTUnwrap(try metrics("fast-agent.txt").agentCharsPerMinute), 180)
        XCTAssertNil(try metrics("no-timestamps.txt").agentCharsPerMinute)
        XCTAssertEqual(try metrics("traditional-chinese.txt").language, .chineseTraditional)
        XCTAssertEqual(try metrics("english-good-call.txt").language, .english)
        XCTAssertNotNil(try metrics("english-good-call.txt").agentWordsPerMinute)
    }

    func testResultJSONContract() throws {
        let result = CallResult.measure(try call("# call: C1\n# agent: A017\n[00:00-00:10] 坐席: 您好，欢迎致电。\n"))
        let json = ResultJSON.encode(result)
        XCTAssertEqual(json["schema"], .string("callqc.result/1"))
        XCTAssertEqual(json["call"]?["id"], .string("C1"))
        XCTAssertEqual(json["call"]?["language"], .string("zh"))
        for key in ["turns", "duration", "agent_talk_share", "agent_chars_per_minute", "agent_words_per_minute"] {
            XCTAssertNotNil(json["metrics"]?[key], key)
        }
        XCTAssertEqual(json["metrics"]?["agent_words_per_minute"], .null)
        let error = ResultJSON.encode(InputProblem(source: "x.txt", line: 3, message: "bad"))
        XCTAssertEqual(error.compact(), "{\"schema\":\"callqc.error/1\",\"source\":\"x.txt\",\"line\":3,\"error\":\"bad\"}")
    }
}
