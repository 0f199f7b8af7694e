import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The triage queue, for the people who decide what classification could not.
enum TriageRoutes {
    struct Verdict: Decodable, Sendable {
        let category: String
        let priority: Priority?
        /// Where dispatch should move the ticket; it stays in its team when left out.
        let teamID: String?

        enum CodingKeys: String, CodingKey {
            case category, priority
            case teamID = "team_id"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState) {
        router.get("/v1/triage") { request, context -> Response in
            try context.requireStaff(.agentsWork)
            let limitText = request.uri.queryParameters["limit"].map(String.init)
            let limit = limitText.map { Int($0) ?? 0 } ?? 50
            guard (1...500).contains(limit) else {
                throw Problem.invalid([FieldError(field: "limit", message: "must be a whole number from 1 to 500")])
            }
            let after = request.uri.queryParameters["cursor"].map(String.init)
            let items = try await runtime.read { connection in
                try TriageStore.waiting(limit: limit + 1, after: after, on: connection)
            }
            let page = Array(items.prefix(limit))
            return try Response.json(Page(items: page, nextCursor: items.count > limit ? page.last?.ticketNumber : nil))
        }

        router.post("/v1/triage/{number}/decision") { request, context -> Response in
            let person = try context.requireStaff(.agentsWork).subject
            let number = try context.parameters.require("number")
            let verdict = try await request.decodeJSON(Verdict.self)
            let decider = state.decider
            guard decider.policy.categories[verdict.category].map({ !$0.retired }) ?? false else {
                throw Problem.invalid([FieldError(field: "/category", message: "is not a category of the taxonomy")])
            }
            let decision = try await runtime.transaction { work -> Decision in
                switch try TriageStore.claim(number, in: work) {
                case .unknown:
                    throw Problem.notFound("ticket \(number) in triage")
                case .gone:
                    throw Problem.conflict("Ticket has left triage", detail: "\(number) was already decided or timed out")
                case .waiting(let ticket, let queued):
                    var decision = decider.decide(TicketFacts(ticket), person: (verdict.category, verdict.priority))
                    decision.triage = Decision.Triage(reason: queued.triage?.reason ?? .lowConfidence, outcome: .decided,
                                                      decidedBy: person)
                    try TriageStore.decide(ticket, as: decision, by: person, teamID: verdict.teamID, at: Date(), in: work)
                    return decision
                }
            }
            return try Response.json(decision)
        }
    }
}
