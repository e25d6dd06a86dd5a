import CallQC
import CallQCStore
@testable import CallQCWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Every other table of the workbench as CSV (issue 18): the queue's reviewed calls, each chart's data
/// table, `/me`'s tables and the audit log. Each download against the table on its page (both parsed), on the generated
/// calls of ``ChartPageTests``; who may download what; masking; and quoting of Chinese and English cells
/// with commas, quotes and line breaks.
extension ChartPageTests {
    /// An appeal reason, a decision note and a self-check label that need quoting in CSV.
    static let awkwardReason = "客户说\"不用了\"，然后挂断, then he said \"hung up\"\n第二行 second line"
    static let awkwardNote = "听了录音, 确认 \"已结束\""
    static let awkwardLabel = "话术, \"草稿\" 版本二.txt"
    static let awkwardReviewer = "王, \"主管\""

    /// Reviews of a north and a south call of the queue's day, an appeal of wang's decided, a self-check of wang's.
    func addAwkwardRecords() throws -> (north: CallSummary, south: CallSummary) {
        let day = ChartPageTests.days[2]
        let calls = try store.summaries(from: day, to: day)
        let north = try XCTUnwrap(calls.first { $0.agent == "A101" && !$0.findings.isEmpty })
        let south = try XCTUnwrap(calls.first { $0.agent == "A201" })
        for (c, who) in [(north, ChartPageTests.awkwardReviewer), (south, "south reviewer")] {
            try store.record(Review(callID: c.callID, reviewedAt: "2026-11-21T10:00:00Z", reviewer: who, score: 72.5, sectionScores: [:],
                                    confirmed: c.findings.prefix(1).map(\.rule), missed: [], contentHash: c.contentHash))
        }
        let appeal = try floor.addAppeal(Appeal(callKey: north.key, callID: north.callID, findingIndex: 0, rule: north.findings[0].rule,
                                                agent: "wang", reason: ChartPageTests.awkwardReason, createdAt: "2026-11-21T11:00:00Z"))
        try floor.decideAppeal(id: appeal, accept: true, by: "sup-north", note: ChartPageTests.awkwardNote, at: "2026-11-22T09:00:00Z")
        try store.addSelfCheck(SelfCheckRecord(user: "wang", agentID: "A101", label: ChartPageTests.awkwardLabel, kind: .draft, checkedAt: "2026-11-22T10:00:00Z",
                                               score: 80, maxScore: 100, grade: "B", findings: 2, critical: 0, errors: 1, warnings: 1))
        return (north, south)
    }

    /// A page's table and its download, each parsed: the download begins with the BOM, has the page's rows
    /// in the page's order, each row as many cells as the header.
    struct Pair {
        var page: HTMLTable
        var csv: [[String]]
        var header: [String] { csv[0] }
        var rows: [[String]] { Array(csv.dropFirst()) }
    }

    static func pair(_ client: some TestClientProtocol, _ fx: Fixture, user: String, page uri: String, table: String, csv csvURI: String,
                     file: StaticString = #filePath, line: UInt = #line) async throws -> Pair {
        let html = try await client.execute(uri: uri, method: .get, headers: fx.headers(user)) { $0 }
        XCTAssertEqual(html.status, .ok, "\(user) \(uri)", file: file, line: line)
        let page = String(buffer: html.body)
        let r = try await client.execute(uri: csvURI, method: .get, headers: fx.headers(user)) { $0 }
        XCTAssertEqual(r.status, .ok, "\(user) \(csvURI): \(String(buffer: r.body).prefix(300))", file: file, line: line)
        XCTAssertEqual(r.headers[.contentType], "text/csv; charset=utf-8", csvURI, file: file, line: line)
        let disposition = r.headers[HTTPField.Name("Content-Disposition")!] ?? ""
        XCTAssertNotNil(disposition.range(of: #"^attachment; filename="callqc-[A-Za-z0-9._-]+-\d{4}-\d{2}-\d{2}(_\d{4}-\d{2}-\d{2})?\.csv"$"#, options: .regularExpression),
                        "\(csvURI): \(disposition)", file: file, line: line)
        let bytes = Array(r.body.readableBytesView)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "\(csvURI) begins with the BOM", file: file, line: line)
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\r\n"), csvURI, file: file, line: line)
        let csv = try CSVText.parse(text)
        XCTAssertFalse(csv.isEmpty, csvURI, file: file, line: line)
        for row in csv { XCTAssertEqual(row.count, csv[0].count, "\(csvURI): \(row)", file: file, line: line) }
        // The page links to the download beside the table.
        XCTAssertTrue(page.contains("href=\"\(csvURI.replacingOccurrences(of: "&", with: "&amp;"))\""), "\(uri) links to \(csvURI)", file: file, line: line)
        return Pair(page: try HTMLTable.parse(page, id: table), csv: csv)
    }

    /// A table whose cells the download has one for one ("–" on the page is an empty cell).
    static func assertSameCells(_ p: Pair, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(p.header.count, p.page.header.count, "\(what): columns", file: file, line: line)
        XCTAssertEqual(p.rows.count, p.page.rows.count, "\(what): rows", file: file, line: line)
        XCTAssertGreaterThan(p.rows.count, 0, what, file: file, line: line)
        XCTAssertEqual(p.rows, p.page.rows.map { $0.map { $0 == "–" ? "" : $0 } }, what, file: file, line: line)
    }

    /// A chart's data table against its download: the categories in order; each value as the page shows it
    /// (one decimal and the unit) from the download's (two decimals).
    static func assertSameChart(_ p: Pair, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(p.header.first, p.page.header.first, "\(what): the category column", file: file, line: line)
        XCTAssertEqual(p.header.count, p.page.header.count, what, file: file, line: line)
        for (csvName, pageName) in zip(p.header, p.page.header) { XCTAssertTrue(csvName.hasPrefix(pageName), "\(what): \(csvName) / \(pageName)", file: file, line: line) }
        XCTAssertEqual(p.rows.map(\.first), p.page.rows.map(\.first), "\(what): categories", file: file, line: line)
        XCTAssertGreaterThan(p.rows.count, 0, what, file: file, line: line)
        var values = 0
        for (csvRow, pageRow) in zip(p.rows, p.page.rows) {
            for (c, shown) in zip(csvRow.dropFirst(), pageRow.dropFirst()) {
                if shown == "–" { XCTAssertEqual(c, "", what, file: file, line: line); continue }
                let number = Double(shown.trimmingCharacters(in: CharacterSet(charactersIn: "0123456789.-").inverted))
                XCTAssertNotNil(Double(c), "\(what): '\(c)'", file: file, line: line)
                XCTAssertEqual(Double(c) ?? .nan, number ?? .nan, accuracy: 0.051, "\(what): \(csvRow[0])", file: file, line: line)
                XCTAssertLessThanOrEqual(c.split(separator: ".").dropFirst().first?.count ?? 0, 2, "\(what): two decimals at most: \(c)", file: file, line: line)
                values += 1
            }
        }
        XCTAssertGreaterThan(values, 0, what, file: file, line: line)
    }

    func testEveryTableDownloadsAsThePageShowsIt() async throws {
        _ = try addAwkwardRecords()
        let day = ChartPageTests.days[2], fx = self.fx
        try await app().test(.router) { client in
            // The queue's reviewed calls (the day's reviews the supervisor may see) and its risk mix.
            let reviewed = try await ChartPageTests.pair(client, fx, user: "root", page: "/queue?date=\(day)", table: "reviewed", csv: "/queue/csv?table=reviewed&date=\(day)")
            XCTAssertEqual(reviewed.header, ["call", "human_score", "confirmed", "rejected", "reviewer", "reviewed_at"])
            ChartPageTests.assertSameCells(reviewed, "reviewed")
            XCTAssertEqual(reviewed.rows.count, 2)
            XCTAssertTrue(reviewed.rows.contains { $0[4] == ChartPageTests.awkwardReviewer && $0[1] == "72.5" }, "\(reviewed.rows)")
            let mix = try await ChartPageTests.pair(client, fx, user: "root", page: "/queue?date=\(day)&per_agent=2&seed=1", table: "chart-risk-mix-table",
                                     csv: "/queue/csv?table=chart-risk-mix&date=\(day)&per_agent=2&seed=1")
            ChartPageTests.assertSameChart(mix, "risk mix")
            let picks = try HTMLTable.parse(String(buffer: try await client.execute(uri: "/queue?date=\(day)&per_agent=2&seed=1", method: .get, headers: fx.headers("root")) { $0 }.body), id: "queue")
            XCTAssertEqual(mix.rows.map { $0.dropFirst().compactMap(Double.init).reduce(0, +) }.reduce(0, +), Double(picks.rows.count), "every pick in the mix")
            XCTAssertEqual(Set(mix.rows.compactMap(\.first)), Set(picks.rows.compactMap(\.first)), "the agents drawn")

            // The reports' four charts, over a period.
            for chart in ["chart-distribution", "chart-agents", "chart-rule-trends", "chart-sections"] {
                let p = try await ChartPageTests.pair(client, fx, user: "root", page: "/reports?from=2026-11-18&to=2026-11-20", table: chart + "-table",
                                       csv: "/reports/csv?table=\(chart)&from=2026-11-18&to=2026-11-20")
                ChartPageTests.assertSameChart(p, chart)
            }
            // The same chart in English: English headings, the same numbers.
            let en = try await ChartPageTests.pair(client, fx, user: "root", page: "/reports?lang=en", table: "chart-sections-table", csv: "/reports/csv?table=chart-sections&lang=en")
            ChartPageTests.assertSameChart(en, "sections, English")
            XCTAssertEqual(en.header, ["Section", "share of points (%)"])
            let distribution = try await ChartPageTests.pair(client, fx, user: "root", page: "/reports", table: "chart-distribution-table", csv: "/reports/csv?table=chart-distribution")
            XCTAssertEqual(distribution.rows.compactMap { Double($0[1]) }.reduce(0, +), 28, "every call in a band")

            // Calibration's precision and recall.
            let calibration = try await ChartPageTests.pair(client, fx, user: "root", page: "/calibration", table: "chart-calibration-table", csv: "/calibration/csv?table=chart-calibration")
            ChartPageTests.assertSameChart(calibration, "calibration")
            XCTAssertEqual(calibration.header, ["规则", "准确率 (%)", "召回率 (%)"])

            // /me's tables, as the agent and as the supervisor sees them.
            for (user, page, q) in [("wang", "/me", "&agent=A101"), ("sup-north", "/me?agent=A101", "&agent=A101")] {
                for (table, id) in [("calls", "my-calls"), ("appeals", "my-appeals"), ("self-checks", "my-self-checks")] {
                    let p = try await ChartPageTests.pair(client, fx, user: user, page: page, table: id, csv: "/me/csv?table=\(table)\(q)")
                    ChartPageTests.assertSameCells(p, "\(user) \(table)")
                }
                for chart in ["chart-my-score", "chart-my-rate"] {
                    let p = try await ChartPageTests.pair(client, fx, user: user, page: page, table: chart + "-table", csv: "/me/csv?table=\(chart)\(q)")
                    ChartPageTests.assertSameChart(p, "\(user) \(chart)")
                }
                // The findings: rule and counts as shown; the example's quote, message and call are what the page's cell shows.
                let findings = try await ChartPageTests.pair(client, fx, user: user, page: page, table: "my-findings", csv: "/me/csv?table=findings\(q)")
                XCTAssertEqual(findings.header, ["rule", "findings", "calls", "example", "message", "example_call", "turn", "better_phrasing"])
                XCTAssertEqual(findings.rows.count, findings.page.rows.count)
                XCTAssertGreaterThan(findings.rows.count, 0)
                for (c, shown) in zip(findings.rows, findings.page.rows) {
                    XCTAssertEqual(Array(c.prefix(3)), Array(shown.prefix(3)), user)
                    for part in [c[3], c[4], c[5]] where !part.isEmpty { XCTAssertTrue(shown[3].contains(part), "\(user): '\(part)' in '\(shown[3])'") }
                    if !c[6].isEmpty { XCTAssertTrue(shown[3].hasSuffix("#" + c[6]), "\(user): turn \(c[6]) in '\(shown[3])'") }
                    XCTAssertEqual(c[7], shown[4] == "–" ? "" : shown[4], user)
                }
                let taboo = try XCTUnwrap(findings.rows.first { $0[0] == "taboo.dont-know" }, "\(findings.rows)")
                XCTAssertTrue(taboo[7].contains("我帮您查询一下"), "the better phrasing: \(taboo)")
            }
            // The appeal's reason, the note and the self-check's label survive quoting, commas, quotes and the line break included.
            let appeals = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "wang", "/me/csv?table=appeals"))
            XCTAssertEqual(appeals.count, 2)
            XCTAssertEqual(appeals[1][2], ChartPageTests.awkwardReason)
            XCTAssertEqual(appeals[1][3], "已采纳 · sup-north")
            XCTAssertEqual(appeals[1][4], ChartPageTests.awkwardNote)
            let rawAppeals = try await ChartPageTests.csvBody(client, fx, "wang", "/me/csv?table=appeals")
            XCTAssertTrue(rawAppeals.contains(",\"客户说\"\"不用了\"\"，然后挂断, then he said \"\"hung up\"\"\n第二行 second line\","), rawAppeals)
            let checks = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "wang", "/me/csv?table=self-checks&lang=en"))
            XCTAssertEqual(checks[0], ["checked_at", "what", "kind", "score", "findings", "critical", "errors", "warnings"])
            XCTAssertEqual(checks[1], ["2026-11-22T10:00:00Z", ChartPageTests.awkwardLabel, "script draft", "80/100 B", "2", "0", "1", "1"])
            // The supervisor's list of agents to choose from.
            let choices = try await ChartPageTests.pair(client, fx, user: "sup-north", page: "/me", table: "agent-choices", csv: "/me/csv?table=agents")
            ChartPageTests.assertSameCells(choices, "agents")
            XCTAssertEqual(choices.rows.map(\.first), ["A101", "A102"])
            // Links labelled in the page's language.
            let zh = String(buffer: try await client.execute(uri: "/me", method: .get, headers: fx.headers("wang")) { $0 }.body)
            XCTAssertTrue(zh.contains("id=\"csv-my-findings\" download>下载 CSV</a>"), zh)
            XCTAssertTrue(zh.contains("id=\"csv-chart-my-score\" download>下载 CSV</a>"), zh)
            let english = String(buffer: try await client.execute(uri: "/me?lang=en", method: .get, headers: fx.headers("wang")) { $0 }.body)
            XCTAssertTrue(english.contains("href=\"/me/csv?table=findings&amp;agent=A101&amp;lang=en\" class=\"csv\" id=\"csv-my-findings\" download>Download CSV</a>"), english)
        }
    }

    static func csvBody(_ client: some TestClientProtocol, _ fx: Fixture, _ user: String, _ uri: String) async throws -> String {
        let r = try await client.execute(uri: uri, method: .get, headers: fx.headers(user)) { $0 }
        XCTAssertEqual(r.status, .ok, "\(user) \(uri): \(String(buffer: r.body).prefix(300))")
        return String(decoding: Array(r.body.readableBytesView).dropFirst(3), as: UTF8.self)
    }

    func testTableDownloadsAreRefusedLikeTheirPagesAndMasked() async throws {
        _ = try addAwkwardRecords()
        let day = ChartPageTests.days[2]
        let before = try floor.auditLog(from: nil, to: nil, actor: "wang", action: .reportExported).count
        try floor.audit(AuditEntry(at: "2026-11-23T08:00:00Z", actor: "sup-north", action: .unmask, target: "QA101", detail: "客户 \(ChartPageTests.phone) 投诉, \"升级\"\n第二行", address: nil))
        let fx = self.fx
        try await app().test(.router) { client in
            // The number read out in one of A101's calls is masked in the findings' example, for the agent and the supervisor.
            for (user, uri) in [("wang", "/me/csv?table=findings"), ("sup-north", "/me/csv?table=findings&agent=A101"), ("root", "/me/csv?table=findings&agent=A101")] {
                let text = try await ChartPageTests.csvBody(client, fx, user, uri)
                XCTAssertFalse(text.contains(ChartPageTests.phone), "\(user): \(text)")
                XCTAssertTrue(text.contains("139****5678"), "\(user): \(text)")
            }
            // Another agent's tables are not there, for an agent, another team's supervisor; a trainer has no /me.
            for (user, uri, status) in [("wang", "/me/csv?table=calls&agent=A201", HTTPResponse.Status.notFound), ("wang", "/me/csv?table=findings&agent=A102", .notFound),
                                        ("li", "/me/csv?table=appeals&agent=A101", .notFound), ("sup-south", "/me/csv?table=findings&agent=A101", .notFound),
                                        ("sup-north", "/me/csv?table=chart-my-score&agent=A201", .notFound), ("trainer", "/me/csv?table=calls&agent=A101", .forbidden),
                                        ("wang", "/queue/csv?table=reviewed&date=\(day)", .forbidden), ("li", "/reports/csv?table=chart-agents", .forbidden),
                                        ("wang", "/me/csv?table=nope", .badRequest), ("root", "/queue/csv?table=nope", .badRequest)] {
                let r = try await client.execute(uri: uri, method: .get, headers: fx.headers(user)) { $0 }
                XCTAssertEqual(r.status, status, "\(user) \(uri)")
                XCTAssertNotEqual(r.headers[.contentType], "text/csv; charset=utf-8", "\(user) \(uri)")
                XCTAssertFalse(String(buffer: r.body).contains(ChartPageTests.awkwardNote), "\(user) \(uri)")
            }
            // An agent's own tables: li's calls are A201's only, with no appeal of wang's.
            let liCalls = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "li", "/me/csv?table=calls"))
            XCTAssertEqual(liCalls.count, 1 + 8)
            XCTAssertTrue(liCalls.dropFirst().allSatisfy { $0[0].contains("A201") }, "\(liCalls)")
            let liAppeals = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "li", "/me/csv?table=appeals"))
            XCTAssertEqual(liAppeals, [["call", "what", "reason", "outcome", "note", "at"]])
            // A supervisor's reviewed calls are their team's; the admin's all of the day's.
            let northReviewed = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "sup-north", "/queue/csv?table=reviewed&date=\(day)"))
            let allReviewed = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "root", "/queue/csv?table=reviewed&date=\(day)"))
            XCTAssertEqual(northReviewed.dropFirst().map { $0[4] }, [ChartPageTests.awkwardReviewer])
            XCTAssertEqual(Set(allReviewed.dropFirst().map { $0[4] }), [ChartPageTests.awkwardReviewer, "south reviewer"])
            // A supervisor's charts are their team's agents.
            let agents = try CSVText.parse(try await ChartPageTests.csvBody(client, fx, "sup-south", "/reports/csv?table=chart-agents"))
            XCTAssertEqual(agents.dropFirst().map(\.first), ["A201"])
            // The admin's audit log, filtered as the page is; the number in an unmask reason masked in both.
            let audit = try await ChartPageTests.pair(client, fx, user: "root", page: "/admin/audit?action=unmask", table: "audit", csv: "/admin/audit/csv?action=unmask")
            ChartPageTests.assertSameCells(audit, "audit")
            XCTAssertEqual(audit.header, ["at", "user", "action", "target", "detail", "address"])
            XCTAssertEqual(audit.rows.map { $0[4] }, ["客户 139****5678 投诉, \"升级\"\n第二行"])
            let wholeLog = try await ChartPageTests.csvBody(client, fx, "root", "/admin/audit/csv")
            XCTAssertFalse(wholeLog.contains(ChartPageTests.phone), wholeLog)
            XCTAssertTrue(wholeLog.contains("me/A101/findings.csv"), "the downloads are in the log")
            let supervisorAudit = try await client.execute(uri: "/admin/audit/csv", method: .get, headers: fx.headers("sup-north")) { $0.status }
            XCTAssertEqual(supervisorAudit, .forbidden)
            // The filename: ASCII, the table and the date.
            let r = try await client.execute(uri: "/me/csv?table=findings", method: .get, headers: fx.headers("wang")) { $0 }
            XCTAssertEqual(r.headers[HTTPField.Name("Content-Disposition")!], "attachment; filename=\"callqc-me-A101-findings-\(Workbench.today()).csv\"")
        }
        // Each download audited under the user.
        XCTAssertEqual(try floor.auditLog(from: nil, to: nil, actor: "wang", action: .reportExported).count, before + 2)
        let targets = try floor.auditLog(from: nil, to: nil, actor: "li", action: .reportExported).compactMap(\.target)
        XCTAssertEqual(Set(targets), ["me/A201/calls.csv", "me/A201/appeals.csv"])
        XCTAssertEqual(targets.count, 2)
    }

    func testAChartsDataTableQuotesLikeTheCommandLine() throws {
        let chart = SVGChart(id: "x", kind: .bars, title: "t", categories: ["北区, 一组", "say \"hi\"", "two\nlines", "=cmd"],
                             series: [.init(name: "得分率", values: [12.345, nil, 100, 0]), .init(name: "recall, per cent", values: [1.0 / 3, 2, nil, nil])],
                             unit: "%", categoryHeading: "坐席")
        let text = TableCSV.chart(chart, byteOrderMark: true)
        XCTAssertEqual(text, "\u{FEFF}坐席,得分率 (%),\"recall, per cent (%)\"\r\n\"北区, 一组\",12.35,0.33\r\n\"say \"\"hi\"\"\",,2\r\n\"two\nlines\",100,\r\n'=cmd,0,\r\n")
        XCTAssertEqual(try CSVText.parse(String(text.dropFirst())).map(\.first), ["坐席", "北区, 一组", "say \"hi\"", "two\nlines", "'=cmd"])
        // A series shorter than the categories leaves the rest empty; a chart without a heading names the column.
        let short = SVGChart(id: "y", kind: .lines, title: "t", categories: ["2026-11-17", "2026-11-18"], series: [.init(name: "mean score", values: [88])])
        XCTAssertEqual(TableCSV.chart(short), "category,mean score\r\n2026-11-17,88\r\n2026-11-18,\r\n")
        XCTAssertEqual(Workbench.csvName(["me", "张三, A1", "findings"], date: "2026-12-01"), "callqc-me-____A1-findings-2026-12-01.csv")
    }
}

/// A table of a page by its id: the header's cells and each body row's cells, as text (tags dropped, entities read).
struct HTMLTable {
    var header: [String]
    var rows: [[String]]

    static func parse(_ html: String, id: String) throws -> HTMLTable {
        let start = try XCTUnwrap(html.range(of: "<table id=\"\(id)\""), "no table \(id)")
        let end = try XCTUnwrap(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
        let table = String(html[start.lowerBound..<end.upperBound])
        let head = try XCTUnwrap(table.range(of: "</thead>"))
        return HTMLTable(header: cells(String(table[..<head.lowerBound]), "th"),
                         rows: matches(String(table[head.upperBound...]), "<tr(?:\\s[^>]*)?>(.*?)</tr>").map { cells($0, "td") })
    }

    static func cells(_ html: String, _ tag: String) -> [String] {
        matches(html, "<\(tag)(?:\\s[^>]*)?>(.*?)</\(tag)>").map { text($0) }
    }

    static func matches(_ s: String, _ pattern: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// The text of a cell: tags dropped, entities read, ends trimmed.
    static func text(_ html: String) -> String {
        let stripped = html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        var out = "", rest = Substring(stripped)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            if let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 {
                let name = String(after[after.index(after: amp)..<semi])
                let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
                var scalar: String?
                if let v = named[name] { scalar = v }
                else if name.hasPrefix("#x"), let n = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(n) { scalar = String(u) }
                else if name.hasPrefix("#"), let n = UInt32(name.dropFirst()), let u = Unicode.Scalar(n) { scalar = String(u) }
                if let scalar { out += scalar; rest = after[after.index(after: semi)...]; continue }
            }
            out += "&"
            rest = after.dropFirst()
        }
        return (out + rest).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// An RFC 4180 reader for the tests: quoted fields with doubled quotes, commas and line breaks; CRLF rows.
enum CSVText {
    struct Malformed: Error { var reason: String }

    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, wasQuoted = false
        var chars = Array(text), i = 0
        chars.append("\u{0}")
        while i < chars.count - 1 {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if chars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    quoted = false
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                guard field.isEmpty && !wasQuoted else { throw Malformed(reason: "a quote inside an unquoted field at \(i)") }
                quoted = true
                wasQuoted = true
            } else if c == "," {
                row.append(field); field = ""; wasQuoted = false
            } else if c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false
            } else if c == "\n" || c == "\r" {
                throw Malformed(reason: "a bare line break outside quotes at \(i)")
            } else {
                guard !wasQuoted else { throw Malformed(reason: "text after a closing quote at \(i)") }
                field.append(c)
            }
            i += 1
        }
        guard !quoted else { throw Malformed(reason: "an unclosed quote") }
        guard row.isEmpty && field.isEmpty else { throw Malformed(reason: "no CRLF after the last row") }
        return rows
    }
}
