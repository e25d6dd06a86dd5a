import CallQC
import CallQCStore
import Foundation
import Hummingbird

/// The agent's own page (我的质检, `/me`): their score and speech rate by day as line charts,
/// their most frequent findings each with an example from their calls and the better phrasing,
/// their appeals and outcomes, and their self-check history. An agent sees their own only; a
/// supervisor or admin opens an agent they may see (`/me?agent=A023`), as they see that agent's calls.
extension Workbench {
    struct AgentModel: TemplateModel {
        struct Choice: TemplateModel { var href: String; var agent: String; var calls: Int }
        struct CallRow: TemplateModel { var href: String; var key: String; var date: String; var score: String; var grade: String; var findings: Int }
        struct Finding: TemplateModel {
            var rule: String; var count: Int; var calls: Int; var message: String; var quote: String?; var href: String?; var call: String?; var turn: Int?; var better: String?
        }
        struct AppealRow: TemplateModel { var href: String; var call: String; var what: String; var reason: String; var status: String; var note: String?; var when: String }
        struct SelfCheck: TemplateModel {
            var when: String; var label: String; var kind: String; var score: String; var findings: Int; var critical: Int; var errors: Int; var warnings: Int
        }
        var error: String?
        var hasChoices = false
        var choicesCSVHref = ""
        var choices: [Choice] = []
        /// The tables' downloads (`/me/csv?table=…&agent=`).
        var findingsCSVHref = "", callsCSVHref = "", appealsCSVHref = "", selfChecksCSVHref = ""
        var agent: String?
        var summary = ""
        /// The line charts' HTML (``SVGChart``, labels escaped there).
        var charts = ""
        var hasCalls = false
        var calls: [CallRow] = []
        var hasFindings = false
        var findings: [Finding] = []
        var hasAppeals = false
        var appeals: [AppealRow] = []
        var selfChecksKept = true
        var hasSelfChecks = false
        var selfChecks: [SelfCheck] = []
    }

    /// What `/me` shows: a refusal (a response), the agents to choose from, or an agent's page with its charts.
    enum AgentView {
        case refused(Response)
        case choices(AgentModel)
        case agent(AgentModel, id: String, charts: [SVGChart])
    }

    func agentPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("我的质检", "My QC")
        guard let store else { return noStore(title, p, active: "me") }
        do {
            switch try agentView(request, store, p) {
            case .refused(let response): return response
            case .choices(let model): return Response.html(Templates.page("me", title: p.t("坐席质检", "Agents' QC"), model, p, active: "me"), p)
            case .agent(let model, let agentID, _):
                return Response.html(Templates.page("me", title: FloorRequest.user?.role == .agent ? title : p.t("坐席质检", "Agents' QC") + " · " + agentID, model, p, active: "me"), p)
            }
        } catch {
            return storeError(error, p)
        }
    }

    /// `/me`'s model for the request (the page renders it; `/me/csv` downloads its tables): the same
    /// visibility, refusals and masking for both.
    func agentView(_ request: Request, _ store: SQLStore, _ p: PageContext) throws -> AgentView {
        let title = p.t("我的质检", "My QC")
        let asked = request.uri.queryParameters.get("agent").flatMap { $0.isEmpty ? nil : $0 }
        let user = FloorRequest.user
        let see = visibility()
        let all = try store.summaries(from: nil, to: nil)
        let agentID: String
        if let user, user.role == .agent {
            guard let own = user.agentID else {
                return .refused(Response.html(Templates.page("me", title: title, AgentModel(error: p.t("你的账号没有坐席工号：请管理员设置（callqc users set-role … --agent-id）。",
                                                                                            "Your account has no agent id: ask an admin to set one (callqc users set-role … --agent-id).")), p, active: "me"), p))
            }
            // Another agent's page is not there for an agent, as another agent's call is not.
            if let asked, asked != own { return .refused(agentNotFound(asked, p)) }
            agentID = own
        } else if let asked {
            guard see(asked) else { return .refused(agentNotFound(asked, p)) }
            agentID = asked
        } else {
            // Supervisors, admins, and the workbench without accounts: choose an agent.
            var counts: [String: Int] = [:]
            for c in all { if let a = c.agent, see(a) { counts[a, default: 0] += 1 } }
            var model = AgentModel()
            model.choices = counts.keys.sorted().map { .init(href: p.link("/me", [("agent", $0)]), agent: $0, calls: counts[$0]!) }
            model.hasChoices = true
            model.choicesCSVHref = p.link("/me/csv", [("table", "agents")])
            return .choices(model)
        }
        let calls = all.filter { $0.agent == agentID }
        var model = AgentModel(agent: agentID)
        let scores = calls.compactMap(\.score)
        let mean = scores.isEmpty ? "–" : Format.points((scores.reduce(0, +) / Double(scores.count) * 10).rounded() / 10)
        model.summary = p.t("坐席 \(agentID)：\(calls.count) 通通话，平均分 \(mean)", "Agent \(agentID): \(calls.count) calls, mean score \(mean)")
        let reportCharts = ReportCharts(english: p.lang == .en)
        let charts = [reportCharts.scoreByDay(calls), reportCharts.rateByDay(calls)].map { linked($0, p, "/me/csv", [("agent", agentID)]) }
        model.charts = charts.map { $0.render() }.joined()
        func csv(_ table: String) -> String { p.link("/me/csv", [("table", table), ("agent", agentID)]) }
        (model.findingsCSVHref, model.callsCSVHref, model.appealsCSVHref, model.selfChecksCSVHref) = (csv("findings"), csv("calls"), csv("appeals"), csv("self-checks"))
        let recent = calls.sorted { ($0.date ?? "", $0.key) > ($1.date ?? "", $1.key) }
        model.calls = recent.prefix(30).map { c in
            .init(href: p.link(p.callPath(c.key, hash: c.contentHash)), key: p.r(c.key), date: c.date ?? "–", score: c.score.map(Format.points) ?? "–",
                  grade: c.grade ?? "–", findings: c.findings.filter { !$0.struck }.count)
        }
        model.hasCalls = !model.calls.isEmpty
        model.findings = try frequentFindings(recent, store, p)
        model.hasFindings = !model.findings.isEmpty
        if let floor {
            let keys = Set(calls.map(\.key)), hashes = Set(calls.map(\.contentHash))
            let appeals = try floor.appeals(status: nil).filter { a in a.contentHash.map(hashes.contains) ?? keys.contains(a.callKey) }
            model.appeals = appeals.sorted { $0.id > $1.id }.map { a in
                let status: String
                switch a.status {
                case .pending: status = p.t("待处理", "pending")
                case .accepted: status = p.t("已采纳", "accepted")
                case .rejected: status = p.t("已驳回", "rejected")
                }
                return .init(href: p.link(p.callPath(a.callKey, hash: a.contentHash)), call: p.r(a.callID),
                             what: a.rule.map { "#\((a.findingIndex ?? 0) + 1) \($0)" } ?? p.t("整通评分", "the score"), reason: p.r(a.reason),
                             status: status + (a.decidedBy.map { " · \($0)" } ?? ""), note: a.note.map { p.r($0) }, when: a.decidedAt ?? a.createdAt)
            }
            model.hasAppeals = !model.appeals.isEmpty
        }
        // An agent's own checks by their account; a supervisor's view by the agent id they were made under.
        let checks = try (user?.role == .agent ? store.selfChecks(user: user!.name) : store.selfChecks(agentID: agentID))
        model.selfChecksKept = user != nil
        model.selfChecks = checks.map { c in
            .init(when: c.checkedAt, label: p.r(c.label), kind: c.kind == .draft ? p.t("话术草稿", "script draft") : p.t("通话", "transcript"),
                  score: c.score.map { Format.points($0) + (c.maxScore.map { "/" + Format.points($0) } ?? "") + (c.grade.map { " " + $0 } ?? "") } ?? "–",
                  findings: c.findings, critical: c.critical, errors: c.errors, warnings: c.warnings)
        }
        model.hasSelfChecks = !model.selfChecks.isEmpty
        return .agent(model, id: agentID, charts: charts)
    }

    /// The agent's five most frequent rules (struck findings left out), each with the latest call that has it:
    /// the turn it was said in (masked as on the call page), the finding's message and the rule's better phrasing.
    func frequentFindings(_ newestFirst: [CallSummary], _ store: SQLStore, _ p: PageContext) throws -> [AgentModel.Finding] {
        var counts: [String: Int] = [:], callCounts: [String: Int] = [:], example: [String: (CallSummary, Int)] = [:]
        for c in newestFirst {
            var seen: Set<String> = []
            for (i, f) in c.findings.enumerated() where !f.struck {
                counts[f.rule, default: 0] += 1
                if seen.insert(f.rule).inserted { callCounts[f.rule, default: 0] += 1 }
                if example[f.rule] == nil { example[f.rule] = (c, i) }
            }
        }
        let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
        return try top.map { rule, count in
            var row = AgentModel.Finding(rule: rule, count: count, calls: callCounts[rule] ?? 0, message: "")
            guard let (summary, index) = example[rule], let stored = try store.detail(callID: summary.contentHash) else { return row }
            let findings = stored.result["findings"]?.arrayValue ?? []
            guard findings.indices.contains(index) else { return row }
            let f = findings[index]
            row.message = p.r(f["message"]?.stringValue ?? "")
            row.better = f["suggestion"]?.stringValue
            row.href = p.link(p.callPath(summary.key, hash: summary.contentHash))
            row.call = p.r(summary.key)
            if let t = f["turn"]?.numberValue, t >= 1, Int(t) <= stored.call.turns.count {
                let turn = Int(t)
                // Masked at the level of the call, as the call page does.
                row.quote = p.redact ? Redactor().redactTurns(stored.call)[turn - 1] : stored.call.turns[turn - 1].text
                row.turn = turn
            } else if let d = f["detail"]?.stringValue {
                row.quote = p.r(d)
            }
            return row
        }
    }

    func agentNotFound(_ agent: String, _ p: PageContext) -> Response {
        Response.html(Layout.page(p.t("坐席质检", "Agents' QC"), Layout.error(p.t("没有坐席 '\(p.r(agent))' 的结果。", "No results of agent '\(p.r(agent))'.")), p, active: "me"),
                      status: .notFound, p)
    }
}
