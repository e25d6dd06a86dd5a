import XCTest
@testable import CallQC

/// Random texts built from the pieces the detector reacts to (digits in every writing,
/// separators, context words, '@', 艾特, 点, letters, Han text): the detector never traps,
/// masks keep the length, the gate passes every text the detectors match, and a mobile
/// number planted after 手机号 in random surroundings never survives redaction.
final class PIIFuzzTests: XCTestCase {
    static let pieces: [String] = [
        "1", "3", "8", "0", "5", "9", "12", "138", "1234", "5678", "2014", "01", "31", "00", "X", "x",
        "一", "三", "八", "幺", "洞", "两", "零", "１", "３", "８",
        " ", "  ", "　", "-", "－", ".", "/", "，", ",", "、", "(", ")", "（", "）", ":", "。", "？", "\n",
        "身份证", "卡号", "银行卡", "账号", "密码", "QQ", "扣扣", "微信号", "订单", "单号", "快递", "元", "万", "¥", "比如",
        "我们", "客服", "热线", "电话", "您", "尾号", "后四位", "@", "＠", "艾特", "点", "at", "dot", "com", "qq", "zhang",
        "five", "one", "oh", "password", "wechat", "abc", "_", "您好", "请问", "谢谢", "的", "是", "号码",
    ]

    func randomText(_ rng: inout SplitMix64, pieces count: Int) -> String {
        var s = ""
        for _ in 0..<count { s += PIIFuzzTests.pieces[Int(rng.next() % UInt64(PIIFuzzTests.pieces.count))] }
        return s
    }

    func testRandomTextsNeverTrapAndKeepTheirLength() {
        var rng = SplitMix64(seed: 0x5049_4946_555A)
        let detector = PIIDetector()
        for _ in 0..<20_000 {
            let text = randomText(&rng, pieces: 1 + Int(rng.next() % 40))
            let chars = Array(text.unicodeScalars)
            let found = detector.find(in: text)
            for m in found {
                XCTAssertEqual(m.masked.unicodeScalars.count, m.span.count, text)
                XCTAssertTrue(m.span.upperBound <= chars.count, text)
            }
            XCTAssertEqual(detector.redact(text).unicodeScalars.count, chars.count, text)
            // The gate lets through every text the detectors would match.
            let gate = PIIDetector.Gate(text)
            if !gate.mayHold {
                XCTAssertTrue(detector.scan(chars, latin: !gate.han).isEmpty, "the gate skipped a match: \(text)")
            }
        }
    }

    func testRandomCallsNeverTrap() {
        var rng = SplitMix64(seed: 0x4341_4C4C)
        let detector = PIIDetector()
        for _ in 0..<3_000 {
            let n = 1 + Int(rng.next() % 6)
            let turns: [(speaker: String, text: String)] = (0..<n).map { _ in
                (speaker: rng.next() % 2 == 0 ? "A" : "B", text: randomText(&rng, pieces: Int(rng.next() % 12)))
            }
            let masked = detector.redact(turns: turns)
            for (t, m) in zip(turns, masked) { XCTAssertEqual(t.text.unicodeScalars.count, m.unicodeScalars.count, t.text) }
            let words = turns.flatMap { $0.text.split(separator: " ").map(String.init) }
            XCTAssertEqual(detector.maskWords(words, turnText: turns.map(\.text).joined(separator: " "), turnMatches: []).count, words.count)
        }
    }

    func testAPlantedNumberNeverSurvivesItsSurroundings() {
        var rng = SplitMix64(seed: 0x504C_414E_54)
        let detector = PIIDetector()
        let separators = ["", " ", "　", "-", "－", ".", "/", "  ", "，"]
        var planted = 0
        for _ in 0..<20_000 {
            var digits = "1" + String("3456789".randomElement(using: &rng)!)
            for _ in 0..<9 { digits += String("0123456789".randomElement(using: &rng)!) }
            if digits == "13800138000" { continue }
            let sep = separators[Int(rng.next() % UInt64(separators.count))]
            let a = digits.prefix(3), b = digits.dropFirst(3).prefix(4), c = digits.suffix(4)
            let number = a + sep + b + sep + c
            let text = randomText(&rng, pieces: Int(rng.next() % 15)) + "。我的手机号是" + number + "，谢谢。" + randomText(&rng, pieces: Int(rng.next() % 15))
            let red = detector.redact(text)
            planted += 1
            XCTAssertFalse(red.contains(String(number)), "leaked: \(text) → \(red)")
            XCTAssertTrue(red.contains(a + sep + "****" + sep + c), "middle digits not masked: \(text) → \(red)")
        }
        XCTAssertGreaterThan(planted, 19_000)
    }
}

extension SplitMix64: RandomNumberGenerator {}
