import Foundation
import Hummingbird

/// A page's form, decoded with Hummingbird's `URLEncodedFormDecoder`; each carries the CSRF field
/// (or the request its `X-CSRF-Token` header) and may carry the page's language.
protocol PostedForm: Decodable, Sendable {
    var csrf: String? { get }
    var lang: String? { get }
}

/// Just the CSRF field and the language: what is read of a form that does not decode.
struct CSRFField: PostedForm { var csrf: String?; var lang: String? }

struct LoginForm: PostedForm {
    var user: String
    var password: String
    var next: String?
    var csrf: String?
    var lang: String?
}

struct LogoutForm: PostedForm { var csrf: String?; var lang: String? }

struct SetPasswordForm: PostedForm {
    var token: String
    var password: String
    var again: String
    var csrf: String?
    var lang: String?
}

/// An agent's appeal: a finding's index (from 0) or `score`, and the reason.
struct AppealForm: PostedForm {
    var finding: String?
    var reason: String?
    var csrf: String?
    var lang: String?
}

/// A supervisor's decision on an appeal: `accept` or `reject`, and a note.
struct DecisionForm: PostedForm {
    var decision: String?
    var note: String?
    var csrf: String?
    var lang: String?
}

/// The reason to see a call's original text.
struct UnmaskForm: PostedForm {
    var reason: String?
    var csrf: String?
    var lang: String?
}

/// A call to add to the case library, with a title and a category (both optional).
struct CaseForm: PostedForm {
    var call: String?
    var title: String?
    var category: String?
    var csrf: String?
    var lang: String?
}

extension Workbench {
    /// A posted form decoded into `T` with Hummingbird's URL-encoded form decoder, within the body's
    /// size and time limits, with its CSRF token checked; nil and the response when it fails.
    /// A multipart body's text fields are decoded the same way.
    func decodeForm<T: PostedForm>(_ type: T.Type, _ request: Request) async -> (T?, Response?) {
        let bytes: [UInt8]
        do {
            bytes = try await body(request)
        } catch {
            return (nil, bodyErrorPage(error, request))
        }
        let contentType = request.headers[.contentType] ?? ""
        let text: String
        if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text = Form.parse(contentType: contentType, body: bytes).fields.map { "\(Form.encode($0.0))=\(Form.encode($0.1))" }.joined(separator: "&")
        }
        let decoder = URLEncodedFormDecoder()
        let decoded: T
        do {
            decoded = try decoder.decode(T.self, from: text)
        } catch {
            // A form without a valid CSRF token is refused as such, whatever else is wrong with it.
            let field = try? decoder.decode(CSRFField.self, from: text)
            guard CSRF.valid(request, field: field?.csrf) else { return (nil, csrfRefusal(request, lang: field?.lang)) }
            let p = page(request, lang: field?.lang)
            let html = Layout.page(p.t("表单有误", "Bad form"), Layout.error(Workbench.formProblem(error, p)), p)
            return (nil, Response.html(html, status: .badRequest, p))
        }
        guard CSRF.valid(request, field: decoded.csrf) else { return (nil, csrfRefusal(request, lang: decoded.lang)) }
        return (decoded, nil)
    }

    /// What is wrong with a form that does not decode, for the page.
    static func formProblem(_ error: Error, _ p: PageContext) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return p.t("表单缺少栏目 '\(key.stringValue)'。", "The form lacks the field '\(key.stringValue)'.")
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            let field = c.codingPath.map(\.stringValue).joined(separator: ".")
            return p.t("表单栏目 '\(field)' 无效。", "The form's field '\(field)' is not valid.")
        default:
            return p.t("表单无法读取：\(error)", "The form could not be read: \(error)")
        }
    }
}
