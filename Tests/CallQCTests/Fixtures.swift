import Foundation
import XCTest
@testable import CallQC

/// The files under `Fixtures/`: real vendor outputs from ../shared/corpora (each
/// folder with its SOURCE.txt and licence) and hand-made edge cases.
enum Fixtures {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// Reads a fixture as `callqc check` would: format detected from its name and content.
    static func read(_ relative: String, options: ReadOptions = ReadOptions(), format: InputFormat? = nil) -> ReadOutcome {
        TranscriptLoader(options: options, format: format).load(.file(path(relative)))
    }

    /// The one call of a fixture, failing the test on any error.
    static func call(_ relative: String, options: ReadOptions = ReadOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> Call {
        let outcome = read(relative, options: options)
        XCTAssertEqual(outcome.errors, [], file: file, line: line)
        XCTAssertEqual(outcome.calls.count, 1, file: file, line: line)
        return try XCTUnwrap(outcome.calls.first, file: file, line: line)
    }
}
