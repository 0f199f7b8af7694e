import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Queues and clocks: an agent's own queue; for supervisors every queue, the waiting tickets,
/// the clocks near breach; and the SLA policies.
enum QueueRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        addQueues(to: router, runtime: runtime)
        addSLAPolicies(to: router, runtime: runtime)
    }

    static func addQueues(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        // ?view=mine (the default), waiting or team.
        router.get("/v1/queue") { request, context -> Response in
            let caller = try context.require(.agentsWork)
            let text = request.uri.queryParameters["view"].map(String.init) ?? "mine"
            guard let view = DispatchTicket.QueueView(rawValue: text) else {
                let views = DispatchTicket.QueueView.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem.invalid([FieldError(field: "view", message: "must be one of \(views)")])
            }
            return try Response.json(try await runtime.read { try DispatchTicket.queue(of: caller.subject, view: view, on: $0) })
        }

        // ?agent= one agent's queue; ?status= e.g. waiting or queued.
        router.get("/v1/tickets") { request, context -> Response in
            try context.require(.supervise)
            let agent = request.uri.queryParameters["agent"].map(String.init)
            let status = request.uri.queryParameters["status"].map(String.init)
            return try Response.json(try await runtime.read { try DispatchTicket.list(agent: agent, status: status, on: $0) })
        }

        // Running clocks due within ?within= seconds (default an hour), soonest first.
        router.get("/v1/clocks") { request, context -> Response in
            try context.require(.supervise)
            // At most a year: beyond that an interval overflows in PostgreSQL.
            func seconds(_ text: Substring) -> Double? { Double(String(text)).flatMap { $0.isFinite && $0 <= 31_536_000 ? $0 : nil } }
            let within = request.uri.queryParameters["within"].map(seconds) ?? 3600
            let breached = request.uri.queryParameters["breached_within"].map(seconds)
            var errors: [FieldError] = []
            if within == nil || within! <= 0 { errors.append(FieldError(field: "within", message: "must be a number of seconds above 0, at most a year")) }
            if let breached, breached == nil || breached! <= 0 {
                errors.append(FieldError(field: "breached_within", message: "must be a number of seconds above 0"))
            }
            guard errors.isEmpty, let within else { throw Problem.invalid(errors) }
            let breachedWithin = breached ?? nil
            return try Response.json(try await runtime.read {
                try SLAClocks.dueSoon(within: within, breachedWithin: breachedWithin, on: $0)
            })
        }

        // Each team's queue: how many wait for an agent, since when, and how many agents hold.
        router.get("/v1/team-queues") { _, context -> Response in
            try context.require(.supervise)
            return try Response.json(try await runtime.read { try DispatchTicket.teamQueues(on: $0) })
        }
    }

    static func addSLAPolicies(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/sla-policies") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try SLAPolicyStore.all(on: $0) })
        }

        // New tickets get the most specific matching policy; running clocks keep theirs.
        router.post("/v1/sla-policies") { request, context -> Response in
            try context.require(.admin)
            var policy = try await request.decodeJSON(SLAPolicy.self)
            let errors = policy.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let stored = policy
            policy.id = try await runtime.transaction { work in try SLAPolicyStore.insert(stored, in: work) }
            return try Response.json(policy, status: .created)
        }

        router.delete("/v1/sla-policies/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id", as: Int.self)
            guard try await runtime.transaction({ work in try SLAPolicyStore.delete(id, in: work) }) else {
                throw Problem.notFound("SLA policy \(id)")
            }
            return Response(status: .noContent)
        }
    }
}
