import Foundation
import XCTest
@testable import CallQC
@testable import CallQCStore

/// What the `ResultStore` and `FloorStore` protocols promise, asserted on every backend
/// (``StoreBackends``: SQLite and PostgreSQL) where the other store suites (StoreTests,
/// FloorStoreTests, CaseTests, RecallTests, HardeningStoreTests) leave a gap: ordering and date
/// ranges with calls without dates, addressing calls by key, hash prefix and content hash,
/// collisions, reviews, tokens, set-password links, failed-login windows, purge, case sharing,
/// appeals and strikes, grade bands, the audit log's filters.
final class StoreConformanceTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)

    /// A short call: the agent's line, then the customer's.
    static func call(_ id: String, agent: String? = "A023", date: String?, source: String? = nil,
                     _ agentText: String, customer: String = "我想查一下这个月的话费。") -> CallResult {
        checker.check(Call(id: id, agent: agent, date: date, source: source ?? "\(date ?? "undated")/\(id).txt", turns: [
            Turn(role: .agent, speaker: "坐席", start: 0, end: 3.2, text: agentText),
            Turn(role: .customer, speaker: "客户", start: 3.6, end: 6.1, text: customer),
            Turn(role: .agent, speaker: "坐席", start: 6.5, end: 9.8, text: "好的，您稍等，我帮您查询一下。"),
        ]))
    }

    static let polite = "您好，很高兴为您服务，请问有什么可以帮您？"
    static let curt = "不知道，你自己去营业厅问。"
    static let rudeID = "C20261120-0057"

    // MARK: Summaries

    /// One save holding the same transcript twice (a file listed twice, a duplicate line), and a
    /// big batch: a save writes a few statements per batch, and the later copy counts, once.
    func testTheSameTranscriptTwiceInOneBatchIsStoredOnce() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let first = Self.call("D1", date: "2026-11-20", source: "a/D1.txt", Self.curt)
            var again = first
            again.call.source = "b/D1.txt"
            let many = (0..<450).map { Self.call("B\($0)", date: "2026-11-21", $0 % 3 == 0 ? Self.curt : Self.polite + " 第\($0)号") }
            try store.save([first] + many + [again])
            XCTAssertEqual(try store.resultCount(), 451, "[\(backend)]")
            let d1 = try XCTUnwrap(try store.detail(callID: "D1"))
            XCTAssertEqual(d1.summary.source, "b/D1.txt", "[\(backend)] the later copy counts")
            XCTAssertEqual(d1.summary.findings.map(\.rule), first.findings.map(\.rule))
            let findings = try store.database.read { db in try db.int("SELECT COUNT(*) FROM findings") }
            XCTAssertEqual(findings, ([first] + many).reduce(0) { $0 + $1.findings.count }, "[\(backend)] each result's findings once")
            let b7 = try XCTUnwrap(try store.detail(callID: "B7"))
            XCTAssertEqual(b7.summary.findings, CallSummary(many[7]).findings, "[\(backend)] findings stay with their own result")
        }
    }

    func testSummariesOrderAndDateRangesWithCallsWithoutDates() throws {
        let results = [
            Self.call("C20261122-0001", agent: "A093", date: "2026-11-22", Self.polite),
            Self.call("C20261120-0031", agent: "A023", date: "2026-11-20", Self.curt),
            Self.call("C20261120-0007", agent: nil, date: "2026-11-20", Self.polite, customer: "我的宽带又断了。"),
            Self.call("IMPORT-0002", agent: "A023", date: nil, Self.polite, customer: "我要办理停机保号。"),
            Self.call("C20261121-0012", agent: "A023", date: "2026-11-21", Self.curt, customer: "我要投诉！"),
            Self.call("IMPORT-0001", agent: nil, date: nil, Self.curt, customer: "流量怎么超了？"),
            Self.call("C20261120-0030", agent: "A023", date: "2026-11-20", Self.polite, customer: "帮我查一下积分。"),
        ]
        try StoreBackends.each(in: dir) { store, backend in
            try store.save(results)
            // Calls without a date first, then by date, agent (none first) and id.
            let all = try store.summaries(from: nil, to: nil)
            XCTAssertEqual(all.map(\.callID), ["IMPORT-0001", "IMPORT-0002", "C20261120-0007", "C20261120-0030", "C20261120-0031",
                                               "C20261121-0012", "C20261122-0001"], "[\(backend)]")
            XCTAssertEqual(all.map(\.date), [nil, nil, "2026-11-20", "2026-11-20", "2026-11-20", "2026-11-21", "2026-11-22"], "[\(backend)]")
            XCTAssertEqual(all.map(\.agent), [nil, "A023", nil, "A023", "A023", "A023", "A093"], "[\(backend)]")
            // A range, either end or both, leaves the calls without a date out; both ends are included.
            XCTAssertEqual(try store.summaries(from: "2026-11-21", to: nil).map(\.callID), ["C20261121-0012", "C20261122-0001"], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: "2026-11-20").map(\.callID), ["C20261120-0007", "C20261120-0030", "C20261120-0031"], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: "2026-11-21", to: "2026-11-21").map(\.callID), ["C20261121-0012"], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: "2026-11-23", to: nil), [], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: "2026-11-22", to: "2026-11-20"), [], "[\(backend)] an empty range")
            // Dates compare as text, whole days.
            XCTAssertEqual(try store.summaries(from: "2026-11-20", to: "2026-11-21").count, 4, "[\(backend)]")
            // The values are those saved.
            for r in results {
                let s = try XCTUnwrap(all.first { $0.callID == r.call.id }, "[\(backend)]")
                XCTAssertEqual(s, CallSummary(r), "[\(backend)] \(r.call.id)")
            }
            XCTAssertEqual(try store.detail(callID: "IMPORT-0001")?.call.date, nil, "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: "IMPORT-0001")?.summary.agent, nil, "[\(backend)]")
        }
    }

    /// Calls alike in date, agent and id (one id, two transcripts) come in the order of their keys'
    /// content hashes on every backend, whatever order they were saved in.
    func testTiesInTheOrderAreBrokenTheSameWay() throws {
        let calls = [
            Self.call("E1", date: "2026-11-21", source: "east/E1.txt", Self.polite),
            Self.call("E1", date: "2026-11-21", source: "west/E1.txt", Self.curt),
            Self.call("E1", date: "2026-11-21", source: "north/E1.txt", Self.polite, customer: "我要改套餐。"),
        ]
        let hashes = calls.map { ContentHash.of($0.call) }.sorted()
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            try StoreBackends.each(in: dir) { store, backend in
                for i in order { try store.save([calls[i]]) }
                XCTAssertEqual(try store.summaries(from: nil, to: nil).map(\.contentHash), hashes, "[\(backend)] saved in the order \(order)")
                XCTAssertEqual(try store.summaries(from: "2026-11-21", to: "2026-11-21").map(\.contentHash), hashes, "[\(backend)] saved in the order \(order)")
                let sources = hashes.map { h in calls.first { ContentHash.of($0.call) == h }!.call.source }
                XCTAssertEqual(try store.purge(before: "2026-11-22", keepReviewed: false, dryRun: true).calls.map(\.source), sources,
                               "[\(backend)] the purge lists them alike")
            }
        }
    }

    // MARK: Addressing calls

    func testDetailByKeyDateHashPrefixAndAmbiguity() throws {
        let day1 = Self.call("E1", date: "2026-11-20", source: "day1/E1.txt", Self.polite)
        let east = Self.call("E1", date: "2026-11-21", source: "east/E1.txt", Self.polite, customer: "我要查宽带账单。")
        let west = Self.call("E1", date: "2026-11-21", source: "west/E1.txt", Self.curt, customer: "我要查宽带账单。")
        let undated = [Self.call("X7", date: nil, source: "import/a.txt", Self.polite), Self.call("X7", date: nil, source: "import/b.txt", Self.curt)]
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([day1, east, west] + undated)
            let hash = { (r: CallResult) in ContentHash.of(r.call) }
            let summaries = try store.summaries(from: nil, to: nil)
            let keys = Dictionary(uniqueKeysWithValues: summaries.map { ($0.contentHash, $0.key) })
            XCTAssertEqual(keys[hash(day1)], "E1@2026-11-20", "[\(backend)] the date tells it apart")
            XCTAssertEqual(keys[hash(east)], "E1@" + hash(east).prefix(12), "[\(backend)] the same date: the hash does")
            XCTAssertEqual(keys[hash(west)], "E1@" + hash(west).prefix(12), "[\(backend)]")
            XCTAssertEqual(keys[hash(undated[0])], "X7@" + hash(undated[0]).prefix(12), "[\(backend)] no date: the hash")
            // The bare id names three calls: refused, with their keys (by date, then hash) and sources.
            XCTAssertThrowsError(try store.detail(callID: "E1"), "[\(backend)]") { error in
                guard let ambiguous = error as? AmbiguousCallReference else { return XCTFail("\(error)") }
                let sameDay = [east, west].sorted { hash($0) < hash($1) }
                XCTAssertEqual(ambiguous.candidates.map(\.key), ["E1@2026-11-20"] + sameDay.map { "E1@" + hash($0).prefix(12) }, "[\(backend)]")
                XCTAssertEqual(ambiguous.candidates.map(\.source), ["day1/E1.txt"] + sameDay.map(\.call.source), "[\(backend)]")
            }
            // A date two calls share is ambiguous too.
            XCTAssertThrowsError(try store.detail(callID: "E1@2026-11-21"), "[\(backend)]") { error in
                XCTAssertEqual((error as? AmbiguousCallReference)?.candidates.count, 2, "[\(backend)] \(error)")
            }
            XCTAssertEqual(try store.detail(callID: "E1@2026-11-20")?.summary.source, "day1/E1.txt", "[\(backend)]")
            XCTAssertNil(try store.detail(callID: "E1@2026-11-19"), "[\(backend)]")
            // A hash prefix of 6 digits or more, in either case; shorter is no reference.
            XCTAssertEqual(try store.detail(callID: "E1@" + hash(west).prefix(6))?.summary.source, "west/E1.txt", "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: "E1@" + hash(west).prefix(12).uppercased())?.summary.source, "west/E1.txt", "[\(backend)]")
            XCTAssertNil(try store.detail(callID: "E1@" + hash(west).prefix(5)), "[\(backend)]")
            XCTAssertNil(try store.detail(callID: "E2@" + hash(west).prefix(12)), "[\(backend)] the id must match too")
            // The whole content hash, in either case; the key a summary gives always resolves to its call.
            XCTAssertEqual(try store.detail(callID: hash(east))?.summary.source, "east/E1.txt", "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: hash(east).uppercased())?.summary.source, "east/E1.txt", "[\(backend)]")
            XCTAssertNil(try store.detail(callID: String(repeating: "0", count: 32)), "[\(backend)]")
            for s in summaries {
                let d = try XCTUnwrap(try store.detail(callID: s.key), "[\(backend)] \(s.key)")
                XCTAssertEqual(d.summary.contentHash, s.contentHash, "[\(backend)] \(s.key)")
                XCTAssertEqual(d.summary.key, s.key, "[\(backend)]")
                XCTAssertFalse(d.checkedAt.isEmpty, "[\(backend)]")
            }
            XCTAssertThrowsError(try store.detail(callID: "X7"), "[\(backend)]")
        }
    }

    func testCollisionsWithTheStoreAndWithinABatch() throws {
        let first = Self.call("C20261121-0101", date: "2026-11-20", source: "day1/C20261121-0101.txt", Self.polite)
        let second = Self.call("C20261121-0101", date: "2026-11-21", source: "day2/C20261121-0101.txt", Self.curt)
        let third = Self.call("C20261121-0101", date: nil, source: "import/C20261121-0101.txt", Self.polite, customer: "我要改套餐。")
        let other = Self.call("C20261121-0102", date: "2026-11-21", Self.polite)
        try StoreBackends.each(in: dir) { store, backend in
            // Within one batch, before anything is stored: the second of a pair names the first.
            XCTAssertEqual(try store.collisions([first, other, second]),
                           [CallIDCollision(callID: "C20261121-0101", date: "2026-11-21", source: "day2/C20261121-0101.txt",
                                            otherDate: "2026-11-20", otherSource: "day1/C20261121-0101.txt")], "[\(backend)]")
            try store.save([first, other])
            XCTAssertEqual(try store.collisions([first, other]), [], "[\(backend)] the same transcripts again")
            // Against the store: the first stored transcript of the id is named.
            let found = try store.collisions([third])
            XCTAssertEqual(found.map(\.otherSource), ["day1/C20261121-0101.txt"], "[\(backend)]")
            XCTAssertEqual(found.map(\.date), [nil], "[\(backend)]")
            XCTAssertTrue(found.first?.message.contains("no date") ?? false, "[\(backend)] \(found)")
            try store.save([second, third])
            XCTAssertEqual(try store.summaries(from: nil, to: nil).filter { $0.callID == "C20261121-0101" }.count, 3, "[\(backend)]")
        }
    }

    // MARK: Reviews

    func testReviewsKeepTheirOrderVerdictsSectionsAndMisses() throws {
        let rude = Shipped.sample("rude-agent.txt")
        let hash = ContentHash.of(rude.call)
        let reviews = [
            Review(callID: Self.rudeID, reviewedAt: "2026-11-21T09:00:00Z", reviewer: "王组长", score: 40,
                   sectionScores: ["politeness": 0, "greeting-closing": 5, "listening": 12.5], confirmed: ["taboo.dont-know", "taboo.elsewhere", "closing"],
                   rejected: ["address"], missed: [MissedFinding(rule: "taboo.elsewhere", turn: 13, note: "退费不归我们管 = 推诿")],
                   note: "态度恶劣，客户要求投诉", contentHash: hash),
            Review(callID: Self.rudeID, reviewedAt: "2026-11-21T10:30:00Z",
                   missed: [MissedFinding(rule: "taboo.elsewhere", turn: 9), MissedFinding(rule: "complaint.apology", turn: 21, note: "没有道歉")],
                   contentHash: hash),
            Review(callID: "C20261121-0053", reviewedAt: "2026-11-22T08:00:00Z", reviewer: "Li Hua", score: 72.5,
                   confirmed: ["taboo.dont-know"], note: "\"I don't know\" twice; no apology"),
        ]
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([rude])
            for r in reviews { try store.record(r) }
            XCTAssertEqual(try store.reviews(), reviews, "[\(backend)] oldest first, every field")
            XCTAssertEqual(try backend.open().reviews(), reviews, "[\(backend)] kept")
            // Calibration reads the same from both backends.
            let c = Calibration(reviews: try store.reviews(), calls: try store.summaries(from: nil, to: nil))
            XCTAssertEqual(c.missed.map { "\($0.rule) \($0.callID) \($0.turn) \($0.note ?? "-")" },
                           ["complaint.apology \(Self.rudeID) 21 没有道歉", "taboo.elsewhere \(Self.rudeID) 9 -", "taboo.elsewhere \(Self.rudeID) 13 退费不归我们管 = 推诿"], "[\(backend)]")
            XCTAssertEqual(c.rules.first { $0.rule == "address" }?.rejected, 1, "[\(backend)]")
            XCTAssertEqual(c.unmatched, ["C20261121-0053"], "[\(backend)]")
            XCTAssertEqual(c.total?.mean, 15, "[\(backend)] machine 55, human 40")
        }
    }

    // MARK: Users

    func testUsersListInByteOrderAndKeepWhatWasGiven() throws {
        try StoreBackends.each(in: dir) { store, backend in
            for (name, role) in [("wangfang", FloorRole.agent), ("王组长", .supervisor), ("Zhao", .trainer), ("lihua", .admin), ("li-hua.2", .agent)] {
                try store.addUser(FloorUser(name: name, role: role, agentID: role == .agent ? "A0\(name.count)" : nil, team: role == .agent ? "东区" : nil,
                                            createdAt: "2026-12-01T08:00:00Z"))
            }
            XCTAssertEqual(try store.users().map(\.name), ["Zhao", "li-hua.2", "lihua", "wangfang", "王组长"], "[\(backend)] byte order: capitals, then small letters, then Chinese")
            XCTAssertEqual(try store.user(named: "王组长"), FloorUser(name: "王组长", role: .supervisor, createdAt: "2026-12-01T08:00:00Z"), "[\(backend)]")
            XCTAssertNil(try store.user(named: "zhao"), "[\(backend)] names are case-sensitive")
            XCTAssertEqual(try store.user(named: "wangfang")?.team, "东区", "[\(backend)]")
            // setAgent: nil leaves a value, "" clears it (an agent keeps an agent id).
            try store.setAgent("wangfang", agentID: "A023", team: nil)
            XCTAssertEqual(try store.user(named: "wangfang")?.agentID, "A023", "[\(backend)]")
            XCTAssertEqual(try store.user(named: "wangfang")?.team, "东区", "[\(backend)]")
            try store.setAgent("wangfang", agentID: nil, team: "")
            XCTAssertNil(try store.user(named: "wangfang")?.team, "[\(backend)]")
            XCTAssertThrowsError(try store.setAgent("wangfang", agentID: "", team: nil), "[\(backend)]")
            XCTAssertThrowsError(try store.setAgent("nobody", agentID: "A1", team: nil), "[\(backend)]")
            try store.setAgent("Zhao", agentID: "", team: nil)
            XCTAssertNil(try store.user(named: "Zhao")?.agentID, "[\(backend)]")
            // A disabled admin does not count as the enabled one the floor needs.
            try store.addUser(FloorUser(name: "admin2", role: .admin, disabled: true))
            XCTAssertThrowsError(try store.setRole("lihua", role: .supervisor), "[\(backend)]") { XCTAssertTrue("\($0)".contains("last enabled admin"), "[\(backend)] \($0)") }
            try store.setDisabled("admin2", false)
            try store.setRole("lihua", role: .supervisor)
            XCTAssertEqual(try store.users().filter { $0.role == .admin }.map(\.name), ["admin2"], "[\(backend)]")
            XCTAssertEqual(try backend.open().users(), try store.users(), "[\(backend)]")
        }
    }

    // MARK: Sessions

    func testSessionsSurviveAReopenAndTouchingAnUnknownOneIsHarmless() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "lihua", role: .supervisor))
            let t0 = Date(timeIntervalSince1970: 1_796_000_000)
            let id = FloorSecret.sha256Hex("s-\(UUID().uuidString)")
            try store.addSession(idHash: id, FloorSession(user: "lihua", createdAt: t0, lastSeen: t0, address: "2001:db8::17"))
            XCTAssertThrowsError(try store.addSession(idHash: FloorSecret.sha256Hex("x"), FloorSession(user: "nobody", createdAt: t0, lastSeen: t0)), "[\(backend)]")
            try store.touchSession(idHash: FloorSecret.sha256Hex("unknown"), at: t0)
            try store.deleteSession(idHash: FloorSecret.sha256Hex("unknown"))
            try store.touchSession(idHash: id, at: t0.addingTimeInterval(3600))
            let again = try backend.open()
            XCTAssertEqual(try again.session(idHash: id), FloorSession(user: "lihua", createdAt: t0, lastSeen: t0.addingTimeInterval(3600), address: "2001:db8::17"), "[\(backend)]")
            // A password reset ends them (the workbench calls deleteSessions), from any connection.
            try again.deleteSessions(user: "lihua")
            XCTAssertNil(try store.session(idHash: id), "[\(backend)]")
        }
    }

    // MARK: Tokens

    func testTokensLastUseRevocationAndListing() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "bot", role: .supervisor))
            try store.addUser(FloorUser(name: "王组长", role: .admin))
            let nightly = try store.addToken(user: "bot", label: "夜间导出", tokenHash: FloorSecret.sha256Hex("cqc_nightly"), createdAt: "2026-12-01T08:00:00Z")
            let report = try store.addToken(user: "王组长", label: "report", tokenHash: FloorSecret.sha256Hex("cqc_report"), createdAt: "2026-12-01T08:05:00Z")
            let spare = try store.addToken(user: "bot", label: "spare", tokenHash: FloorSecret.sha256Hex("cqc_spare"), createdAt: "")
            XCTAssertEqual([nightly, report, spare], [1, 2, 3], "[\(backend)] ids in order from 1")
            // The same digest cannot name two tokens.
            XCTAssertThrowsError(try store.addToken(user: "bot", label: "dup", tokenHash: FloorSecret.sha256Hex("cqc_nightly"), createdAt: ""), "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: nil).map(\.id), [nightly, report, spare], "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: "bot").map(\.label), ["夜间导出", "spare"], "[\(backend)]")
            XCTAssertNotNil(FloorTime.date(try XCTUnwrap(try store.token(id: spare), "[\(backend)]").createdAt), "[\(backend)] an empty time is now, in ISO 8601")
            // Use marks the token used, that token only; each use moves it.
            XCTAssertEqual(try store.tokenUser(tokenHash: FloorSecret.sha256Hex("cqc_report"), usedAt: "2026-12-02T09:00:00Z"), "王组长", "[\(backend)]")
            XCTAssertEqual(try store.tokenUser(tokenHash: FloorSecret.sha256Hex("cqc_report"), usedAt: "2026-12-02T09:30:00Z"), "王组长", "[\(backend)]")
            XCTAssertEqual(try store.token(id: report)?.lastUsedAt, "2026-12-02T09:30:00Z", "[\(backend)]")
            XCTAssertNil(try store.token(id: nightly)?.lastUsedAt, "[\(backend)]")
            // Revoked: refused, and its last use stays that of before.
            try store.revokeToken(id: report, at: "2026-12-02T10:00:00Z")
            XCTAssertNil(try store.tokenUser(tokenHash: FloorSecret.sha256Hex("cqc_report"), usedAt: "2026-12-02T11:00:00Z"), "[\(backend)]")
            XCTAssertEqual(try store.token(id: report), APITokenInfo(id: report, user: "王组长", label: "report", createdAt: "2026-12-01T08:05:00Z",
                                                                     revokedAt: "2026-12-02T10:00:00Z", lastUsedAt: "2026-12-02T09:30:00Z"), "[\(backend)]")
            // Revoking one token leaves the others.
            XCTAssertEqual(try store.tokenUser(tokenHash: FloorSecret.sha256Hex("cqc_nightly"), usedAt: "2026-12-02T11:00:00Z"), "bot", "[\(backend)]")
            try store.revokeToken(id: spare, at: "")
            XCTAssertNotNil(FloorTime.date(try XCTUnwrap(try store.token(id: spare)?.revokedAt, "[\(backend)]")), "[\(backend)]")
            XCTAssertEqual(try store.tokens(user: nil).filter { $0.revokedAt == nil }.map(\.id), [nightly], "[\(backend)]")
            XCTAssertNil(try store.token(id: 42), "[\(backend)]")
        }
    }

    // MARK: Set-password links

    func testSetupLinksExpireAtTheirTimeAreUsedOnceAndExpiredOnesArePruned() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.addUser(FloorUser(name: "wangfang", role: .agent, agentID: "A023"))
            try store.addUser(FloorUser(name: "lihua", role: .supervisor))
            let expires = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01T00:00:00Z
            try store.addSetupLink(user: "wangfang", secretHash: FloorSecret.sha256Hex("link-w"), expires: expires)
            // At the second of its expiry the link is refused (and gone).
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-w"), now: expires), "[\(backend)]")
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-w"), now: expires.addingTimeInterval(-60)), "[\(backend)] deleted when refused")
            // A second before, it works, once.
            try store.addSetupLink(user: "wangfang", secretHash: FloorSecret.sha256Hex("link-w2"), expires: expires)
            XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-w2"), now: expires.addingTimeInterval(-1)), "wangfang", "[\(backend)]")
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-w2"), now: expires.addingTimeInterval(-1)), "[\(backend)]")
            // Adding any link prunes every link already expired (by the clock), of every user.
            let past = Date().addingTimeInterval(-3600)
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("link-l"), expires: past)
            try store.addSetupLink(user: "wangfang", secretHash: FloorSecret.sha256Hex("link-w3"), expires: expires)
            XCTAssertNil(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-l"), now: past.addingTimeInterval(-600)), "[\(backend)] pruned")
            // Links of other users stay.
            try store.addSetupLink(user: "lihua", secretHash: FloorSecret.sha256Hex("link-l2"), expires: expires)
            XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-w3"), now: Date()), "wangfang", "[\(backend)]")
            XCTAssertEqual(try store.consumeSetupLink(secretHash: FloorSecret.sha256Hex("link-l2"), now: Date()), "lihua", "[\(backend)]")
        }
    }

    // MARK: Failed logins

    func testFailedLoginWindowsPerUserAndAddressAndAWeekKept() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let t0 = Date(timeIntervalSince1970: 1_796_000_000)
            let minute: TimeInterval = 60
            let attempts: [(user: String?, address: String?)] = [("wangfang", "10.8.0.21"), ("wangfang", "10.8.0.21"), ("wangfang", "2001:db8::5"),
                                                                 ("王组长", "10.8.0.21"), (nil, "10.8.0.21"), ("lihua", nil)]
            for (i, attempt) in attempts.enumerated() {
                try store.recordFailedLogin(user: attempt.0, address: attempt.1, at: t0.addingTimeInterval(Double(i) * minute))
            }
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: nil, since: t0), 3, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: "10.8.0.21", since: t0), 4, "[\(backend)] unknown names count against the address")
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: "10.8.0.21", since: t0), 2, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "王组长", address: nil, since: t0), 1, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: nil, since: t0), 6, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "lihua", address: nil, since: t0), 1, "[\(backend)] a failure without an address counts for the user")
            // The window starts at `since`, included.
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: nil, since: t0.addingTimeInterval(minute)), 2, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: nil, since: t0.addingTimeInterval(minute + 1)), 1, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: "10.8.0.21", since: t0.addingTimeInterval(4 * minute)), 1, "[\(backend)]")
            // A week later the old failures are gone (the audit log keeps them).
            try store.recordFailedLogin(user: "wangfang", address: "10.8.0.21", at: t0.addingTimeInterval(7 * 86400 + 150))
            XCTAssertEqual(try store.failedLogins(user: nil, address: nil, since: .distantPast), 4, "[\(backend)] the first three are older than a week")
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: nil, since: .distantPast), 1, "[\(backend)]")
        }
    }

    /// A login form's name or a forged X-Forwarded-For address can be of any length: the failure is
    /// recorded and counted all the same (PostgreSQL refuses index entries over about 2.7 KB).
    func testFailedLoginsOfLongNamesAndForgedAddressesAreCounted() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let t0 = Date(timeIntervalSince1970: 1_796_000_000)
            // Texts that do not compress (PostgreSQL compresses a long index entry first).
            var generator = SystemRandomNumberGenerator()
            let longName = "wangfang" + String((0..<3000).map { _ in Character(Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &generator))!) })
            let forged = "203.0.113.7, " + (0..<400).map { _ in "198.51.\(Int.random(in: 0...255, using: &generator)).\(Int.random(in: 0...255, using: &generator))" }
                .joined(separator: ", ")
            for i in 0..<3 {
                try store.recordFailedLogin(user: longName, address: forged, at: t0.addingTimeInterval(Double(i)))
            }
            try store.recordFailedLogin(user: "wangfang", address: forged + "10.0.0.1", at: t0.addingTimeInterval(10))
            XCTAssertEqual(try store.failedLogins(user: longName, address: nil, since: t0), 3, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: nil, address: forged, since: t0), 4, "[\(backend)] alike in their first 200 characters: counted together")
            XCTAssertEqual(try store.failedLogins(user: longName, address: forged, since: t0), 3, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "wangfang", address: nil, since: t0), 1, "[\(backend)] a real name is not confused with a long one")
        }
    }

    // MARK: Audit log

    func testAuditLogFiltersOrderAndUnknownActions() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let entries = [
                AuditEntry(at: "2026-12-01T23:59:59Z", actor: "lihua", action: .unmask, target: Self.rudeID, detail: "客户投诉，需核对号码", address: "10.8.0.21"),
                AuditEntry(at: "2026-12-02T00:00:00Z", actor: "cli:root", action: .userAdded, target: "wangfang", detail: "agent A023"),
                AuditEntry(at: "2026-12-02T08:30:00Z", actor: "wangfang", action: .login, address: "10.8.0.22"),
                AuditEntry(at: "2026-12-01T12:00:00Z", actor: "lihua", action: .caseShared, target: "3"),
            ]
            for e in entries { try store.audit(e) }
            // Entries come in the order written (ids), not by time.
            let all = try store.auditLog(from: nil, to: nil, actor: nil, action: nil)
            XCTAssertEqual(all.map(\.id), [1, 2, 3, 4], "[\(backend)]")
            for (e, got) in zip(entries, all) {
                var expected = e
                expected.id = got.id
                XCTAssertEqual(got, expected, "[\(backend)]")
            }
            XCTAssertEqual(try store.auditLog(from: "2026-12-02", to: nil, actor: nil, action: nil).map(\.id), [2, 3], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: "2026-12-01", actor: nil, action: nil).map(\.id), [1, 4], "[\(backend)] the whole last day")
            XCTAssertEqual(try store.auditLog(from: "2026-12-01T12:00:00Z", to: "2026-12-02T00:00:00Z", actor: nil, action: nil).map(\.id), [1, 2, 4], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "lihua", action: .unmask).map(\.detail), ["客户投诉，需核对号码"], "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: "2026-12-02", to: "2026-12-02", actor: "cli:root", action: nil).count, 1, "[\(backend)]")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "LIHUA", action: nil), [], "[\(backend)] actors are case-sensitive")
            // An empty time is now.
            try store.audit(AuditEntry(at: "", actor: "cli:root", action: .reportExported))
            XCTAssertNotNil(FloorTime.date(try XCTUnwrap(try store.auditLog(from: nil, to: nil, actor: nil, action: .reportExported).first?.at, "[\(backend)]")), "[\(backend)]")
            // An action this version does not know (written by a newer one) is left out, not a failure.
            try backend.rawWrite("INSERT INTO audit_log (at, actor, action) VALUES ('2026-12-03T09:00:00Z', 'lihua', 'from-the-future')")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: nil).count, 5, "[\(backend)]")
        }
    }

    // MARK: Texts with NUL

    /// A NUL character (a form's `%00`, a JSON transcript's `\u0000`) is kept as U+FFFD on both
    /// backends, and lookups with it answer: PostgreSQL used to refuse every such statement, SQLite to
    /// cut the text at the NUL.
    func testTextsWithNULAreKeptAlikeAndLookupsAnswer() throws {
        var call = Self.call("C20261121-0077\u{0}x", date: "2026-11-21", "您好\u{0}，很高兴为您服务。")
        call.call.agent = "A023\u{0}"
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([call])
            let summary = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            XCTAssertEqual(summary.callID, "C20261121-0077\u{FFFD}x", "[\(backend)]")
            XCTAssertEqual(summary.agent, "A023\u{FFFD}", "[\(backend)]")
            let stored = try XCTUnwrap(try store.detail(callID: "C20261121-0077\u{0}x"), "[\(backend)] found by the id as given")
            XCTAssertEqual(stored.call.turns[0].text, "您好\u{0}，很高兴为您服务。", "[\(backend)] the transcript (JSON) keeps it as it was")
            XCTAssertNotNil(try store.detail(callID: summary.key), "[\(backend)] and by its key")
            let review = Review(callID: summary.callID, reviewedAt: "2026-11-22T08:00:00Z", reviewer: "王组长\u{0}", note: "开头\u{0}结尾",
                                contentHash: summary.contentHash)
            try store.record(review)
            XCTAssertEqual(try store.reviews().first?.note, "开头\u{FFFD}结尾", "[\(backend)] the text after the NUL is kept")
            XCTAssertEqual(try store.reviews().first?.reviewer, "王组长\u{FFFD}", "[\(backend)]")
            // What a login form may send: no user, no failure to record, no error.
            XCTAssertNil(try store.user(named: "lihua\u{0}"), "[\(backend)]")
            try store.recordFailedLogin(user: "lihua\u{0}", address: "10.8.0.21", at: Date())
            XCTAssertEqual(try store.failedLogins(user: "lihua\u{0}", address: nil, since: .distantPast), 1, "[\(backend)]")
            XCTAssertEqual(try store.failedLogins(user: "lihua", address: nil, since: .distantPast), 0, "[\(backend)]")
            try store.audit(AuditEntry(at: "", actor: "lihua\u{0}", action: .loginFailed, target: "lihua\u{0}", detail: "wrong user or password"))
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: "lihua\u{0}", action: nil).map(\.actor), ["lihua\u{FFFD}"], "[\(backend)]")
        }
    }

    // MARK: Purge

    func testPurgeDryRunReportsWhatTheRealRunDoesAndOnlyTheRealRunIsLogged() throws {
        let old1 = Self.call("C20261001-0001", date: "2026-10-01", Self.curt, customer: "我的手机号13812345678，帮我查一下。")
        let old2 = Self.call("C20261002-0002", date: "2026-10-02", Self.polite)
        let recent = Self.call("C20261121-0003", date: "2026-11-21", Self.polite, customer: "我要办宽带。")
        let undated = Self.call("IMPORT-0009", date: nil, Self.polite, customer: "我要改套餐。")
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([old1, old2, recent, undated])
            var newer = old1
            newer.ruleSet = RuleSetStamp(name: old1.ruleSet!.name, version: "2099.1")
            try store.save([newer])
            try store.record(Review(callID: old1.call.id, reviewedAt: "2026-10-03T08:00:00Z", reviewer: "王组长", score: 60,
                                    contentHash: ContentHash.of(old1.call)))
            try store.record(Review(callID: "GONE-0001", reviewedAt: "2026-09-30T08:00:00Z", score: 80))
            try store.record(Review(callID: recent.call.id, reviewedAt: "2026-11-22T08:00:00Z", score: 90, contentHash: ContentHash.of(recent.call)))
            let c = CaseBuilder().build(from: try XCTUnwrap(try store.detail(callID: old1.call.id), "[\(backend)]"), turns: nil, createdAt: "2026-10-05T08:00:00Z")
            _ = try store.addCase(c)
            _ = try store.addAppeal(Appeal(callKey: old1.call.id, callID: old1.call.id, agent: "wangfang", reason: "分数不对", createdAt: "2026-10-04T08:00:00Z"))

            let dry = try store.purge(before: "2026-11-01", keepReviewed: false, dryRun: true)
            XCTAssertEqual(dry.calls.map(\.id), [old1.call.id, old2.call.id], "[\(backend)]")
            XCTAssertEqual(dry.results, 3, "[\(backend)] both rule set versions of the first")
            XCTAssertEqual(dry.reviews, 2, "[\(backend)] the old call's review and the review of a call no longer stored")
            XCTAssertEqual(dry.cases, 1, "[\(backend)] cases made from purged calls are counted (and kept)")
            XCTAssertEqual(try store.purgeLog().count, 0, "[\(backend)] a dry run is not logged")
            XCTAssertEqual(try store.resultCount(), 5, "[\(backend)]")
            XCTAssertEqual(try store.reviews().count, 3, "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: nil).count, 1, "[\(backend)]")

            let real = try store.purge(before: "2026-11-01", keepReviewed: false)
            XCTAssertEqual(real.calls.map(\.id), dry.calls.map(\.id), "[\(backend)]")
            XCTAssertEqual(real.calls.map(\.date), ["2026-10-01", "2026-10-02"], "[\(backend)]")
            XCTAssertEqual([real.results, real.reviews, real.cases, real.keptReviewed], [dry.results, dry.reviews, dry.cases, dry.keptReviewed], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).map(\.callID), [undated.call.id, recent.call.id], "[\(backend)]")
            XCTAssertEqual(try store.resultCount(), 2, "[\(backend)]")
            XCTAssertEqual(try store.reviews().map(\.callID), [recent.call.id], "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: nil), [], "[\(backend)]")
            XCTAssertEqual(try store.cases().count, 1, "[\(backend)] the library keeps its excerpt")
            XCTAssertNil(try store.detail(callID: old1.call.id), "[\(backend)]")
            let log = try store.purgeLog()
            XCTAssertEqual(log.count, 1, "[\(backend)]")
            XCTAssertEqual(log.first?.before, "2026-11-01", "[\(backend)]")
            XCTAssertEqual([log.first?.calls, log.first?.results, log.first?.reviews], [2, 3, 2], "[\(backend)]")
            XCTAssertNotNil(FloorTime.date(log.first?.at ?? ""), "[\(backend)] the time of the purge, ISO 8601")
            XCTAssertEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: .appeal).count, 1, "[\(backend)] the audit log is left alone")

            // A call without a date goes by the day it was first checked (today); the reviewed call stays.
            XCTAssertEqual(try store.purge(before: "2000-01-01", keepReviewed: true).calls.count, 0, "[\(backend)]")
            let today = String(FloorTime.now.prefix(10))
            XCTAssertFalse(try store.purge(before: today, keepReviewed: true).calls.contains { $0.id == undated.call.id }, "[\(backend)] not before today")
            let tomorrow = String(FloorTime.string(Date().addingTimeInterval(86400)).prefix(10))
            let later = try store.purge(before: tomorrow, keepReviewed: true)
            XCTAssertEqual(later.calls.map(\.id), [undated.call.id], "[\(backend)]")
            XCTAssertEqual(later.keptReviewed, recent.call.date! < tomorrow ? 1 : 0, "[\(backend)] the reviewed recent call is kept")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).map(\.callID), [recent.call.id], "[\(backend)]")
            XCTAssertEqual(try store.purgeLog().map(\.calls), [2, 0, 0, 1], "[\(backend)]")
        }
    }

    // MARK: Cases

    func testCaseSharingAndTheLibraryOrder() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([Shipped.sample("rude-agent.txt"), Shipped.sample("complaint.txt")])
            let rude = CaseBuilder().build(from: try XCTUnwrap(try store.detail(callID: Self.rudeID), "[\(backend)]"), turns: nil, createdAt: "2026-12-01T08:00:00Z")
            var complaint = CaseBuilder().build(from: try XCTUnwrap(try store.detail(callID: "C20261121-0022"), "[\(backend)]"), turns: 1...4,
                                                createdAt: "2026-12-01T09:00:00Z")
            complaint.title = "客户要求赔偿：先致歉再处理"
            complaint.note = "新人培训第二周使用"
            let first = try store.addCase(rude)
            let second = try store.addCase(complaint)
            XCTAssertEqual([first, second], [1, 2], "[\(backend)]")
            XCTAssertEqual(try store.cases().map(\.id), [1, 2], "[\(backend)]")
            XCTAssertEqual(try store.cases().map(\.sharedWithAgent), [false, false], "[\(backend)]")
            try store.shareCase(id: second, shared: true)
            XCTAssertEqual(try store.cases().map(\.sharedWithAgent), [false, true], "[\(backend)]")
            XCTAssertEqual(try backend.open().cases().map(\.sharedWithAgent), [false, true], "[\(backend)] kept")
            try store.shareCase(id: second, shared: false)
            try store.shareCase(id: first, shared: true)
            XCTAssertEqual(try store.cases().map(\.sharedWithAgent), [true, false], "[\(backend)]")
            XCTAssertThrowsError(try store.shareCase(id: 99, shared: true), "[\(backend)]") { XCTAssertTrue("\($0)".contains("no case 99"), "[\(backend)] \($0)") }
            let back = try XCTUnwrap(try store.cases().last, "[\(backend)]")
            XCTAssertEqual(back.title, "客户要求赔偿：先致歉再处理", "[\(backend)]")
            XCTAssertEqual(back.note, "新人培训第二周使用", "[\(backend)]")
            XCTAssertEqual(back.turns, 1...4, "[\(backend)]")
            XCTAssertEqual(back.createdAt, "2026-12-01T09:00:00Z", "[\(backend)]")
            XCTAssertEqual(back.agent, complaint.agent, "[\(backend)]")
            XCTAssertEqual(back.date, complaint.date, "[\(backend)]")
            XCTAssertEqual(back.excerpt, complaint.excerpt, "[\(backend)]")
        }
    }

    // MARK: Appeals and strikes

    func testAppealsRefuseDuplicatesOfTheScoreAndFollowTheCallsKey() throws {
        let rude = Shipped.sample("rude-agent.txt")
        var again = Shipped.sample("rude-agent.txt")
        again.call.date = "2026-11-27"
        again.call.source = "recheck/rude-agent.txt"
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([rude])
            let score = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, agent: "wangfang", reason: "分数太低", createdAt: "2026-12-01T09:00:00Z"))
            XCTAssertThrowsError(try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, agent: "wangfang", reason: "再申诉一次", createdAt: "")), "[\(backend)]") {
                XCTAssertTrue("\($0)".contains("appeal \(score) already disputes the score"), "[\(backend)] \($0)")
            }
            // Findings are appealed apart from the score, each once.
            let closing = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 0, agent: "wangfang", reason: "我说了再见", createdAt: ""))
            let dontKnow = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 3, rule: "taboo.dont-know", agent: "wangfang",
                                                      reason: "我说的是不知道您指哪一天", createdAt: ""))
            XCTAssertThrowsError(try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 3, agent: "wangfang", reason: "x", createdAt: "")), "[\(backend)]")
            XCTAssertThrowsError(try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, agent: "", reason: "x", createdAt: "")), "[\(backend)]")
            XCTAssertThrowsError(try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 1, agent: "wangfang", reason: "  ", createdAt: "")), "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: .pending).map(\.id), [score, closing, dontKnow], "[\(backend)]")
            XCTAssertEqual(try store.appeal(id: dontKnow)?.findingIndex, 3, "[\(backend)]")
            XCTAssertNil(try store.appeal(id: score)?.findingIndex, "[\(backend)]")
            XCTAssertNil(try store.appeal(id: score)?.rule, "[\(backend)]")
            // A rejected score appeal can be made again.
            try store.decideAppeal(id: score, accept: false, by: "lihua", note: "分数按规则扣", at: "2026-12-01T10:00:00Z")
            let second = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, agent: "wangfang", reason: "补充录音", createdAt: ""))
            XCTAssertThrowsError(try store.decideAppeal(id: score, accept: true, by: "lihua", note: nil, at: ""), "[\(backend)]")
            XCTAssertThrowsError(try store.decideAppeal(id: second, accept: true, by: "", note: nil, at: ""), "[\(backend)] a decision names who makes it")
            // Another transcript of the id arrives: the appeals name their call by its new key, and by hash.
            try store.save([again])
            let hash = ContentHash.of(rude.call)
            XCTAssertEqual(Set(try store.appeals(status: nil).map(\.callKey)), ["\(Self.rudeID)@2026-11-20"], "[\(backend)]")
            XCTAssertEqual(Set(try store.appeals(status: nil).compactMap(\.contentHash)), [hash], "[\(backend)]")
            XCTAssertEqual(try store.appeals(status: .rejected).map(\.id), [score], "[\(backend)]")
            // The other transcript is appealed apart: its key names it.
            let other = try store.addAppeal(Appeal(callKey: "\(Self.rudeID)@2026-11-27", callID: Self.rudeID, findingIndex: 0, agent: "wangfang",
                                                   reason: "复检的这通也说了再见", createdAt: ""))
            XCTAssertEqual(try store.appeal(id: other)?.contentHash, ContentHash.of(again.call), "[\(backend)]")
            XCTAssertThrowsError(try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 5, agent: "wangfang", reason: "x", createdAt: "")), "[\(backend)]") {
                XCTAssertTrue($0 is AmbiguousCallReference, "[\(backend)] \($0)")
            }
            // The audit log has each appeal and decision once, by whom.
            let audit = try store.auditLog(from: nil, to: nil, actor: nil, action: nil)
            XCTAssertEqual(audit.map(\.action), [.appeal, .appeal, .appeal, .appealDecided, .appeal, .appeal], "[\(backend)]")
            XCTAssertEqual(audit.map(\.actor), ["wangfang", "wangfang", "wangfang", "lihua", "wangfang", "wangfang"], "[\(backend)]")
            XCTAssertEqual(audit.last?.target, "\(Self.rudeID)@2026-11-27", "[\(backend)]")
        }
    }

    func testStrikesRecomputeScoreGradeAndSectionsAcrossSeveralAppeals() throws {
        let rude = Shipped.sample("rude-agent.txt")
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([rude])
            func accept(_ index: Int, at: String) throws {
                let id = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: index, agent: "wangfang", reason: "录音可证", createdAt: ""))
                try store.decideAppeal(id: id, accept: true, by: "lihua", note: nil, at: at)
            }
            // taboo.dont-know (10) and taboo.elsewhere (10) in politeness: 0 → 20 of 35; 75 (C).
            try accept(3, at: "2026-12-01T10:00:00Z")
            try accept(4, at: "2026-12-01T10:05:00Z")
            var s = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            XCTAssertEqual(s.score, 75, "[\(backend)]")
            XCTAssertEqual(s.grade, "C", "[\(backend)]")
            XCTAssertEqual(s.sections.first { $0.id == "politeness" }?.score, 20, "[\(backend)]")
            XCTAssertEqual(s.findings.map(\.struck), (0..<rude.findings.count).map { [3, 4].contains($0) }, "[\(backend)]")
            // The closing too: greeting-closing 5 → 15; 85 (B).
            try accept(0, at: "2026-12-01T10:10:00Z")
            s = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            XCTAssertEqual(s.score, 85, "[\(backend)]")
            XCTAssertEqual(s.grade, "B", "[\(backend)]")
            let detail = try XCTUnwrap(try store.detail(callID: Self.rudeID), "[\(backend)]")
            XCTAssertEqual(detail.summary, s, "[\(backend)]")
            XCTAssertEqual(detail.result["score"]?["total"], .number(85), "[\(backend)]")
            XCTAssertEqual(detail.result["score"]?["original"]?["total"], .number(55), "[\(backend)]")
            XCTAssertEqual(detail.result["findings"]?.arrayValue?.compactMap { $0["struck"]?["appeal"]?.numberValue }, [3, 1, 2], "[\(backend)] each finding names its appeal")
            XCTAssertEqual(detail.result["findings"]?.arrayValue?[4]["struck"]?["at"], .string("2026-12-01T10:05:00Z"), "[\(backend)]")
            // A newer rule set version's result of the same transcript keeps the strikes (same findings, same rules).
            var newer = rude
            newer.ruleSet = RuleSetStamp(name: rude.ruleSet!.name, version: "2099.1")
            try store.save([newer])
            s = try XCTUnwrap(try store.summaries(from: nil, to: nil).first, "[\(backend)]")
            XCTAssertEqual(s.ruleSetVersion, "2099.1", "[\(backend)]")
            XCTAssertEqual(s.score, 85, "[\(backend)]")
            XCTAssertEqual(s.grade, "B", "[\(backend)]")
            // Reports count what is left.
            let byRule = Report(try store.summaries(from: nil, to: nil), by: .rule)
            XCTAssertNil(byRule.rows.first { $0.key == "taboo.dont-know" }, "[\(backend)]")
            XCTAssertNotNil(byRule.rows.first { $0.key == "taboo.rules" }, "[\(backend)]")
        }
    }

    /// The grade after a strike is read from the bands stored with the rule set version; without
    /// them, from the latest version of the same rule set that has bands; without any, it stays.
    func testGradeBandsAreTheStoredOnesWithTheLatestVersionAsFallback() throws {
        let rude = Shipped.sample("rude-agent.txt")
        let name = rude.ruleSet!.name, version = rude.ruleSet!.version
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([rude])
            let stored = try store.database.read { db in
                try db.rows("SELECT grade, minimum FROM grade_bands WHERE ruleset_name = ? AND ruleset_version = ? ORDER BY minimum DESC", [name, version])
                    .map { row -> String in "\(row["grade"] as String)≥\(row["minimum"] as Double)" }
            }
            XCTAssertEqual(stored, ["A≥90.0", "B≥80.0", "C≥70.0", "D≥60.0", "E≥0.0"], "[\(backend)] kept at save time")
            let id = try store.addAppeal(Appeal(callKey: Self.rudeID, callID: Self.rudeID, findingIndex: 0, agent: "wangfang", reason: "说了再见", createdAt: ""))
            try store.decideAppeal(id: id, accept: true, by: "lihua", note: nil, at: "2026-12-01T10:00:00Z")
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.grade, "D", "[\(backend)] 65 with the shipped bands")
            // The bands stored for the version decide, not the rule set loaded now.
            try store.database.write { db in
                try db.execute("DELETE FROM grade_bands WHERE ruleset_name = ?", [name])
                for (grade, minimum) in [("优", 80.0), ("良", 62.5), ("差", 0.0)] {
                    try db.execute("INSERT INTO grade_bands (ruleset_name, ruleset_version, grade, minimum) VALUES (?, ?, ?, ?)", [name, version, grade, minimum])
                }
            }
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.grade, "良", "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).first?.grade, "良", "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.result["score"]?["grade"], .string("良"), "[\(backend)]")
            // None for the version: the latest version of the rule set that has bands.
            try store.database.write { db in
                try db.execute("DELETE FROM grade_bands WHERE ruleset_name = ?", [name])
                for (v, grade, minimum) in [("2026.01.01", "旧甲", 60.0), ("2026.01.01", "旧乙", 0.0), ("2025.12.31", "甲", 70.0), ("2025.12.31", "乙", 0.0)] {
                    try db.execute("INSERT INTO grade_bands (ruleset_name, ruleset_version, grade, minimum) VALUES (?, ?, ?, ?)", [name, v, grade, minimum])
                }
            }
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.grade, "乙", "[\(backend)] the bands written last, whatever the version's name")
            // None at all: the grade stays as checked.
            try store.database.write { db in try db.execute("DELETE FROM grade_bands") }
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.grade, "E", "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.score, 65, "[\(backend)]")
            // Saving again records the rule set's bands again.
            try store.save([rude])
            XCTAssertEqual(try store.detail(callID: Self.rudeID)?.summary.grade, "D", "[\(backend)]")
        }
    }
}
