import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// The report pages' tables as CSV files: UTF-8 with a byte-order mark (for Excel), written by
/// the command line's writer (``TableCSV``), so a download equals `callqc report --format csv --bom`,
/// `callqc sample --format csv --bom` and `callqc report calibration --format csv --bom`. The same
/// calls as the page (the user's visibility), the same masking, and the audit log records each download.
extension Workbench {
    /// `GET /reports/csv?table=by-agent|by-day|by-rule&from=&to=`.
    func reportsCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("报表", "Reports"), p, active: "reports") }
        let table = request.uri.queryParameters.get("table") ?? "by-agent"
        let grouping: Report.Grouping
        switch table {
        case "by-agent": grouping = .agent
        case "by-day": grouping = .day
        case "by-rule": grouping = .rule
        default: return badCSV(p.t("没有这个表：'\(table)'（by-agent、by-day、by-rule）。", "No table '\(table)' (by-agent, by-day, by-rule)."), p, active: "reports")
        }
        switch period(request, p) {
        case .failure(.message(let m)): return badCSV(m, p, active: "reports")
        case .success(let (from, to)):
            do {
                let calls = try store.summaries(from: from, to: to).filter(seeing)
                try audit(.reportExported, target: "reports/\(table).csv", detail: "csv, \(calls.count) calls" + ([from, to].compactMap { $0 }.isEmpty ? "" : ", " + [from ?? "…", to ?? "…"].joined(separator: " – ")))
                return Response.csv(TableCSV.report(Report(calls, by: grouping), byteOrderMark: true), name: "callqc-report-\(table).csv")
            } catch {
                return storeError(error, p)
            }
        }
    }

    /// `GET /queue/csv?date=&per_agent=&seed=`: the picks, call keys and sources masked as on the page.
    func queueCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("质检队列", "Review queue"), p, active: "queue") }
        do {
            switch try queueRequest(request, store) {
            case .failure(.message(let m)): return badCSV(m, p, active: "queue")
            case .success(let qr):
                let calls = try store.summaries(from: qr.date, to: qr.date).filter(seeing)
                let queue = qr.plan.draw(calls, reviewed: Set(try store.reviews().map { $0.contentHash ?? $0.callID }))
                try audit(.reportExported, target: "queue/\(qr.date).csv", detail: "csv, \(queue.picks.count) picks")
                return Response.csv(TableCSV.queue(queue, shown: { p.r($0) }, byteOrderMark: true), name: "callqc-queue-\(qr.date).csv")
            }
        } catch {
            return storeError(error, p)
        }
    }

    /// `GET /calibration/csv?table=rules|missed|differences`.
    func calibrationCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("校准", "Calibration"), p, active: "calibration") }
        let table = request.uri.queryParameters.get("table") ?? "rules"
        guard ["rules", "missed", "differences"].contains(table) else {
            return badCSV(p.t("没有这个表：'\(table)'（rules、missed、differences）。", "No table '\(table)' (rules, missed, differences)."), p, active: "calibration")
        }
        do {
            let c = try calibration(store)
            try audit(.reportExported, target: "calibration/\(table).csv", detail: "csv")
            let text: String
            switch table {
            case "rules": text = TableCSV.calibrationRules(c, byteOrderMark: true)
            case "missed": text = TableCSV.calibrationMissed(c, texts: try missedTexts(c, store), shown: { p.r($0) }, byteOrderMark: true)
            default: text = TableCSV.calibrationDifferences(c, byteOrderMark: true)
            }
            return Response.csv(text, name: "callqc-calibration-\(table).csv")
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

    func badCSV(_ message: String, _ p: PageContext, active: String) -> Response {
        Response.html(Layout.page(p.t("下载", "Download"), Layout.error(message), p, active: active), status: .badRequest, p)
    }
}

extension Response {
    /// A CSV file to download.
    static func csv(_ text: String, name: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("Content-Disposition")!] = "attachment; filename=\"\(name.filter { $0.isASCII && $0 != "\"" && $0 != "\\" })\""
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
