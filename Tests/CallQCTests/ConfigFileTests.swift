import CallQC
import Foundation
import XCTest

/// `.callqc.yml` as the library reads it: values with their lines, paths against the file's folder.
final class ConfigFileTests: XCTestCase {
    func testValuesCarryTheirLinesAndPathsAreRelativeToTheFile() throws {
        let text = """
        # 本中心
        rules: ../shared/callqc-rules
        agent_labels: 小王                 # one label is a list of one
        customer_labels:
          - 李先生
          - 王女士
        db: data/qc.sqlite
        audio_root: /srv/recordings/
        redact: no
        speech_rate: {characters: 110}
        serve:
          host: 0.0.0.0
          port: 9000
          behind_tls: yes
          public_url: https://qc.example.com/
          token_file: ~/callqc-token
        """
        let c = try CallQCConfig.parse(text, file: "/etc/callqc/center/.callqc.yml")
        XCTAssertEqual(c.rules?.value, "/etc/callqc/shared/callqc-rules")
        XCTAssertEqual(c.rules?.line, 2)
        XCTAssertEqual(c.agentLabels?.value, ["小王"])
        XCTAssertEqual(c.customerLabels?.value, ["李先生", "王女士"])
        XCTAssertEqual(c.customerLabels?.line, 4, "the key's line, where an editor should jump")
        XCTAssertEqual(c.db?.value, "/etc/callqc/center/data/qc.sqlite")
        XCTAssertEqual(c.audioRoot?.value, "/srv/recordings")
        XCTAssertEqual(c.redact?.value, false)
        XCTAssertEqual(c.charactersPerMinute?.value, 110)
        XCTAssertNil(c.wordsPerMinute)
        XCTAssertEqual(c.serve.host?.value, "0.0.0.0")
        XCTAssertEqual(c.serve.port?.value, 9000)
        XCTAssertEqual(c.serve.port?.line, 13)
        XCTAssertEqual(c.serve.behindTLS?.value, true)
        XCTAssertEqual(c.serve.publicURLs?.value, ["https://qc.example.com/"])
        XCTAssertEqual(c.serve.tokenFile?.value, (NSHomeDirectory() as NSString).appendingPathComponent("callqc-token"))
        XCTAssertNil(c.serve.lang)
    }

    func testEmptyAndNullValuesSetNothing() throws {
        for text in ["", "# only comments\n", "rules:\ndb: ~\nserve:\n"] {
            let c = try CallQCConfig.parse(text, file: "/x/.callqc.yml")
            XCTAssertNil(c.rules, text)
            XCTAssertNil(c.db, text)
            XCTAssertNil(c.serve.port, text)
        }
    }

    func testAPostgresURLIsKeptAsItIsWithoutItsPassword() throws {
        let c = try CallQCConfig.parse("db: postgres://qc@db.example:5432/qc?schema=center\n", file: "/x/.callqc.yml")
        XCTAssertEqual(c.db?.value, "postgres://qc@db.example:5432/qc?schema=center")
        XCTAssertThrowsError(try CallQCConfig.parse("db: postgresql://qc:pw@db.example/qc\n", file: "/x/.callqc.yml")) { error in
            XCTAssertEqual((error as? RuleError)?.line, 1)
        }
    }

    func testDiscoveryFindsTheNearestFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-discover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try "redact: true\n".write(to: root.appendingPathComponent(".callqc.yml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(CallQCConfig.discover(from: deep.path), root.appendingPathComponent(".callqc.yml").path)
        try "redact: false\n".write(to: root.appendingPathComponent("a/.callqc.yml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(CallQCConfig.discover(from: deep.path), root.appendingPathComponent("a/.callqc.yml").path)
        XCTAssertEqual(CallQCConfig.discover(from: root.appendingPathComponent("a/b/../b/c").path), root.appendingPathComponent("a/.callqc.yml").path)
    }
}
