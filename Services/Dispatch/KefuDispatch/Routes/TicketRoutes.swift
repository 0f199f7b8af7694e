import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Dispatch's HTTP API for tickets: the agent's side of a ticket. The steps themselves, with
/// their checks and events, are `TicketWorkflow`'s.
enum TicketRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        addViews(to: router, runtime: runtime)
        addStatusSteps(to: router, runtime: runtime)
        addChanges(to: router, runtime: runtime)
    }

    static func addViews(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
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
            guard let history = try await runtime.read({ try AssignmentHistory.load(number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(history)
        }

        // Internal notes and replies to the customer, oldest first.
        router.get("/v1/tickets/{number}/notes") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            guard let notes = try await runtime.read({ try TicketNote.all(of: number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(notes)
        }

        // Each SLA clock: time used, when it falls due, and whether it is paused.
        router.get("/v1/tickets/{number}/clocks") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            guard let clocks = try await runtime.read({ try SLAClocks.clocks(of: number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(clocks)
        }
    }

    /// The steps that move a ticket from one status to the next.
    static func addStatusSteps(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/tickets/{number}/accept") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            return try Response.json(try await runtime.transaction { work in try TicketWorkflow.accept(number, by: caller, in: work) })
        }

        router.post("/v1/tickets/{number}/waiting") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(WaitInput.self)
            let errors = input.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.wait(number, on: input.on, by: caller, in: work)
            })
        }

        router.post("/v1/tickets/{number}/resume") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            return try Response.json(try await runtime.transaction { work in try TicketWorkflow.resume(number, by: caller, in: work) })
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
            return try Response.json(try await runtime.transaction { work in try TicketWorkflow.reopen(number, by: caller, in: work) })
        }
    }

    /// Notes, and the changes of agent, team or category that leave the status where it is or
    /// send the ticket back to be assigned.
    static func addChanges(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/tickets/{number}/notes") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(NoteInput.self)
            let errors = input.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in
                try TicketWorkflow.note(number, text: input.text, isInternal: input.internal ?? true, by: caller, in: work)
            }
            return Response(status: .created)
        }

        router.post("/v1/tickets/{number}/transfer") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(TransferInput.self)
            let errors = input.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.transfer(number, toAgent: input.agentID, toTeam: input.teamID, reason: input.reason, by: caller, in: work)
            })
        }

        router.post("/v1/tickets/{number}/recategorise") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(RecategoriseInput.self)
            let errors = input.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            return try Response.json(try await runtime.transaction { work in
                try TicketWorkflow.recategorise(number, to: input.category, reason: input.reason, by: caller, in: work)
            })
        }
    }
}
