import XCTest
@testable import CallQC

/// Gaps found in review: numbers read as amounts because of the word after them, numbers
/// glued to a Latin word.
final class ReviewPIITests: XCTestCase {
    let detector = PIIDetector()

    func testAWordAfterANumberIsNoUnit() {
        // w, k, 美, 日 begin words as well as units (10w, 5k, 美元, 日元).
        XCTAssertEqual(detector.redact("call me at 13812345678 when you can"), "call me at 138****5678 when you can")
        XCTAssertEqual(detector.redact("or 5552123456 works too"), "or 555***3456 works too")
        XCTAssertEqual(detector.redact("13812345678 keeps ringing"), "138****5678 keeps ringing")
        XCTAssertEqual(detector.redact("我的手机13812345678美团也用这个"), "我的手机138****5678美团也用这个")
        XCTAssertEqual(detector.redact("手机号13812345678日常都开着"), "手机号138****5678日常都开着")
        XCTAssertEqual(detector.redact("手机号13812345678港澳也能用"), "手机号138****5678港澳也能用")
        // Units stay units.
        for amount in ["13812345678w", "13800000000k的预算", "13812345678美元", "13812345678日元", "13812345678元", "13812345678 yuan", "13812345678港币", "13812345678英镑"] {
            XCTAssertEqual(detector.redact(amount), amount, amount)
        }
    }

    func testAMobileGluedToALatinWord() {
        XCTAssertEqual(detector.redact("my number is13812345678"), "my number is138****5678")
        XCTAssertEqual(detector.redact("tel13812345678"), "tel138****5678")
        XCTAssertEqual(detector.redact("Mobile13812345678 thanks"), "Mobile138****5678 thanks")
        // Codes stay codes: capitals before the digits.
        for code in ["工号A042", "物流单号 YT1234567890123", "SF1402938475621", "JDVA12345678901", "V13812345678", "ID13812345678X"] {
            XCTAssertEqual(detector.redact(code), code, code)
        }
    }

    func testAMobileReadAsANorthAmericanNumberIsMaskedAsAMobile() {
        // In an English text, 1 3 8 1 2 3 4 5 6 7 8 is also +1 (381) 234-5678: no more than a mobile's mask shows.
        XCTAssertEqual(detector.redact("my number is 1 3 8 1 2 3 4 5 6 7 8"), "my number is 1 3 8 * * * * 5 6 7 8")
        XCTAssertEqual(detector.redact("call 1 555 212 3456"), "call 1 555 *** 3456")
    }
}
extension ReviewPIITests {
    /// An example word (比如, 格式, for example) lowers a number given as an example; the
    /// speaker's own number after it (我的, my, 我) is no example.
    func testAnExampleWordDoesNotLowerTheSpeakersOwnNumber() {
        XCTAssertEqual(detector.redact("你们说我手机号格式不对，我的是13812345678"), "你们说我手机号格式不对，我的是138****5678")
        XCTAssertEqual(detector.redact("举个例子吧，我的号码13812345678一直收不到"), "举个例子吧，我的号码138****5678一直收不到")
        XCTAssertEqual(detector.redact("for example my own number is 5552123456"), "for example my own number is 555***3456")
        XCTAssertEqual(detector.redact("比如说我身份证11010519491231002X"), "比如说我身份证1101**********002X")
        // Examples stay examples.
        for example in ["比如13912345678这样的格式就行", "格式是13812345678这样", "for example 5552123456", "例如您输入11010519491231002X"] {
            XCTAssertEqual(detector.redact(example), example, example)
        }
    }

    /// "example" in the domain of an address (x@example.co.uk) is no example word for what follows.
    func testAnExampleDomainIsNoExampleWord() {
        XCTAssertEqual(detector.redact("js@Example.co.uk or john dot smith at gmail dot com"), "j*@Example.co.uk or j*** *** ***** at gmail dot com")
        XCTAssertEqual(detector.redact("mail me at a@example.com, phone 13812345678"), "mail me at a@example.com, phone 138****5678")
    }

    /// A dotted number (a version, an address) is one number: no personal number is read
    /// from its middle.
    func testNoNumberReadFromTheMiddleOfADottedNumber() {
        for decoy in ["版本 10.0.19041.1234", "build 6.1.7601.17514", "IP 192.168.100.100"] {
            XCTAssertEqual(detector.redact(decoy), decoy, decoy)
        }
        XCTAssertEqual(detector.redact("手机 138.1234.5678"), "手机 138.****.5678")
        XCTAssertEqual(detector.redact("联系方式：1.13812345678 2.13912345678"), "联系方式：1.138****5678 2.139****5678")
        XCTAssertEqual(detector.redact("座机 0755.8888.6666"), "座机 0755.****.**66")
    }
}
