import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit

/// Tickets waiting for a person to decide their category, with the model's best guesses; a
/// decision goes to classification, which re-routes the ticket through dispatch.
enum TriageRoutes {
    static func add(to router: Router<KefuRequestContext>, console: Console) {
        router.get("/triage") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let answer = await console.client.get(.classification, "/v1/triage?limit=50", as: person)
            let items = (answer.value?["items"]?.array ?? []).map { item -> [String: Any] in
                let guesses = (item["decision"]?["model"]?["top"]?.array ?? []).prefix(3).map { guess -> [String: Any] in
                    ["category": guess["category"]?.string ?? "", "percent": Int((guess["probability"]?.number ?? 0) * 100)]
                }
                return ["number": item["ticket_number"]?.string ?? "", "subject": item["subject"]?.string ?? "",
                        "body": item["body"]?.string ?? "", "guesses": guesses,
                        "best": item["decision"]?["category"]?.string ?? "", "csrf": person.csrf]
            }
            var response = console.pages.page("triage", title: person.language.text(.triage), language: person.language,
                                              person: person, page: "triage",
                                              values: ["items": items, "unavailable": QueueRoutes.unavailable(answer) as Any,
                                                       "notice": Flash.take(request)?.text as Any])
            Flash.clear(on: &response)
            return response
        }

        router.post("/triage/{number}") { request, context -> Response in
            let person = try await console.auth.require(request, context)
            let form = try await console.auth.checkForm(request, person)
            let number = try context.parameters.require("number")
            let answer = await console.client.post(.classification, "/v1/triage/\(number)/decision",
                                                   .object(["category": .string(form["category"] ?? "")]), as: person)
            var response = Response(status: .seeOther, headers: [.location: "/triage"])
            switch answer {
            case .ok: Flash.set(Flash.Message(ok: true, text: person.language.text(.done) + ": \(number)"), on: &response)
            case .refused(_, let detail): Flash.set(Flash.Message(ok: false, text: person.language.text(.refused) + ": " + detail),
                                                     on: &response)
            case .unavailable(let reason): Flash.set(Flash.Message(ok: false, text: reason), on: &response)
            }
            return response
        }
    }
}
