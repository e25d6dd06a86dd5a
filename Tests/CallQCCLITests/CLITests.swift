import Foundation
import XCTest

/// Runs the built `callqc` binary as a user would.
final class CLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    func callqc(_ args: [String], stdin: String? = nil) throws -> Run {
        let bundle = Bundle(for: CLITests.self).bundleURL
        let candidates = [bundle.appendingPathComponent("callqc"), bundle.deletingLastPathComponent().appendingPathComponent("callqc")]
        let binary = try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "callqc binary next to \(bundle.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = CLITests.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testVersionAndHelp() throws {
        let v = try callqc(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.hasPrefix("callqc "), v.stdout)
        XCTAssertTrue(v.stdout.contains("ICU"))
        let h = try callqc(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("check"))
    }

    func testCheckSamplesTable() throws {
        let r = try callqc(["check", "samples/"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("C20261120-0042"))
        XCTAssertTrue(r.stdout.contains("zh-Hant"))
        XCTAssertTrue(r.stdout.contains("no times"))
        XCTAssertTrue(r.stdout.contains("calls from"))
    }

    func testJSONLinesStreamCarriesErrorsAndExitIsOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[00:01-00:03] 坐席: 您好\n[00:05-00:04] 客户: 喂\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        try "[00:01-00:03] 坐席: 您好\n".write(to: dir.appendingPathComponent("good.txt"), atomically: true, encoding: .utf8)
        let r = try callqc(["check", dir.path, "--format", "jsonl"])
        XCTAssertEqual(r.status, 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].contains("\"schema\":\"callqc.error/1\""), lines[0])
        XCTAssertTrue(lines[0].contains("\"line\":2"))
        XCTAssertTrue(lines[1].contains("\"schema\":\"callqc.result/1\""))
        XCTAssertTrue(r.stderr.contains("bad.txt:2: end time"), r.stderr)
    }

    func testStandardInputJSONLines() throws {
        let line = "{\"id\":\"S1\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好\",\"start\":0,\"end\":2}]}\n"
        let r = try callqc(["check", "-", "--format", "json"], stdin: line + line.replacingOccurrences(of: "S1", with: "S2"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("["))
        XCTAssertTrue(r.stdout.contains("\"id\": \"S2\""))
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try callqc(["check"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--format", "yaml"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--no-such-flag"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--input-format", "docx"]).status, 2)
    }

    func testMissingPathIsReportedAndTheRestRead() throws {
        let r = try callqc(["check", "samples/good-call-broadband.txt", "no/such/file.txt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("C20261120-0042"))
        XCTAssertTrue(r.stderr.contains("no/such/file.txt: no such file or directory"))
    }

    func testConvertRoundTrip() throws {
        let json = try callqc(["convert", "samples/traditional-chinese.txt", "--to", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let back = try callqc(["convert", "-", "--to", "plain"], stdin: json.stdout)
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertTrue(back.stdout.contains("# call: C20261121-0041"))
        let again = try callqc(["convert", "-", "--to", "json", "--input-format", "plain"], stdin: back.stdout)
        XCTAssertEqual(again.stdout.replacingOccurrences(of: "\"source\": \"-\"", with: ""),
                       json.stdout.replacingOccurrences(of: "\"source\": \"samples/traditional-chinese.txt\"", with: ""))
    }
}
