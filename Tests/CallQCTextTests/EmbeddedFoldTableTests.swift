import CallQCText
import Foundation
import XCTest

/// The folding table the package carries (Sources/CFoldData/fold_data.c) must be what the
/// system's ICU builds. When ICU changes, regenerate it:
/// `CALLQC_REGENERATE_FOLD_TABLE=1 swift test --disable-swift-testing --filter EmbeddedFoldTableTests`.
final class EmbeddedFoldTableTests: XCTestCase {
    func testEmbeddedTableEqualsTheOneICUBuilds() throws {
        let built = FoldTable(icu: ())
        let embedded = FoldTable.embedded()
        if ProcessInfo.processInfo.environment["CALLQC_REGENERATE_FOLD_TABLE"] == "1" {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/CFoldData/fold_data.c")
            try built.cSource(icuVersion: ICU.version).write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let table = try XCTUnwrap(embedded, "Sources/CFoldData/fold_data.c carries no table of format \(FoldTable.dataFormat); regenerate it (see this test's comment)")
        XCTAssertTrue(table.sameContent(as: built),
                      "the embedded table (\(table.origin)) differs from ICU \(ICU.version)'s at U+\(table.differences(from: built).map { String($0, radix: 16, uppercase: true) }.joined(separator: ", U+")); regenerate it (see this test's comment)")
        XCTAssertTrue(FoldTable.shared.origin.hasPrefix("embedded"), FoldTable.shared.origin)
        XCTAssertNil(FoldTable.embedded(forICU: "0.0"), "a table from another ICU is not used")
        XCTAssertNotNil(FoldTable.embedded(forICU: ICU.version))
        // Spot checks that would fail with a table of zeros or an identity table.
        XCTAssertEqual(table.fold(scalar: 0x9EBC), [0x4E48])       // 麼 → 么
        XCTAssertEqual(table.fold(scalar: 0xFF21), [0x61])         // Ａ → a
        XCTAssertEqual(table.fold(scalar: 0xFF0C), [])             // ， dropped
        XCTAssertEqual(table.fold(scalar: 0x8986), [0x8986])       // 覆 kept (override)
        XCTAssertEqual(table.fold(scalar: 0x00DF), [0x73, 0x73])   // ß → ss (multi)
        XCTAssertTrue(table.isTraditional(0x6A5F))                 // 機
        XCTAssertFalse(table.isTraditional(0x673A))                // 机
        XCTAssertGreaterThan(table.traditionalCount, 2000)
    }
}
