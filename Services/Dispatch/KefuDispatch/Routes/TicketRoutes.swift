import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

struct AssignmentHistory: Encodable, Sendable {
    struct Assignment: Encodable, Sendable {
        let agentID: String
        let assignedAt: Date
        let explanation: Assigner.Explanation
        enum CodingKeys: String, CodingKey {
            case explanation
            case agentID = "agent_id"
            case assignedAt = "assigned_at"
        }
    }

    struct Miss: Encodable, Sendable {
        let agentID: String
        let missedAt: Date
        enum CodingKeys: String, CodingKey {
            case agentID = "agent_id"
            case missedAt = "missed_at"
        }
    }

    let assignments: [Assignment]
    let missedAcceptances: [Miss]

    enum CodingKeys: String, CodingKey {
        case assignments
        case missedAcceptances = "missed_acceptances"
    }
}

struct ResolveInput: Decodable, Sendable {
    /// A resolution code from the service desk's list, e.g. `repaired`, `replaced`, `advice`.
    var code: String?
    var summary: String?
    /// Older clients' free text; taken as the summary.
    var resolution: String?
}

struct NoteInput: Decodable, Sendable {
    let text: String
    /// Internal notes stay with staff; the others go to the customer through notification.
    let `internal`: Bool?
}

struct WaitInput: Decodable, Sendable {
    /// `customer` or `parts`.
    let on: String
}

struct TransferInput: Decodable, Sendable {
    let agentID: String?
    let teamID: String?
    let reason: String

    enum CodingKeys: String, CodingKey {
        case reason
        case agentID = "agent_id"
        case teamID = "team_id"
    }
}

/// Dispatch's HTTP API for tickets: the agent's side of a ticket.
enum TicketRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/tickets/{number}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            guard let ticket = try await runtime.read({ try DispatchTicket.load(number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(ticket)
        }

        // Every assignment with who was eligible, why that agent, and the scores; and missed acceptances.
        router.get("/v1/tickets/{number}/assignments") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            let history = try await runtime.read { connection -> AssignmentHistory? in
                guard try DispatchTicket.load(number, on: connection) != nil else { return nil }
                return AssignmentHistory(
                    assignments: try connection.query("""
                        SELECT agent_id, assigned_at, explanation::text AS explanation FROM dispatch.assignments
                        WHERE ticket_number = $1 ORDER BY id
                        """, [number]).map { row in
                        AssignmentHistory.Assignment(agentID: try row.require("agent_id"), assignedAt: try row.require("assigned_at"),
                                                     explanation: try row.json("explanation"))
                    },
                    missedAcceptances: try connection.query("""
                        SELECT agent_id, missed_at FROM dispatch.accept_misses WHERE ticket_number = $1 ORDER BY id
                        """, [number]).map { row in
                        AssignmentHistory.Miss(agentID: try row.require("agent_id"), missedAt: try row.require("missed_at"))
                    })
            }
            guard let history else { throw Problem.notFound("ticket \(number)") }
            return try Response.json(history)
        }

        router.post("/v1/tickets/{number}/accept") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            return try Response.json(try await runtime.transaction { work in try TicketWorkflow.accept(number, by: caller, in: work) })
        }

        router.post("/v1/tickets/{number}/notes") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(NoteInput.self)
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, input.text.count <= 20_000 else {
                throw Problem.invalid([FieldError(field: "/text", message: "must be 1 to 20000 characters")])
            }
            try await runtime.transaction { work in
                try TicketWorkflow.note(number, text: input.text, isInternal: input.internal ?? true, by: caller, in: work)
            }
            return Response(status: .created)
        }

        router.post("/v1/tickets/{number}/waiting") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(WaitInput.self)
            guard ["customer", "parts"].contains(input.on) else {
                throw Problem.invalid([FieldError(field: "/on", message: "must be customer or parts")])
            }
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.wait(number, on: input.on, by: caller, in: work)
            })
        }

        router.post("/v1/tickets/{number}/resume") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            return try Response.json(try await runtime.transaction { work in try TicketWorkflow.resume(number, by: caller, in: work) })
        }

        router.post("/v1/tickets/{number}/transfer") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(TransferInput.self)
            var errors: [FieldError] = []
            if (input.agentID == nil) == (input.teamID == nil) {
                errors.append(FieldError(field: "/agent_id", message: "or team_id is needed, not both"))
            }
            if input.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(FieldError(field: "/reason", message: "must not be empty"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.transfer(number, toAgent: input.agentID, toTeam: input.teamID, reason: input.reason, by: caller, in: work)
            })
        }

        router.post("/v1/tickets/{number}/resolve") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(ResolveInput.self)
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.resolve(number, code: input.code, summary: input.summary ?? input.resolution, by: caller, in: work)
            })
        }

        router.post("/v1/tickets/{number}/reopen") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            return try Response.json(try await runtime.transaction { work in
                let row = try TicketWorkflow.held(number, by: caller, in: work)
                guard ["resolved", "closed"].contains(try row.require("status", as: String.self)) else {
                    throw Problem.conflict("Ticket not in a state to reopen", detail: "only a resolved or closed ticket reopens")
                }
                try TicketWorkflow.reopen(number, at: Date(), in: work)
                try work.emit(.ticketReopened, subject: number, data: StatusEventData(
                    ticketNumber: number, status: "reopened", channel: try row.require("channel"), category: try row.require("category"),
                    priority: try row.require("priority"), agentID: caller.subject))
                return try DispatchTicket.load(number, on: work.connection)!
            })
        }

        router.post("/v1/tickets/{number}/recategorise") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(RecategoriseInput.self)
            let errors = input.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let ticket = try await runtime.transaction { work in
                try TicketWorkflow.recategorise(number, to: input.category, reason: input.reason, by: caller, in: work)
            }
            return try Response.json(ticket)
        }
    }
}

struct RecategoriseInput: Decodable, Sendable {
    let category: String
    let reason: String?

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if category.wholeMatch(of: /[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40})?/) == nil {
            errors.append(FieldError(field: "/category", message: "is not a category id"))
        }
        if let reason, reason.count > 2000 { errors.append(FieldError(field: "/reason", message: "is longer than 2000 characters")) }
        return errors
    }
}
