import XCTest
@testable import CallQC

final class PlainReaderTests: XCTestCase {
    let loader = TranscriptLoader()

    func read(_ text: String, source: String = "test.txt") -> ReadOutcome {
        loader.read(bytes: Array(text.utf8), source: source)
    }

    func testReadsHeadersTimesLabelsAndContinuations() throws {
        let outcome = read("""
        # call: C20261120-0042
        # agent: A017
        # date: 2026-11-20
        # script: satisfaction-survey
        # 业务类型: 宽带续费
        [00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。
        [00:05.6-00:20.0] 客户：我想咨询一下宽带续费的事情。
        就是那个两百兆的。
        [01:02:03.5-01:02:05] Agent: Thank you for calling.
        坐席: 请问还有其他可以帮您的吗？

        """)
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.warnings, [])
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.id, "C20261120-0042")
        XCTAssertEqual(call.agent, "A017")
        XCTAssertEqual(call.date, "2026-11-20")
        XCTAssertEqual(call.script, "satisfaction-survey")
        XCTAssertEqual(call.metadata["业务类型"], "宽带续费")
        XCTAssertEqual(call.turns.count, 4)
        XCTAssertEqual(call.turns[0], Turn(role: .agent, speaker: "坐席", start: 0.3, end: 4.8, text: "您好，很高兴为您服务。"))
        XCTAssertEqual(call.turns[1].role, .customer)
        XCTAssertEqual(call.turns[1].text, "我想咨询一下宽带续费的事情。就是那个两百兆的。")
        XCTAssertEqual(call.turns[2].start, 3723.5)
        XCTAssertEqual(call.turns[2].end, 3725)
        XCTAssertEqual(call.turns[2].role, .agent)
        XCTAssertNil(call.turns[3].start)
        XCTAssertEqual(call.turns[3].text, "请问还有其他可以帮您的吗？")
    }

    func testCallIDFromFileNameWithoutHeader() throws {
        let call = try XCTUnwrap(read("坐席：您好\n客户：你好\n", source: "calls/2026-11-20/A017-0003.txt").calls.first)
        XCTAssertEqual(call.id, "A017-0003")
        XCTAssertEqual(call.source, "calls/2026-11-20/A017-0003.txt")
    }

    func testRoleLabels() {
        let map = RoleMap.standard
        for label in ["坐席", "客服", "话务员", "外呼员", "工号1023", "坐席01", "Agent", "agent 2", "Rep", "A", "客服小李"] {
            XCTAssertEqual(map.role(of: label), .agent, label)
        }
        for label in ["客户", "客戶", "用户", "用戶", "Customer", "Caller", "C", "顾客"] {
            XCTAssertEqual(map.role(of: label), .customer, label)
        }
        for label in ["SPEAKER_00", "张三", "Speaker 1", "B", ""] {
            XCTAssertNil(map.role(of: label), label)
        }
    }

    func testUnknownLabelIsKeptAsOtherWithAWarning() throws {
        let outcome = read("[00:01-00:03] 坐席: 您好\n[00:03-00:05] 张经理: 我来说两句\n[00:05-00:07] 张经理: 再说一句\n")
        XCTAssertEqual(outcome.errors, [])
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.role), [.agent, .other, .other])
        XCTAssertEqual(call.turns[1].speaker, "张经理")
        XCTAssertEqual(outcome.warnings.count, 1, "one warning per unknown label")
        XCTAssertEqual(outcome.warnings.first?.line, 2)
        XCTAssertTrue(outcome.warnings.first?.message.contains("张经理") ?? false)
    }

    func testUserMappingExtendsRoles() throws {
        var options = ReadOptions()
        options.roleMap.add(label: "小王", role: .agent)
        let custom = TranscriptLoader(options: options)
        let call = try XCTUnwrap(custom.read(bytes: Array("小王: 您好\n李先生: 你好\n小王: 请讲\n李先生: 我查话费\n".utf8), source: "x.txt").calls.first)
        XCTAssertEqual(call.turns.map(\.role), [.agent, .other, .agent, .other], "a label that starts several lines is a speaker")
        let viaHeader = try XCTUnwrap(read("# speakers: 小王=agent, 李先生=customer\n小王: 您好\n李先生: 你好\n").calls.first)
        XCTAssertEqual(viaHeader.turns.map(\.role), [.agent, .customer])
    }

    func testSpeakerIDsAndBracketLabels() throws {
        let call = try XCTUnwrap(read("SPEAKER_00: Hello there\nSPEAKER_01: Hi\n[SPEAKER_00]: How can I help?\n").calls.first)
        XCTAssertEqual(call.turns.map(\.speaker), ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"])
        XCTAssertEqual(call.turns[2].text, "How can I help?")
    }

    func testColonInsideTextIsNotALabel() throws {
        let call = try XCTUnwrap(read("坐席：您好，请记一下：工单号是12345。\n注意：明天上午十点前师傅上门\n").calls.first)
        XCTAssertEqual(call.turns.count, 1)
        XCTAssertEqual(call.turns[0].text, "您好，请记一下：工单号是12345。注意：明天上午十点前师傅上门")
    }

    func testTrimming() {
        XCTAssertEqual(" 您好 ".trimmed(), "您好")
        XCTAssertEqual("\u{3000}您好，\u{3000}".trimmed(), "您好，")
        XCTAssertEqual("\t\r\n".trimmed(), "")
        XCTAssertEqual("".trimmed(), "")
        XCTAssertEqual("您好。".trimmed(), "您好。")
        XCTAssertEqual("\u{2003}e\u{301} ".trimmed(), "e\u{301}")
        XCTAssertEqual("a\u{00A0}".trimmed(), "a")
    }

    func testTimeFormats() {
        XCTAssertEqual(TranscriptTime.parse("04.8"), 4.8)
        XCTAssertEqual(TranscriptTime.parse("00:04.8"), 4.8)
        XCTAssertEqual(TranscriptTime.parse("1:02"), 62)
        XCTAssertEqual(TranscriptTime.parse("75:00.25"), 4500.25)
        XCTAssertEqual(TranscriptTime.parse("01:02:03.5"), 3723.5)
        XCTAssertEqual(TranscriptTime.parse("0:0:1.510"), 1.51)
        XCTAssertEqual(TranscriptTime.parse("00:00:01,200"), 1.2)
        for bad in ["", "1:60", "1:2:3:4", "a:10", "01:61:00", "1.2.3", "-1", ":30", "12:", "1:30.x"] {
            XCTAssertNil(TranscriptTime.parse(Substring(bad)), bad)
        }
        for text in ["04.8", "00:04.8", "1:02", "75:00.25", "01:02:03.5", "0:0:1.510", "00:00:01,200", "00:04.8004", "00:04.0005",
                     "", "1:60", "1:2:3:4", "a:10", "01:61:00", "1.2.3", "-1", ":30", "12:", "1:30.x", "1:30.", "9999999999"] {
            XCTAssertEqual(TranscriptTime.parse(bytes: Array(text.utf8)[...]), TranscriptTime.parse(Substring(text)), "byte parser on '\(text)'")
        }
        XCTAssertEqual(TranscriptTime.format(4.8), "00:04.8")
        XCTAssertEqual(TranscriptTime.format(3723.5), "01:02:03.5")
        XCTAssertEqual(TranscriptTime.format(62), "01:02")
    }

    func testTimeRangeVariants() throws {
        let call = try XCTUnwrap(read("""
        [00:01.2 - 00:04.8] 坐席: 一
        [00:05,000 --> 00:06,500] 客户: 二
        [7.5-9] 坐席: 三
        [00:10] 客户: 四
        【00:11-00:12】坐席：五
        """).calls.first)
        XCTAssertEqual(call.turns.map(\.start), [1.2, 5, 7.5, 10, 11])
        XCTAssertEqual(call.turns.map(\.end), [4.8, 6.5, 9, nil, 12])
    }

    func testCRLFAndBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("# call: X1\r\n[00:01-00:02] 坐席: 您好\r\n客户: 你好\r\n".utf8)
        let call = try XCTUnwrap(loader.read(bytes: bytes, source: "crlf.txt").calls.first)
        XCTAssertEqual(call.id, "X1")
        XCTAssertEqual(call.turns.map(\.text), ["您好", "你好"])
    }

    func testUTF16WithBOMIsConverted() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "坐席: 您好\n".utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        let call = try XCTUnwrap(loader.read(bytes: bytes, source: "utf16.txt").calls.first)
        XCTAssertEqual(call.turns.first?.text, "您好")
    }
}
