import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Canned replies for the `/` menu: the customer-facing texts of notification's templates in
/// the agent's language, and the agent's own snippets, with the ticket's placeholders filled in.
/// They go into a text box as plain text, so nothing in them is ever markup.
enum CannedRoutes {
    struct Canned: Codable, Sendable {
        let name: String
        let text: String
    }

    /// The customer-facing templates whose words make sense as an agent's own reply; `reply`
    /// only wraps a reply, and staff alerts are not for customers.
    static let cannedEvents: Set<String> = ["acknowledgement", "assigned", "waiting", "resolved"]

    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/canned") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let number = request.uri.queryParameters.get("ticket") ?? ""
            guard case .allowed = await TicketAccess.check(number, person: person, console: console) else {
                return Pages.plain(status: .forbidden, person.language.text(.notYours))
            }
            async let templates = console.client.get(.notification, "/v1/templates", as: person)
            async let ticket = console.client.get(.intake, "/v1/tickets/\(number)", as: person)
            async let held = console.client.get(.dispatch, "/v1/tickets/\(number)", as: person)
            async let suggestions = console.client.get(.knowledge, "/v1/tickets/\(number)/suggestions", as: person)
            var values = placeholders(number: number, intake: await ticket.value, dispatch: await held.value, person: person)
            values["suggested_articles"] = articleLines(await suggestions.value)
            let language = person.language.rawValue
            var canned = (await templates.value?.array ?? []).compactMap { template -> Canned? in
                guard template["channel"]?.string == "email", template["language"]?.string == language,
                      let event = template["event"]?.string, cannedEvents.contains(event),
                      let text = template["text"]?.string else { return nil }
                return Canned(name: event, text: fill(text, values))
            }
            let staffID = person.account.id
            canned += try await console.runtime.read { try SnippetStore.all(of: staffID, on: $0) }
                .map { Canned(name: $0.name, text: fill($0.body, values)) }
            return try Response.json(canned)
        }

        router.post("/snippets") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let snippet = SnippetStore.Snippet(name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces),
                                               body: form["body"] ?? "")
            let problems = SnippetStore.problems(snippet)
            guard problems.isEmpty else {
                return Pages.plain(status: .unprocessableContent, problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
            }
            try await console.runtime.transaction { work in try SnippetStore.save(snippet, of: person.account.id, in: work) }
            return Response(status: .seeOther, headers: [.location: WebForms.referringPath(request)])
        }
    }

    /// The values notification's templates name, as far as the console knows them: what the
    /// ticket is, who writes, and when the customer will hear next (the resolution's due time).
    static func placeholders(number: String, intake: JSONValue?, dispatch: JSONValue?, person: SignedIn) -> [String: String] {
        let language = person.language
        var values = [
            "ticket_number": number, "agent_name": person.account.displayName,
            "customer_name": intake?["customer"]?["name"]?.string ?? "", "ticket_subject": intake?["subject"]?.string ?? "",
            "priority": dispatch?["priority"]?.string ?? "", "category": dispatch?["category"]?.string ?? "",
        ]
        let soon = language == .en ? "as soon as we can" : "尽快"
        values["reply_by"] = soon
        for (key, field) in [("first_response_due", "first_response_due_at"), ("resolution_due", "resolution_due_at")] {
            guard let due = Formatting.parse(dispatch?[field]?.string) else { continue }
            values[key] = Formatting.time(due, language)
        }
        if let due = values["resolution_due"] {
            values["reply_by"] = language == .en ? "by \(due)" : "于\(due)前"
        }
        return values
    }

    /// The ticket's public suggested articles, a line each with its link: sent in a reply, the
    /// link is recorded as the article used (`ActionRoutes.recordArticlesUsed`).
    static func articleLines(_ suggestions: JSONValue?) -> String {
        (suggestions?["articles"]?.array ?? []).compactMap { article -> String? in
            guard let url = article["url"]?.string, let title = article["title"]?.string else { return nil }
            return "\(title): \(url)"
        }.joined(separator: "\n")
    }

    /// `{{name}}` replaced by its value; unknown names left as they are, for the agent to see.
    /// A placeholder left empty at the end leaves no blank lines behind.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (name, value) in values { result = result.replacingOccurrences(of: "{{\(name)}}", with: value) }
        while result.last?.isWhitespace == true { result.removeLast() }
        return result
    }
}
