import XCTest
@testable import CallQCText

final class FoldingTests: XCTestCase {
    let folder = TextFolder()

    func testSpacingAndPunctuationFoldAlike() {
        XCTAssertEqual(folder.foldedString("您 好 ，"), "您好")
        XCTAssertEqual(folder.foldedString("您好"), "您好")
        XCTAssertEqual(folder.foldedString("您好！"), "您好")
        XCTAssertEqual(folder.foldedString("　您好。\t\n"), "您好")
    }

    func testTraditionalFoldsToSimplified() {
        XCTAssertEqual(folder.foldedString("歡迎致電"), "欢迎致电")
        XCTAssertEqual(folder.foldedString("很高興為您服務"), "很高兴为您服务")
        XCTAssertEqual(folder.foldedString("謝謝您的來電，再見！"), "谢谢您的来电再见")
        // Simplified text is left as it is.
        XCTAssertEqual(folder.foldedString("欢迎致电中国移动"), "欢迎致电中国移动")
        // 覆 is Simplified too (覆盖): the override keeps it.
        XCTAssertEqual(folder.foldedString("網絡覆蓋"), "网络覆盖")
    }

    func testFullWidthAndCase() {
        XCTAssertEqual(folder.foldedString("ＶＩＰ客户"), "vip客户")
        XCTAssertEqual(folder.foldedString("５Ｇ套餐１２８元"), "5g套餐128元")
        XCTAssertEqual(folder.foldedString("Thank You For Calling!"), "thankyouforcalling")
        XCTAssertEqual(folder.foldedString("STRASSE straße"), "strassestrasse")
    }

    func testCombiningSequencesUseICU() {
        // e + combining acute folds like the precomposed é.
        XCTAssertEqual(folder.foldedString("Cafe\u{301}"), folder.foldedString("Café"))
        XCTAssertEqual(folder.foldedString("Cafe\u{301}"), "café")
        // Conjoining Hangul jamo compose into the syllable.
        XCTAssertEqual(folder.foldedString("\u{1100}\u{1161}"), "\u{AC00}")
        // Supplementary-plane characters survive (a CJK Extension B character, an emoji).
        XCTAssertEqual(folder.foldedString("𠀀 😀"), "𠀀😀")
    }

    func testOffsetsMapBackExactly() {
        let text = "客户：您 好 ，歡迎致電！"
        let folded = folder.fold(text)
        XCTAssertEqual(folded.string, "客户您好欢迎致电")
        XCTAssertEqual(folded.bytes.count, folded.sourceStart.count)
        XCTAssertEqual(folded.bytes.count, folded.sourceEnd.count)
        // Find 欢迎 in the folded text and show it as the user wrote it.
        let needle = Array("欢迎".utf8)
        let at = indexOf(needle, in: folded.bytes)!
        let range = at..<(at + needle.count)
        XCTAssertEqual(folded.originalText(of: range, in: text), "歡迎")
        XCTAssertEqual(folded.originalScalarRange(of: range, in: text), 8..<10)
        // A span across dropped characters covers them in the original.
        let hello = Array("您好".utf8)
        let h = indexOf(hello, in: folded.bytes)!
        XCTAssertEqual(folded.originalText(of: h..<(h + hello.count), in: text), "您 好")
    }

    func testOffsetsForMultiScalarFoldings() {
        // ㈱ folds to "株" plus dropped parentheses; ﬁ to "fi": both bytes map to the ligature.
        let text = "aﬁb"
        let folded = folder.fold(text)
        XCTAssertEqual(folded.string, "afib")
        XCTAssertEqual(folded.originalText(of: 1..<3, in: text), "ﬁ")
        XCTAssertEqual(folded.originalText(of: 1..<2, in: text), "ﬁ")
        XCTAssertEqual(folded.originalScalarRange(of: 3..<4, in: text), 2..<3)
    }

    func testEveryFoldedByteMapsInsideTheOriginal() {
        let samples = ["", "，。！？", "坐席：您好，請問有什麼可以幫您？", "ＡＢＣ　ｄｅｆ", "Cafe\u{301} ﬁ ㈱ ①②", "😀👍🏽 e\u{301}\u{302}"]
        for text in samples {
            let folded = folder.fold(text)
            let count = text.utf8.count
            for i in 0..<folded.bytes.count {
                XCTAssertLessThan(folded.sourceStart[i], folded.sourceEnd[i], text)
                XCTAssertLessThanOrEqual(Int(folded.sourceEnd[i]), count, text)
                if i > 0 { XCTAssertLessThanOrEqual(folded.sourceStart[i - 1], folded.sourceStart[i], text) }
            }
        }
        XCTAssertTrue(folder.fold("").isEmpty)
        XCTAssertTrue(folder.fold("，。 ！").isEmpty)
    }

    /// The table must agree with ICU applied to whole text (NFKC_Casefold, then
    /// Traditional-Simplified, then dropping spaces and punctuation), on a broad sample.
    func testTableAgreesWithICUOnBroadSample() throws {
        let translit = try XCTUnwrap(Transliterator(id: "Traditional-Simplified"))
        var ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x24F, 0x370...0x3FF, 0x400...0x4FF, 0x2000...0x206F,
            0x2460...0x24FF, 0x3000...0x303F, 0x3040...0x30FF, 0x3200...0x32FF,
            0xFF00...0xFFEF, 0xAC00...0xAC40, 0xF900...0xF9FF,
        ]
        // Every 7th CJK Unified Ideograph: about 3,000 characters across the block.
        ranges.append(contentsOf: stride(from: UInt32(0x4E00), to: 0x9FFF, by: 7).map { $0...$0 })
        var checked = 0, disagreements: [String] = []
        for range in ranges {
            for v in range {
                guard let scalar = Unicode.Scalar(v) else { continue }
                let s = String(Character(scalar))
                let viaTable = folder.foldedString(s)
                let nf = ICU.nfkcCasefold(s)
                let units = translit.transliterate(Array(nf.utf16)) ?? Array(nf.utf16)
                var viaICU = String(decoding: units, as: UTF16.self)
                viaICU = String(String.UnicodeScalarView(viaICU.unicodeScalars.filter {
                    !ICU.characterClass($0.value).isDropped
                }))
                // A character that is itself punctuation or space is dropped before normalising.
                if ICU.characterClass(v).isDropped { viaICU = "" }
                if let keep = FoldTable.overrides[v], ICU.characterClass(v).contains(.ideographic) {
                    viaICU = String(Character(Unicode.Scalar(keep)!))
                }
                checked += 1
                if viaTable != viaICU { disagreements.append(String(format: "U+%04X", v) + " \(s): table \(viaTable) ICU \(viaICU)") }
            }
        }
        XCTAssertGreaterThan(checked, 5000)
        XCTAssertEqual(disagreements, [], "\(disagreements.prefix(20))")
        XCTAssertGreaterThan(FoldTable.shared.traditionalCount, 2000, "the T→S step should change thousands of characters")
    }

    /// Whole sentences: folding with the table equals ICU on the sentence.
    func testTableAgreesWithICUOnSentences() throws {
        let translit = try XCTUnwrap(Transliterator(id: "Traditional-Simplified"))
        let sentences = [
            "您好，歡迎致電中華電信，很高興為您服務！", "請問您的寬帶帳號是多少？", "對不起，讓您久等了。",
            "这是规定，就不行。", "Thank you for calling, how can I help?", "ＶＩＰ會員專線：１２３４５",
        ]
        for s in sentences {
            let nf = ICU.nfkcCasefold(s)
            let units = translit.transliterate(Array(nf.utf16)) ?? Array(nf.utf16)
            let viaICU = String(String.UnicodeScalarView(String(decoding: units, as: UTF16.self).unicodeScalars.filter {
                !ICU.characterClass($0.value).isDropped
            }))
            XCTAssertEqual(folder.foldedString(s), viaICU, s)
        }
    }

    func testFoldingIsIdempotent() {
        for s in ["歡迎致電，您好！", "ＡＢＣ ﬁ ㈱", "Cafe\u{301}"] {
            let once = folder.foldedString(s)
            XCTAssertEqual(folder.foldedString(once), once)
        }
    }

    private func indexOf(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
