import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// With an access token configured, every request must carry it: `Authorization:
/// Bearer T`, or the `token` cookie that `/login?token=T` sets. Others get 401.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let defaultLanguage: WorkbenchLanguage

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, !token.isEmpty else { return try await next(request, context) }
        let expected = Array(token.utf8)
        var offered: [String] = []
        if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
            offered.append(String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        }
        if let cookie = request.cookies["token"]?.value { offered.append(cookie) }
        if request.uri.path == "/login", let given = request.uri.queryParameters.get("token") { offered.append(given) }
        if offered.contains(where: { CSRF.equal(Array($0.utf8), expected) }) {
            return try await next(request, context)
        }
        if request.uri.path.hasPrefix("/api/") {
            return Response.json(.object([("error", .string("an access token is required: send Authorization: Bearer TOKEN"))]), status: .unauthorized)
                .with(header: .wwwAuthenticate, "Bearer")
        }
        let lang = request.uri.queryParameters.get("lang").flatMap(WorkbenchLanguage.init(rawValue:)) ?? defaultLanguage
        let zh = lang == .zh
        let html = """
        <!doctype html><html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>401 · callqc</title></head><body>
        <h1>\(zh ? "需要访问令牌" : "Access token required")</h1>
        <p>\(zh ? "这个工作台需要运维人员配置的访问令牌。请打开 /login?token=令牌，或在请求中带上 Authorization: Bearer 令牌。" : "This workbench needs the access token its operator configured. Open /login?token=TOKEN, or send Authorization: Bearer TOKEN.")</p>
        </body></html>
        """
        return Response(status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8", .wwwAuthenticate: "Bearer"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension Response {
    func with(header name: HTTPField.Name, _ value: String) -> Response {
        var r = self
        r.headers[name] = value
        return r
    }
}
