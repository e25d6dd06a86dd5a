import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// What the floor adds to the pages: who may see which call, appeals (申诉), unmasking a call
/// with a reason, the audit log for admins, and a stored call's result by API.
extension Workbench {
    /// Agent id → team, from the agents' accounts: a supervisor with a team sees those agents' calls.
    func teams() -> [String: String] {
        var map: [String: String] = [:]
        for u in (try? floor?.users()) ?? [] where u.role == .agent {
            if let a = u.agentID, let t = u.team { map[a] = t }
        }
        return map
    }

    /// Whether the request's user may see a call of this agent (everyone, without accounts).
    func canSee(agent: String?) -> Bool { visibility()(agent) }

    /// Whether the user may see a stored call, for `calls.filter(seeing)`: the teams read once per list.
    var seeing: (CallSummary) -> Bool {
        let see = visibility()
        return { see($0.agent) }
    }

    /// The test of ``canSee(agent:)`` with the agents' teams read once: for filtering a list of calls.
    func visibility() -> (String?) -> Bool {
        guard let user = FloorRequest.user else { return { _ in true } }
        let teams = user.role == .supervisor && user.team != nil ? teams() : [:]
        return { FloorPolicy.canSee(agent: $0, user: user, teams: teams) }
    }

    /// The 404 of a call that is not there, or that the user may not see: the same page either way.
    func callNotFound(_ id: String, _ p: PageContext) -> Response {
        let shown = Redactor().redact(id)
        var p = p
        p.here = "/calls/" + Form.encode(shown)
        return Response.html(Layout.page(p.t("通话", "Call") + " " + shown, Layout.error(p.t("结果库里没有通话 '\(shown)'：先用 callqc check … --db 检查它。",
                                                                                    "No call '\(shown)' in the results database: check it first (callqc check … --db).")), p, active: "queue"),
                             status: .notFound, p)
    }

    struct CallFloorModel: TemplateModel {
        struct Line: TemplateModel { var status: String; var line: String }
        struct Option: TemplateModel { var index: Int; var number: Int; var rule: String; var points: String }
        struct AppealForm: TemplateModel { var action: String; var findings: [Option] }
        var hasAppeals: Bool
        var appeals: [Line]
        var windowClosed: String?
        var appealForm: AppealForm?
        var unmaskAction: String?
    }

    /// The floor's part of a call page (the `call-floor` partial of `call`): appeals of the call, an agent's
    /// appeal form, a supervisor's unmask button.
    func floorSection(_ stored: StoredResult, id: String, _ p: PageContext, unmasked: Bool) -> CallFloorModel? {
        guard let user = FloorRequest.user, let floor else { return nil }
        let appeals = ((try? floor.appeals(status: nil)) ?? []).filter { $0.callKey == stored.summary.key || $0.callID == stored.summary.callID }
        var model = CallFloorModel(hasAppeals: !appeals.isEmpty, appeals: appeals.map { a in
            let what = a.findingIndex.map { "\(p.t("发现", "finding")) #\($0 + 1) \(a.rule ?? "")" } ?? p.t("整通评分", "the call's score")
            var line = "\(a.createdAt) · \(a.agent) · \(what) · \(p.t("理由", "reason")): \(a.reason) · \(p.t("状态", "status")): \(a.status.rawValue)"
            if let by = a.decidedBy { line += " · \(by)" }
            if let note = a.note { line += " · \(note)" }
            return CallFloorModel.Line(status: a.status.rawValue, line: p.r(line))
        })
        if user.role == .agent, stored.summary.agent == user.agentID {
            if let problem = appealWindowProblem(stored, p) {
                model.windowClosed = problem
            } else {
                let options = stored.summary.findings.enumerated().filter { $0.element.points > 0 }.map {
                    CallFloorModel.Option(index: $0.offset, number: $0.offset + 1, rule: $0.element.rule, points: Format.points($0.element.points))
                }
                model.appealForm = .init(action: "/calls/\(Form.encode(id))/appeal", findings: options)
            }
        }
        if user.role == .supervisor || user.role == .admin, p.redact, !unmasked {
            model.unmaskAction = "/calls/\(Form.encode(id))/unmask"
        }
        return model
    }

    /// Why the call can no longer be appealed; nil while it can.
    func appealWindowProblem(_ stored: StoredResult, _ p: PageContext) -> String? {
        let formatter = ISO8601DateFormatter()
        guard let checked = formatter.date(from: stored.checkedAt) else { return nil }
        let deadline = checked.addingTimeInterval(Double(config.appealDays) * 86_400)
        return Date() > deadline ? p.t("申诉期（\(config.appealDays) 天）已过。", "The appeal period (\(config.appealDays) days) is over.") : nil
    }

    func appealPost(_ request: Request, id: String) async throws -> Response {
        let (decoded, refusal) = await decodeForm(AppealForm.self, request)
        guard let form = decoded else { return refusal! }
        let p = page(request, lang: form.lang)
        guard let store, let floor, let user = FloorRequest.user else { return callNotFound(id, p) }
        let stored: StoredResult
        do {
            guard let s = try store.detail(callID: id), canSee(agent: s.summary.agent), s.summary.agent == user.agentID else { return callNotFound(id, p) }
            stored = s
        } catch is AmbiguousCallReference {
            return callPage(request, id: id, status: .conflict, error: nil, lang: form.lang)
        }
        if let problem = appealWindowProblem(stored, p) { return callPage(request, id: id, status: .forbidden, error: problem, lang: form.lang) }
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { return callPage(request, id: id, status: .badRequest, error: p.t("请写明申诉理由。", "Give a reason for the appeal."), lang: form.lang) }
        var index: Int?
        var rule: String?
        if let f = form.finding, f != "score" {
            guard let i = Int(f), stored.summary.findings.indices.contains(i) else {
                return callPage(request, id: id, status: .badRequest, error: p.t("没有这个发现。", "No such finding."), lang: form.lang)
            }
            index = i
            rule = stored.summary.findings[i].rule
        }
        // The store audits the appeal in the same transaction.
        _ = try floor.addAppeal(Appeal(callKey: stored.summary.key, callID: stored.summary.callID, findingIndex: index, rule: rule,
                                       agent: user.name, reason: reason, createdAt: Workbench.now()))
        return Response.redirect(to: p.link("/calls/" + Form.encode(id), [("appealed", "1")]))
    }

    struct AppealsModel: TemplateModel {
        struct Row: TemplateModel { var id: Int; var status: String; var href: String; var call: String; var agent: String; var what: String; var reason: String; var decisionNote: String?; var decide: Bool }
        var notice: String?
        var rows: [Row]
    }

    func appealsPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("申诉", "Appeals")
        guard let store, let floor, let user = FloorRequest.user else { return noStore(title, p, active: "appeals") }
        do {
            let summaries = try store.summaries(from: nil, to: nil)
            let agentOf = Dictionary(summaries.map { ($0.key, $0.agent) }, uniquingKeysWith: { a, _ in a })
            let see = visibility()
            let appeals = try floor.appeals(status: nil).filter { a in
                user.role == .agent ? a.agent == user.name : see(agentOf[a.callKey] ?? nil)
            }
            let rows = appeals.sorted(by: { ($0.status == .pending ? 0 : 1, $0.id) < ($1.status == .pending ? 0 : 1, $1.id) }).map { a in
                AppealsModel.Row(id: a.id, status: a.status.rawValue, href: p.link(p.callPath(a.callKey, hash: nil)), call: p.r(a.callID), agent: a.agent,
                                 what: a.rule.map { "#\((a.findingIndex ?? 0) + 1) \($0)" } ?? p.t("整通评分", "score"), reason: p.r(a.reason),
                                 decisionNote: a.note.map { p.r($0) }, decide: a.status == .pending && user.role != .agent)
            }
            let model = AppealsModel(notice: request.uri.queryParameters.get("decided") == "1" ? p.t("已处理。", "Decided.") : nil, rows: rows)
            return Response.html(Templates.page("appeals", title: title, model, p, active: "appeals"), status: .ok, p)
        } catch {
            return storeError(error, p)
        }
    }

    func appealDecide(_ request: Request, id: String) async throws -> Response {
        let (decoded, refusal) = await decodeForm(DecisionForm.self, request)
        guard let form = decoded else { return refusal! }
        let p = page(request, lang: form.lang)
        guard let store, let floor, let user = FloorRequest.user, let number = Int(id), let appeal = try floor.appeal(id: number) else {
            return Response.html(Layout.page(p.t("申诉", "Appeals"), Layout.error(p.t("没有这个申诉。", "No such appeal.")), p), status: .notFound, p)
        }
        let agent = try store.summaries(from: nil, to: nil).first { $0.key == appeal.callKey }?.agent
        guard canSee(agent: agent) else {
            return Response.html(Layout.page(p.t("申诉", "Appeals"), Layout.error(p.t("没有这个申诉。", "No such appeal.")), p), status: .notFound, p)
        }
        let decision = form.decision
        guard decision == "accept" || decision == "reject" else {
            return Response.html(Layout.page(p.t("申诉", "Appeals"), Layout.error(p.t("请选择采纳或驳回。", "Choose accept or reject.")), p), status: .badRequest, p)
        }
        let note = form.note.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        do {
            try floor.decideAppeal(id: number, accept: decision == "accept", by: user.name, note: note, at: Workbench.now())
        } catch let e as FloorError {
            return Response.html(Layout.page(p.t("申诉", "Appeals"), Layout.error(e.message), p), status: .conflict, p)
        }
        return Response.redirect(to: p.link("/appeals", [("decided", "1")]))
    }

    func unmaskPost(_ request: Request, id: String) async throws -> Response {
        let (decoded, refusal) = await decodeForm(UnmaskForm.self, request)
        guard let form = decoded else { return refusal! }
        var p = page(request, lang: form.lang)
        guard let store else { return callNotFound(id, p) }
        guard let stored = try? store.detail(callID: id), canSee(agent: stored.summary.agent) else { return callNotFound(id, p) }
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else {
            return callPage(request, id: id, status: .badRequest, error: p.t("请写明查看原文的理由。", "Give the reason to see the original."), lang: form.lang)
        }
        try audit(.unmask, target: stored.summary.key, detail: reason)
        // This one page, unmasked; every other page stays masked.
        p.redact = false
        return callPageBody(request, id: id, stored: stored, p, status: .ok, error: nil, form: nil, unmasked: true)
    }

    struct AuditModel: TemplateModel {
        struct Action: TemplateModel { var name: String; var selected: Bool }
        struct Entry: TemplateModel { var at: String; var who: String; var action: String; var target: String; var detail: String; var address: String }
        var from: String, to: String, actor: String
        var actions: [Action]
        var csvHref: String
        var entries: [Entry]
    }

    func auditPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("审计日志", "Audit log")
        guard let floor else { return noStore(title, p, active: "audit") }
        do {
            return Response.html(Templates.page("audit", title: title, try auditModel(request, floor, p), p, active: "audit"), status: .ok, p)
        } catch {
            return storeError(error, p)
        }
    }

    /// `/admin/audit/csv?from=&to=&user=&action=`: the log as the page shows it (targets and details masked alike).
    func auditCSV(_ request: Request) -> Response {
        let p = page(request)
        guard let floor else { return noStore(p.t("审计日志", "Audit log"), p, active: "audit") }
        do {
            let model = try auditModel(request, floor, p)
            return try tableCSV(model.entries, target: "admin/audit.csv", name: Workbench.csvName(["audit"], date: Workbench.today()))
        } catch {
            return storeError(error, p)
        }
    }

    /// The audit page's model for the request's filters (the page renders it; `/admin/audit/csv` downloads its table).
    func auditModel(_ request: Request, _ floor: any FloorStore, _ p: PageContext) throws -> AuditModel {
        let q = request.uri.queryParameters
        let from = q.get("from").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let to = q.get("to").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let actor = q.get("user").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let action = q.get("action").flatMap { AuditAction(rawValue: String($0)) }
        let entries = try floor.auditLog(from: from, to: to, actor: actor, action: action)
        let filters = [("from", from), ("to", to), ("user", actor), ("action", action?.rawValue)].compactMap { k, v in v.map { (k, $0) } }
        return AuditModel(from: from ?? "", to: to ?? "", actor: actor ?? "",
                          actions: AuditAction.allCases.map { .init(name: $0.rawValue, selected: $0 == action) },
                          csvHref: p.link("/admin/audit/csv", filters),
                          entries: entries.map { e in
                              .init(at: e.at, who: e.actor, action: e.action.rawValue, target: p.r(e.target ?? ""), detail: p.r(e.detail ?? ""), address: e.address ?? "")
                          })
    }

    struct UsersModel: TemplateModel {
        struct Choice: TemplateModel { var value: String; var selected: Bool }
        struct User: TemplateModel {
            var name: String; var role: String; var agentID: String; var team: String; var status: String
            var roles: [Choice]; var toggle: String; var toggleLabel: String
        }
        var error: String?
        var notice: String?
        var link: String?
        var users: [User]
        var allRoles: [String]
    }

    func usersPage(_ request: Request, error: String? = nil, notice: String? = nil, link: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let p = page(request)
        let title = p.t("用户", "Users")
        guard let floor else { return noStore(title, p, active: "users") }
        do {
            let users = try floor.users().map { u in
                UsersModel.User(name: u.name, role: u.role.rawValue, agentID: u.agentID ?? "–", team: u.team ?? "–",
                                status: u.disabled ? p.t("已停用", "disabled") : u.hasPassword ? p.t("正常", "active") : p.t("待设密码", "password not set"),
                                roles: FloorRole.allCases.map { UsersModel.Choice(value: $0.rawValue, selected: $0 == u.role) },
                                toggle: u.disabled ? "enable" : "disable", toggleLabel: u.disabled ? p.t("启用", "Enable") : p.t("停用", "Disable"))
            }
            let model = UsersModel(error: error, notice: notice, link: link, users: users, allRoles: FloorRole.allCases.map(\.rawValue))
            return Response.html(Templates.page("users", title: title, model, p, active: "users"), status: status, p)
        } catch {
            return storeError(error, p)
        }
    }

    /// A new one-time set-password link for a user (the store keeps its digest), as a path.
    func setupLink(for name: String) throws -> String {
        let secret = FloorSecret.random()
        try floor?.addSetupLink(user: name, secretHash: FloorSecret.sha256Hex(secret), expires: Date().addingTimeInterval(72 * 3600))
        return "/set-password?token=" + secret
    }

    /// An admin adds a user: the page shows the one-time set-password link to hand over.
    func userAdd(_ request: Request) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        guard let floor else { return usersPage(request, status: .notFound) }
        let name = (form.value("name") ?? "").trimmingCharacters(in: .whitespaces)
        let agentID = form.value("agent_id").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        let team = form.value("team").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        guard let role = form.value("role").flatMap(FloorRole.init(rawValue:)) else { return usersPage(request, error: "choose a role", status: .badRequest) }
        do {
            try SQLStore.checkUserName(name)
            try floor.addUser(FloorUser(name: name, role: role, agentID: agentID, team: team, createdAt: Workbench.now()))
        } catch let e as FloorError {
            return usersPage(request, error: e.message, status: .badRequest)
        }
        let link = try setupLink(for: name)
        try audit(.userAdded, target: name, detail: "role \(role.rawValue)" + (agentID.map { ", agent id \($0)" } ?? "") + (team.map { ", team \($0)" } ?? ""))
        return usersPage(request, notice: "\(name) (\(role.rawValue))", link: link)
    }

    /// An admin changes a user: `role`, `disable`, `enable` or `reset` (a new link; the user's sessions end).
    func userChange(_ request: Request, name: String, action: String) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        guard let floor else { return usersPage(request, status: .notFound) }
        guard let user = try floor.user(named: name) else { return usersPage(request, error: "no user '\(name)'", status: .notFound) }
        do {
            switch action {
            case "role":
                guard let role = form.value("role").flatMap(FloorRole.init(rawValue:)) else { return usersPage(request, error: "choose a role", status: .badRequest) }
                try floor.setRole(name, role: role)
                try audit(.roleChanged, target: name, detail: "\(user.role.rawValue) → \(role.rawValue)")
                return usersPage(request, notice: "\(name): \(role.rawValue)")
            case "disable", "enable":
                try floor.setDisabled(name, action == "disable")
                try audit(action == "disable" ? .userDisabled : .userEnabled, target: name)
                return usersPage(request, notice: "\(name): \(action)d")
            case "reset":
                try floor.deleteSessions(user: name)
                let link = try setupLink(for: name)
                try audit(.passwordReset, target: name, detail: "set-password link")
                return usersPage(request, notice: name, link: link)
            default:
                return usersPage(request, error: "unknown change '\(action)'", status: .notFound)
            }
        } catch let e as FloorError {
            return usersPage(request, error: e.message, status: .conflict)
        }
    }

    /// A stored result with personal data masked in every text it carries (numbers stay numbers).
    static func redactStrings(_ v: JSONValue, _ r: Redactor = Redactor()) -> JSONValue {
        switch v {
        case .string(let s): return .string(r.redact(s))
        case .array(let items): return .array(items.map { redactStrings($0, r) })
        case .object(let members): return .object(members.map { ($0.0, redactStrings($0.1, r)) })
        default: return v
        }
    }

    /// `GET /api/calls/{id}`: the stored result as the JSON contract writes it; 404 when the user may not see it.
    func apiCall(_ request: Request, id: String) -> Response {
        guard let store else { return Response.json(.object([("error", .string("no results database"))]), status: .notFound) }
        do {
            guard let stored = try store.detail(callID: id), canSee(agent: stored.summary.agent) else {
                return Response.json(.object([("error", .string("no such call"))]), status: .notFound)
            }
            let masked = config.redact || FloorPolicy.mustMask(FloorRequest.user)
            return Response.json(masked ? Workbench.redactStrings(stored.result) : stored.result)
        } catch is AmbiguousCallReference {
            return Response.json(.object([("error", .string("the id names several calls: use the call's key"))]), status: .conflict)
        } catch {
            return Response.json(.object([("error", .string("\(error)"))]), status: .internalServerError)
        }
    }
}

extension Workbench {
    /// Whether what a request gets back is masked: the server's setting, and always for agents and trainers.
    var masked: Bool { config.redact || FloorPolicy.mustMask(FloorRequest.user) }
}
