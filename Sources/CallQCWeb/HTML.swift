import CallQC
import Foundation

/// HTML text for the Swift code that marks spans inside a text (`LintView.mark`); the templates
/// escape every `{{value}}` themselves, the same five characters the same way.
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
}

enum Layout {
    struct NavLink: TemplateModel { var href: String; var label: String; var active: Bool }
    struct Account: TemplateModel { var name: String; var role: String }
    struct Model: TemplateModel {
        var htmlLang: String
        var title: String
        var css: String
        var nav: [NavLink]
        var langHref: String
        var langLabel: String
        var account: Account?
        var body: String
        var version: String
        var redact: Bool
    }

    /// A whole page (the `layout` template): navigation, the title, the body, and the privacy note.
    /// The body is HTML that a template (or CallView) produced, escaped there.
    static func page(_ title: String, _ body: String, _ p: PageContext, active: String = "") -> String {
        var nav: [(String, String, String)] = [
            ("/self-check", p.t("自检", "Self-check"), "self-check"),
            ("/me", p.t("我的质检", "My QC"), "me"),
            ("/queue", p.t("质检队列", "Review queue"), "queue"),
            ("/calibration", p.t("校准", "Calibration"), "calibration"),
            ("/reports", p.t("报表", "Reports"), "reports"),
            ("/cases", p.t("案例库", "Case library"), "cases"),
            ("/live", p.t("实时监控", "Live board"), "live"),
        ]
        var account: Account?
        if let user = p.user {
            // Only the pages the role may use (the server refuses the others whatever the links say).
            nav.append(("/appeals", p.t("申诉", "Appeals"), "appeals"))
            nav.append(("/admin/users", p.t("用户", "Users"), "users"))
            nav.append(("/admin/audit", p.t("审计", "Audit"), "audit"))
            nav.append(("/account", p.t("我的账号", "Account"), "account"))
            nav = nav.filter { FloorPolicy.roles(.get, $0.0).contains(user.role) }
            // An agent's own page is theirs: supervisors reach an agent's from the reports.
            if user.role != .agent { nav.removeAll { $0.0 == "/me" } }
            account = Account(name: user.name, role: user.role.rawValue)
        }
        let sep = p.here.contains("?") ? "&" : "?"
        let model = Model(htmlLang: p.lang == .zh ? "zh-CN" : "en", title: title, css: HTMLReport.css + css,
                          nav: nav.map { NavLink(href: p.link($0.0), label: $0.1, active: $0.2 == active) },
                          langHref: p.here + sep + (p.lang == .zh ? "lang=en" : "lang=zh"), langLabel: p.lang == .zh ? "English" : "中文",
                          account: account, body: body, version: CallQCVersion.version, redact: p.redact)
        return Templates.render("layout", model, p)
    }

    /// An error or a notice on its own (the `error` and `notice` partials).
    static func error(_ message: String) -> String { Templates.library.render(["error": message], withTemplate: "error") ?? "" }
    static func notice(_ message: String) -> String { Templates.library.render(["notice": message], withTemplate: "notice") ?? "" }

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
    figure.chart{margin:1rem 0}figure.chart figcaption{font-weight:600;margin-bottom:.3rem}
    details.chart-data summary{color:#656d76;font-size:.85rem;cursor:pointer}details.chart-data table{width:auto}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 2rem}
    a.csv{font-size:.85rem;margin-left:.6rem}
    #player{position:sticky;top:0;background:#fff;padding:.4rem 0;z-index:1}#player audio{width:100%;max-width:40rem;vertical-align:middle}
    #speed button[aria-pressed=true]{font-weight:bold}a.seek{color:inherit;text-decoration:underline dotted}ol.transcript li.playing{background:#fff8c5;outline:2px solid #d4a72c}
    """
}
