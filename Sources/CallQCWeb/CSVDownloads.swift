import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// The workbench's tables as CSV files: UTF-8 with a byte-order mark (for Excel), all written by the
/// command line's writer (``TableCSV``). A table a command writes too is its bytes: `callqc report
/// --format csv --bom`, `callqc sample --format csv --bom`, `callqc report calibration --format csv --bom`.
/// The others (the queue's reviewed calls, `/me`'s tables, the audit log) come from the model that renders
/// the page's table (``CSVRow``), and a chart's from its series (``TableCSV/chart(_:byteOrderMark:)``).
/// Each download is built by its page's own code: the same calls (the user's visibility), refusals and
/// masking; and the audit log records each.
extension Workbench {
    /// `GET /reports/csv?table=by-agent|by-day|by-rule|chart-distribution|chart-agents|chart-rule-trends|chart-sections&from=&to=`.
    func reportsCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("报表", "Reports"), p, active: "reports") }
        let table = request.uri.queryParameters.get("table") ?? "by-agent"
        let groupings: [String: Report.Grouping] = ["by-agent": .agent, "by-day": .day, "by-rule": .rule]
        let chartIDs = ReportCharts(english: p.lang == .en).report([]).map(\.id)
        guard groupings[table] != nil || chartIDs.contains(table) else {
            let known = (["by-agent", "by-day", "by-rule"] + chartIDs).joined(separator: ", ")
            return badCSV(p.t("没有这个表：'\(table)'（\(known)）。", "No table '\(table)' (\(known))."), p, active: "reports")
        }
        switch period(request, p) {
        case .failure(.message(let m)): return badCSV(m, p, active: "reports")
        case .success(let (from, to)):
            do {
                let calls = try store.summaries(from: from, to: to).filter(seeing)
                try audit(.reportExported, target: "reports/\(table).csv", detail: "csv, \(calls.count) calls" + ([from, to].compactMap { $0 }.isEmpty ? "" : ", " + [from ?? "…", to ?? "…"].joined(separator: " – ")))
                // The period in the name (`from_to`, `from_…`, `…_to`), else the day of the download.
                let name = Workbench.csvName(["report", table], date: [from, to].compactMap { $0 }.isEmpty ? Workbench.today() : "\(from ?? "start")_\(to ?? "end")")
                if let grouping = groupings[table] {
                    return Response.csv(TableCSV.report(Report(calls, by: grouping), byteOrderMark: true), name: name)
                }
                let chart = ReportCharts(english: p.lang == .en).report(calls).first { $0.id == table }!
                return Response.csv(TableCSV.chart(chart, byteOrderMark: true), name: name)
            } catch {
                return storeError(error, p)
            }
        }
    }

    /// `GET /queue/csv?table=picks|reviewed|chart-risk-mix&date=&per_agent=&seed=`: the picks (call keys and
    /// sources masked as on the page), the day's reviewed calls, or the risk mix's data.
    func queueCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("质检队列", "Review queue"), p, active: "queue") }
        let table = request.uri.queryParameters.get("table") ?? "picks"
        guard ["picks", "reviewed", "chart-risk-mix"].contains(table) else {
            return badCSV(p.t("没有这个表：'\(table)'（picks、reviewed、chart-risk-mix）。", "No table '\(table)' (picks, reviewed, chart-risk-mix)."), p, active: "queue")
        }
        do {
            switch try queueRequest(request, store) {
            case .failure(.message(let m)): return badCSV(m, p, active: "queue")
            case .success(let qr):
                let view = try queueView(qr, store, p)
                switch table {
                case "picks":
                    try audit(.reportExported, target: "queue/\(qr.date).csv", detail: "csv, \(view.queue.picks.count) picks")
                    return Response.csv(TableCSV.queue(view.queue, shown: { p.r($0) }, byteOrderMark: true), name: "callqc-queue-\(qr.date).csv")
                case "reviewed":
                    return try tableCSV(view.model.done, target: "queue/\(qr.date)/reviewed.csv", name: Workbench.csvName(["queue", "reviewed"], date: qr.date))
                default:
                    return try chartCSV(view.chart, target: "queue/\(qr.date)/\(table).csv", name: Workbench.csvName(["queue", table], date: qr.date))
                }
            }
        } catch {
            return storeError(error, p)
        }
    }

    /// `GET /calibration/csv?table=rules|missed|differences|chart-calibration`.
    func calibrationCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("校准", "Calibration"), p, active: "calibration") }
        let table = request.uri.queryParameters.get("table") ?? "rules"
        guard ["rules", "missed", "differences", "chart-calibration"].contains(table) else {
            return badCSV(p.t("没有这个表：'\(table)'（rules、missed、differences、chart-calibration）。", "No table '\(table)' (rules, missed, differences, chart-calibration)."), p, active: "calibration")
        }
        do {
            let c = try calibration(store)
            try audit(.reportExported, target: "calibration/\(table).csv", detail: "csv")
            let text: String
            switch table {
            case "rules": text = TableCSV.calibrationRules(c, byteOrderMark: true)
            case "missed": text = TableCSV.calibrationMissed(c, texts: try missedTexts(c, store), shown: { p.r($0) }, byteOrderMark: true)
            case "differences": text = TableCSV.calibrationDifferences(c, byteOrderMark: true)
            default: text = TableCSV.chart(ReportCharts(english: p.lang == .en).calibration(c), byteOrderMark: true)
            }
            return Response.csv(text, name: Workbench.csvName(["calibration", table], date: Workbench.today()))
        } catch {
            return storeError(error, p)
        }
    }

    /// Calibration over the calls the user may see (an accepted appeal counts as a wrongly flagged finding).
    /// Reviews and appeals of calls the user may not see are left out before counting, so that neither the counts,
    /// the chart, the missed turns (their text) nor the downloads hold another team's calls.
    func calibration(_ store: SQLStore) throws -> Calibration {
        let all = try store.summaries(from: nil, to: nil)
        let calls = all.filter(seeing)
        let reviews = try store.reviews(), appeals = try floor?.appeals(status: .accepted) ?? []
        // Whoever sees every call sees every review (those of purged calls too, as "unmatched").
        guard calls.count < all.count else { return Calibration(reviews: reviews, calls: calls, appeals: appeals) }
        let hashes = Set(calls.map(\.contentHash)), ids = Set(calls.map(\.callID))
        func visible(_ hash: String?, _ id: String) -> Bool { hash.map(hashes.contains) ?? ids.contains(id) }
        return Calibration(reviews: reviews.filter { visible($0.contentHash, $0.callID) }, calls: calls,
                           appeals: appeals.filter { visible($0.contentHash, $0.callID) })
    }

    /// The text of each missed turn, unmasked (the caller masks); nil where the call or turn is not stored.
    func missedTexts(_ c: Calibration, _ store: SQLStore) throws -> [String?] {
        var calls: [String: Call?] = [:]
        return try c.missed.map { m in
            if calls[m.reference] == nil { calls[m.reference] = .some(try store.detail(callID: m.reference)?.call) }
            guard let call = calls[m.reference] ?? nil, m.turn >= 1, m.turn <= call.turns.count else { return nil }
            return call.turns[m.turn - 1].text
        }
    }

    /// `GET /me/csv?table=findings|calls|appeals|self-checks|chart-my-score|chart-my-rate&agent=`, and
    /// `table=agents` (the agents to choose from) without an agent: `/me`'s tables, built by the page's own
    /// code (``agentView(_:_:_:)``), so with its refusals, visibility and masking.
    func agentCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("我的质检", "My QC"), p, active: "me") }
        let table = request.uri.queryParameters.get("table") ?? "findings"
        let tables = ["findings", "calls", "appeals", "self-checks", "chart-my-score", "chart-my-rate", "agents"]
        guard tables.contains(table) else {
            return badCSV(p.t("没有这个表：'\(table)'（\(tables.joined(separator: "、"))）。", "No table '\(table)' (\(tables.joined(separator: ", ")))."), p, active: "me")
        }
        do {
            switch try agentView(request, store, p) {
            case .refused(let response): return response
            case .choices(let model):
                guard table == "agents" else {
                    return badCSV(p.t("请选择一位坐席（agent=…）。", "Choose an agent (agent=…)."), p, active: "me")
                }
                return try tableCSV(model.choices, target: "me/agents.csv", name: Workbench.csvName(["agents"], date: Workbench.today()))
            case .agent(let model, let agentID, let charts):
                let target = "me/\(agentID)/\(table).csv", name = Workbench.csvName(["me", agentID, table], date: Workbench.today())
                switch table {
                case "findings": return try tableCSV(model.findings, target: target, name: name)
                case "calls": return try tableCSV(model.calls, target: target, name: name)
                case "appeals": return try tableCSV(model.appeals, target: target, name: name)
                case "self-checks": return try tableCSV(model.selfChecks, target: target, name: name)
                case "agents": return badCSV(p.t("坐席列表不需要 agent 参数。", "The list of agents takes no agent."), p, active: "me")
                default: return try chartCSV(charts.first { $0.id == table }!, target: target, name: name)
                }
            }
        } catch {
            return storeError(error, p)
        }
    }

    /// A page's table as its download: the rows the page shows (``CSVRow``), written by ``TableCSV``, audited.
    func tableCSV<Row: CSVRow>(_ rows: [Row], target: String, name: String) throws -> Response {
        try audit(.reportExported, target: target, detail: "csv, \(rows.count) rows")
        return Response.csv(TableCSV.table(Row.csvHeader, rows.map(\.csvCells), byteOrderMark: true), name: name)
    }

    /// A chart's data table as its download (``TableCSV/chart(_:byteOrderMark:)``), audited.
    func chartCSV(_ chart: SVGChart, target: String, name: String) throws -> Response {
        try audit(.reportExported, target: target, detail: "csv, \(chart.categories.count) rows")
        return Response.csv(TableCSV.chart(chart, byteOrderMark: true), name: name)
    }

    /// A chart with the link to its data as CSV: `path?table=<the chart's id>&query…`.
    func linked(_ chart: SVGChart, _ p: PageContext, _ path: String, _ query: [(String, String)] = []) -> SVGChart {
        var c = chart
        c.csvHref = p.link(path, [("table", chart.id)] + query)
        c.csvLabel = p.t("下载 CSV", "Download CSV")
        return c
    }

    /// `callqc-<parts>-<date>.csv`, ASCII only: other characters become `_` (an agent id in Chinese too).
    static func csvName(_ parts: [String], date: String) -> String {
        let safe = (["callqc"] + parts + [date]).joined(separator: "-").unicodeScalars.map { c -> Character in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "-_.".unicodeScalars.contains(c)) ? Character(c) : "_"
        }
        return String(safe) + ".csv"
    }

    func badCSV(_ message: String, _ p: PageContext, active: String) -> Response {
        Response.html(Layout.page(p.t("下载", "Download"), Layout.error(message), p, active: active), status: .badRequest, p)
    }
}

/// A row of a page's table that downloads as CSV: the columns' names, and the row's cells as the
/// page shows them (already masked where the page masks), an empty cell where the page shows "–".
protocol CSVRow {
    static var csvHeader: [String] { get }
    var csvCells: [String] { get }
}

extension CSVRow {
    /// The page's "nothing here" dash as an empty cell.
    func cell(_ s: String?) -> String { s == nil || s == "–" ? "" : s! }
}

extension Workbench.QueueModel.Done: CSVRow {
    static let csvHeader = ["call", "human_score", "confirmed", "rejected", "reviewer", "reviewed_at"]
    var csvCells: [String] { [call, cell(score), confirmed, rejected, cell(reviewer), when] }
}

extension Workbench.AgentModel.Choice: CSVRow {
    static let csvHeader = ["agent", "calls"]
    var csvCells: [String] { [agent, String(calls)] }
}

extension Workbench.AgentModel.Finding: CSVRow {
    static let csvHeader = ["rule", "findings", "calls", "example", "message", "example_call", "turn", "better_phrasing"]
    var csvCells: [String] { [rule, String(count), String(calls), cell(quote), message, cell(call), turn.map(String.init) ?? "", cell(better)] }
}

extension Workbench.AgentModel.CallRow: CSVRow {
    static let csvHeader = ["call", "date", "score", "grade", "findings"]
    var csvCells: [String] { [key, cell(date), cell(score), cell(grade), String(findings)] }
}

extension Workbench.AgentModel.AppealRow: CSVRow {
    static let csvHeader = ["call", "what", "reason", "outcome", "note", "at"]
    var csvCells: [String] { [call, what, reason, status, cell(note), when] }
}

extension Workbench.AgentModel.SelfCheck: CSVRow {
    static let csvHeader = ["checked_at", "what", "kind", "score", "findings", "critical", "errors", "warnings"]
    var csvCells: [String] { [when, label, kind, cell(score), String(findings), String(critical), String(errors), String(warnings)] }
}

extension Workbench.AuditModel.Entry: CSVRow {
    static let csvHeader = ["at", "user", "action", "target", "detail", "address"]
    var csvCells: [String] { [at, who, action, target, detail, address] }
}

extension Response {
    /// A CSV file to download.
    static func csv(_ text: String, name: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("Content-Disposition")!] = "attachment; filename=\"\(name.map { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline ? $0 : "_" }.map(String.init).joined())\""
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
