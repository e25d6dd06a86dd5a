import CallQC
import Foundation
import XCTest

/// Issue 20: where an installed, a built or a copied `callqc` finds its lexicons, in which order,
/// and the error that names every place searched when none holds them.
final class LexiconSearchTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-lexsearch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let root { try? FileManager.default.removeItem(at: root) }
    }

    /// Makes `path` (under the temporary root) a lexicons folder: `zh-CN/ruleset.yaml` inside it.
    @discardableResult
    func lexicons(_ path: String) throws -> String {
        let dir = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("zh-CN"), withIntermediateDirectories: true)
        try "language: zh-CN\n".write(to: dir.appendingPathComponent("zh-CN/ruleset.yaml"), atomically: true, encoding: .utf8)
        return dir.path
    }

    /// An executable file at `path` under the root.
    func executable(_ path: String) throws -> String {
        let file = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        return file.path
    }

    func locate(env: [String: String] = [:], cwd: String, exe: String, system: [String] = []) -> String? {
        RuleCatalog.locateLexicons(environment: env, currentDirectory: cwd, executable: exe, systemFolders: system)
    }

    func testInstalledBinaryFindsPrefixShare() throws {
        let exe = try executable("usr/local/bin/callqc")
        let share = try lexicons("usr/local/share/callqc/lexicons")
        let elsewhere = root.appendingPathComponent("home/someone").path
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        XCTAssertEqual(locate(cwd: elsewhere, exe: exe), share)
        // A lexicons folder above the prefix (the walk for build folders) does not win over the prefix's share.
        try lexicons("usr/lexicons")
        XCTAssertEqual(locate(cwd: elsewhere, exe: exe), share)
    }

    func testSymbolicLinkToTheBinaryIsResolved() throws {
        let exe = try executable("opt/callqc/bin/callqc")
        let share = try lexicons("opt/callqc/share/callqc/lexicons")
        let link = root.appendingPathComponent("home/me/bin/callqc")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: exe)
        XCTAssertEqual(locate(cwd: root.path, exe: link.path), share)
    }

    func testOrder() throws {
        let exe = try executable("project/.build/x86_64-unknown-linux-gnu/release/callqc")
        let cwd = root.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
        let system = try lexicons("usr/share/callqc/lexicons")
        // Nothing but the system folder: the system folder.
        XCTAssertEqual(locate(cwd: cwd, exe: exe, system: ["/no/such/folder", system]), system)
        // The project above a build folder beats the system folder.
        let project = try lexicons("project/lexicons")
        XCTAssertEqual(locate(cwd: cwd, exe: exe, system: [system]), project)
        // The prefix's share (here .build/x86_64-unknown-linux-gnu/share/callqc/lexicons) beats the walk up.
        let share = try lexicons("project/.build/x86_64-unknown-linux-gnu/share/callqc/lexicons")
        XCTAssertEqual(locate(cwd: cwd, exe: exe, system: [system]), share)
        // ./lexicons beats the executable's places.
        let local = try lexicons("work/lexicons")
        XCTAssertEqual(locate(cwd: cwd, exe: exe, system: [system]), local)
        // $CALLQC_LEXICONS beats everything, even when it holds no rule set (loading then names it).
        XCTAssertEqual(locate(env: ["CALLQC_LEXICONS": "/no/such/lexicons"], cwd: cwd, exe: exe, system: [system]), "/no/such/lexicons")
        // An empty $CALLQC_LEXICONS is unset.
        XCTAssertEqual(locate(env: ["CALLQC_LEXICONS": ""], cwd: cwd, exe: exe, system: [system]), local)
        // A folder without zh-CN/ruleset.yaml is passed over.
        try FileManager.default.removeItem(atPath: local + "/zh-CN/ruleset.yaml")
        XCTAssertEqual(locate(cwd: cwd, exe: exe, system: [system]), share)
    }

    func testCandidatesListEveryPlaceOnce() throws {
        let candidates = RuleCatalog.lexiconCandidates(environment: [:], currentDirectory: "/srv/calls",
                                                       executable: "/usr/local/bin/callqc")
        XCTAssertEqual(candidates, [
            "/srv/calls/lexicons",
            "/usr/local/share/callqc/lexicons",
            "/usr/local/bin/lexicons", "/usr/local/lexicons", "/usr/lexicons", "/lexicons",
            "/usr/share/callqc/lexicons",
        ], "the system folder /usr/local/share/callqc/lexicons is listed once, as the prefix's")
        XCTAssertEqual(RuleCatalog.lexiconCandidates(environment: ["CALLQC_LEXICONS": "/x"], currentDirectory: "/", executable: "/usr/bin/callqc"), ["/x"])
    }

    func testErrorNamesThePlacesSearched() throws {
        let exe = try executable("bin/callqc")
        let cwd = root.path
        let searched = RuleCatalog.lexiconCandidates(environment: [:], currentDirectory: cwd, executable: exe, systemFolders: ["/no/such/share/callqc/lexicons"])
        XCTAssertNil(locate(cwd: cwd, exe: exe, system: ["/no/such/share/callqc/lexicons"]))
        do {
            _ = try RuleCatalog.load(rules: nil, lexicons: nil, searched: searched)
            XCTFail("loading without lexicons must fail")
        } catch {
            let text = error.description
            XCTAssertTrue(text.hasPrefix("lexicons: cannot find the lexicons folder (zh-CN/ruleset.yaml) in "), text)
            for place in [cwd + "/lexicons", root.appendingPathComponent("share/callqc/lexicons").path, "/no/such/share/callqc/lexicons"] {
                XCTAssertTrue(text.contains(place), "\(place) in: \(text)")
            }
            XCTAssertTrue(text.contains("CALLQC_LEXICONS"), text)
            XCTAssertTrue(text.contains("--rules PATH"), text)
        }
    }
}
