import CallQCText
import Foundation
import XCTest

/// The pinyin table the package carries (Sources/CFoldData/sound_data.c) must be what the
/// system's ICU builds. When ICU changes, regenerate it:
/// `CALLQC_REGENERATE_SOUND_TABLE=1 swift test --disable-swift-testing --filter EmbeddedSoundTableTests`.
final class EmbeddedSoundTableTests: XCTestCase {
    func testEmbeddedTableEqualsTheOneICUBuilds() throws {
        let built = SoundTable(icu: ())
        if ProcessInfo.processInfo.environment["CALLQC_REGENERATE_SOUND_TABLE"] == "1" {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/CFoldData/sound_data.c")
            try built.cSource(icuVersion: ICU.version).write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let table = try XCTUnwrap(SoundTable.embedded(), "Sources/CFoldData/sound_data.c carries no table of format \(SoundTable.dataFormat); regenerate it (see this test's comment)")
        XCTAssertTrue(table.sameContent(as: built),
                      "the embedded table (\(table.origin)) differs from ICU \(ICU.version)'s at U+\(table.differences(from: built).map { String($0, radix: 16, uppercase: true) }.joined(separator: ", U+")); regenerate it")
        XCTAssertTrue(SoundTable.shared.origin.hasPrefix("embedded"), SoundTable.shared.origin)
        XCTAssertNil(SoundTable.embedded(forICU: "0.0"), "a table from another ICU is not used")
        // Homophones share a syllable; other characters do not; tones are gone.
        XCTAssertEqual(table.pinyin("不知道"), "bu zhi dao")
        XCTAssertEqual(table.syllable(0x77E5), table.syllable(0x53EA))   // 知 = 只 (zhi)
        XCTAssertEqual(table.syllable(0x9053), table.syllable(0x5230))   // 道 = 到 (dao)
        XCTAssertNotEqual(table.syllable(0x9053), table.syllable(0x77E5))
        XCTAssertEqual(table.syllable(0x41), 0)                            // not Han
        XCTAssertGreaterThan(table.syllables.count, 380)
        XCTAssertLessThan(table.syllables.count, 450)
    }
}
