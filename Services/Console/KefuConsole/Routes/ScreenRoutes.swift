import Foundation
import HTTPTypes
import Hummingbird
import KefuContracts
import KefuServiceKit
import NIOHTTP1

/// Serves every `ScreenRoute`: the page, its live fragment, and its forms. A form's change goes
/// to the service that owns the data, in the person's name; the service's field errors come back
/// next to the fields; what was done goes into the audit log.
enum ScreenRoutes {
    static func add(_ routes: [ScreenRoute], to router: Router<KefuRequestContext>, console: Console) {
        for route in routes {
            router.get(RouterPath(route.path)) { request, context -> Response in
                let person = try await console.auth.require(request, context, role: route.role, pages: console.pages)
                if let missing = noSuchTicket(context, person) { return missing }
                var response = try await render(route, screenRequest(request, context, person, console),
                                                notice: Flash.take(request))
                Flash.clear(on: &response)
                return response
            }
            router.get(RouterPath(route.path + "/fragment")) { request, context -> Response in
                let person = try await console.auth.require(request, context, role: route.role, pages: console.pages)
                if let missing = noSuchTicket(context, person) { return missing }
                var screen = try await route.draw(screenRequest(request, context, person, console))
                screen.apply(.none)
                return console.pages.fragment("screen-body", language: person.language, values: screen.values(csrf: person.csrf))
            }
            router.post(RouterPath(route.path + "/{action}")) { request, context -> Response in
                let name = try context.parameters.require("action")
                let least = route.actions[name]?.role ?? .admin
                let person = try await console.auth.require(request, context, role: max(least, route.role), pages: console.pages)
                guard let action = route.actions[name] else {
                    return Pages.plain(status: .notFound, person.language.text(.notFound))
                }
                let submitted = try await console.auth.checkSubmission(request, person)
                var asked = screenRequest(request, context, person, console)
                asked = ScreenRequest(person: person, console: console, path: String(asked.path.dropLast(name.count + 1)),
                                      parameters: asked.parameters, query: asked.query)
                return try await perform(action, submitted, route: route, asked)
            }
        }
    }

    /// A screen about one ticket answers 404 for what cannot be a ticket number, as the ticket page does.
    private static func noSuchTicket(_ context: KefuRequestContext, _ person: SignedIn) -> Response? {
        guard let number = context.parameters.get("number"), !TicketAccess.isTicketNumber(number) else { return nil }
        return Pages.plain(status: .notFound, person.language.text(.notFound))
    }

    private static func screenRequest(_ request: Request, _ context: KefuRequestContext, _ person: SignedIn,
                                      _ console: Console) -> ScreenRequest {
        var parameters: [String: String] = [:]
        for (key, value) in context.parameters { parameters[String(key)] = String(value) }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil { query[String(key)] = String(value) }
        return ScreenRequest(person: person, console: console, path: request.uri.path, parameters: parameters, query: query)
    }

    private static func perform(_ action: ScreenAction, _ submitted: MultipartForm, route: ScreenRoute,
                                _ asked: ScreenRequest) async throws -> Response {
        let person = asked.person, console = asked.console
        // A row's form is told apart from its neighbours' by its key (`reassign-KF-…`).
        let formID = action.form + (submitted.fields["form_key"].map { "-" + $0 } ?? "")
        var state = FormState(formID: formID, values: submitted.fields, language: person.language)
        let change: BackendChange
        switch try await action.prepare(submitted, person) {
        case .invalid(let errors, let problems):
            state.errors = errors
            state.problems = problems
            return try await render(route, asked.with(state), status: .unprocessableContent)
        case .send(let prepared):
            change = prepared
        }
        let language = person.language
        switch await console.client.change(change, as: person) {
        case .done(let answer):
            if let audit = change.audit {
                try await console.runtime.transaction { work in
                    try AuditLog.record(audit, by: person.account.username, staffID: person.account.id, address: person.address,
                                        target: change.target, detail: auditDetail(change), in: work)
                }
            }
            guard change.showsAnswer else {
                var response = Response(status: .seeOther, headers: [.location: asked.path])
                Flash.set(Flash.Message(ok: true, text: change.done), on: &response)
                return response
            }
            state.answer = answer
            return try await render(route, asked.with(state), notice: Flash.Message(ok: true, text: change.done))
        case .invalid(let errors, let detail):
            state.serviceErrors = errors
            return try await render(route, asked.with(state), notice: Flash.Message(ok: false, text: language.text(.refused) + ": " + detail),
                                    status: .unprocessableContent)
        case .refused(let status, let detail):
            return try await render(route, asked.with(state), notice: Flash.Message(ok: false, text: language.text(.refused) + ": " + detail),
                                    status: HTTPResponse.Status(code: status))
        case .unavailable(let reason):
            return try await render(route, asked.with(state),
                                    notice: Flash.Message(ok: false, text: language.text(.unavailable) + " (" + reason + ")"),
                                    status: .serviceUnavailable)
        }
    }

    static func render(_ route: ScreenRoute, _ asked: ScreenRequest, notice: Flash.Message? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        var screen = try await route.draw(asked)
        screen.apply(asked.state)
        var values = screen.values(csrf: asked.person.csrf)
        if let notice {
            values["notice"] = notice.text
            values["notice_kind"] = notice.ok ? "ok" : "error"
        }
        return asked.console.pages.page("screen", title: screen.heading, language: asked.language, person: asked.person,
                                        page: route.nav, values: values, status: status)
    }

    /// What the audit log keeps of a change: the request, with secrets and passwords left out,
    /// and only the size of an uploaded file.
    static func auditDetail(_ change: BackendChange) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["request": .string("\(change.method.rawValue) \(change.backend.rawValue) \(change.path)")]
        switch change.body {
        case .none: break
        case .json(let body): detail["body"] = redacted(body)
        case .raw(let bytes, let contentType): detail["upload"] = .string("\(contentType), \(bytes.count) bytes")
        }
        return detail
    }

    private static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(Dictionary(uniqueKeysWithValues: object.map { key, value in
                (key, ["secret", "password"].contains(key) ? .string("(not kept)") : redacted(value))
            }))
        case .array(let items): return .array(items.map(redacted))
        default: return value
        }
    }
}
