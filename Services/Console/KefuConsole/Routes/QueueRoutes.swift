import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// The agent's lists: their own open tickets, those waiting on the customer or parts, their
/// team's queue, and search results, filtered and sorted. Dispatch says what is in a list;
/// intake adds each ticket's subject and customer in one batch look-up.
enum QueueRoutes {
    enum View: String, CaseIterable {
        case mine, waiting, team

        var title: Text {
            switch self {
            case .mine: .mine
            case .waiting: .waitingQueue
            case .team: .teamQueue
            }
        }
    }

    static let filterNames = ["status", "priority", "category", "channel", "tier"]

    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/queues/{view}") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            guard let view = View(rawValue: try context.parameters.require("view")) else {
                return console.pages.page("message", title: "404", language: person.language, person: person, page: "none",
                                          values: ["heading": "404", "text": person.language.text(.notFound)], status: .notFound)
            }
            let listed = await console.client.get(.dispatch, "/v1/queue?view=\(view.rawValue)", as: person)
            var rows = await Self.rows(for: listed.value?.array ?? [], person: person, console: console)
            let form = WebForms.query(request)
            let chosen = Dictionary(uniqueKeysWithValues: (filterNames + ["sort"]).compactMap { name in
                form[name].flatMap { $0.isEmpty ? nil : (name, $0) }
            })
            rows.rows = rows.rows.filter { row in chosen.allSatisfy { $0.key == "sort" || row.facts[$0.key] == $0.value } }
            rows.rows.sort(by: Row.order(chosen["sort"]))
            let values: [String: Any] = [
                "rows": rows.rows.map(\.values), "path": "/queues/\(view.rawValue)",
                "fragment": "/queues/\(view.rawValue)?fragment=rows" + Self.query(chosen),
                "filters": filters(for: rows.rows, chosen: chosen, language: person.language),
                "unavailable": (unavailable(listed) ?? rows.unavailable) as Any,
                "count_mine": view == .mine ? String(rows.rows.count) : "",
            ]
            if request.uri.queryParameters.get("fragment") == "rows" {
                return console.pages.fragment("queue-rows", language: person.language, values: values)
            }
            return console.pages.page("queue", title: person.language.text(view.title), language: person.language,
                                      person: person, page: view.rawValue, values: values)
        }

        router.get("/search") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let query = (WebForms.query(request)["q"] ?? "").trimmingCharacters(in: .whitespaces)
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let found = query.isEmpty ? .ok(.object(["items": .array([])]))
                : await console.client.get(.intake, "/v1/tickets?q=\(encoded)&limit=50", as: person)
            let items = found.value?["items"]?.array ?? []
            // A ticket number that is exactly what was asked for: straight to the ticket.
            if items.count == 1, items[0]["number"]?.string?.uppercased() == query.uppercased() {
                return Response(status: .seeOther, headers: [.location: "/tickets/\(items[0]["number"]!.string!)"])
            }
            let rows = items.map { Row(intake: $0, dispatch: nil, language: person.language) }
            return console.pages.page("search", title: person.language.text(.search), language: person.language, person: person,
                                      page: "search", values: ["rows": rows.map(\.values), "query": query,
                                                               "unavailable": unavailable(found) as Any])
        }
    }

    /// Dispatch's tickets, with intake's subject and customer for each, and what intake said
    /// if it did not answer.
    static func rows(for tickets: [JSONValue], person: SignedIn, console: Console) async -> (rows: [Row], unavailable: String?) {
        let numbers = tickets.compactMap { $0["number"]?.string }
        var byNumber: [String: JSONValue] = [:]
        var failure: String?
        for chunk in stride(from: 0, to: numbers.count, by: 200) {
            let batch = numbers[chunk..<min(chunk + 200, numbers.count)].joined(separator: ",")
            let details = await console.client.get(.intake, "/v1/tickets?numbers=\(batch)&limit=200", as: person)
            failure = failure ?? unavailable(details)
            for item in details.value?["items"]?.array ?? [] {
                if let number = item["number"]?.string { byNumber[number] = item }
            }
        }
        let rows = tickets.map { ticket in
            Row(intake: byNumber[ticket["number"]?.string ?? ""] ?? .object([:]), dispatch: ticket, language: person.language)
        }
        return (rows, failure)
    }

    static func unavailable(_ answer: ServiceClient.Answer) -> String? {
        switch answer {
        case .unavailable(let reason): reason
        case .refused(let status, let detail): "\(status) \(detail)"
        case .ok: nil
        }
    }

    static func query(_ chosen: [String: String]) -> String {
        chosen.sorted { $0.key < $1.key }.map { "&\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined()
    }

    /// A select per filter, offering the values the list holds.
    static func filters(for rows: [Row], chosen: [String: String], language: Language) -> [[String: Any]] {
        let labels: [String: Text] = ["status": .status, "priority": .priority, "category": .category, "channel": .channel,
                                      "tier": .tier]
        return filterNames.map { name in
            let values = Set(rows.compactMap { $0.facts[name] }).union(chosen[name].map { [$0] } ?? []).sorted()
            let options: [[String: Any]] = [["value": "", "text": language.text(.all), "selected": chosen[name] == nil]]
                + values.map { ["value": $0, "text": $0, "selected": chosen[name] == $0] }
            return ["name": name, "label": language.text(labels[name]!), "options": options]
        } + [[
            "name": "sort", "label": language.text(.sortBy),
            "options": [("due", Text.nextDue), ("priority", .priority), ("age", .age)].map { value, text in
                ["value": value, "text": language.text(text), "selected": (chosen["sort"] ?? "due") == value] as [String: Any]
            },
        ]]
    }
}
