import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Queues and clocks: an agent's own queue; for supervisors every queue, the waiting tickets,
/// the clocks near breach; and the SLA policies.
enum QueueRoutes {
    struct Clock: Encodable, Sendable {
        let ticketNumber: String
        let target: String
        let dueAt: Date
        let agentID: String?
        let warned: Bool

        enum CodingKeys: String, CodingKey {
            case target, warned
            case ticketNumber = "ticket_number"
            case dueAt = "due_at"
            case agentID = "agent_id"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/queue") { _, context -> Response in
            let caller = try context.require(.agentsWork)
            return try Response.json(try await tickets(where: "agent_id = $1 AND status IN ('assigned', 'accepted', 'waiting')",
                                                       [caller.subject], runtime: runtime))
        }

        // ?agent= one agent's queue; ?status= e.g. waiting or queued.
        router.get("/v1/tickets") { request, context -> Response in
            try context.require(.supervise)
            let agent = request.uri.queryParameters["agent"].map(String.init)
            let status = request.uri.queryParameters["status"].map(String.init)
            return try Response.json(try await tickets(where: "($1::text IS NULL OR agent_id = $1) AND ($2::text IS NULL OR status = $2)",
                                                       [agent, status], runtime: runtime))
        }

        // Running clocks due within ?within= seconds (default an hour), soonest first.
        router.get("/v1/clocks") { request, context -> Response in
            try context.require(.supervise)
            let within = request.uri.queryParameters["within"].map { Double(String($0)) } ?? 3600
            guard let within, within > 0 else {
                throw Problem.invalid([FieldError(field: "within", message: "must be a number of seconds above 0")])
            }
            let clocks = try await runtime.read { connection in
                try connection.query("""
                    SELECT c.ticket_number, c.target, c.due_at, c.warned_at IS NOT NULL AS warned, t.agent_id
                    FROM dispatch.sla_clocks c JOIN dispatch.tickets t ON t.number = c.ticket_number
                    WHERE c.stopped_at IS NULL AND c.running_since IS NOT NULL AND c.breached_at IS NULL
                      AND c.due_at <= now() + make_interval(secs => $1::float8)
                    ORDER BY c.due_at LIMIT 500
                    """, [within]).map { row in
                    Clock(ticketNumber: try row.require("ticket_number"), target: try row.require("target"),
                          dueAt: try row.require("due_at"), agentID: try row.decode("agent_id"), warned: try row.require("warned"))
                }
            }
            return try Response.json(clocks)
        }

        router.get("/v1/sla-policies") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT id, body::text AS body FROM dispatch.sla_policies ORDER BY id").map { row in
                    var policy = try row.json("body", as: SLAPolicy.self)
                    policy.id = try row.require("id")
                    return policy
                }
            })
        }

        // New tickets get the most specific matching policy; running clocks keep theirs.
        router.post("/v1/sla-policies") { request, context -> Response in
            try context.require(.admin)
            var policy = try await request.decodeJSON(SLAPolicy.self)
            let errors = policy.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            policy.id = nil
            let body = String(decoding: try KefuJSON.encode(policy), as: UTF8.self)
            policy.id = try await runtime.transaction { work in
                try work.query("INSERT INTO dispatch.sla_policies (body) VALUES ($1::jsonb) RETURNING id", [body]).first!.require("id")
            }
            return try Response.json(policy, status: .created)
        }

        router.delete("/v1/sla-policies/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id", as: Int.self)
            let removed = try await runtime.transaction { work in
                try work.query("DELETE FROM dispatch.sla_policies WHERE id = $1", [id]).affectedRows
            }
            guard removed == 1 else { throw Problem.notFound("SLA policy \(id)") }
            return Response(status: .noContent)
        }
    }

    static func tickets(where condition: String, _ parameters: [(any PostgresEncodable)?], runtime: ServiceRuntime) async throws
        -> [DispatchTicket] {
        try await runtime.read { connection in
            try connection.query("""
                SELECT number FROM dispatch.tickets WHERE \(condition)
                ORDER BY priority, resolution_due_at LIMIT 500
                """, parameters).compactMap { try DispatchTicket.load(try $0.require("number"), on: connection) }
        }
    }
}
