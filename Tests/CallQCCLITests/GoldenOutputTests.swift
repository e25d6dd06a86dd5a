import XCTest

/// `callqc check --format jsonl` must give the same bytes as the golden record: every sample, every test
/// fixture and a 2,000-call generated corpus (bench/gen_corpus.py, fixed seed). The record keeps one line per
/// output line (standard output, then standard error): a 64-bit FNV-1a hash of the line and what the line is
/// about, so a difference names the calls that changed. Performance work must leave it green; an intended change
/// of output is recorded again with `CALLQC_REGENERATE_GOLDEN=1 swift test --filter GoldenOutputTests` and the
/// diff of Tests/CallQCCLITests/Golden/ reviewed in the commit.
final class GoldenOutputTests: XCTestCase {

    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func testSamples() throws {
        try assertGolden("samples", try CLI.run(["check", "samples/", "--format", "jsonl"]))
    }

    func testFixtures() throws {
        try assertGolden("fixtures", try CLI.run(["check", "Tests/CallQCTests/Fixtures", "--format", "jsonl"]))
    }

    func testSamplesWithoutRedaction() throws {
        try assertGolden("samples-no-redact", try CLI.run(["check", "samples/", "--format", "jsonl", "--no-redact"]))
    }

    func testGeneratedCorpus() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-golden-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gen.arguments = ["python3", CLITests.root.appendingPathComponent("bench/gen_corpus.py").path,
                         dir.appendingPathComponent("corpus").path, "100", "--seed", "21", "--calls", "2000"]
        gen.standardOutput = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        XCTAssertEqual(gen.terminationStatus, 0, "bench/gen_corpus.py failed")
        // Relative paths, so that the `source` fields do not hold the temporary folder's name.
        let run = try CLI.run(["check", "corpus", "--format", "jsonl",
                               "--rules", CLITests.root.appendingPathComponent("lexicons/zh-CN").path], cwd: dir)
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 2000, run.stderr)
        try assertGolden("generated", run)
    }

    // MARK: the record

    struct Entry: Equatable { var hash: String; var about: String }

    static func fnv1a(_ line: Substring) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in line.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// What a line is about: a result's call id and source, or the stream it came from.
    static func about(_ line: Substring, stream: String) -> String {
        guard stream == "stdout", let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return stream }
        if let call = object["call"] as? [String: Any] {
            return "\(call["id"] as? String ?? "?") \(call["source"] as? String ?? "")"
        }
        return (object["schema"] as? String) ?? stream
    }

    static func entries(_ run: CLI.Run) -> [Entry] {
        var out: [Entry] = [Entry(hash: "status", about: "\(run.status)")]
        for (stream, text) in [("stdout", run.stdout), ("stderr", run.stderr)] {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                out.append(Entry(hash: fnv1a(line), about: about(line, stream: stream)))
            }
        }
        return out
    }

    func assertGolden(_ name: String, _ run: CLI.Run, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.goldenDir.appendingPathComponent("\(name).golden")
        let actual = Self.entries(run)
        let rendered = actual.map { "\($0.hash) \($0.about)" }.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["CALLQC_REGENERATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDir, withIntermediateDirectories: true)
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { l -> Entry in
            let parts = l.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            return Entry(hash: String(parts[0]), about: parts.count > 1 ? String(parts[1]) : "")
        }
        if recorded == actual { return }
        let lines = (run.stdout + run.stderr).split(separator: "\n", omittingEmptySubsequences: false)
        var report: [String] = []
        for i in 0..<max(recorded.count, actual.count) where (i < recorded.count ? recorded[i] : nil) != (i < actual.count ? actual[i] : nil) {
            let was = i < recorded.count ? "\(recorded[i].hash) \(recorded[i].about)" : "(nothing)"
            let now = i < actual.count ? "\(actual[i].hash) \(actual[i].about)" : "(nothing)"
            let text = i > 0 && i - 1 < lines.count ? String(lines[i - 1].prefix(600)) : ""
            report.append("line \(i): recorded \(was), now \(now)\n    \(text)")
            if report.count == 5 { break }
        }
        XCTFail("""
            \(name): the output differs from Tests/CallQCCLITests/Golden/\(name).golden \
            (\(recorded.count) recorded lines, \(actual.count) now). First differences:
            \(report.joined(separator: "\n"))
            If the change is intended, record it again: CALLQC_REGENERATE_GOLDEN=1 swift test --filter GoldenOutputTests
            """, file: file, line: line)
    }
}
