import XCTest
@testable import CallQCText

final class SimilarityTests: XCTestCase {
    let folder = TextFolder()
    func s(_ t: String) -> [UInt32] { folder.fold(t).scalars }
    func sim(_ phrase: String, _ text: String) -> Double { TextSimilarity.match(s(phrase), in: s(text)).similarity }

    func testExactPhraseInsideALongerTurn() {
        let m = TextSimilarity.match(s("请问您现在方便吗"), in: s("张女士您好，我是星联移动的外呼员，请问您现在方便吗？"))
        XCTAssertEqual(m.similarity, 1)
        let text = s("张女士您好，我是星联移动的外呼员，请问您现在方便吗？")
        XCTAssertEqual(String(String.UnicodeScalarView(text[m.range].compactMap(Unicode.Scalar.init))), "请问您现在方便吗")
    }

    func testASRGarblesStillMatch() {
        // 需要 heard as 须腰, 再 as 在, a dropped character.
        XCTAssertGreaterThan(sim("宽带需要单独交费", "宽带须腰单独交费，每个月三十元"), 0.7)
        XCTAssertGreaterThan(sim("如果有问题您可以再打过来", "如果有问题您可以在打过来"), 0.9)
        XCTAssertGreaterThan(sim("请问您对我们的网络质量满意吗", "请问您对我们网络质量满意吗"), 0.9)
        // Traditional and spacing do not matter.
        XCTAssertEqual(sim("请问您对我们的网络质量满意吗", "請問 您對我們的網絡質量 滿意嗎？"), 1)
    }

    /// Reworded sentences score about half: below the default threshold (0.6), above
    /// unrelated speech. A script lists the rewordings it accepts as alternative phrasings.
    func testParaphraseIsPartlyTolerated() {
        XCTAssertGreaterThanOrEqual(sim("请问您现在方便吗", "您现在说话方便吗"), 0.5)
        XCTAssertGreaterThanOrEqual(sim("请您用1到10分打分", "您给打个分吧，1到10分"), 0.5)
        XCTAssertLessThan(sim("请您用1到10分打分", "您给打个分吧，1到10分"), 0.6)
    }

    func testUnrelatedSentencesStayLow() {
        XCTAssertLessThan(sim("请问您现在方便吗", "我帮您查一下，请稍等"), 0.45)
        XCTAssertLessThan(sim("请问您愿意把我们的宽带推荐给亲戚朋友吗", "好的，已经为您记录，谢谢"), 0.35)
        XCTAssertLessThan(sim("装维师傅有没有出示工作证件", "您的宽带账号是多少"), 0.35)
        XCTAssertEqual(sim("您好", ""), 0)
        XCTAssertEqual(sim("", "您好"), 0)
    }
}

final class SimilarityBoundTests: XCTestCase {
    /// The prefilter never skips a phrase that would have reached the threshold.
    func testCouldReachIsAnExactBound() {
        var rng = UInt64(99)
        func rand(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int((rng >> 33) % UInt64(n)) }
        let alphabet: [UInt32] = Array("您好欢迎致电很高兴为服务请问".unicodeScalars.map(\.value))
        for _ in 0..<3000 {
            let phrase = (0..<(1 + rand(9))).map { _ in alphabet[rand(alphabet.count)] }
            let text = (0..<rand(40)).map { _ in alphabet[rand(alphabet.count)] }
            let sim = TextSimilarity.match(phrase, in: text).similarity
            for threshold in [0.3, 0.5, 0.6, 0.75] {
                let plain = TextSimilarity.couldReach(threshold, phrase, textCharacters: Set(text))
                XCTAssertEqual(TextSimilarity.couldReach(threshold, TextSimilarity.Prepared(phrase), textCharacters: Set(text)), plain)
                if plain { XCTAssertTrue(TextSimilarity.couldReach(threshold, TextSimilarity.Prepared(phrase), filter: .init(text)), "a Bloom filter never says no wrongly") }
                if sim >= threshold { XCTAssertTrue(plain, "\(phrase) in \(text): \(sim)") }
            }
        }
    }
}
