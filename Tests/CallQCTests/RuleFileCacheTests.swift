import XCTest
@testable import CallQC

/// The rule cache: parsed rule files kept between runs must give exactly the trees YAML gives, and must never
/// hide a change or an error.
final class RuleFileCacheTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-rulecache-\(UUID().uuidString.filter(\.isLetter))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Deep equality: kind, text, quoting, line and column of every node.
    func assertSame(_ a: YAMLNode, _ b: YAMLNode, _ path: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.line, b.line, "line of \(path)", file: file, line: line)
        XCTAssertEqual(a.column, b.column, "column of \(path)", file: file, line: line)
        XCTAssertEqual(a.file, b.file, file: file, line: line)
        switch (a.value, b.value) {
        case let (.scalar(x, qx), .scalar(y, qy)):
            XCTAssertEqual(x, y, path, file: file, line: line)
            XCTAssertEqual(qx, qy, "quoting of \(path)", file: file, line: line)
        case let (.mapping(x), .mapping(y)):
            XCTAssertEqual(x.count, y.count, path, file: file, line: line)
            for (i, (p, q)) in zip(x, y).enumerated() {
                assertSame(p.0, q.0, "\(path)/key\(i)", file: file, line: line)
                assertSame(p.1, q.1, "\(path)/\(p.0.scalar ?? "?")", file: file, line: line)
            }
        case let (.sequence(x), .sequence(y)):
            XCTAssertEqual(x.count, y.count, path, file: file, line: line)
            for (i, (p, q)) in zip(x, y).enumerated() { assertSame(p, q, "\(path)[\(i)]", file: file, line: line) }
        default:
            XCTFail("\(path): \(a.kindName) against \(b.kindName)", file: file, line: line)
        }
    }

    func testEveryShippedRuleFileRoundTripsExactly() throws {
        let root = Shipped.root.appendingPathComponent("lexicons")
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
        XCTAssertGreaterThan(files.count, 15)
        for name in files {
            let path = root.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let parsed = try XCTUnwrap(try YAMLNode.parse(text, file: path))
            let decoded = try XCTUnwrap(YAMLTreeCoding.decode(YAMLTreeCoding.encode(parsed), file: path), name)
            assertSame(parsed, decoded, name)
        }
    }

    func testCachedLoadEqualsParsedLoadAndAChangeIsSeen() throws {
        let lexicons = dir.appendingPathComponent("lexicons")
        try FileManager.default.copyItem(at: Shipped.root.appendingPathComponent("lexicons"), to: lexicons)
        let cache = RuleFileCache(folder: dir.appendingPathComponent("cache").path, version: "test")
        let plain = try RuleCatalog.load(rules: nil, lexicons: lexicons.path)
        let first = try RuleCatalog.load(rules: nil, lexicons: lexicons.path, cache: cache)
        let stored = try FileManager.default.contentsOfDirectory(atPath: cache.folder!).filter { $0.hasSuffix(".tree") }
        XCTAssertGreaterThan(stored.count, 15, "one tree per rule file")
        let second = try RuleCatalog.load(rules: nil, lexicons: lexicons.path, cache: cache)
        for catalog in [first, second] {
            XCTAssertEqual(catalog.ruleSets.map(\.name), plain.ruleSets.map(\.name))
            XCTAssertEqual(catalog.ruleSets.map { $0.rules.map { $0.header.id } }, plain.ruleSets.map { $0.rules.map { $0.header.id } })
            XCTAssertEqual(catalog.ruleSets.map(\.version), plain.ruleSets.map(\.version))
        }
        // A call checked with the cached rules gives the same result as with the parsed ones.
        let sample = Shipped.root.appendingPathComponent("samples/rude-agent.txt").path
        let call = try XCTUnwrap(TranscriptLoader().load(.file(sample)).calls.first)
        let a = Checker(catalog: plain).check(call), b = Checker(catalog: second).check(call)
        XCTAssertEqual(a.findings.map(\.rule), b.findings.map(\.rule))
        XCTAssertEqual(a.scorecard?.total, b.scorecard?.total)

        // Change the version in ruleset.yaml (Traditional and Simplified text untouched): the next load sees it.
        let header = lexicons.appendingPathComponent("zh-CN/ruleset.yaml")
        let text = try String(contentsOf: header, encoding: .utf8)
        let old = plain.ruleSets[0].version
        try text.replacingOccurrences(of: old, with: "2099.01.01").write(to: header, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RuleCatalog.load(rules: nil, lexicons: lexicons.path, cache: cache).ruleSets[0].version, "2099.01.01")
        XCTAssertEqual(try RuleCatalog.load(rules: nil, lexicons: lexicons.path, cache: cache).ruleSets[0].version, "2099.01.01")
    }

    func testACorruptOrUnwritableCacheOnlyMeansParsing() throws {
        let cacheDir = dir.appendingPathComponent("cache")
        let cache = RuleFileCache(folder: cacheDir.path, version: "test")
        let lexicons = Shipped.lexicons
        _ = try RuleCatalog.load(rules: nil, lexicons: lexicons, cache: cache)
        // The trees (the folder also holds the rule sets' automata: AutomatonCacheTests).
        let names = try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).filter { $0.hasSuffix(".tree") }
        XCTAssertGreaterThan(names.count, 15)
        // Truncated, garbage and a tree cut short: each is parsed again and written anew.
        for (i, name) in names.enumerated() {
            let path = cacheDir.appendingPathComponent(name).path
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let bad: Data = [Data(), Data("not a tree 不是".utf8), data.prefix(data.count / 2)][i % 3]
            try bad.write(to: URL(fileURLWithPath: path))
        }
        let reloaded = try RuleCatalog.load(rules: nil, lexicons: lexicons, cache: cache)
        XCTAssertEqual(reloaded.ruleSets.map { $0.name }, ["zh-CN", "en"])
        for name in names {
            let data = try Data(contentsOf: cacheDir.appendingPathComponent(name))
            XCTAssertNotNil(YAMLTreeCoding.decode(data, file: "x"), "\(name) rewritten")
        }
        // A cache folder that cannot be made (a file stands in its way).
        let blocked = dir.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        let unwritable = RuleFileCache(folder: blocked.appendingPathComponent("rules").path, version: "test")
        XCTAssertEqual(try RuleCatalog.load(rules: nil, lexicons: lexicons, cache: unwritable).ruleSets.count, 2)
    }

    func testABrokenRuleFileIsNeverCachedAndFailsEveryTime() throws {
        let set = dir.appendingPathComponent("set")
        try FileManager.default.copyItem(at: Shipped.root.appendingPathComponent("lexicons/zh-CN"), to: set)
        let file = set.appendingPathComponent("rules/politeness.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text += "\n  - id: taboo.broken\n    kind: forbidden\n   phrases: [不知道\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let cache = RuleFileCache(folder: dir.appendingPathComponent("cache").path, version: "test")
        for _ in 0..<2 {
            XCTAssertThrowsError(try RuleCatalog.load(rules: set.path, lexicons: nil, cache: cache)) { error in
                let e = error as? RuleError
                XCTAssertEqual(e?.file, file.path)
                XCTAssertNotNil(e?.line, "file:line for the broken file")
            }
        }
    }

    func testCacheFolderFromTheEnvironment() {
        XCTAssertEqual(RuleFileCache.folder(environment: ["HOME": "/home/qc"]), "/home/qc/.cache/callqc/rules")
        XCTAssertEqual(RuleFileCache.folder(environment: ["HOME": "/home/qc", "XDG_CACHE_HOME": "/var/cache/qc"]), "/var/cache/qc/callqc/rules")
        XCTAssertEqual(RuleFileCache.folder(environment: ["HOME": "/home/qc", "CALLQC_CACHE_DIR": "/tmp/c"]), "/tmp/c")
        XCTAssertNil(RuleFileCache.folder(environment: ["HOME": "/home/qc", "CALLQC_NO_CACHE": "1"]))
        XCTAssertNil(RuleFileCache.folder(environment: ["XDG_CACHE_HOME": "relative"]))
        // The same bytes under another path, or another version, is another entry.
        let a = RuleFileCache(folder: "/c", version: "1"), b = RuleFileCache(folder: "/c", version: "2")
        let bytes = Data("rules: []\n".utf8)
        XCTAssertNotEqual(a.key(file: "/x/a.yaml", bytes: bytes), a.key(file: "/x/b.yaml", bytes: bytes))
        XCTAssertNotEqual(a.key(file: "/x/a.yaml", bytes: bytes), b.key(file: "/x/a.yaml", bytes: bytes))
        XCTAssertNotEqual(a.key(file: "/x/a.yaml", bytes: bytes), a.key(file: "/x/a.yaml", bytes: Data("rules: [ ]\n".utf8)))
    }
}
