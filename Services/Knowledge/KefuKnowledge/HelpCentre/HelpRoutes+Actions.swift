import HTTPTypes
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The help centre's forms: "did this help?", "this solved it" (which closes the customer's
/// ticket, through `kefu.ticket.closed`, as survey's satisfied answer does), and the contact form.
extension HelpRoutes {
    func addActions(to router: Router<KefuRequestContext>) {
        router.post("/help/{lang}/articles/{id}/vote") { request, context -> Response in
            try await form(request, context) { language, form in
                guard let id = UUID(uuidString: try context.parameters.require("id")), let answer = form["helpful"],
                      ["yes", "no"].contains(answer) else { return pages.message("not_found", language: language, status: .notFound) }
                let recorded = try await runtime.transaction { work in
                    guard let article = try ArticleStore.load(id, on: work.connection), article.visibility == .public else { return false }
                    return try SuggestionStore.record(answer == "yes" ? .helpful : .unhelpful, article: id, ticket: nil,
                                                      source: "help_centre", in: work)
                }
                guard recorded else { return pages.message("not_found", language: language, status: .notFound) }
                return pages.message("voted", language: language, status: .ok, back: "/help/\(language)/articles/\(id.uuidString.lowercased())")
            }
        }

        router.post("/help/{lang}/articles/{id}/solved") { request, context -> Response in
            try await form(request, context) { language, form in
                guard let id = UUID(uuidString: try context.parameters.require("id")), let token = form["t"] else {
                    return pages.message("not_found", language: language, status: .notFound)
                }
                let outcome = try await runtime.transaction { work in try Deflection.close(token: token, article: id, in: work) }
                switch outcome {
                case .closed: return pages.message("closed", language: language, status: .ok)
                case .alreadyClosed: return pages.message("already_closed", language: language, status: .conflict)
                case .notFound: return pages.message("not_found", language: language, status: .notFound)
                }
            }
        }

        router.get("/help/{lang}/contact") { request, context -> Response in
            try await page(request, context) { language in
                guard configuration.intakeURL != nil else { return pages.message("not_found", language: language, status: .notFound) }
                return contactForm(request, language: language)
            }
        }

        router.post("/help/{lang}/contact") { request, context -> Response in
            try await form(request, context, key: "contact") { language, form in
                guard let intake = configuration.intakeURL else { return pages.message("not_found", language: language, status: .notFound) }
                let contact = ContactForm(form)
                let problems = contact.problems
                guard problems.isEmpty else {
                    return contactForm(request, language: language, form: form, errors: problems, status: .unprocessableContent)
                }
                let signer = try runtime.configuration.tokenSigner()
                switch await contact.submit(to: intake, signer: signer, language: language) {
                case .created(let number):
                    return pages.message("submitted", language: language, status: .created, extra: " \(number)")
                case .refused(let fields):
                    return contactForm(request, language: language, form: form, errors: fields.isEmpty ? ["form"] : fields,
                                       status: .unprocessableContent)
                case .unavailable:
                    return contactForm(request, language: language, form: form, errors: ["unavailable"], status: .serviceUnavailable)
                }
            }
        }
    }

    /// A POST from one of the help centre's own pages: same origin, the CSRF cookie echoed,
    /// within the address's limit for forms.
    private func form(_ request: Request, _ context: KefuRequestContext, key: String = "forms",
                      _ body: (String, [String: String]) async throws -> Response) async throws -> Response {
        let language = try context.parameters.require("lang")
        guard HelpPages.languages.contains(language) else { return pages.message("not_found", language: "zh-CN", status: .notFound) }
        if let refusal = throttle(request, context, language: language, rate: configuration.helpRate, key: key) { return refusal }
        let form = WebForms.parse(try await request.bodyBytes(limit: 64 * 1024))
        guard WebForms.isSameOrigin(request), let cookie = request.cookies[Self.csrfCookie]?.value, let field = form["csrf"],
              !cookie.isEmpty, WebForms.constantTimeEqual(cookie, field) else {
            return pages.message("forbidden", language: language, status: .forbidden)
        }
        return try await body(language, form)
    }

    private func contactForm(_ request: Request, language: String, form: [String: String] = [:], errors: [String] = [],
                             status: HTTPResponse.Status = .ok) -> Response {
        let texts = HelpTexts.texts(language)
        let csrf = request.cookies[Self.csrfCookie]?.value ?? RandomToken.make()
        var messages: [String: String] = [:]
        for field in errors {
            messages[field == "unavailable" || field == "form" ? "form" : field] =
                field == "unavailable" ? texts["unavailable_text"] : texts["error_\(field == "form" ? "contact" : field)"]
        }
        var response = pages.render("contact", language: language, title: texts["contact_us"]!, values: [
            "csrf": csrf, "form": form, "errors": messages,
        ], status: status)
        response.setCookie(csrfCookie(csrf))
        return response
    }
}
