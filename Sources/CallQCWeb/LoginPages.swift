import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird

/// Logging in and out, and setting a password from a one-time link, when the workbench has
/// accounts. Failed logins are throttled per account and per address, and every one is audited.
extension Workbench {
    /// Whether the workbench has accounts: then everyone logs in, on loopback too.
    var isFloor: Bool { (try? floor?.hasUsers()) == true }

    /// The store's accounts, sessions, audit log and appeals (the SQLite store implements them).
    var floor: (any FloorStore)? { store.flatMap { $0 as Any as? any FloorStore } }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// Appends to the audit log; a failure to write it is not hidden from the response's caller.
    func audit(_ action: AuditAction, target: String? = nil, detail: String? = nil, actor: String? = nil) throws {
        guard let floor else { return }
        try floor.audit(AuditEntry(at: Workbench.now(), actor: actor ?? FloorRequest.user?.name ?? "anonymous", action: action,
                                   target: target, detail: detail, address: FloorRequest.address))
    }

    /// A local path to go to after logging in (never another site).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/login") else { return "/" }
        return next
    }

    func loginPage(_ request: Request) -> Response {
        guard isFloor else { return login(request) }
        return loginForm(page(request), next: request.uri.queryParameters.get("next").map { String($0) }, error: nil, status: .ok)
    }

    struct LoginModel: TemplateModel { var error: String?; var action: String; var next: String; var user: String }

    func loginForm(_ p: PageContext, next: String?, error: String?, status: HTTPResponse.Status, user: String = "") -> Response {
        let model = LoginModel(error: error, action: p.link("/login"), next: Workbench.safeNext(next), user: user)
        return Response.html(Templates.page("login", title: p.t("登录", "Log in"), model, p), status: status, p)
    }

    func loginPost(_ request: Request) async throws -> Response {
        guard isFloor, let store = floor else { return login(request) }
        let (decoded, refused) = await decodeForm(LoginForm.self, request)
        guard let form = decoded else { return refused! }
        let p = page(request, lang: form.lang)
        let name = form.user.trimmingCharacters(in: .whitespaces)
        let password = form.password
        let next = form.next
        let address = FloorRequest.address
        let since = Date().addingTimeInterval(-config.loginWindowSeconds)
        // Throttled before the password is even looked at: per account and per address.
        if try store.failedLogins(user: name, address: nil, since: since) >= config.maxFailedLoginsPerAccount
            || (address != nil && (try store.failedLogins(user: nil, address: address, since: since)) >= config.maxFailedLoginsPerAddress) {
            try store.recordFailedLogin(user: name, address: address, at: Date())
            try audit(.loginFailed, target: name, detail: "throttled", actor: name.isEmpty ? "anonymous" : name)
            let minutes = Int(config.loginWindowSeconds / 60)
            var r = loginForm(p, next: next, error: p.t("登录失败次数过多，请 \(minutes) 分钟后再试。", "Too many failed logins: try again in \(minutes) minutes."),
                              status: .tooManyRequests, user: name)
            r.headers[.retryAfter] = String(Int(config.loginWindowSeconds))
            return r
        }
        let user = try store.user(named: name)
        let hash = try user.flatMap { try store.passwordHash(of: $0.name) }
        // Bcrypt runs off the server's threads; a missing user costs a hash too, so timing does not tell.
        let hasher = PasswordHasher()
        let ok = await Workbench.offThread { hash.map { hasher.verify(password, hash: $0) } ?? { _ = hasher.verify(password, hash: Workbench.dummyHash); return false }() }
        guard ok, let user, !user.disabled else {
            try store.recordFailedLogin(user: name, address: address, at: Date())
            try audit(.loginFailed, target: name, detail: user?.disabled == true ? "account disabled" : "wrong user or password", actor: name.isEmpty ? "anonymous" : name)
            return loginForm(p, next: next, error: p.t("用户名或密码不对。", "Wrong user or password."), status: .unauthorized, user: name)
        }
        // A new session id at every login (never one the browser brought), the old one ended.
        if let old = request.cookies[FloorMiddleware<WorkbenchContext>.cookieName]?.value { try store.deleteSession(idHash: FloorSecret.sha256Hex(old)) }
        let id = FloorSecret.random()
        try store.addSession(idHash: FloorSecret.sha256Hex(id), FloorSession(user: user.name, createdAt: Date(), lastSeen: Date(), address: address))
        try audit(.login, target: user.name, actor: user.name)
        var response = Response.redirect(to: Workbench.safeNext(next))
        response.setCookie(sessionCookie(id, maxAge: Int(config.sessionMaxSeconds)))
        return response
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: FloorMiddleware<WorkbenchContext>.cookieName, value: value, maxAge: maxAge, path: "/", secure: config.behindTLS, httpOnly: true, sameSite: .strict)
    }

    func logoutPost(_ request: Request) async throws -> Response {
        let (form, refused) = await decodeForm(LogoutForm.self, request)
        guard form != nil else { return refused! }
        if let store = floor, let id = request.cookies[FloorMiddleware<WorkbenchContext>.cookieName]?.value {
            let hash = FloorSecret.sha256Hex(id)
            if let session = try store.session(idHash: hash) {
                try store.deleteSession(idHash: hash)
                try audit(.logout, target: session.user, actor: session.user)
            }
        }
        var response = Response.redirect(to: "/login")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    struct SetPasswordModel: TemplateModel { var error: String?; var action: String; var token: String; var minimum: Int }

    func setPasswordPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok, token: String? = nil, lang: String? = nil) -> Response {
        let p = page(request, lang: lang)
        let token = token ?? request.uri.queryParameters.get("token").map { String($0) } ?? ""
        let model = SetPasswordModel(error: error, action: p.link("/set-password"), token: token, minimum: FloorPassword.minimumLength)
        return Response.html(Templates.page("set-password", title: p.t("设置密码", "Set your password"), model, p), status: status, p)
    }

    func setPasswordPost(_ request: Request) async throws -> Response {
        guard let store = floor else { return setPasswordPage(request, error: "no store", status: .notFound) }
        let (decoded, refused) = await decodeForm(SetPasswordForm.self, request)
        guard let form = decoded else { return refused! }
        let p = page(request, lang: form.lang)
        let password = form.password
        guard password == form.again else {
            return setPasswordPage(request, error: p.t("两次输入的密码不一样。", "The two passwords differ."), status: .badRequest, token: form.token, lang: form.lang)
        }
        let secretHash = FloorSecret.sha256Hex(form.token)
        // The link is checked (and used up) only once the password itself is acceptable.
        guard let name = try store.consumeSetupLink(secretHash: secretHash, now: Date()) else {
            return setPasswordPage(request, error: p.t("这个设置密码的链接无效或已过期，请找管理员重新生成（callqc users reset-password）。",
                                                      "This set-password link is not valid or has expired: ask an administrator for a new one (callqc users reset-password)."),
                                   status: .notFound, token: form.token, lang: form.lang)
        }
        if let problem = Workbench.passwordProblem(password, user: name) {
            // The link stays usable: make a fresh one with the same secret for the next try.
            try store.addSetupLink(user: name, secretHash: secretHash, expires: Date().addingTimeInterval(3600))
            return setPasswordPage(request, error: problem, status: .badRequest, token: form.token, lang: form.lang)
        }
        let hash = await Workbench.offThread { PasswordHasher().hash(password) }
        try store.setPasswordHash(name, hash: hash)
        try store.deleteSessions(user: name)
        try audit(.passwordSet, target: name, actor: name)
        return Response.redirect(to: "/login")
    }

    /// Slow work (bcrypt) on another thread, so the server's event loops stay free.
    static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in DispatchQueue.global().async { c.resume(returning: work()) } }
    }

    /// What is wrong with a new password (the store's rules, bcrypt's 72 bytes); nil when it will do.
    static func passwordProblem(_ password: String, user: String) -> String? {
        do { try PasswordHasher.check(password, user: user); return nil } catch { return "\(error)" }
    }

    /// A hash to verify against when the user does not exist, so that the answer takes as long.
    static let dummyHash = PasswordHasher().hash("callqc-no-such-user")
}
