import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The web workbench behind `callqc serve`: agents' self-check, supervisors' review
/// queue and calibration, reports, and the trainers' case library, as server-rendered
/// pages and a JSON API. It prints nothing and never exits: the executable owns that.
public struct Workbench: Sendable {
    public let config: WorkbenchConfig
    let checker: Checker
    let linter: ScriptLinter
    let store: SQLStore?
    let loader: TranscriptLoader
    let pool: WorkPool
    /// The calls in progress (live QC) and the board's watchers.
    let live: LiveBoard

    public init(config: WorkbenchConfig, checker: Checker, store: SQLStore?, loader: TranscriptLoader = TranscriptLoader()) {
        self.pool = WorkPool(workers: config.workers)
        self.config = config
        self.checker = checker
        var linter = ScriptLinter(checker: checker)
        linter.charactersPerMinute = config.charactersPerMinute
        linter.wordsPerMinute = config.wordsPerMinute
        self.linter = linter
        self.store = store
        self.loader = loader
        self.live = LiveBoard(checker: checker, idleSeconds: config.liveIdleSeconds, store: store)
    }

    var readTimeout: TimeAmount { .milliseconds(Int64(config.readTimeoutSeconds * 1000)) }

    /// HTTP/1 with WebSocket upgrades for `/api/live`, every connection's first request head due within the read timeout.
    func webSocketServer() -> HTTPServerBuilder {
        let webSocketResponder = socketRouter().buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(http1: .init(idleTimeout: readTimeout),
                                                                       ws: .init(maxFrameSize: max(1 << 16, config.maxBodyBytes)))
        let deadline = readTimeout
        return HTTPServerBuilder { responder in
            RequestHeadDeadline(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                                    configuration: configuration),
                                timeout: deadline)
        }
    }

    /// The application, listening where the configuration says; `onRunning` gets the bound port.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        live.startClock()
        return Application(
            router: router(),
            // A connection silent for the read timeout is closed (a request head trickled byte by byte
            // included); at most maxConnections are open, others wait in the backlog.
            // WebSocket upgrades (`/api/live`) go to their own router, behind the same checks. The upgrade channel
            // of hummingbird-websocket starts its idle timeout only once a request head is complete, so
            // RequestHeadDeadline closes a connection whose first head does not arrive within the read timeout.
            server: config.liveWebSocket ? webSocketServer() : .http1(configuration: .init(idleTimeout: readTimeout)),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "callqc",
                                 availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: {
                var l = Logger(label: "callqc.serve")
                l.logLevel = .warning
                return l
            }()
        )
    }

    /// Every route, behind the access check.
    public func router() -> Router<WorkbenchContext> {
        let router = Router(context: WorkbenchContext.self)
        router.add(middleware: HostMiddleware(allowed: config.allowedHosts))
        router.add(middleware: FloorMiddleware(store: floor, legacy: AccessMiddleware(token: config.token, defaultLanguage: config.language), config: config))
        router.get("/") { request, _ in Response.redirect(to: self.page(request).link("/self-check")) }
        router.get("/login") { request, _ in self.loginPage(request) }
        router.post("/login") { request, _ in try await self.loginPost(request) }
        router.post("/logout") { request, _ in try await self.logoutPost(request) }
        router.get("/set-password") { request, _ in self.setPasswordPage(request) }
        router.post("/set-password") { request, _ in try await self.setPasswordPost(request) }
        router.get("/self-check") { request, _ in self.selfCheckForm(request) }
        router.post("/self-check") { request, _ in try await self.selfCheckPost(request) }
        router.get("/queue") { request, _ in self.queuePage(request) }
        router.get("/queue/csv") { request, _ in self.queueCSV(request) }
        router.get("/me") { request, _ in self.agentPage(request) }
        router.get("/me/csv") { request, _ in self.agentCSV(request) }
        router.get("/calls/:id") { request, context in self.callPage(request, id: Workbench.param(context, "id"), status: .ok, error: nil) }
        router.get("/calls/:id/audio") { request, context in try await self.recording(request, id: Workbench.param(context, "id"), context: context) }
        router.head("/calls/:id/audio") { request, context in try await self.recording(request, id: Workbench.param(context, "id"), context: context) }
        router.get("/static/recording.js") { _, _ in self.recordingScript() }
        router.post("/calls/:id/review") { request, context in try await self.reviewPost(request, id: Workbench.param(context, "id")) }
        router.post("/calls/:id/appeal") { request, context in try await self.appealPost(request, id: Workbench.param(context, "id")) }
        router.post("/calls/:id/unmask") { request, context in try await self.unmaskPost(request, id: Workbench.param(context, "id")) }
        router.get("/appeals") { request, _ in self.appealsPage(request) }
        router.post("/appeals/:id/decide") { request, context in try await self.appealDecide(request, id: Workbench.param(context, "id")) }
        router.post("/cases/:id/share") { request, context in try await self.caseShare(request, id: Workbench.param(context, "id")) }
        router.get("/account") { request, _ in self.accountPage(request) }
        router.post("/account/tokens") { request, _ in try await self.tokenPost(request) }
        router.post("/account/tokens/:id/revoke") { request, context in try await self.tokenRevoke(request, id: Workbench.param(context, "id")) }
        router.get("/admin/audit") { request, _ in self.auditPage(request) }
        router.get("/admin/audit/csv") { request, _ in self.auditCSV(request) }
        router.get("/admin/users") { request, _ in self.usersPage(request) }
        router.post("/admin/users") { request, _ in try await self.userAdd(request) }
        router.post("/admin/users/:name/:action") { request, context in
            try await self.userChange(request, name: Workbench.param(context, "name"), action: Workbench.param(context, "action"))
        }
        router.get("/api/calls/:id") { request, context in self.apiCall(request, id: Workbench.param(context, "id")) }
        router.get("/calibration") { request, _ in self.calibrationPage(request) }
        router.get("/calibration/csv") { request, _ in self.calibrationCSV(request) }
        router.get("/reports") { request, _ in self.reportsPage(request) }
        router.get("/reports/csv") { request, _ in self.reportsCSV(request) }
        router.get("/reports/full") { request, _ in self.fullReport(request) }
        router.get("/cases") { request, _ in self.casesPage(request) }
        router.post("/cases") { request, _ in try await self.casePost(request) }
        router.get("/cases/:id") { request, context in self.casePage(request, id: Workbench.param(context, "id")) }
        router.get("/cases/:id/export") { request, context in self.caseExport(request, id: Workbench.param(context, "id")) }
        router.post("/api/live/:id/turns") { request, context in await self.liveTurns(request, id: Workbench.param(context, "id")) }
        router.post("/api/live/:id/end") { request, context in await self.liveEnd(request, id: Workbench.param(context, "id")) }
        router.get("/api/live/events") { request, _ in self.liveEvents(request) }
        router.get("/live") { request, _ in self.livePage(request) }
        router.get("/static/live.js") { _, _ in Workbench.liveScriptResponse() }
        router.post("/api/check") { request, _ in try await self.apiCheck(request) }
        router.post("/api/lint") { request, _ in try await self.apiLint(request) }
        router.get("/api/queue") { request, _ in self.apiQueue(request) }
        router.post("/api/reviews") { request, _ in try await self.apiReview(request) }
        return router
    }

    static func param(_ context: WorkbenchContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    // MARK: Requests

    /// The page context of a request: its language, its CSRF token, redaction.
    func page(_ request: Request, form: Form? = nil) -> PageContext {
        page(request, lang: form?.value("lang"))
    }

    /// The page context of a request whose form asked for a language (or none).
    func page(_ request: Request, lang formLang: String?) -> PageContext {
        let asked = formLang ?? request.uri.queryParameters.get("lang")
        let lang = asked.flatMap(WorkbenchLanguage.init(rawValue:)) ?? config.language
        let csrf = CSRF.token(request)
        var here = request.uri.path
        if request.method == .get {
            let kept = request.uri.queryParameters.filter { $0.key != "lang" }.map { (String($0.key), String($0.value)) }
            if !kept.isEmpty { here += "?" + kept.map { "\(Form.encode($0.0))=\(Form.encode($0.1))" }.joined(separator: "&") }
        } else if here.hasSuffix("/review") {
            here = String(here.dropLast("/review".count))
        }
        // Agents and trainers never see customers' data unmasked, whatever the server's setting.
        let redact = config.redact || FloorPolicy.mustMask(FloorRequest.user)
        return PageContext(lang: lang, csrf: csrf.value, csrfFresh: csrf.fresh, redact: redact, hasStore: store != nil, here: here)
    }

    /// The body, at most the configured size.
    func body(_ request: Request) async throws(BodyError) -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > config.maxBodyBytes { throw .tooLarge }
        let limit = config.maxBodyBytes
        let timeout = config.readTimeoutSeconds
        do {
            // The whole body must arrive within the read timeout: a client trickling it is dropped.
            var buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await request.body.collect(upTo: limit) }
                group.addTask { try await Task.sleep(nanoseconds: UInt64(timeout * 1e9)); return nil }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else { throw BodyError.timedOut }
                return buffer
            }
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let e as HTTPResponseError where e.status == .contentTooLarge {
            throw .tooLarge
        } catch BodyError.timedOut {
            throw .timedOut
        } catch {
            throw .unreadable
        }
    }

    enum BodyError: Error { case tooLarge, unreadable, timedOut }

    /// The posted form, with its CSRF token checked; nil and a response when it fails. For forms
    /// with fields of dynamic names (the review form's `verdict.RULE`, `missed.N`) and uploads
    /// (the self-check's multipart form); the other forms are decoded by `decodeForm`.
    func form(_ request: Request) async -> (Form?, Response?) {
        let bytes: [UInt8]
        do {
            bytes = try await body(request)
        } catch {
            return (nil, bodyErrorPage(error, request))
        }
        let form = Form.parse(contentType: request.headers[.contentType], body: bytes)
        if !CSRF.valid(request, form: form) { return (nil, csrfRefusal(request, lang: form.value("lang"))) }
        return (form, nil)
    }

    /// The 403 of a form whose CSRF token does not match its cookie.
    func csrfRefusal(_ request: Request, lang: String?) -> Response {
        let p = page(request, lang: lang)
        let html = Layout.page(p.t("请求被拒绝", "Request refused"),
                               Layout.error(p.t("表单校验失败（CSRF）：这个表单不是从本工作台的页面提交的，或者页面已过期。请重新打开页面再提交。",
                                                "The form's check failed (CSRF): it was not sent from a page of this workbench, or the page is stale. Open the page again and resubmit.")), p)
        return Response.html(html, status: .forbidden, p)
    }

    func bodyErrorPage(_ error: BodyError, _ request: Request) -> Response {
        let p = page(request)
        switch error {
        case .tooLarge:
            let limit = Workbench.size(config.maxBodyBytes)
            let html = Layout.page(p.t("内容过大", "Too large"),
                                   Layout.error(p.t("提交的内容超过 \(limit) 的上限。请只粘贴一通电话，或把大批量文件交给命令行 callqc check。",
                                                    "What was sent is larger than the limit of \(limit). Paste one call at a time, or check large batches with callqc check on the command line.")), p)
            return Response.html(html, status: .contentTooLarge, p)
        case .unreadable:
            return Response.html(Layout.page(p.t("无法读取", "Unreadable"), Layout.error(p.t("请求内容无法读取。", "The request body could not be read.")), p), status: .badRequest, p)
        case .timedOut:
            return Response.html(Layout.page(p.t("超时", "Too slow"), Layout.error(p.t("请求内容没有在 \(Int(config.readTimeoutSeconds)) 秒内传完。", "The request body did not arrive within \(Int(config.readTimeoutSeconds)) s.")), p), status: .requestTimeout, p)
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MB" : bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) bytes"
    }

    /// The page for a store that is not there.
    func noStore(_ title: String, _ p: PageContext, active: String) -> Response {
        Response.html(Layout.page(title, Layout.error(p.t("没有结果库：用 callqc serve --db qc.sqlite 启动工作台（结果由 callqc check … --db qc.sqlite 写入）。",
                                                         "No results database: start the workbench with callqc serve --db qc.sqlite (results are stored by callqc check … --db qc.sqlite).")), p, active: active),
                      status: .ok, p)
    }

    func storeError(_ error: Error, _ p: PageContext) -> Response {
        Response.html(Layout.page(p.t("出错了", "Error"), Layout.error(p.t("结果库读写失败：", "The results database failed: ") + "\(error)"), p),
                      status: .internalServerError, p)
    }

    func login(_ request: Request) -> Response {
        // The access middleware has checked the token by now.
        var response = Response.redirect(to: "/self-check")
        if let token = config.token {
            response.setCookie(Cookie(name: "token", value: token, path: "/", httpOnly: true, sameSite: .strict))
        }
        return response
    }
}

extension Response {
    /// An HTML page, with the headers that keep a browser from running anything injected
    /// and the CSRF cookie when the request had none.
    static func html(_ html: String, status: HTTPResponse.Status = .ok, _ p: PageContext) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; script-src 'self'; connect-src 'self'; media-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "no-store"
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        if p.csrfFresh { response.setCookie(CSRF.cookie(p.csrf)) }
        return response
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                           HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: value.pretty() + "\n")))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// CSRF protection by double submission: a random value in an HttpOnly, SameSite=Strict
/// cookie, repeated in a hidden field of every form that changes data; a POST whose
/// field does not match its cookie is refused. Another site can neither read the
/// value nor make the browser send the cookie.
enum CSRF {
    static let cookieName = "callqc_csrf"
    static let fieldName = "csrf"

    /// The request's token, or a fresh one to set (the same for the whole request).
    static func token(_ request: Request) -> (value: String, fresh: Bool) {
        if let v = request.cookies[cookieName]?.value, isWellFormed(v) { return (v, false) }
        return (random(), true)
    }

    static func isWellFormed(_ v: String) -> Bool { v.count == 32 && v.allSatisfy(\.isHexDigit) }

    static func valid(_ request: Request, form: Form) -> Bool { valid(request, field: form.value(fieldName)) }

    /// The form's field (or the request's `X-CSRF-Token` header) against the cookie.
    static func valid(_ request: Request, field: String?) -> Bool {
        guard let cookie = request.cookies[cookieName]?.value, isWellFormed(cookie),
              let field = field ?? request.headers[HTTPField.Name("X-CSRF-Token")!] else { return false }
        return equal(Array(cookie.utf8), Array(field.utf8))
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    static func cookie(_ value: String) -> Cookie {
        Cookie(name: cookieName, value: value, path: "/", httpOnly: true, sameSite: .strict)
    }

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
