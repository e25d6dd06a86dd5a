import XCTest
@testable import CallQC

/// Word-level timings carry speech: a number masked in its sentence must not survive in the
/// words (Whisper `words`, Aliyun and Tencent `Words`, AWS `items` / `Items`, Azure `words`,
/// AWS PCA `WordConfidence`), neither in `callqc redact` copies nor in `convert --to json`.
final class PIIWordTimingTests: XCTestCase {
    static let vendorFixtures = [
        "whisper/gossos_word_stamps.json", "handmade/whisperx.json", "aliyun/dual_channel.json",
        "tencent/DescribeTaskStatus_success.json", "aws_transcribe/02-channel-identification.json",
        "aws_transcribe/03-speaker-identification.json", "azure/transcriptSample.json",
        "aws_pca/testfile.json", "aws_call_analytics/example-call.json",
    ]
    /// Planted words: a mobile number in three words; an ID number whose checksum fails, after 身份证.
    static let planted = [" 我的号码", " 138", " 1234", " 5678", " 身份证", " 110105", " 19491231", " 0021", " 谢谢"]
    /// Values that must not survive as a word.
    static let secrets: Set<String> = ["1234", "19491231"]

    /// A copy of a word object with another text.
    static func word(like v: JSONValue, text: String) -> JSONValue {
        guard let members = v.objectValue else { return v }
        var done = false
        return .object(members.map { k, x in
            if !done, JSONRedaction.wordTextKeys.contains(k), x.stringValue != nil { done = true; return (k, .string(text)) }
            if !done, k == "alternatives" || k == "Alternatives", var alts = x.arrayValue, let first = alts.first?.objectValue {
                done = true
                alts[0] = .object(first.map { ($0.0, $0.0 == "content" || $0.0 == "Content" ? .string(text) : $0.1) })
                return (k, .array(alts))
            }
            return (k, x)
        })
    }

    /// The document with the planted words at the start of every word list.
    static func plant(_ v: JSONValue, key: String = "") -> (JSONValue, Int) {
        switch v {
        case .array(let items):
            if JSONRedaction.isWordList(key, items), let model = items.first(where: { JSONRedaction.wordText($0) != nil }) {
                return (.array(planted.map { word(like: model, text: $0) } + items), 1)
            }
            var n = 0
            let out = items.map { x -> JSONValue in let (y, k) = plant(x, key: key); n += k; return y }
            return (.array(out), n)
        case .object(let members):
            var n = 0
            let out = members.map { k, x -> (String, JSONValue) in let (y, c) = plant(x, key: k); n += c; return (k, y) }
            return (.object(out), n)
        default:
            return (v, 0)
        }
    }

    static func strings(_ v: JSONValue) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .array(let a): return a.flatMap(strings)
        case .object(let o): return o.flatMap { strings($0.1) }
        default: return []
        }
    }

    func testRedactMasksEveryWordList() throws {
        var plantedIn = 0
        for name in PIIWordTimingTests.vendorFixtures {
            let doc = try JSONParser.parse(try Fixtures.bytes(name))
            let (planted, lists) = PIIWordTimingTests.plant(doc)
            guard lists > 0 else { continue }
            plantedIn += 1
            let bytes = Array(planted.pretty().utf8)
            guard case .success(let input) = TextInput.validate(source: name, bytes: bytes),
                  case .success(let copy) = TranscriptRedaction.redact(input, format: InputFormat.detect(path: name, bytes: bytes)) else {
                XCTFail(name); continue
            }
            let out = try JSONParser.parse(copy.bytes)
            let words = PIIWordTimingTests.strings(out).map { $0.trimmingCharacters(in: .whitespaces) }
            for s in PIIWordTimingTests.secrets { XCTAssertFalse(words.contains(s), "\(name): the word \(s) survives redact") }
            XCTAssertTrue(words.contains("谢谢") || words.contains("我的号码"), "\(name): ordinary words stay")
            XCTAssertTrue(words.contains("138"), "\(name): the visible head of a mobile number stays, as in the sentence")
        }
        XCTAssertEqual(plantedIn, PIIWordTimingTests.vendorFixtures.count, "every fixture has a word list")
    }

    func testConvertMasksWordsWithTheirTurn() throws {
        var tried = 0
        for name in PIIWordTimingTests.vendorFixtures {
            let outcome = Fixtures.read(name)
            guard var call = outcome.calls.first, let t = call.turns.firstIndex(where: { !$0.words.isEmpty }) else { continue }
            tried += 1
            // The sentence says the numbers; the words carry them one group at a time.
            call.turns[t].text = "我的号码138 1234 5678，身份证110105 19491231 0021，谢谢。" + call.turns[t].text
            call.turns[t].words = PIIWordTimingTests.planted.map { Word(text: $0, start: 0.1, end: 0.2) } + call.turns[t].words
            let json = CallJSON.encode(call.redacted())
            let words = PIIWordTimingTests.strings(json).map { $0.trimmingCharacters(in: .whitespaces) }
            for s in PIIWordTimingTests.secrets { XCTAssertFalse(words.contains(s), "\(name): the word \(s) survives convert") }
            XCTAssertFalse(json.compact().contains("19491231"), name)
        }
        XCTAssertGreaterThanOrEqual(tried, 6, "fixtures with word timings")
    }

    func testInterleavedChannelsAreReadApart() throws {
        // Aliyun dual channel: the agent's 嗯 falls between the customer's digits in the word list.
        let doc = """
        {"Result": {"Sentences": [{"BeginTime": 0, "EndTime": 3000, "Text": "号码138", "ChannelId": 0},
                                  {"BeginTime": 1000, "EndTime": 1200, "Text": "嗯", "ChannelId": 1},
                                  {"BeginTime": 3000, "EndTime": 6000, "Text": "1234 5678", "ChannelId": 0}],
                    "Words": [{"Word": "号码", "BeginTime": 0, "EndTime": 500, "ChannelId": 0},
                              {"Word": "138", "BeginTime": 500, "EndTime": 1000, "ChannelId": 0},
                              {"Word": "嗯", "BeginTime": 1000, "EndTime": 1200, "ChannelId": 1},
                              {"Word": "1234", "BeginTime": 3000, "EndTime": 4000, "ChannelId": 0},
                              {"Word": "5678", "BeginTime": 4000, "EndTime": 6000, "ChannelId": 0}]}}
        """
        let bytes = Array(doc.utf8)
        guard case .success(let input) = TextInput.validate(source: "a.json", bytes: bytes),
              case .success(let copy) = TranscriptRedaction.redact(input, format: .json) else { return XCTFail() }
        let out = String(decoding: copy.bytes, as: UTF8.self)
        XCTAssertFalse(out.contains("\"1234\""), out)
        XCTAssertTrue(out.contains("\"嗯\""), out)
        XCTAssertTrue(out.contains("\"**** 5678\""), "the sentence split across segments is masked too: \(out)")
    }

    func testWordsOfANumberSplitAcrossTurns() {
        let call = Call(id: "w", turns: [
            Turn(role: .customer, speaker: "客户", text: "号码是138 1234", words: [Word(text: "号码"), Word(text: "是"), Word(text: "138"), Word(text: "1234")]),
            Turn(role: .agent, speaker: "坐席", text: "嗯", words: [Word(text: "嗯")]),
            Turn(role: .customer, speaker: "客户", text: "5678", words: [Word(text: "5678")]),
        ])
        let red = call.redacted()
        XCTAssertEqual(red.turns[0].text, "号码是138 ****")
        XCTAssertEqual(red.turns[0].words.map(\.text), ["号码", "是", "138", "****"])
        XCTAssertEqual(red.turns[2].words.map(\.text), ["5678"])
        // Words that the recogniser wrote otherwise than the sentence (一三八 for 138): no digit stays.
        let other = Call(id: "x", turns: [Turn(role: .customer, speaker: "客户", text: "我的手机13812345678",
                                              words: [Word(text: "我的"), Word(text: "手机"), Word(text: "幺三八"), Word(text: "幺二三四"), Word(text: "五六七八")])])
        XCTAssertFalse(other.redacted().turns[0].words.map(\.text).contains("幺二三四"))
    }
}
