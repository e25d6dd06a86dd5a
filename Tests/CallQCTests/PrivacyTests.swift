import XCTest
@testable import CallQC
import CallQCStore

final class PrivacyTests: XCTestCase {
    let detector = PIIDetector()

    func kinds(_ text: String) -> [PIIKind] { detector.find(in: text).map(\.kind) }

    func testEachKindTrueAndFalsePositives() {
        XCTAssertEqual(kinds("手机13812345678"), [.mobile])
        XCTAssertEqual(kinds("手机 138-1234-5678"), [.mobile])
        XCTAssertEqual(kinds("手机幺三八幺二三四五六七八"), [.mobile])
        XCTAssertEqual(kinds("手机１３８１２３４５６７８"), [.mobile])
        XCTAssertEqual(kinds("12812345678"), [], "12x is not a mobile prefix")
        XCTAssertEqual(kinds("座机010-12345678"), [.landline])
        XCTAssertEqual(kinds("座机 0755-1234567"), [.landline])
        XCTAssertEqual(kinds("身份证11010519491231002X"), [.idNumber])
        XCTAssertEqual(kinds("110105194912310021"), [], "a wrong check digit without a context word is not an ID number")
        XCTAssertEqual(kinds("身份证110105194912310021"), [.idNumber], "after 身份证 a wrong check digit is still personal")
        XCTAssertEqual(detector.find(in: "身份证110105194912310021").first?.note, "checksum failed; masked by its context")
        XCTAssertEqual(kinds("卡号6222021234567890128"), [.bankCard])
        XCTAssertEqual(kinds("卡号 4111 1111 1111 1111"), [.bankCard])
        XCTAssertEqual(kinds("6222021234567890127"), [], "Luhn fails")
        XCTAssertEqual(kinds("卡号6222021234567890127"), [.bankCard], "Luhn fails, but 卡号 raises it")
        XCTAssertEqual(kinds("发到 zhang.san@example.com 谢谢"), [.email])
        XCTAssertEqual(kinds("it's five five five, two one two, three four five six"), [.phone])
        XCTAssertEqual(kinds("(555) 212-3456"), [.phone], "an area code in parentheses")
        XCTAssertEqual(kinds("call (800) 212-3456 toll free"), [], "toll-free numbers are public")
        // As recognisers write them: one digit at a time, comma groups, a numeral glued after, a country code.
        XCTAssertEqual(kinds("我的号码是1 3 8 1 2 3 4 5 6 7 8"), [.mobile])
        XCTAssertEqual(kinds("号码138，1234，5678"), [.mobile])
        XCTAssertEqual(kinds("我的手机号13812345678一直打不通"), [.mobile])
        XCTAssertEqual(kinds("+8613812345678"), [.mobile])
        XCTAssertEqual(detector.redact("+8613812345678"), "+86138****5678")
        XCTAssertEqual(kinds("手机13812345678，身份证11010519491231002X"), [.mobile, .idNumber])
        XCTAssertEqual(kinds("价格58，128，198元"), [])
        for ordinary in ["套餐128元", "2026-11-21", "五十八元的套餐", "一百二十八", "流量30G", "第3个问题", "工号A042", "10分",
                         "订单量12000单", "二零二六一一二一零零二二", "三个工作日", "1到10分", "500兆宽带", "尾号0128",
                         "one two three four five six seven"] {
            XCTAssertEqual(kinds(ordinary), [], ordinary)
            XCTAssertEqual(detector.redact(ordinary), ordinary, ordinary)
        }
    }

    func testFormsContextAndDecoys() {
        // Groups and writings the detector used to miss.
        XCTAssertEqual(detector.redact("138　1234　5678"), "138　****　5678")
        XCTAssertEqual(detector.redact("138－1234－5678"), "138－****－5678")
        XCTAssertEqual(detector.redact("138.1234.5678"), "138.****.5678")
        XCTAssertEqual(detector.redact("138/1234/5678"), "138/****/5678")
        XCTAssertEqual(detector.redact("138  1234  5678"), "138  ****  5678")
        XCTAssertEqual(detector.redact("13八1234五678"), "13八****五678")
        XCTAssertEqual(detector.redact("邮箱zhang＠qq.com"), "邮箱z****＠qq.com")
        XCTAssertEqual(kinds("my email is zhang at qq dot com"), [.email])
        XCTAssertEqual(detector.redact("张三艾特qq点com"), "张*艾特qq点com")
        XCTAssertEqual(kinds("(0755) 8888 6666"), [.landline])
        XCTAssertEqual(kinds("（010）12345678"), [.landline])
        // Context raises, with the kinds of their word.
        XCTAssertEqual(kinds("QQ 12345678"), [.qq])
        XCTAssertEqual(kinds("扣扣号987654321"), [.qq])
        XCTAssertEqual(detector.redact("微信号zhangsan_88"), "微信号z**********")
        XCTAssertEqual(kinds("密码是889900"), [.password])
        XCTAssertEqual(kinds("宽带账号 6001234567"), [.account])
        XCTAssertEqual(detector.find(in: "证件号110105194912310021").first?.checksumFailed, true)
        // Context lowers: no finding, no mask.
        for decoy in ["客服热线400-820-8820", "打10086", "12315", "我们公司电话是0755-86013388", "2014-01-31 00:21", "2016-07-24-08",
                      "订单号13812345678", "快递单号6222021234567890128", "工单号07551234567", "13,800,000,000元", "¥13812345678",
                      "比如您输入13800138000", "卡号后四位是1234", "例如 zhang at qq dot com"] {
            XCTAssertEqual(kinds(decoy), [], decoy)
            XCTAssertEqual(detector.redact(decoy), decoy, decoy)
        }
        // Traditional characters, full-width addresses, numerals in spoken domains and ids, couriers.
        XCTAssertEqual(detector.find(in: "您的身份證號是320102196202194555").first?.checksumFailed, true)
        XCTAssertEqual(kinds("銀行卡號6259075671073130119"), [.bankCard])
        XCTAssertEqual(detector.redact("邮箱 ｈｅｌｉｎ８８＠ｑｑ．ｃｏｍ"), "邮箱 ｈ******＠ｑｑ．ｃｏｍ")
        XCTAssertEqual(kinds("邮箱就是sunhao艾特一六三点com"), [.email])
        XCTAssertEqual(kinds("微信号是liu幺九九零"), [.wechat])
        XCTAssertEqual(kinds("快递员联系的是15197409110这个号码"), [.mobile])
        XCTAssertEqual(kinds("话费充值到17036129894"), [.mobile])
        for decoy in ["我們門市電話是0755-2345 1188", "维修中心在宝安区西乡大道288号，电话是0755 2790 1234",
                      "Our support line is 1-800-555-0175", "充值卡充值可以拨打13800138000"] {
            XCTAssertEqual(kinds(decoy), [], decoy)
        }
        XCTAssertEqual(kinds("call me at 1-415-555-2671"), [.phone])
        // Said to be the company's after it; a mark between spaces; an area code said apart; a password with symbols.
        XCTAssertEqual(kinds("13812345678是我们公司的客服手机号"), [])
        XCTAssertEqual(kinds("13812345678是我的手机"), [.mobile])
        XCTAssertEqual(detector.redact("座机是 0 2 1 - 6 4 5 8 9 9 0 0"), "座机是 0 2 1 - * * * * * * 0 0")
        XCTAssertEqual(detector.redact("区号0571，号码88776655"), "区号0571，号码******55")
        XCTAssertEqual(detector.redact("登录密码 abc@2024 好"), "登录密码 ******** 好")
        // At the level of a call: split numbers, and a context word in the turn before.
        let turns: [(speaker: String, text: String)] = [("客户", "身份证 110105 1949"), ("坐席", "嗯"), ("客户", "1231 0021"),
                                                       ("坐席", "您的银行卡号是多少？"), ("客户", "6222021234567890127")]
        let masked = detector.redact(turns: turns)
        XCTAssertEqual(masked[0], "身份证 1101** ****")
        XCTAssertEqual(masked[2], "**** 0021")
        XCTAssertEqual(masked[4], "6222***********0127")
        let found = detector.find(inTurns: turns)
        XCTAssertEqual(found[2].first?.otherTurn, 0)
        XCTAssertEqual(found[4].first?.checksumFailed, true)
    }

    func testMasksKeepWhatAReaderNeeds() {
        XCTAssertEqual(detector.redact("13812345678"), "138****5678")
        XCTAssertEqual(detector.redact("11010519491231002X"), "1101**********002X")
        XCTAssertEqual(detector.redact("6222021234567890128"), "6222***********0128")
        XCTAssertEqual(detector.redact("幺三八幺二三四五六七八"), "幺三八****五六七八")
        XCTAssertEqual(detector.redact("a zhang.san@example.com b"), "a z********@example.com b")
        let text = "您的手机号是13812345678，对吧？"
        XCTAssertEqual(detector.redact(text).count, text.count, "masks keep the length, so spans stay right")
        XCTAssertEqual(detector.find(in: "您好13812345678").first?.span, 2..<13)
    }

    static let secrets = ["13812345678", "11010519491231002X", "6222021234567890128", "幺三八幺二三四五六七八", "zhang.san", "1234567890128", "幺二三四"]

    func assertClean(_ output: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for s in PrivacyTests.secrets { XCTAssertFalse(output.contains(s), "\(what) leaks \(s)", file: file, line: line) }
    }

    func testPIIFindingsWhoAndWhere() throws {
        let r = Shipped.sample("pii-readout.txt")
        let pii = r.findings.filter { $0.kind == .pii }
        XCTAssertEqual(pii.filter { $0.rule == "pii.agent" }.map(\.turn), [5, 5, 7, 9])
        XCTAssertEqual(pii.filter { $0.rule == "pii.customer" }.map(\.turn), [2, 4])
        XCTAssertTrue(pii.first { $0.turn == 5 }?.detail?.contains("said by the agent") ?? false)
        XCTAssertEqual(r.call.turns[1].text.unicodeScalars.count >= pii.first { $0.turn == 2 }!.span!.upperBound, true)
        // Redacted results carry no number; spans still point at the masked evidence.
        let red = r.redacted()
        XCTAssertEqual(red.findings.first { $0.turn == 2 && $0.kind == .pii }?.text, "138****5678")
        assertClean(ResultJSON.encode(red).compact(), "result JSON")
    }

    func testNoNumberSurvivesAnyRedactedOutput() throws {
        let result = Shipped.sample("pii-readout.txt").redacted()
        for format in OutputFormat.allCases {
            let r = format.renderer(sections: Shipped.catalog.ruleSets[0].scoring.sections)
            assertClean(r.begin() + r.render(result, index: 0) + r.end(RunSummary()), "--format \(format.rawValue)")
        }
        // convert masks the whole transcript (a result carries no turns).
        let call = Shipped.sample("pii-readout.txt").call.redacted()
        assertClean(CallJSON.encode(call).pretty(), "converted JSON")
        assertClean(PlainTranscriptWriter.write(call), "converted plain")
        let lint = ScriptLinter(checker: Shipped.checker).lint(ScriptLinter.agentLines(Shipped.sample("pii-readout.txt").call), source: "x", mode: .transcript).redacted()
        assertClean(LintRenderer.table(lint) + LintRenderer.json(lint).compact(), "lint")
        // The redact command's own-format copies.
        let raw = try String(contentsOfFile: Shipped.root.appendingPathComponent("samples/pii-readout.txt").path, encoding: .utf8)
        guard case .success(let input) = TextInput.validate(source: "p.txt", bytes: Array(raw.utf8)) else { return XCTFail() }
        guard case .success(let copy) = TranscriptRedaction.redact(input, format: .plain) else { return XCTFail() }
        let text = String(decoding: copy.bytes, as: UTF8.self)
        assertClean(text, "redacted plain copy")
        XCTAssertEqual(copy.masked, 6)
        XCTAssertTrue(text.contains("[00:43.5-00:52.3] 坐席: 补卡费用是十元"), "times and ordinary text stay")
        let back = TranscriptLoader().read(bytes: copy.bytes, source: "p.txt")
        XCTAssertEqual(back.calls.first?.turns.count, 11, "the copy is still a transcript")
        let json = CallJSON.encode(Shipped.sample("pii-readout.txt").call).pretty()
        guard case .success(let jinput) = TextInput.validate(source: "p.json", bytes: Array(json.utf8)) else { return XCTFail() }
        guard case .success(let jcopy) = TranscriptRedaction.redact(jinput, format: .json) else { return XCTFail() }
        assertClean(String(decoding: jcopy.bytes, as: UTF8.self), "redacted JSON copy")
        XCTAssertEqual(TranscriptLoader().read(bytes: jcopy.bytes, source: "p.json").calls.first?.turns.first?.end, 5.9, "numbers (times) untouched")
    }

    func testStoreKeepsTheOriginalAndTheHTMLReportMasks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-pii-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("pii-readout.txt")])
            let stored = try XCTUnwrap(try store.detail(callID: "C20261121-0080"), "[\(backend)]")
            XCTAssertTrue(stored.call.turns[1].text.contains("13812345678"), "[\(backend)] the store is internal: originals are kept")
            let calls = try store.summaries(from: nil, to: nil)
            let page = HTMLReport(title: "t", period: "p", byAgent: Report(calls, by: .agent), byRule: Report(calls, by: .rule),
                                  calls: [stored], omittedCalls: 0, redact: true, generatedAt: "now").render()
            assertClean(page, "[\(backend)] HTML report")
            XCTAssertTrue(page.contains("138****5678"), "[\(backend)]")
        }
    }
}
