import XCTest
@testable import CallQCText

final class CountingTests: XCTestCase {
    let counter = SpeechCounter()

    func testChineseCountsHanLettersDigitsNotPunctuation() {
        let p = counter.profile("您好，很高兴为您服务！")
        XCTAssertEqual(p.countableCharacters, 9)
        XCTAssertEqual(p.han, 9)
        let q = counter.profile("您的5G套餐是１２８元，VIP专线。")
        // 您的 套餐是 元 专线 = 8 Han, 5G = 2, 128 (full-width) = 3, VIP = 3
        XCTAssertEqual(q.han, 8)
        XCTAssertEqual(q.digits, 4)
        XCTAssertEqual(q.latinLetters, 4)
        XCTAssertEqual(q.countableCharacters, 16)
        XCTAssertEqual(counter.profile("，。！？ 　……").countableCharacters, 0)
    }

    func testEnglishWordsByICUWordBreak() {
        let p = counter.profile("Thank you for calling, how can I help you today?")
        XCTAssertEqual(p.words, 10)
        XCTAssertEqual(p.guess, .english)
        XCTAssertEqual(counter.profile("I don't know. That's not my problem!").words, 7)
        XCTAssertEqual(counter.profile("It costs $12.50 per month.").words, 5)
    }

    func testLanguageGuess() {
        XCTAssertEqual(counter.profile("您好，请问有什么可以帮您？").guess, .chineseSimplified)
        XCTAssertEqual(counter.profile("您好，請問有什麼可以幫您？謝謝您的來電").guess, .chineseTraditional)
        XCTAssertEqual(counter.profile("我的5G套餐，VIP那个").guess, .chineseSimplified)
        XCTAssertEqual(counter.profile("Hola, bon dia, com et dius? Em dic Joan i visc a Girona.").guess, .latinOther)
        XCTAssertEqual(counter.profile("，。！").guess, .unknown)
        XCTAssertEqual(counter.profile("OK").guess, .english)
    }

    func testProfilesAdd() {
        let a = counter.profile("您好"), b = counter.profile("謝謝")
        let sum = a + b
        XCTAssertEqual(sum.han, 4)
        XCTAssertEqual(sum.traditionalHan, 2)
    }
}
