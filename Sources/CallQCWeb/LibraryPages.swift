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

    func reportsPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("报表", "Reports")
        guard let store else { return noStore(title, p, active: "reports") }
        var from: String?, to: String?
        var h = ""
        switch period(request, p) {
        case .failure(.message(let m)): h += Layout.error(m)
        case .success(let v): (from, to) = v
        }
        h += """
        <form method="get" action="/reports">\(p.lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
        <label>\(esc(p.t("从", "From"))) <input type="date" name="from" value="\(esc(from ?? ""))"></label>
        <label>\(esc(p.t("到", "To"))) <input type="date" name="to" value="\(esc(to ?? ""))"></label>
        <button type="submit">\(esc(p.t("查看", "Show")))</button>
        <a href="\(esc(p.link("/reports/full", [("from", from ?? ""), ("to", to ?? "")])))" id="full-report">\(esc(p.t("完整报告（含通话明细）", "Full report (with the calls)")))</a></form>

        """
        do {
            let calls = try store.summaries(from: from, to: to).filter { canSee(agent: $0.agent) }
            let byAgent = Report(calls, by: .agent), byDay = Report(calls, by: .day)
            let mean = byAgent.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "–"
            h += "<section class=\"kpis\"><div><b>\(byAgent.calls)</b><span>\(p.t("通话", "calls"))</span></div><div><b>\(byAgent.rows.count)</b><span>\(p.t("坐席", "agents"))</span></div><div><b>\(mean)</b><span>\(p.t("平均分", "mean score"))</span></div><div><b>\(byAgent.vetoes)</b><span>\(p.t("一票否决", "vetoes"))</span></div></section>\n"
            h += "<p class=\"meta\">\(esc(p.t("分数分布", "Scores"))): \(esc(byAgent.distribution.map { "\($0.0) \($0.1)" }.joined(separator: " · ")))</p>\n"
            h += reportTable(byAgent, p.t("按坐席", "By agent"), id: "by-agent", p)
            h += reportTable(byDay, p.t("按日期", "By day"), id: "by-day", p)
        } catch {
            return storeError(error, p)
        }
        return Response.html(Layout.page(title, h, p, active: "reports"), p)
    }

    func reportTable(_ r: Report, _ heading: String, id: String, _ p: PageContext) -> String {
        let agent = r.grouping == .agent
        var h = "<h2>\(esc(heading))</h2>\n<table id=\"\(id)\"><thead><tr><th>\(agent ? p.t("坐席", "Agent") : p.t("日期", "Day"))</th><th>\(p.t("通话", "Calls"))</th><th>\(agent ? p.t("天数", "Days") : p.t("坐席数", "Agents"))</th><th>\(p.t("平均分", "Mean"))</th><th>\(p.t("最低分", "Lowest"))</th><th>\(p.t("否决", "Vetoes"))</th><th>\(p.t("语速中位数", "Median rate"))</th>"
        if agent { h += "<th>\(p.t("低于日目标(\(r.target))的天数", "Days under \(r.target)/day"))</th>" }
        h += "<th>\(p.t("主要问题", "Top findings"))</th></tr></thead><tbody>\n"
        if r.rows.isEmpty { h += "<tr><td colspan=\"9\">\(p.t("没有通话。", "No calls."))</td></tr>\n" }
        for row in r.rows {
            h += "<tr><td>\(esc(row.key))</td><td>\(row.calls)</td><td>\(row.spread)</td><td>\(row.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "–")</td><td>\(row.minScore.map(Format.points) ?? "–")</td><td>\(row.vetoes)</td><td>\(esc(Report.rateText(row)))</td>"
            if agent { h += "<td>\(row.daysUnderTarget ?? 0)</td>" }
            h += "<td>\(esc(row.topFindings.map { "\($0.0) ×\($0.1)" }.joined(separator: "、")))</td></tr>\n"
        }
        return h + "</tbody></table>\n"
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
                let calls = try store.summaries(from: from, to: to).filter { canSee(agent: $0.agent) }
                try audit(.reportExported, target: "report", detail: [from, to].compactMap { $0 }.joined(separator: " – "))
                let detailed = calls.sorted { ($0.score ?? 0, $0.callID) < ($1.score ?? 0, $1.callID) }.prefix(200)
                let stored = try detailed.compactMap { try store.detail(callID: $0.contentHash) }
                let periodText = [from, to].compactMap { $0 }.isEmpty ? "all dates" : "\(from ?? "…") – \(to ?? "…")"
                let html = HTMLReport(title: "callqc 质检报告", period: periodText, byAgent: Report(calls, by: .agent), byRule: Report(calls, by: .rule),
                                      calls: stored, omittedCalls: calls.count - stored.count, redact: masked,
                                      generatedAt: ISO8601DateFormatter().string(from: Date())).render()
                return Response.html(html, p)
            } catch {
                return storeError(error, p)
            }
        }
    }

    static func caseNumber(_ id: String) -> Int? { Int(id.uppercased().replacingOccurrences(of: "CASE-", with: "")) }

    func casesPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let p = page(request)
        let title = p.t("案例库", "Case library")
        guard let store else { return noStore(title, p, active: "cases") }
        let q = request.uri.queryParameters
        let text = q.get("q").flatMap { $0.isEmpty ? nil : $0 }
        let category = q.get("category").flatMap(TrainingCase.Category.init(rawValue:))
        var h = ""
        if let error { h += Layout.error(error) }
        h += """
        <form method="get" action="/cases">\(p.lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
        <label>\(esc(p.t("搜索", "Search"))) <input type="search" name="q" value="\(esc(text ?? ""))"></label>
        <label>\(esc(p.t("类别", "Category"))) <select name="category"><option value="">\(esc(p.t("全部", "all")))</option>\(TrainingCase.Category.allCases.map { "<option\($0 == category ? " selected" : "")>\(esc($0.rawValue))</option>" }.joined())</select></label>
        <button type="submit">\(esc(p.t("查找", "Find")))</button></form>

        """
        do {
            let cases = try store.cases().filter { c in
                canSeeCase(c) && (category == nil || c.category == category)
                    && (text == nil || [c.title, c.note ?? "", c.callID, c.agent ?? ""].contains { $0.contains(text!) }
                        || c.excerpt.contains { $0.text.contains(text!) } || c.aspects.values.contains { $0.contains(text!) }
                        || c.findings.contains { $0.rule == text! })
            }
            if cases.isEmpty {
                h += Layout.notice(p.t("没有案例。在一通电话的页面上可以把它加入案例库。", "No cases. A call's page can add it to the library."))
            } else {
                h += "<table id=\"cases\"><thead><tr><th>\(p.t("编号", "Case"))</th><th>\(p.t("类别", "Category"))</th><th>\(p.t("标题", "Title"))</th><th>\(p.t("通话", "Call"))</th><th>\(p.t("坐席", "Agent"))</th><th>\(p.t("分数", "Score"))</th><th>\(p.t("导出", "Export"))</th></tr></thead><tbody>\n"
                for c in cases {
                    h += "<tr><td><a href=\"\(esc(p.link("/cases/\(c.id)")))\">\(esc(c.label))</a></td><td>\(esc(c.category.rawValue))</td><td>\(esc(p.r(c.title)))</td><td>\(esc(p.r(c.callID)))</td><td>\(esc(c.agent ?? "–"))</td><td>\(c.score.map(Format.points) ?? "–")</td><td><a href=\"/cases/\(c.id)/export\" download>Markdown</a></td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            h += """
            <h2>\(esc(p.t("从通话添加", "Add from a call")))</h2>
            <form method="post" action="/cases" id="case-form">\(p.hidden)
            <label>\(esc(p.t("通话编号", "Call id"))) <input type="text" name="call" required></label>
            <label>\(esc(p.t("标题", "Title"))) <input type="text" name="title" size="30"></label>
            <button type="submit">\(esc(p.t("加入", "Add")))</button></form>

            """
        } catch {
            return storeError(error, p)
        }
        return Response.html(Layout.page(title, h, p, active: "cases"), status: status, p)
    }

    func casePost(_ request: Request) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        let p = page(request, form: form)
        guard let store else { return noStore(p.t("案例库", "Case library"), p, active: "cases") }
        let callID = (form.value("call") ?? "").trimmingCharacters(in: .whitespaces)
        guard !callID.isEmpty else { return casesPage(request, error: p.t("请填写通话编号。", "Give the call's id."), status: .badRequest) }
        var category: TrainingCase.Category?
        if let c = form.value("category"), !c.isEmpty {
            guard let known = TrainingCase.Category(rawValue: c) else {
                return casesPage(request, error: p.t("未知类别 '\(c)'。", "Unknown category '\(c)'.") + " " + TrainingCase.Category.allCases.map(\.rawValue).joined(separator: ", "), status: .badRequest)
            }
            category = known
        }
        do {
            guard let stored = try store.detail(callID: callID), canSee(agent: stored.summary.agent) else {
                return casesPage(request, error: p.t("结果库里没有通话 '\(p.r(callID))'：先用 callqc check … --db 检查它。", "No call '\(p.r(callID))' in the results database: check it first (callqc check … --db)."), status: .notFound)
            }
            let title = form.value("title").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
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
            var bar = "<nav><a href=\"\(esc(p.link("/cases")))\">← \(esc(p.t("案例库", "Case library")))</a> · <a href=\"/cases/\(c.id)/export\" id=\"export\" download>\(esc(p.t("导出 Markdown", "Export Markdown")))</a>"
            if let role = FloorRequest.user?.role, role == .trainer || role == .admin {
                let label = c.sharedWithAgent ? p.t("取消与坐席共享", "Stop sharing with the agent") : p.t("与该坐席共享", "Share with the agent")
                bar += " · <form method=\"post\" action=\"/cases/\(c.id)/share\" id=\"share-form\" style=\"display:inline\">\(p.hidden)<input type=\"hidden\" name=\"shared\" value=\"\(c.sharedWithAgent ? "0" : "1")\"><button type=\"submit\">\(esc(label))</button></form>"
            }
            bar += "</nav>\n"
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
