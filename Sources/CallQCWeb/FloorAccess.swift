import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The user a request is made by, set for the request's task by ``FloorMiddleware`` once it
/// has checked the session or token; nil when the workbench has no users (one person on
/// loopback, or a shared token). Scoped to the request: no state outlives it.
enum FloorRequest {
    @TaskLocal static var user: FloorUser?
    /// Where the request came from, for the audit log and throttling.
    @TaskLocal static var address: String?
}

/// Who may use which route, by role: the one table the server enforces for every request
/// (pages and API alike). A role not listed gets 403; a call or case the user may not see
/// answers 404 in the handler (``FloorPolicy/canSee(call:agent:user:teams:)``).
enum FloorPolicy {
    static let everyone: Set<FloorRole> = Set(FloorRole.allCases)
    static let supervisors: Set<FloorRole> = [.supervisor, .admin]

    /// Routes anyone may reach without logging in.
    static func isPublic(_ path: String) -> Bool {
        path == "/login" || path == "/set-password" || path == "/logout"
    }

    /// The roles that may use a route (method and path; `:id` segments stand for any value).
    static func roles(_ method: HTTPRequest.Method, _ path: String) -> Set<FloorRole> {
        let parts = path.split(separator: "/").map(String.init)
        switch (method, parts.first ?? "", parts.count) {
        case (_, "", 0), (_, "self-check", 1), (_, "account", _): return everyone
        case (.post, "api", 2) where parts[1] == "check" || parts[1] == "lint": return everyone
        case (.get, "api", 3) where parts[1] == "calls": return everyone           // visibility in the handler
        case (_, "api", _) where parts.count >= 2 && parts[1] == "live": return [.agent, .supervisor, .admin]  // live QC: whose calls in the handler
        case (_, "api", _): return supervisors                                        // queue, reviews
        case (.get, "calls", 2): return everyone                                      // visibility in the handler
        case (.get, "calls", 3) where parts[2] == "audio", (.head, "calls", 3) where parts[2] == "audio": return everyone  // the call's visibility in the handler
        case (.get, "static", 2): return everyone                                     // the player's script
        case (.post, "calls", 3) where parts[2] == "appeal": return [.agent]
        case (.post, "calls", 3) where parts[2] == "unmask": return supervisors
        case (.post, "calls", 3) where parts[2] == "review": return supervisors
        case (_, "queue", _), (_, "calibration", _), (_, "reports", _): return supervisors
        case (.get, "appeals", 1): return [.agent, .supervisor, .admin]              // agents: their own
        case (.get, "me", 1): return [.agent, .supervisor, .admin]                   // agents: their own; others: an agent they may see
        case (.get, "me", 2) where parts[1] == "csv": return [.agent, .supervisor, .admin]  // the page's tables, refused as the page is
        case (.post, "appeals", 3) where parts[2] == "decide": return supervisors
        case (.get, "cases", _): return [.agent, .supervisor, .trainer, .admin]       // agents: their own calls' cases
        case (.post, "cases", 1), (.post, "cases", 3): return [.trainer, .admin]     // add; share with the agent
        case (_, "admin", _): return [.admin]
        case (.get, "live", 1): return [.agent, .supervisor, .admin]                 // the live board; agents: their own call
        case (.get, "static", 2): return everyone
        default: return []
        }
    }

    /// Whether a user may see a stored call: agents their own (by agent id), supervisors their
    /// team's (all without a team), trainers and admins all (trainers masked).
    static func canSee(agent: String?, user: FloorUser?, teams: [String: String]) -> Bool {
        guard let user else { return true }
        switch user.role {
        case .admin, .trainer: return true
        case .agent: return user.agentID != nil && agent == user.agentID
        case .supervisor:
            guard let team = user.team else { return true }
            return agent.flatMap { teams[$0] } == team
        }
    }

    /// Agents and trainers never see customers' data unmasked.
    static func mustMask(_ user: FloorUser?) -> Bool {
        guard let user else { return false }
        return user.role == .agent || user.role == .trainer
    }
}

/// Authentication: with users in the store, every request but the login pages needs a session
/// (cookie `callqc_session`, idle and absolute expiry, checked against the store) or a personal
/// API token (`Authorization: Bearer`); then the route's roles are checked. Without users it is
/// the shared-token workbench of before (``AccessMiddleware``).
struct FloorMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: (any FloorStore)?
    let legacy: AccessMiddleware<Context>
    let config: WorkbenchConfig

    static var cookieName: String { "callqc_session" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = request.headers[HTTPField.Name("X-Forwarded-For")!].flatMap { config.behindTLS ? $0.split(separator: ",").first.map { String($0).trimmingCharacters(in: .whitespaces) } : nil }
            ?? (context as? WorkbenchContext)?.remoteAddress?.ipAddress
        guard let store, (try? store.hasUsers()) == true else {
            return try await FloorRequest.$address.withValue(address) { try await legacy.handle(request, context: context, next: next) }
        }
        let path = request.uri.path
        if FloorPolicy.isPublic(path) {
            return try await FloorRequest.$address.withValue(address) { try await next(request, context) }
        }
        guard let user = try authenticate(request, store: store) else {
            if path.hasPrefix("/api/") {
                return Response.json(.object([("error", .string("log in, or send a personal API token: Authorization: Bearer TOKEN (callqc users token NAME)"))]),
                                     status: .unauthorized).with(header: .wwwAuthenticate, "Bearer")
            }
            var target = path
            if let q = request.uri.query, !q.isEmpty { target += "?" + q }
            return Response.redirect(to: "/login?next=" + Form.encode(target))
        }
        guard FloorPolicy.roles(request.method, path).contains(user.role) else {
            if path.hasPrefix("/api/") {
                return Response.json(.object([("error", .string("your role (\(user.role.rawValue)) may not use \(request.method.rawValue) \(path)"))]), status: .forbidden)
            }
            let p = PageContext(lang: request.uri.queryParameters.get("lang").flatMap(WorkbenchLanguage.init(rawValue:)) ?? config.language,
                                csrf: CSRF.token(request).value, csrfFresh: false, redact: true, hasStore: true, here: path, user: user)
            return Response.html(Layout.page(p.t("无权访问", "Not allowed"),
                                             Layout.error(p.t("你的角色（\(user.role.rawValue)）不能使用这个页面。", "Your role (\(user.role.rawValue)) may not use this page.")), p),
                                 status: .forbidden, p)
        }
        return try await FloorRequest.$user.withValue(user) {
            try await FloorRequest.$address.withValue(address) { try await next(request, context) }
        }
    }

    /// The user of the request's session or token; nil when neither is valid.
    func authenticate(_ request: Request, store: any FloorStore) throws -> FloorUser? {
        let now = Date()
        if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            guard let name = try store.tokenUser(tokenHash: FloorSecret.sha256Hex(token), usedAt: ISO8601DateFormatter().string(from: now)),
                  let user = try store.user(named: name), !user.disabled else { return nil }
            return user
        }
        guard let id = request.cookies[FloorMiddleware.cookieName]?.value, !id.isEmpty else { return nil }
        let hash = FloorSecret.sha256Hex(id)
        guard let session = try store.session(idHash: hash) else { return nil }
        if now.timeIntervalSince(session.lastSeen) > config.sessionIdleSeconds || now.timeIntervalSince(session.createdAt) > config.sessionMaxSeconds {
            try store.deleteSession(idHash: hash)
            return nil
        }
        guard let user = try store.user(named: session.user), !user.disabled else {
            try store.deleteSession(idHash: hash)
            return nil
        }
        try store.touchSession(idHash: hash, at: now)
        return user
    }
}

/// The request context of the workbench: Hummingbird's core storage and the peer's address
/// (for throttling logins and the audit log).
public struct WorkbenchContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
