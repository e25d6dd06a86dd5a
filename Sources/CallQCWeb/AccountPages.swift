import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// A user's own account: who they are, and their personal API tokens (made here, shown once,
/// stored hashed; revoked here). Every user may use it; only their own tokens are listed.
extension Workbench {
    struct AccountModel: TemplateModel {
        struct Token: TemplateModel { var id: Int; var label: String; var created: String; var lastUsed: String; var revoked: String? }
        var name: String
        var role: String
        var agentID: String?
        var team: String?
        var newToken: String?
        var tokens: [Token]
    }

    func accountPage(_ request: Request, newToken: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let p = page(request)
        let title = p.t("我的账号", "My account")
        guard let floor, let user = FloorRequest.user else {
            return Response.html(Layout.page(title, Layout.error(p.t("这个工作台没有账号。", "This workbench has no accounts.")), p), status: .notFound, p)
        }
        do {
            let tokens = try floor.tokens(user: user.name).map { t in
                AccountModel.Token(id: t.id, label: t.label, created: t.createdAt, lastUsed: t.lastUsedAt ?? "–", revoked: t.revokedAt)
            }
            let model = AccountModel(name: user.name, role: user.role.rawValue, agentID: user.agentID, team: user.team, newToken: newToken, tokens: tokens)
            return Response.html(Templates.page("account", title: title, model, p, active: "account"), status: status, p)
        } catch {
            return storeError(error, p)
        }
    }

    func tokenPost(_ request: Request) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        guard let floor, let user = FloorRequest.user else { return accountPage(request, status: .notFound) }
        let label = (form.value("label") ?? "").trimmingCharacters(in: .whitespaces)
        let token = FloorSecret.apiToken()
        let id = try floor.addToken(user: user.name, label: label.isEmpty ? "web" : String(label.prefix(60)), tokenHash: FloorSecret.sha256Hex(token), createdAt: Workbench.now())
        try audit(.tokenCreated, target: user.name, detail: "token \(id)")
        return accountPage(request, newToken: token)
    }

    func tokenRevoke(_ request: Request, id: String) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard parsed != nil else { return refusal! }
        guard let floor, let user = FloorRequest.user else { return accountPage(request, status: .notFound) }
        // Only one's own tokens: another user's is not there.
        guard let n = Int(id), try floor.tokens(user: user.name).contains(where: { $0.id == n && $0.revokedAt == nil }) else {
            return accountPage(request, status: .notFound)
        }
        try floor.revokeToken(id: n, at: Workbench.now())
        try audit(.tokenRevoked, target: user.name, detail: "token \(n)")
        return Response.redirect(to: "/account")
    }

    func caseShare(_ request: Request, id: String) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        let p = page(request, form: form)
        guard let store, let c = try findCase(id) else {
            return Response.html(Layout.page(p.t("案例库", "Case library"), Layout.error(p.t("没有案例 '\(id)'。", "No case '\(id)'.")), p, active: "cases"), status: .notFound, p)
        }
        let shared = form.value("shared") == "1"
        try store.shareCase(id: c.id, shared: shared)
        try audit(.caseShared, target: "case \(c.id)", detail: shared ? "shared with the agent" : "unshared")
        return Response.redirect(to: p.link("/cases/\(c.id)"))
    }
}
