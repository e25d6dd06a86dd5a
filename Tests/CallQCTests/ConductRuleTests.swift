import XCTest
@testable import CallQC
import CallQCText

/// The new kinds on realistic calls, through the shipped conduct rules (zh-CN and en) and
/// small rule sets: where a naive implementation goes wrong.
final class ConductRuleTests: XCTestCase {
    func findings(_ r: CallResult, _ rule: String) -> [Finding] { r.findings.filter { $0.rule == rule } }

    // MARK: sequence

    func testAccountDetailsBeforeVerificationPointAtBothTurns() throws {
        let r = Shipped.sample("account-before-verification.txt")
        let f = try XCTUnwrap(findings(r, "identity.before-account").first)
        XCTAssertEqual(f.turn, 3)
        XCTAssertEqual(f.text, "您的余额")
        XCTAssertEqual(f.relatedTurns, [5], "the verification that came too late is evidence too")
        XCTAssertEqual(findings(r, "identity.before-account").count, 1, "one fault per call, not one per detail given")
    }

    func testVerificationFirstPassesAndTheOrderInsideOneTurnCounts() {
        XCTAssertTrue(findings(Shipped.check("""
        客户: 帮我查下话费。
        坐席: 好的，先核实一下您的身份，请说一下身份证后四位。
        客户: 3321。
        坐席: 您的余额是三十二元。
        """), "identity.before-account").isEmpty)
        // Traditional Chinese, detail first and the check after it in the same turn: flagged.
        let r = Shipped.check("""
        客戶: 幫我查下話費。
        坐席: 您的餘額是三十二元，麻煩核實一下您的身份。
        """)
        XCTAssertEqual(findings(r, "identity.before-account").first?.text, "您的餘額")
        // The customer giving the digits unasked is verification too.
        XCTAssertTrue(findings(Shipped.check("""
        客户: 我是机主，身份证后四位是3321，帮我查下话费。
        坐席: 好的，您的余额是三十二元。
        """), "identity.before-account").isEmpty)
        // A call that gives no account details is not judged.
        XCTAssertTrue(findings(Shipped.check("客户: 营业厅几点关门？\n坐席: 晚上八点。\n"), "identity.before-account").isEmpty)
    }

    func testEnglishAccountDetailsBeforeVerification() {
        let r = Shipped.sample("english-account-before-verification.txt")
        XCTAssertEqual(findings(r, "identity.before-account").map(\.turn), [3])
        XCTAssertTrue(findings(Shipped.sample("english-good-call.txt"), "identity.before-account").isEmpty)
    }

    func testSequenceWithinAndRequireBoth() throws {
        let set = try RuleKindTests.ruleSet("""
        rules:
          - id: order.confirm
            kind: sequence
            message: 办理前须复述确认
            section: completeness
            first: {phrases: [跟您确认一下]}
            then: {phrases: [已为您办理]}
            require_both: true
            within: {turns: 3}
        """, in: self)
        let checker = Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true))
        func check(_ text: String) -> [Finding] {
            checker.check(TranscriptLoader().read(bytes: Array(text.utf8), source: "t.txt").calls[0], with: set).findings
        }
        XCTAssertEqual(check("坐席: 跟您确认一下，办理三十元流量包。\n客户: 对。\n坐席: 已为您办理。\n").count, 0)
        let far = check("坐席: 跟您确认一下。\n客户: 嗯。\n坐席: 稍等。\n客户: 好。\n坐席: 已为您办理。\n")
        XCTAssertEqual(far.first?.turn, 5)
        XCTAssertTrue(far.first?.detail?.contains("more than 3 turns") ?? false, far.first?.detail ?? "")
        XCTAssertEqual(far.first?.relatedTurns, [1])
        let neither = check("坐席: 您好。\n客户: 你好。\n")
        XCTAssertEqual(neither.count, 1, "require_both: a call without either is a finding")
        XCTAssertNil(neither.first?.turn)
    }

    // MARK: anchored

    func testNoApologyAfterAComplaintPointsAtTheWindow() throws {
        let r = Shipped.sample("complaint-stonewalled.txt")
        let f = findings(r, "complaint.apology")
        XCTAssertEqual(f.map(\.turn), [2, 8])
        XCTAssertEqual(f.first?.relatedTurns, [3, 5], "the two agent turns looked at")
        XCTAssertTrue(findings(Shipped.sample("complaint.txt"), "complaint.apology").isEmpty, "请您谅解, 表示歉意 are apologies")
    }

    func testApologyOnlyAfterTheCueAndOnlyWithinTwoAgentTurns() {
        let late = Shipped.check("""
        客户: 你们乱扣费，我要投诉！
        坐席: 扣费是按套餐来的。
        客户: 我不管。
        坐席: 您可以去营业厅问。
        客户: 你们太过分了。
        坐席: 抱歉。
        """)
        XCTAssertEqual(findings(late, "complaint.apology").map(\.turn), [1], "an apology in the third agent turn is too late")
        let before = Shipped.check("""
        坐席: 不好意思让您久等了。
        客户: 你们乱扣费，我要投诉！
        坐席: 扣费是按套餐来的。
        """)
        XCTAssertEqual(findings(before, "complaint.apology").count, 1, "an apology before the complaint does not answer it")
        let agentSaysIt = Shipped.check("坐席: 您要投诉的话可以打这个电话。\n客户: 好的。\n")
        XCTAssertTrue(findings(agentSaysIt, "complaint.apology").isEmpty, "the anchor is the customer's word, not the agent's")
        let en = Shipped.sample("english-complaint-stonewalled.txt")
        XCTAssertEqual(findings(en, "complaint.apology").map(\.turn), [2, 8])
    }

    func testAnchoredLooksBeforeAndMustNotFollow() throws {
        let set = try RuleKindTests.ruleSet("""
        rules:
          - id: transfer.announced
            kind: anchored
            message: 转接前未告知客户稍等
            section: listening
            anchor: {phrases: [现在为您转接], roles: [agent]}
            response: {phrases: [请您稍等, 请稍等]}
            look: before
            within: {turns: 1}
          - id: pitch.after-no
            kind: anchored
            message: 客户拒绝后继续推销
            section: politeness
            anchor: {phrases: [不需要, 不用了]}
            response: {phrases: [为您推荐, 给您推荐]}
            expect: absent
            within: {turns: 2}
          - id: monologue
            kind: call
            message: 坐席独白，客户几乎没说话
            section: listening
            agent_share: {above: 0.9}
            first_speaker: agent
        """, in: self)
        let checker = Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true))
        func rules(_ text: String) -> [String] {
            checker.check(TranscriptLoader().read(bytes: Array(text.utf8), source: "t.txt").calls[0], with: set).findings.map(\.rule)
        }
        XCTAssertEqual(rules("客户: 我要办宽带。\n坐席: 请您稍等，现在为您转接。\n"), [], "said before the cue, in the same turn")
        XCTAssertEqual(rules("客户: 我要办宽带。\n坐席: 现在为您转接，请稍等。\n"), ["transfer.announced"], "said after it is too late")
        XCTAssertEqual(rules("坐席: 给您推荐一个套餐。\n客户: 不需要，谢谢。\n坐席: 好的，打扰了。\n"), [])
        let pushy = try XCTUnwrap(checker.check(TranscriptLoader().read(bytes: Array("客户: 不用了。\n坐席: 那再给您推荐一个流量包吧。\n".utf8), source: "t.txt").calls[0], with: set)
            .findings.first { $0.rule == "pitch.after-no" })
        XCTAssertEqual(pushy.turn, 2)
        XCTAssertEqual(pushy.relatedTurns, [1])
        let long = String(repeating: "我们这个套餐非常划算，", count: 20)
        XCTAssertEqual(rules("[00:00-01:00] 坐席: \(long)\n[01:01-01:02] 客户: 嗯。\n"), ["monologue"])
        XCTAssertEqual(rules("[00:00-00:02] 客户: 喂？\n[00:03-01:00] 坐席: \(long)\n"), [], "the customer spoke first")
    }

    // MARK: repetition

    func testRepeatedSentenceDespiteRecognitionErrors() throws {
        let r = Shipped.sample("complaint-stonewalled.txt")
        let f = try XCTUnwrap(findings(r, "listening.repetition").first)
        XCTAssertEqual(f.turn, 7)
        XCTAssertEqual(f.relatedTurns, [3, 5])
        XCTAssertEqual(f.text, "女士，这个是系统自动扣的，没办法给您退的")
        XCTAssertEqual(findings(Shipped.sample("english-complaint-stonewalled.txt"), "listening.repetition").map(\.turn), [7])
    }

    func testRepetitionLeavesOutSetPhrasesTwiceAndFarApart() {
        let line = Shipped.check("坐席: 喂，您好，能听到吗？\n客户: 喂？\n坐席: 喂您好能听到吗？\n客户: 喂喂？\n坐席: 喂，您好，能听到吗？\n")
        XCTAssertTrue(findings(line, "listening.repetition").isEmpty, "a bad line: set phrases may be repeated")
        let twice = Shipped.check("坐席: 这个是系统规定的没办法。\n客户: 啊？\n坐席: 这个是系统规定的没办法。\n")
        XCTAssertTrue(findings(twice, "listening.repetition").isEmpty, "two is not three")
        var far = "坐席: 这个是系统规定的没办法。\n"
        let fillers = ["您的宽带是三百兆的", "上个月的账单已经出来了", "这个业务是十一月开通的", "营业厅晚上八点关门", "维修师傅下午会联系您",
                       "积分可以兑换话费", "流量包下个月生效", "发票可以在网上开", "合约期还有半年", "您可以在应用里查看", "停机保号每月五元", "国际漫游需要单独开通"]
        for (i, filler) in fillers.enumerated() { far += "客户: 第\(i)个问题。\n坐席: \(filler)。\n" }
        far += "坐席: 这个是系统规定的没办法。\n坐席: 这个是系统规定的没办法。\n"
        XCTAssertTrue(findings(Shipped.check(far), "listening.repetition").isEmpty, "the first is more than 10 agent turns before the others")
        let different = Shipped.check("坐席: 您的套餐是五十八元。\n坐席: 您的流量是三十个G。\n坐席: 您的通话是五百分钟。\n")
        XCTAssertTrue(findings(different, "listening.repetition").isEmpty, "similar frames, different content")
    }

    /// The cheap bound that skips most pairs never exceeds the edit distance (else a repeat would be missed).
    func testRepetitionBoundNeverExceedsTheEditDistance() {
        var g = SystemRandomNumberGenerator()
        let alphabet: [UInt32] = Array("这个是系统规定的没有办法给您退女士好查一下".unicodeScalars.map(\.value))
        for _ in 0..<500 {
            let a = (0..<Int.random(in: 6...40, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            var b = a
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                switch Int.random(in: 0..<3, using: &g) {
                case 0 where !b.isEmpty: b.remove(at: Int.random(in: 0..<b.count, using: &g))
                case 1: b.insert(alphabet.randomElement(using: &g)!, at: Int.random(in: 0...b.count, using: &g))
                default: if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &g)] = alphabet.randomElement(using: &g)! }
                }
            }
            if b.isEmpty { continue }
            let sa = RepetitionCheck.Sentence(turn: 0, folded: 0..<1, scalars: a, order: 0)
            let sb = RepetitionCheck.Sentence(turn: 0, folded: 0..<1, scalars: b, order: 0)
            let exact = RepetitionCheck.similarity(a, b, least: 0.0)
            let distance = Int((1 - exact) * Double(max(a.count, b.count)) + 0.5)
            XCTAssertLessThanOrEqual(sa.distanceBound(sb), distance, "\(a) \(b)")
        }
    }

    /// The banded edit distance gives exactly what the whole table gives, at every threshold: the same
    /// similarity when the distance is within the budget, 0 when it is not.
    func testBandedSimilarityEqualsTheWholeTable() {
        func reference(_ a: [UInt32], _ b: [UInt32], least: Double) -> Double {
            let longer = max(a.count, b.count)
            if longer == 0 { return 1 }
            if a.isEmpty || b.isEmpty { return 0 }
            var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { d[i][0] = i }
            for j in 0...b.count { d[0][j] = j }
            for i in 1...a.count { for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            } }
            let budget = Int((1 - least) * Double(longer) + 1e-9)
            let distance = d[a.count][b.count]
            return distance > budget ? 0 : 1 - Double(distance) / Double(longer)
        }
        var g = SystemRandomNumberGenerator()
        let alphabet: [UInt32] = Array("您好请问有什么可以帮您套餐流量话费abc".unicodeScalars.map(\.value))
        for _ in 0..<3000 {
            let a = (0..<Int.random(in: 1...30, using: &g)).map { _ in alphabet.randomElement(using: &g)! }
            var b = a
            for _ in 0..<Int.random(in: 0...10, using: &g) {
                switch Int.random(in: 0..<3, using: &g) {
                case 0 where b.count > 1: b.remove(at: Int.random(in: 0..<b.count, using: &g))
                case 1: b.insert(alphabet.randomElement(using: &g)!, at: Int.random(in: 0...b.count, using: &g))
                default: b[Int.random(in: 0..<b.count, using: &g)] = alphabet.randomElement(using: &g)!
                }
            }
            for least in [0.0, 0.5, 0.7, 0.8, 0.9, 1.0] {
                XCTAssertEqual(RepetitionCheck.similarity(a, b, least: least), reference(a, b, least: least), "\(a) \(b) \(least)")
            }
        }
    }

    // MARK: call facts

    func testAbnormalHangUpNeedsTimesAndTheCustomersUnansweredQuestion() throws {
        let r = Shipped.sample("abnormal-hangup.txt")
        let f = try XCTUnwrap(findings(r, "call.hang-up").first)
        XCTAssertEqual(f.turn, 4)
        XCTAssertTrue(f.detail?.contains("duration 27 s (below 60)") ?? false, f.detail ?? "")
        XCTAssertEqual(findings(Shipped.sample("english-dropped-call.txt"), "call.hang-up").map(\.turn), [4])
        let untimed = Shipped.check("坐席: 您好，请讲。\n客户: 我家宽带什么时候能修好？\n")
        XCTAssertTrue(findings(untimed, "call.hang-up").isEmpty, "no times, no duration: never a guess")
        let answered = Shipped.check("[00:00-00:04] 坐席: 您好，请讲。\n[00:05-00:09] 客户: 宽带什么时候能修好？\n[00:10-00:14] 坐席: 今天下午。\n")
        XCTAssertTrue(findings(answered, "call.hang-up").isEmpty)
        let thanks = Shipped.check("[00:00-00:04] 坐席: 您好，已经修好了。\n[00:05-00:09] 客户: 好的谢谢。\n")
        XCTAssertTrue(findings(thanks, "call.hang-up").isEmpty, "the customer ending with thanks is no hang-up")
        XCTAssertTrue(CallFactsCheck.isQuestion("你们到底能不能修", folded: "你们到底能不能修"), "unpunctuated A-not-A")
        XCTAssertFalse(CallFactsCheck.isQuestion("好的，谢谢", folded: "好的谢谢"))
        XCTAssertFalse(CallFactsCheck.isQuestion("我帮您看看", folded: "我帮您看看"))
        XCTAssertTrue(CallFactsCheck.isQuestion("是不是又断网了", folded: "是不是又断网了"))
    }

    // MARK: pattern

    func testCompensationAmountInTraditionalChineseAndEnglish() {
        let zh = Shipped.check("坐席: 這樣吧，我們賠您兩百塊，您看行嗎？\n")
        XCTAssertEqual(findings(zh, "info.compensation-amount").first?.text, "賠您兩百塊", "found on folded text, quoted as written")
        XCTAssertTrue(findings(Shipped.check("坐席: 您的套餐费58元已经扣了。\n"), "info.compensation-amount").isEmpty)
        let en = Shipped.check("# language: en\nAgent: We can refund you $80 today.\n")
        XCTAssertEqual(findings(en, "info.compensation-amount").first?.text, "refund you $80")
    }

    func testPatternNotPatternOverlapAndICURegexMatchesByteOffsets() throws {
        let re = try ICURegex("[0-9]+元")
        let bytes = Array("套餐58元流量12元".utf8)
        XCTAssertEqual(re.matches(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }, ["58元", "12元"])
        XCTAssertThrowsError(try ICURegex("([0-9]+"))
        // A matcher per use: two threads at once each get their own.
        let results = UnsafeSendableBox<[Int]>(Array(repeating: 0, count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let m = re.matcher()
            var n = 0
            for _ in 0..<200 { n += m.matches(in: bytes).count }
            results.set(i, n)
        }
        XCTAssertEqual(results.values, Array(repeating: 400, count: 8))
    }

    /// ICU reads the text as UTF-16 with a map back to UTF-8 offsets: matches after four-byte scalars (an emoji,
    /// 𠀀 from CJK extension B) and in a text longer than the shim's stack buffer still come back as the right
    /// UTF-8 byte ranges, and a case-insensitive English pattern with word boundaries finds the same matches.
    func testICURegexByteOffsetsAfterFourByteScalarsAndInLongTexts() throws {
        let re = try ICURegex("(赔偿|补偿|返还|退|送)(您|你)?[0-9一二两三四五六七八九十百千万]+(元|块)")
        func quoted(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            return re.matches(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
        XCTAssertEqual(quoted("😀😀给您补偿50元，𠀀再送你两百块🎁"), ["补偿50元", "送你两百块"])
        let long = String(repeating: "您好😀这个套餐𠀀每个月的费用是不变的，", count: 60) + "我们给您返还三十元"
        XCTAssertGreaterThan(long.utf8.count, 1024)
        XCTAssertEqual(quoted(long), ["返还三十元"])
        let ranges = re.matches(in: Array(long.utf8))
        XCTAssertEqual(ranges.first?.upperBound, long.utf8.count)
        let english = try ICURegex(#"(?i)\b(credit|refund)\w*\s+(you\s+)?(\$\s?\d+|\d+\s*(dollars|bucks))"#)
        let text = "👍 I'll REFUND you $20 now, and credit 15 dollars — not discredit 5 bucks"
        let bytes = Array(text.utf8)
        XCTAssertEqual(english.matches(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }, ["REFUND you $20", "credit 15 dollars"])
    }

    // MARK: composite

    func testBenefitsComposite() throws {
        let thin = try XCTUnwrap(findings(Shipped.sample("sales-thin-pitch.txt"), "sales.benefits").first)
        XCTAssertEqual(thin.turn, 3)
        XCTAssertTrue(thin.detail?.contains("at least 2 of [price ✗, speed ✗, extras ✗]: 0") ?? false, thin.detail ?? "")
        XCTAssertTrue(findings(Shipped.sample("sales-call.txt"), "sales.benefits").isEmpty, "price and speed: two of three")
        XCTAssertEqual(findings(Shipped.sample("english-thin-pitch.txt"), "sales.benefits").map(\.turn), [3])
        XCTAssertTrue(findings(Shipped.sample("english-good-call.txt"), "sales.benefits").isEmpty)
        XCTAssertTrue(findings(Shipped.sample("good-call-broadband.txt"), "sales.benefits").isEmpty, "no pitch, not judged")
    }

    func testCompositeOfOtherRulesAndCallFacts() throws {
        let set = try RuleKindTests.ruleSet("""
        rules:
          - id: taboo.dont-know
            kind: forbidden
            message: 忌语
            section: politeness
            phrases: [不知道]
          - id: escalate
            kind: composite
            message: 客户投诉且坐席使用忌语，或通话过短
            section: politeness
            veto: true
            conditions:
              taboo: {rule: taboo.dont-know}
              complained: {phrases: [投诉], roles: [customer]}
              short: {kind: call, turns: {below: 3}}
            when:
              any:
                - all: [taboo, complained]
                - short
        """, in: self)
        let checker = Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true))
        func check(_ text: String) -> CallResult {
            checker.check(TranscriptLoader().read(bytes: Array(text.utf8), source: "t.txt").calls[0], with: set)
        }
        let both = check("客户: 我要投诉你们。\n坐席: 我不知道。\n客户: 什么态度！\n")
        let f = try XCTUnwrap(both.findings.first { $0.rule == "escalate" })
        XCTAssertEqual(f.turn, 1)
        XCTAssertEqual(f.relatedTurns, [2])
        XCTAssertEqual(both.scorecard?.veto, true)
        XCTAssertTrue(check("客户: 我要投诉你们。\n坐席: 我帮您查。\n客户: 好。\n").findings.filter { $0.rule == "escalate" }.isEmpty)
        XCTAssertEqual(check("客户: 喂？\n坐席: 您好。\n").findings.filter { $0.rule == "escalate" }.count, 1, "short call")
    }
}

/// A box the concurrent test writes one slot of per thread.
final class UnsafeSendableBox<T>: @unchecked Sendable {
    private var storage: [Int]
    private let lock = NSLock()
    init(_ v: [Int]) { storage = v }
    func set(_ i: Int, _ v: Int) { lock.lock(); storage[i] = v; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}
