import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

struct AgentInput: Decodable, Sendable {
    var id: String?
    var name: String
    var maxOpen: Int?
    var dailyCap: Int?
    var onDuty: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name
        case maxOpen = "max_open"
        case dailyCap = "daily_cap"
        case onDuty = "on_duty"
    }
}

struct AgentPatch: Decodable, Sendable {
    var maxOpen: Int?
    var dailyCap: Int?
    var onDuty: Bool?

    enum CodingKeys: String, CodingKey {
        case maxOpen = "max_open"
        case dailyCap = "daily_cap"
        case onDuty = "on_duty"
    }
}

struct AgentView: Encodable, Sendable {
    let id: String
    let name: String
    let maxOpen: Int
    let dailyCap: Int
    let onDuty: Bool
    let openCount: Int

    enum CodingKeys: String, CodingKey {
        case id, name
        case maxOpen = "max_open"
        case dailyCap = "daily_cap"
        case onDuty = "on_duty"
        case openCount = "open_count"
    }

    static let columns = "id, name, max_open, daily_cap, on_duty, open_count"

    init(_ row: PostgresRow) throws {
        id = try row.require("id")
        name = try row.require("name")
        maxOpen = try row.require("max_open")
        dailyCap = try row.require("daily_cap")
        onDuty = try row.require("on_duty")
        openCount = try row.require("open_count")
    }
}

struct ResolveInput: Decodable, Sendable {
    var resolution: String?
}

/// Dispatch's HTTP API: agents, and the agent's side of a ticket (accept, resolve).
enum DispatchRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/agents") { request, context -> Response in
            try context.require(.admin)
            let input = try await request.decodeJSON(AgentInput.self)
            var errors: [FieldError] = []
            if input.name.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(.init(field: "/name", message: "must not be empty")) }
            if let maxOpen = input.maxOpen, maxOpen < 0 { errors.append(.init(field: "/max_open", message: "must be 0 or more")) }
            if let cap = input.dailyCap, cap < 0 { errors.append(.init(field: "/daily_cap", message: "must be 0 or more")) }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let id = input.id ?? UUID().uuidString.lowercased()
            let agent = try await runtime.transaction { work -> AgentView? in
                let row = try work.query("""
                    INSERT INTO dispatch.agents (id, name, max_open, daily_cap, on_duty)
                    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING
                    RETURNING \(AgentView.columns)
                    """, [id, input.name, input.maxOpen ?? 10, input.dailyCap ?? 50, input.onDuty ?? true]).first
                guard let row else { return nil }
                try Assigner.drainQueue(in: work)
                return try AgentView(row)
            }
            guard let agent else { throw Problem.conflict("Agent exists", detail: "an agent with this id exists") }
            return try Response.json(agent, status: .created)
        }

        router.get("/v1/agents") { _, context -> Response in
            try context.require(.agentsWork)
            let agents = try await runtime.read { connection in
                try connection.query("SELECT \(AgentView.columns) FROM dispatch.agents ORDER BY id").map(AgentView.init)
            }
            return try Response.json(agents)
        }

        router.patch("/v1/agents/{id}") { request, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            let patch = try await request.decodeJSON(AgentPatch.self)
            let agent = try await runtime.transaction { work -> AgentView? in
                guard try work.query("""
                    UPDATE dispatch.agents SET max_open = coalesce($2, max_open), daily_cap = coalesce($3, daily_cap),
                        on_duty = coalesce($4, on_duty) WHERE id = $1
                    """, [id, patch.maxOpen, patch.dailyCap, patch.onDuty]).affectedRows == 1 else { return nil }
                // Coming on duty or a raised cap frees capacity: waiting tickets go out at once.
                try Assigner.drainQueue(in: work)
                return try work.query("SELECT \(AgentView.columns) FROM dispatch.agents WHERE id = $1", [id]).first.map(AgentView.init)
            }
            guard let agent else { throw Problem.notFound("agent \(id)") }
            return try Response.json(agent)
        }

        router.get("/v1/tickets/{number}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            guard let ticket = try await runtime.read({ try DispatchTicket.load(number, on: $0) }) else {
                throw Problem.notFound("ticket \(number)")
            }
            return try Response.json(ticket)
        }

        router.post("/v1/tickets/{number}/accept") { _, context -> Response in
            try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let ticket = try await runtime.transaction { work in try TicketWorkflow.accept(number, in: work) }
            return try Response.json(ticket)
        }

        router.post("/v1/tickets/{number}/resolve") { request, context -> Response in
            try context.require(.agentsWork)
            let number = try context.parameters.require("number")
            let input = try await request.decodeJSON(ResolveInput.self)
            let ticket = try await runtime.transaction { work in
                try TicketWorkflow.resolve(number, resolution: input.resolution, in: work)
            }
            return try Response.json(ticket)
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
