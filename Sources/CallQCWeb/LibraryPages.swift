import CallQC
import CallQCStore
import Foundation
import Hummingbird

/// Reports and the trainers' case library.
extension Workbench {
    /// `from` and `to` of the query, checked; the error is worded for the page.
    func period(_ request: Request, _ p: PageContext) -> Result<(String?, String?), QueueError> {
        let q = request.uri.queryParameters
        let from = q.get("from").flatMap { $0.isEmpty ? nil : $0 }, to = q.get("to").flatMap { $0.isEmpty ? nil : $0 }
        for d in [from, to].compactMap({ $0 }) where !Workbench.isDate(d) {
            return .failure(.message(p.t("日期格式应为 YYYY-MM-DD，收到 '\(d)'。", "Dates are YYYY-MM-DD, found '\(d)'.")))
        }
        return .success((from, to))
    }

    struct ReportsModel: TemplateModel {
        struct Row: TemplateModel { var key: String; var href: String?; var calls: Int; var spread: Int; var mean: String; var lowest: String; var vetoes: Int; var rate: String; var under: Int; var top: String }
        struct Table: TemplateModel { var heading: String; var id: String; var byAgent: Bool; var target: String; var csvHref: String; var rows: [Row] }
        var error: String?
        var from: String, to: String, fullHref: String
        var calls: Int, agents: Int, mean: String, vetoes: Int
        var distribution: String
        /// The charts' HTML (``SVGChart``, every label escaped there).
        var charts: String
        var ruleCSVHref: String
        var tables: [Table]
    }

    func reportsPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("报表", "Reports")
        guard let store else { return noStore(title, p, active: "reports") }
        var from: String?, to: String?
        var error: String?
        switch period(request, p) {
        case .failure(.message(let m)): error = m
        case .success(let v): (from, to) = v
        }
        do {
            let calls = try store.summaries(from: from, to: to).filter(seeing)
            let byAgent = Report(calls, by: .agent), byDay = Report(calls, by: .day)
            let model = ReportsModel(error: error, from: from ?? "", to: to ?? "", fullHref: p.link("/reports/full", [("from", from ?? ""), ("to", to ?? "")]),
                                     calls: byAgent.calls, agents: byAgent.rows.count,
                                     mean: byAgent.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "–", vetoes: byAgent.vetoes,
                                     distribution: byAgent.distribution.map { "\($0.0) \($0.1)" }.joined(separator: " · "),
                                     charts: ReportCharts(english: p.lang == .en).report(calls).map { linked($0, p, "/reports/csv", period(from, to)).render() }.joined(),
                                     ruleCSVHref: csvLink(p, "by-rule", from, to),
                                     tables: [reportTable(byAgent, p.t("按坐席", "By agent"), id: "by-agent", p, csv: csvLink(p, "by-agent", from, to)),
                                              reportTable(byDay, p.t("按日期", "By day"), id: "by-day", p, csv: csvLink(p, "by-day", from, to))])
            return Response.html(Templates.page("reports", title: title, model, p, active: "reports"), p)
        } catch {
            return storeError(error, p)
        }
    }

    func csvLink(_ p: PageContext, _ table: String, _ from: String?, _ to: String?) -> String {
        p.link("/reports/csv", [("table", table)] + period(from, to))
    }

    /// `from` and `to` as query parameters (those given).
    func period(_ from: String?, _ to: String?) -> [(String, String)] {
        (from.map { [("from", $0)] } ?? []) + (to.map { [("to", $0)] } ?? [])
    }

    func reportTable(_ r: Report, _ heading: String, id: String, _ p: PageContext, csv: String) -> ReportsModel.Table {
        ReportsModel.Table(heading: heading, id: id, byAgent: r.grouping == .agent, target: "\(r.target)", csvHref: csv, rows: r.rows.map { row in
            .init(key: row.key, href: r.grouping == .agent && row.key != "(no agent)" ? p.link("/me", [("agent", row.key)]) : nil, calls: row.calls, spread: row.spread, mean: row.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "–",
                  lowest: row.minScore.map(Format.points) ?? "–", vetoes: row.vetoes, rate: Report.rateText(row), under: row.daysUnderTarget ?? 0,
                  top: row.topFindings.map { "\($0.0) ×\($0.1)" }.joined(separator: "、"))
        })
    }

    /// The same HTML report as `callqc report --format html`.
    func fullReport(_ request: Request) -> Response {
        let p = page(request)
        guard let store else { return noStore(p.t("报表", "Reports"), p, active: "reports") }
        switch period(request, p) {
        case .failure(.message(let m)):
            return Response.html(Layout.page(p.t("报表", "Reports"), Layout.error(m), p, active: "reports"), status: .badRequest, p)
        case .success(let (from, to)):
            do {
                let calls = try store.summaries(from: from, to: to).filter(seeing)
                try audit(.reportExported, target: "report", detail: [from, to].compactMap { $0 }.joined(separator: " – "))
                let detailed = calls.sorted { ($0.score ?? 0, $0.callID) < ($1.score ?? 0, $1.callID) }.prefix(200)
                let stored = try detailed.compactMap { try store.detail(callID: $0.contentHash) }
                let periodText = [from, to].compactMap { $0 }.isEmpty ? "all dates" : "\(from ?? "…") – \(to ?? "…")"
                let html = HTMLReport(title: "callqc 质检报告", period: periodText, byAgent: Report(calls, by: .agent), byRule: Report(calls, by: .rule),
                                      calls: stored, omittedCalls: calls.count - stored.count, redact: masked,
                                      generatedAt: ISO8601DateFormatter().string(from: Date()), summaries: calls).render()
                return Response.html(html, p)
            } catch {
                return storeError(error, p)
            }
        }
    }

    static func caseNumber(_ id: String) -> Int? { Int(id.uppercased().replacingOccurrences(of: "CASE-", with: "")) }

    struct CasesModel: TemplateModel {
        struct Category: TemplateModel { var name: String; var selected: Bool }
        struct Row: TemplateModel { var id: Int; var href: String; var label: String; var category: String; var title: String; var call: String; var agent: String; var score: String }
        var error: String?
        var q: String
        var categories: [Category]
        var hasCases: Bool
        var cases: [Row]
    }

    func casesPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let p = page(request)
        let title = p.t("案例库", "Case library")
        guard let store else { return noStore(title, p, active: "cases") }
        let q = request.uri.queryParameters
        let text = q.get("q").flatMap { $0.isEmpty ? nil : $0 }
        let category = q.get("category").flatMap(TrainingCase.Category.init(rawValue:))
        do {
            let cases = try store.cases().filter { c in
                canSeeCase(c) && (category == nil || c.category == category)
                    && (text == nil || [c.title, c.note ?? "", c.callID, c.agent ?? ""].contains { $0.contains(text!) }
                        || c.excerpt.contains { $0.text.contains(text!) } || c.aspects.values.contains { $0.contains(text!) }
                        || c.findings.contains { $0.rule == text! })
            }
            let model = CasesModel(error: error, q: text ?? "", categories: TrainingCase.Category.allCases.map { .init(name: $0.rawValue, selected: $0 == category) },
                                   hasCases: !cases.isEmpty, cases: cases.map { c in
                                       .init(id: c.id, href: p.link("/cases/\(c.id)"), label: c.label, category: c.category.rawValue, title: p.r(c.title),
                                             call: p.r(c.callID), agent: c.agent ?? "–", score: c.score.map(Format.points) ?? "–")
                                   })
            return Response.html(Templates.page("cases", title: title, model, p, active: "cases"), status: status, p)
        } catch {
            return storeError(error, p)
        }
    }

    func casePost(_ request: Request) async throws -> Response {
        let (decoded, refusal) = await decodeForm(CaseForm.self, request)
        guard let form = decoded else { return refusal! }
        let p = page(request, lang: form.lang)
        guard let store else { return noStore(p.t("案例库", "Case library"), p, active: "cases") }
        let callID = (form.call ?? "").trimmingCharacters(in: .whitespaces)
        guard !callID.isEmpty else { return casesPage(request, error: p.t("请填写通话编号。", "Give the call's id."), status: .badRequest) }
        var category: TrainingCase.Category?
        if let c = form.category, !c.isEmpty {
            guard let known = TrainingCase.Category(rawValue: c) else {
                return casesPage(request, error: p.t("未知类别 '\(c)'。", "Unknown category '\(c)'.") + " " + TrainingCase.Category.allCases.map(\.rawValue).joined(separator: ", "), status: .badRequest)
            }
            category = known
        }
        do {
            guard let stored = try store.detail(callID: callID), canSee(agent: stored.summary.agent) else {
                return casesPage(request, error: p.t("结果库里没有通话 '\(p.r(callID))'：先用 callqc check … --db 检查它。", "No call '\(p.r(callID))' in the results database: check it first (callqc check … --db)."), status: .notFound)
            }
            let title = form.title.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            var c = CaseBuilder().build(from: stored, category: category, title: title, createdAt: ISO8601DateFormatter().string(from: Date()))
            c.id = try store.addCase(c)
            try audit(.caseAdded, target: "case \(c.id)", detail: stored.summary.key)
            return Response.redirect(to: p.link("/cases/\(c.id)"))
        } catch let ambiguous as AmbiguousCallReference {
            let keys = ambiguous.candidates.map { p.r($0.key) }.joined(separator: ", ")
            return casesPage(request, error: p.t("通话编号 '\(p.r(callID))' 对应多通电话，请填写其中之一：\(keys)", "The call id '\(p.r(callID))' names several calls; give one of: \(keys)"), status: .conflict)
        } catch {
            return storeError(error, p)
        }
    }

    /// A case by its number; nil when there is none or the user may not see it (agents: cases of their own calls).
    func findCase(_ id: String) throws -> TrainingCase? {
        guard let store, let n = Workbench.caseNumber(id) else { return nil }
        return try store.cases().first { $0.id == n && canSeeCase($0) }
    }

    /// Agents read the cases a trainer shared with them, of their own calls; the others read all.
    func canSeeCase(_ c: TrainingCase) -> Bool {
        guard let user = FloorRequest.user, user.role == .agent else { return true }
        return c.sharedWithAgent && c.agent != nil && c.agent == user.agentID
    }

    /// Cases are masked unless the server was started unmasked and the user may see data.
    var maskCases: Bool { config.redact || FloorPolicy.mustMask(FloorRequest.user) }

    /// The case as its training document, with the workbench's navigation on top.
    func casePage(_ request: Request, id: String) -> Response {
        let p = page(request)
        guard store != nil else { return noStore(p.t("案例库", "Case library"), p, active: "cases") }
        do {
            guard let c = try findCase(id) else {
                return Response.html(Layout.page(p.t("案例库", "Case library"), Layout.error(p.t("没有案例 '\(id)'。", "No case '\(id)'.")), p, active: "cases"), status: .notFound, p)
            }
            var html = CaseDocument.html(c, redact: maskCases)
            struct Share: TemplateModel { var value: String; var label: String }
            struct Bar: TemplateModel { var back: String; var id: Int; var share: Share? }
            // Trainers and admins share a case with the agent of its call (or stop sharing it).
            var share: Share?
            if let role = FloorRequest.user?.role, role == .trainer || role == .admin {
                share = Share(value: c.sharedWithAgent ? "0" : "1",
                              label: c.sharedWithAgent ? p.t("取消与坐席共享", "Stop sharing with the agent") : p.t("与该坐席共享", "Share with the agent"))
            }
            let bar = Templates.render("case-bar", Bar(back: p.link("/cases"), id: c.id, share: share), p)
            if let body = html.range(of: "<body>") { html.insert(contentsOf: "\n" + bar, at: body.upperBound) }
            return Response.html(html, p)
        } catch {
            return storeError(error, p)
        }
    }

    func caseExport(_ request: Request, id: String) -> Response {
        let p = page(request)
        do {
            guard let c = try findCase(id) else {
                return Response.html(Layout.page(p.t("案例库", "Case library"), Layout.error(p.t("没有案例 '\(id)'。", "No case '\(id)'.")), p, active: "cases"), status: .notFound, p)
            }
            let name = "\(c.label).md"
            try audit(.caseExported, target: "case \(c.id)")
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
                            body: .init(byteBuffer: ByteBuffer(string: CaseDocument.markdown(c, redact: maskCases))))
        } catch {
            return storeError(error, p)
        }
    }
}
