import CallQCText
import XCTest
@testable import CallQC

/// Findings a reviewer can trust on real speech (issue 14): taboo families with particles,
/// lead-ins and dismissive paraphrases; what must not be flagged; curt refusals; recognisers'
/// homophones; English contractions; a greeting that cannot double as the closing.
final class TrustTests: XCTestCase {
    func taboo(_ text: String, role: String = "坐席") -> [Finding] {
        Shipped.check("\(role): \(text)\n").findings.filter { $0.rule.hasPrefix("taboo") || $0.rule.hasPrefix("refusal") }
    }

    func testParticlesAndLeadInsKeepARefusal() {
        for text in ["不行的哦", "那不行", "这种不行哟", "也是不行的", "不行呢亲", "肯定不行啊。", "嗯 不行", "不行 这个不行"] {
            XCTAssertEqual(taboo(text).map(\.rule), ["taboo.refusal"], text)
        }
        // A clause that goes on is not the refusal: a whole-clause test with particles only, not a substring test.
        for text in ["不行的话我们换一个方案。", "如果网络还是不行的话，我帮您预约师傅。", "不管行不行，我们先试试。", "您看这样行不行？", "刷卡不行的话，您也可以用微信支付。"] {
            XCTAssertEqual(taboo(text).map(\.rule), [], text)
        }
    }

    func testParaphrasesAreTabooWhenSaidDismissively() {
        XCTAssertEqual(taboo("这个我不清楚。").map(\.rule), ["taboo.dont-know"])
        XCTAssertEqual(taboo("不晓得。").first?.detail, "matches '不晓得' (a paraphrase)")
        XCTAssertEqual(taboo("那我也没办法啊。").map(\.rule), ["taboo.cant-solve"])
        XCTAssertEqual(taboo("你自己去营业厅问吧。").map(\.rule), ["taboo.elsewhere"])
        XCTAssertEqual(taboo("跟你讲了，要本人去办。").map(\.rule), ["taboo.repeat"])
        XCTAssertEqual(taboo("規定就是這樣。").map(\.rule), ["taboo.rules"], "Traditional meets the Simplified lexicon")
        // The same words with help offered are good service.
        for text in ["您有不清楚的地方随时问我，我再给您讲一遍。", "没办法今天上门的话，我帮您约明天上午第一单。",
                     "您也可以去附近的营业厅办理，我帮您查一下地址。", "按照规定需要您本人携带身份证办理，您也可以在网上营业厅办理。"] {
            XCTAssertEqual(taboo(text).map(\.rule), [], text)
        }
    }

    func testWhatMustNotBeFlagged() {
        for text in ["不知道是在哪个程序里卡顿呢？", "不知道您方便吗？", "配送员都不知道是什么，所以我这边帮您直接联系商家确认。",
                     "因为这边不知道具体金额，所以先按30元收取，多退少补。", "您不知道也没关系，我来帮您查。",
                     "您是说之前的客服说了“我解决不了”就挂了电话，对吗？我来帮您跟进。", "亲说的\"不行\"是指尺码不合适吗？",
                     "怎么会解决不了呢，我马上帮您处理。"] {
            XCTAssertEqual(taboo(text).map(\.rule), [], text)
        }
        // The customer's words are not held against the agent.
        XCTAssertEqual(taboo("不行，这个方案我不接受。", role: "客户").map(\.rule), [])
        // One fault, one finding: the refusal inside the listed 这是规定，就不行 is not counted twice.
        XCTAssertEqual(taboo("这是规定，就不行。").map(\.rule), ["taboo.rules"])
    }

    func testCurtRefusal() throws {
        let f = try XCTUnwrap(taboo("不可以。").first)
        XCTAssertEqual(f.rule, "refusal.curt")
        XCTAssertEqual(f.severity, .warning)
        XCTAssertEqual(f.text, "不可以")
        XCTAssertEqual(taboo("亲，不支持哦。").map(\.rule), ["refusal.curt"])
        // A reason and an offer of help make it good service.
        XCTAssertEqual(taboo("不可以哦，这个是系统限制的，我帮您转人工核实一下。").map(\.rule), [])
        XCTAssertEqual(taboo("合约期内不能降套餐，不过您可以加一个流量包，价格更划算。").map(\.rule), [])
        // ...also when the help comes in the agent's next turn; a mere 嗯 does not rescue it.
        let rescued = Shipped.check("坐席: 这个不能退的。\n客户: 那怎么办？\n坐席: 不过您可以把它换成同价位的通话包，我现在帮您操作。\n")
        XCTAssertFalse(rescued.findings.contains { $0.rule == "refusal.curt" })
        let curt = Shipped.check("坐席: 这个不能退的。\n客户: 那怎么办？\n坐席: 嗯。\n")
        XCTAssertEqual(curt.findings.filter { $0.rule == "refusal.curt" }.map(\.turn), [1])
        // A listed taboo phrase is the taboo rule's, not a second finding; a question is no refusal.
        XCTAssertEqual(taboo("不行。").map(\.rule), ["taboo.refusal"])
        XCTAssertEqual(taboo("您是说宽带不能上网了对吗？").map(\.rule), [])
        // English too; `we can` inside `we can't` (folded `wecannot`) is no offer of help.
        let en = Shipped.check("# language: en\nAgent: No, we can't do that.\n")
        XCTAssertEqual(en.findings.filter { $0.rule == "refusal.curt" }.map(\.text), ["can't"])
        let enHelp = Shipped.check("# language: en\nAgent: I can't refund it because the window closed, but I can offer store credit.\n")
        XCTAssertFalse(enHelp.findings.contains { $0.rule == "refusal.curt" })
        // Deducts a little, as a warning.
        let rule = try XCTUnwrap(Shipped.catalog.ruleSets[0].headers["refusal.curt"])
        XCTAssertLessThan(rule.deduction, try XCTUnwrap(Shipped.catalog.ruleSets[0].headers["taboo.refusal"]).deduction)
    }

    func testRecognisersHomophonesMatchBySoundAndSaySo() throws {
        let f = try XCTUnwrap(taboo("不知到").first)
        XCTAssertEqual(f.rule, "taboo.dont-know")
        XCTAssertEqual(f.match, .sound)
        XCTAssertEqual(f.text, "不知到")
        XCTAssertTrue(f.detail?.contains("音近") ?? false)
        XCTAssertEqual(taboo("不知道。").first?.match, nil, "a literal match is no sound match")
        for (text, rule) in [("找邻导去", "taboo.elsewhere"), ("呃 不只道啊", "taboo.dont-know"), ("这个我解决不聊", "taboo.cant-solve"),
                             ("你董不懂啊", "taboo.understand"), ("我刚才说锅了", "taboo.repeat")] {
            let found = taboo(text)
            XCTAssertEqual(found.map(\.rule), [rule], text)
            XCTAssertEqual(found.first?.match, .sound, text)
        }
        // The JSON says how it matched.
        let r = Shipped.check("坐席: 找邻导去\n")
        var w = JSONWriter()
        ResultJSON.write(try XCTUnwrap(r.findings.first { $0.rule == "taboo.elsewhere" }), to: &w)
        XCTAssertTrue(String(decoding: w.bytes, as: UTF8.self).contains("\"match\":\"sound\""))
        // Sound matches stay inside exceptions: a polite wonder misheard is still polite.
        XCTAssertEqual(taboo("不知到您现在方便吗 我这边是宽带回访的").map(\.rule), [])
    }

    /// At least 200 frequent harmless words and sentences that share pinyin with taboo phrases.
    func testHarmlessHomophonesProduceNoFinding() throws {
        let text = String(decoding: try Fixtures.bytes("trust/homophones-harmless.txt"), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t")[0]) }
        XCTAssertGreaterThanOrEqual(lines.count, 200)
        let table = SoundTable.shared
        var sharingPinyin = 0
        for line in lines {
            XCTAssertEqual(taboo(line).map(\.rule), [], line)
            if ["bu xing", "bu zhi dao", "bu qing chu", "mei ban fa", "zhao ling dao"].contains(where: { table.pinyin(line).contains($0) }) { sharingPinyin += 1 }
        }
        XCTAssertGreaterThan(sharingPinyin, 100, "the list really is homophones of taboo phrases")
    }

    func testEnglishContractionsFold() {
        let folder = TextFolder()
        for (short, long) in [("there's", "there is"), ("don't", "do not"), ("can't", "cannot"), ("I'm", "I am"), ("won't", "will not"),
                              ("you're", "you are"), ("I'll", "I will"), ("we've", "we have"), ("isn’t", "is not"), ("let's", "let us")] {
            XCTAssertEqual(folder.foldedString(short), folder.foldedString(long), short)
        }
        XCTAssertEqual(folder.foldedString("o'clock"), "oclock", "only contractions expand")
        XCTAssertEqual(folder.foldedString("can not"), folder.foldedString("can't"))
        // Offsets still point at what was written.
        let r = Shipped.check("# language: en\nAgent: Sorry. There is nothing I can do.\n")
        XCTAssertEqual(r.findings.first { $0.rule == "taboo" }?.text, "There is nothing I can do")
        let s = Shipped.check("# language: en\nAgent: Look, there's nothing I can do about it.\n")
        XCTAssertEqual(s.findings.first { $0.rule == "taboo" }?.text, "there's nothing I can do")
    }

    func testTheGreetingCannotAlsoBeTheClosing() {
        // A 26-second call: the agent's opening is in both windows, and the customer hangs up.
        let call = """
        # language: en
        [00:00.0-00:03.0] Agent: Thank you for calling Northwind, how can I help you?
        [00:03.5-00:08.0] Customer: Hi, my internet keeps dropping since this morning.
        [00:08.5-00:15.0] Agent: I see, let me check the line for you.
        [00:16.0-00:26.0] Customer: Actually never mind, I have to go.
        """
        let r = Shipped.check(call + "\n")
        XCTAssertFalse(r.findings.contains { $0.rule == "greeting" })
        XCTAssertTrue(r.findings.contains { $0.rule == "closing" }, "the greeting's evidence is no closing")
        // A closing after the greeting in the same turn still counts.
        let one = Shipped.check("# language: en\n[00:00-00:09] Agent: Thank you for calling, your order has shipped. Have a nice day!\n")
        XCTAssertFalse(one.findings.contains { $0.rule == "closing" })
        let zh = Shipped.check("[00:00-00:08] 坐席: 您好，您的宽带已经恢复了，感谢您的来电，再见。\n")
        XCTAssertFalse(zh.findings.contains { $0.rule == "greeting" || $0.rule == "closing" })
    }
}
