import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// A user's own account: who they are, and their personal API tokens (made here, shown once,
/// stored hashed; revoked here). Every user may use it; only their own tokens are listed.
extension Workbench {
    func accountPage(_ request: Request, newToken: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let p = page(request)
        let title = p.t("我的账号", "My account")
        guard let floor, let user = FloorRequest.user else {
            return Response.html(Layout.page(title, Layout.error(p.t("这个工作台没有账号。", "This workbench has no accounts.")), p), status: .notFound, p)
        }
        do {
            var h = "<p id=\"me\">\(esc(user.name)) · \(esc(user.role.rawValue))\(user.agentID.map { " · " + esc($0) } ?? "")\(user.team.map { " · " + esc($0) } ?? "")</p>\n"
            if let newToken {
                h += Layout.notice(p.t("新的 API 令牌（只显示这一次，请立即保存）：", "Your new API token (shown this once: keep it now):"))
                h += "<p><code id=\"new-token\">\(esc(newToken))</code></p>\n"
            }
            h += "<h2>\(esc(p.t("API 令牌", "API tokens")))</h2>\n<table id=\"tokens\"><thead><tr><th>#</th><th>\(p.t("用途", "Label"))</th><th>\(p.t("创建", "Created"))</th><th>\(p.t("最近使用", "Last used"))</th><th></th></tr></thead><tbody>\n"
            for t in try floor.tokens(user: user.name) {
                h += "<tr><td>\(t.id)</td><td>\(esc(t.label))</td><td>\(esc(t.createdAt))</td><td>\(esc(t.lastUsedAt ?? "–"))</td><td>"
                if let revoked = t.revokedAt {
                    h += esc(p.t("已吊销 ", "revoked ") + revoked)
                } else {
                    h += "<form method=\"post\" action=\"/account/tokens/\(t.id)/revoke\" class=\"revoke\">\(p.hidden)<button type=\"submit\">\(esc(p.t("吊销", "Revoke")))</button></form>"
                }
                h += "</td></tr>\n"
            }
            h += "</tbody></table>\n"
            h += "<form method=\"post\" action=\"/account/tokens\" id=\"token-form\">\(p.hidden)<label>\(esc(p.t("用途", "Label"))) <input type=\"text\" name=\"label\" required></label> <button type=\"submit\">\(esc(p.t("生成新令牌", "New token")))</button></form>\n"
            h += "<p class=\"meta\">\(esc(p.t("程序用 Authorization: Bearer 令牌 访问 API；令牌只保存摘要。", "Programs send Authorization: Bearer TOKEN to the API; only the token's digest is stored.")))</p>"
            return Response.html(Layout.page(title, h, p, active: "account"), status: status, p)
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
