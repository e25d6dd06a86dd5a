import CallQC
import Foundation

/// HTML text: every value from a transcript, a form or the store goes through `esc`.
func esc(_ s: String) -> String { HTMLReport.escape(s) }

/// One request's view: its language, the CSRF token for its forms, and redaction.
struct PageContext: Sendable {
    var lang: WorkbenchLanguage
    var csrf: String
    /// The token is new: the response sets its cookie.
    var csrfFresh: Bool
    var redact: Bool
    var hasStore: Bool
    /// The page's address (path and query, without `lang`), for the link to the other language.
    var here: String = ""
    /// The logged-in user (nil without accounts).
    var user: FloorUser? = FloorRequest.user

    /// Chinese or English text.
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    /// Masks personal data unless the operator turned redaction off.
    func r(_ s: String) -> String { redact ? Redactor().redact(s) : s }
    func r(_ s: String?) -> String? { s.map { r($0) } }

    /// The address of a stored call's page: by its key, or, where the key holds personal data
    /// that the pages mask (a call named after the caller's number), by its content hash, so
    /// that the number is in neither the page nor the address bar, history or proxy logs.
    func callPath(_ key: String, hash: String?) -> String {
        if let hash, redact, r(key) != key { return "/calls/" + Form.encode(hash) }
        return "/calls/" + Form.encode(key)
    }

    /// A link within the workbench that keeps the chosen language.
    func link(_ path: String, _ query: [(String, String)] = []) -> String {
        var q = query
        if lang == .en { q.append(("lang", "en")) }
        if q.isEmpty { return path }
        return path + "?" + q.map { "\(Form.encode($0.0))=\(Form.encode($0.1))" }.joined(separator: "&")
    }

    /// The hidden fields every form that changes data carries.
    var hidden: String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\">" + (lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
    }
}

enum Layout {
    /// A whole page: navigation, the title, the body, and the privacy note.
    static func page(_ title: String, _ body: String, _ p: PageContext, active: String = "") -> String {
        var nav: [(String, String, String)] = [
            ("/self-check", p.t("自检", "Self-check"), "self-check"),
            ("/queue", p.t("质检队列", "Review queue"), "queue"),
            ("/calibration", p.t("校准", "Calibration"), "calibration"),
            ("/reports", p.t("报表", "Reports"), "reports"),
            ("/cases", p.t("案例库", "Case library"), "cases"),
        ]
        var account = ""
        if let user = p.user {
            // Only the pages the role may use (the server refuses the others whatever the links say).
            nav.append(("/appeals", p.t("申诉", "Appeals"), "appeals"))
            nav.append(("/admin/users", p.t("用户", "Users"), "users"))
            nav.append(("/admin/audit", p.t("审计", "Audit"), "audit"))
            nav.append(("/account", p.t("我的账号", "Account"), "account"))
            nav = nav.filter { FloorPolicy.roles(.get, $0.0).contains(user.role) }
            account = "<form method=\"post\" action=\"/logout\" class=\"logout\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(p.csrf))\"><span class=\"meta\">\(esc(user.name)) (\(esc(user.role.rawValue)))</span> <button type=\"submit\">\(esc(p.t("退出", "Log out")))</button></form>"
        }
        let links = nav.map { "<a href=\"\(esc(p.link($0.0)))\"\($0.2 == active ? " class=\"active\"" : "")>\(esc($0.1))</a>" }.joined()
        let sep = p.here.contains("?") ? "&" : "?"
        let other = p.lang == .zh ? "<a class=\"lang\" href=\"\(esc(p.here + sep + "lang=en"))\">English</a>" : "<a class=\"lang\" href=\"\(esc(p.here + sep + "lang=zh"))\">中文</a>"
        return """
        <!doctype html>
        <html lang="\(p.lang == .zh ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title)) · callqc</title>
        <style>\(HTMLReport.css)\(css)</style>
        </head>
        <body>
        <nav><b>callqc</b>\(links)\(other)\(account)</nav>
        <main>
        <h1>\(esc(title))</h1>
        \(body)
        </main>
        <footer class="meta">callqc \(esc(CallQCVersion.version)) · \(p.redact ? p.t("个人信息已脱敏", "personal data masked") : p.t("未脱敏（--no-redact）", "not redacted (--no-redact)"))</footer>
        </body>
        </html>

        """
    }

    static func error(_ message: String) -> String { "<p class=\"error\" role=\"alert\">\(esc(message))</p>\n" }
    static func notice(_ message: String) -> String { "<p class=\"notice\" role=\"status\">\(esc(message))</p>\n" }

    static let css = """
    nav{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid #d0d7de;padding-bottom:.5rem;flex-wrap:wrap}
    nav a{color:#0969da;text-decoration:none}nav a.active{font-weight:bold;color:#1f2328}nav a.lang{margin-left:auto}
    .error{background:#ffebe9;border:1px solid #ff8182;padding:.6rem 1rem;border-radius:6px;white-space:pre-wrap}
    .notice{background:#dafbe1;border:1px solid #4ac26b;padding:.6rem 1rem;border-radius:6px}
    textarea{width:100%;min-height:14rem;font-family:inherit;font-size:.95rem}
    form.inline{display:inline}label{margin-right:1rem}button{padding:.3rem 1rem}
    .suggest{color:#1a7f37}.sound{background:#fff1c2;color:#7d4e00;border-radius:3px;padding:0 3px;font-size:90%}.step-missing{color:#a40e26}.step-out-of-order{color:#7d4e00}
    footer{margin-top:3rem;border-top:1px solid #d0d7de;padding-top:.5rem}
    table.review td{vertical-align:middle}
    ol.transcript li{grid-template-columns:8rem 5rem 1fr}
    """
}
