import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage
import NIOCore

/// The pages customers answer on, open without a token at `/s/{token}`. Forms carry a
/// double-submit CSRF token: a random value in a SameSite=Strict, HttpOnly cookie that the form
/// must echo, and a cross-site Origin is refused outright. Each survey link is rate limited per
/// client address, and each address more loosely across all links, so that customers behind one
/// proxy or carrier NAT do not share one limit while nobody can try links by the thousand.
enum SurveyPageRoutes {
    static let csrfCookie = "kefu_survey_csrf"

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, configuration: SurveyConfiguration,
                    limiter: RateLimiter) {
        router.get("/s/{token}") { request, context -> Response in
            let token = try context.parameters.require("token")
            if let refusal = throttle(request, context, token: token, limiter, configuration) { return refusal }
            let survey = try await runtime.read { connection in
                try connection.query("SELECT ticket_number, status, expires_at, language FROM survey.surveys WHERE token = $1",
                                     [token]).first.map { row in
                    (number: try row.require("ticket_number") as String, status: try row.require("status") as String,
                     expires: try row.require("expires_at") as Date, language: try row.decode("language") as String?)
                }
            }
            let pages = SurveyPages(language: request.uri.queryParameters.get("lang") ?? survey?.language)
            guard let survey else { return html(pages.notFound, status: .notFound) }
            if survey.status == "answered" { return html(pages.alreadyAnswered) }
            if survey.status == "expired" || survey.expires <= Date() { return html(pages.expired, status: .gone) }
            let csrf = RandomToken.make()
            var response = html(pages.form(ticketNumber: survey.number, csrf: csrf, action: "/s/\(token)"))
            response.setCookie(Cookie(name: csrfCookie, value: csrf, maxAge: 3600, path: "/s/",
                                      secure: configuration.publicURL.hasPrefix("https"), httpOnly: true, sameSite: .strict))
            return response
        }

        router.post("/s/{token}") { request, context -> Response in
            let token = try context.parameters.require("token")
            if let refusal = throttle(request, context, token: token, limiter, configuration) { return refusal }
            let form = WebForms.parse(try await request.bodyBytes(limit: 16 * 1024))
            let language = try await runtime.read { connection in
                try connection.query("SELECT language FROM survey.surveys WHERE token = $1", [token]).first?.decode("language") as String?
            }
            let pages = SurveyPages(language: language)
            guard WebForms.isSameOrigin(request), let cookie = request.cookies[csrfCookie]?.value, let field = form["csrf"],
                  !cookie.isEmpty, WebForms.constantTimeEqual(cookie, field) else {
                return html(pages.forbidden, status: .forbidden)
            }
            let problems = SurveyAnswer.problems(csat: form["csat"], nps: form["nps"], comment: form["comment"])
            if !problems.isEmpty {
                let number = try await runtime.read { try $0.query("SELECT ticket_number FROM survey.surveys WHERE token = $1", [token])
                    .first?.decode("ticket_number") as String? }
                guard let number else { return html(pages.notFound, status: .notFound) }
                let errors = Dictionary(problems.map { ($0.field, pages.message(for: $0)) }) { first, _ in first }
                return html(pages.form(ticketNumber: number, csrf: field, action: "/s/\(token)", errors: errors,
                                       csat: form["csat"], nps: form["nps"], comment: form["comment"]), status: .unprocessableContent)
            }
            let answer = SurveyAnswer(csat: Int(form["csat"]!)!, nps: form["nps"].flatMap { Int($0) },
                                      comment: form["comment"], channel: "web")
            let outcome = try await runtime.transaction { work in try answer.record(where: "token = $1", token, in: work) }
            switch outcome {
            case .recorded(let complaint): return html(pages.thanks(complaint: complaint))
            case .alreadyAnswered: return html(pages.alreadyAnswered, status: .conflict)
            case .expired: return html(pages.expired, status: .gone)
            case .notFound: return html(pages.notFound, status: .notFound)
            }
        }
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Per link and client address at `KEFU_SURVEY_RATE_LIMIT`, and per address across all links
    /// at twenty times that.
    static func throttle(_ request: Request, _ context: KefuRequestContext, token: String, _ limiter: RateLimiter,
                         _ configuration: SurveyConfiguration) -> Response? {
        let client = configuration.clientAddress.resolve(peer: context.remoteAddress?.ipAddress, headers: request.headers)
        let wait = limiter.acquire("survey:\(token):\(client)", rate: configuration.pageRate, burst: configuration.pageBurst)
            ?? limiter.acquire("survey-address:\(client)", rate: configuration.pageRate * 20, burst: configuration.pageBurst * 20)
        guard let wait else { return nil }
        var response = html(SurveyPages(language: nil).tooManyRequests, status: .tooManyRequests)
        response.headers[.retryAfter] = String(max(1, Int(wait.components.seconds) + 1))
        return response
    }
}

extension SurveyPages {
    /// A field error in the page's language.
    func message(for error: FieldError) -> String {
        guard !english else { return error.message }
        switch error.field {
        case "csat": return "请选择1到5分"
        case "nps": return "请选择0到10分"
        default: return "请控制在2000字以内"
        }
    }
}
