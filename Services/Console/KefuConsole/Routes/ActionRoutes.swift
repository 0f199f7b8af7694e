import Foundation
import HTTPTypes
import Hummingbird
import KefuContracts
import KefuServiceKit

/// What an agent does to a ticket, each a form posted to the console, which asks dispatch in
/// the agent's name. Dispatch decides: a refusal (a wrong state, a ticket no longer theirs)
/// comes back to the page in plain words, and nothing is half done, since each is one call.
enum ActionRoutes {
    /// Form fields to dispatch's request body, per action.
    static let actions: [String: (path: String, body: @Sendable ([String: String]) -> JSONValue)] = [
        "accept": ("accept", { _ in .object([:]) }),
        "waiting-customer": ("waiting", { _ in .object(["on": .string("customer")]) }),
        "waiting-parts": ("waiting", { _ in .object(["on": .string("parts")]) }),
        "resume": ("resume", { _ in .object([:]) }),
        "reopen": ("reopen", { _ in .object([:]) }),
        "notes": ("notes", { form in
            .object(["text": .string(form["text"] ?? ""), "internal": .bool(form["kind"] != "reply")])
        }),
        "transfer": ("transfer", { form in
            var body: [String: JSONValue] = ["reason": .string(form["reason"] ?? "")]
            if let agent = form["agent_id"], !agent.isEmpty { body["agent_id"] = .string(agent) }
            if let team = form["team_id"], !team.isEmpty { body["team_id"] = .string(team) }
            return .object(body)
        }),
        "recategorise": ("recategorise", { form in
            var body: [String: JSONValue] = ["category": .string(form["category"] ?? "")]
            if let reason = form["reason"], !reason.isEmpty { body["reason"] = .string(reason) }
            return .object(body)
        }),
        "resolve": ("resolve", { form in
            var body: [String: JSONValue] = ["code": .string(form["code"] ?? "")]
            if let summary = form["summary"], !summary.isEmpty { body["summary"] = .string(summary) }
            return .object(body)
        }),
    ]

    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.post("/tickets/{number}/{action}") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let number = try context.parameters.require("number")
            let name = try context.parameters.require("action")
            guard let action = actions[name], TicketAccess.isTicketNumber(number) else {
                return Pages.plain(status: .notFound, person.language.text(.notFound))
            }
            let answer = await console.client.post(.dispatch, "/v1/tickets/\(number)/\(action.path)", action.body(form), as: person)
            let message: Flash.Message
            var status: HTTPResponse.Status = .ok
            switch answer {
            case .ok:
                message = Flash.Message(ok: true, text: person.language.text(.done))
                if name == "notes" {
                    try await console.runtime.transaction { work in
                        try PresenceStore.saveDraft("", for: number, staffID: person.account.id, in: work)
                    }
                    if form["kind"] == "reply" { await recordArticlesUsed(number, text: form["text"] ?? "", person: person, console: console) }
                }
            case .refused(_, let detail):
                message = Flash.Message(ok: false, text: person.language.text(.refused) + ": " + detail)
                status = .conflict
            case .unavailable(let reason):
                message = Flash.Message(ok: false, text: person.language.text(.unavailable) + " (" + reason + ")")
                status = .serviceUnavailable
            }
            if request.headers[HTTPField.Name("X-Requested-With")!] == "kefu" {
                return try Response.json(["ok": message.ok ? "true" : "false", "message": message.text],
                                         status: status)
            }
            var response = Response(status: .seeOther, headers: [.location: "/tickets/\(number)"])
            Flash.set(message, on: &response)
            return response
        }

        // A resolved ticket becomes a draft article in knowledge, without the customer's name.
        router.post("/tickets/{number}/article-draft") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            _ = try await console.auth.checkForm(request, person)
            let number = try context.parameters.require("number")
            guard TicketAccess.isTicketNumber(number) else { return Pages.plain(status: .notFound, person.language.text(.notFound)) }
            let ticket = await console.client.get(.intake, "/v1/tickets/\(number)", as: person)
            var body: [String: JSONValue] = ["ticket_number": .string(number), "language": .string(person.language == .en ? "en" : "zh-CN")]
            if let name = ticket.value?["customer"]?["name"]?.string { body["redact"] = .array([.string(name)]) }
            let message: Flash.Message
            switch await console.client.post(.knowledge, "/v1/articles/from-ticket", .object(body), as: person) {
            case .ok: message = Flash.Message(ok: true, text: person.language.text(.draftCreated))
            case .refused(_, let detail): message = Flash.Message(ok: false, text: person.language.text(.refused) + ": " + detail)
            case .unavailable(let reason): message = Flash.Message(ok: false, text: person.language.text(.unavailable) + " (" + reason + ")")
            }
            var response = Response(status: .seeOther, headers: [.location: "/tickets/\(number)"])
            Flash.set(message, on: &response)
            return response
        }
    }

    /// A reply that links a suggested article is feedback for knowledge's ranking and report.
    /// Best effort: the reply has gone already, and a knowledge outage must not say otherwise.
    static func recordArticlesUsed(_ number: String, text: String, person: SignedIn, console: Console) async {
        guard text.contains("/articles/") else { return }
        let suggestions = await console.client.get(.knowledge, "/v1/tickets/\(number)/suggestions", as: person)
        for id in TicketView.articlesUsed(in: text, suggestions: suggestions.value) {
            _ = await console.client.post(.knowledge, "/v1/tickets/\(number)/suggestions/\(id)/feedback",
                                          .object(["kind": .string("used")]), as: person)
        }
    }
}
