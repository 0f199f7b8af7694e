import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Agents: adding, listing, changing and the bulk import. Each change can free capacity, so
/// waiting tickets go out in the same transaction.
extension OrganisationRoutes {
    static let agentFields: Set<String> = [
        "name", "team_id", "duty", "on_duty", "max_open", "daily_cap", "skills", "shift_calendar_id", "field_engineer",
        "location", "service_radius_km",
    ]

    static func addAgents(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.post("/v1/agents") { request, context -> Response in
            try context.require(.admin)
            let agent = try await request.decodeJSON(Agent.self)
            let saved = try await runtime.transaction { work in try saveAgent(agent, replace: false, in: work) }
            guard let saved else { throw Problem.conflict("Agent exists", detail: "an agent with this id exists") }
            return try Response.json(saved, status: .created)
        }

        router.get("/v1/agents") { _, context -> Response in
            try context.require(.agentsWork)
            return try Response.json(try await runtime.read { try OrganisationStore.allAgents(on: $0) })
        }

        router.get("/v1/agents/{id}") { _, context -> Response in
            try context.require(.agentsWork)
            let id = try context.parameters.require("id")
            guard let agent = try await runtime.read({ try OrganisationStore.agent(id, on: $0) }) else {
                throw Problem.notFound("agent \(id)")
            }
            return try Response.json(agent)
        }

        // Coming on duty or a raised cap frees capacity: waiting tickets go out at once.
        router.patch("/v1/agents/{id}") { request, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            guard let current = try await runtime.read({ try OrganisationStore.agent(id, on: $0) }) else {
                throw Problem.notFound("agent \(id)")
            }
            var patched = try await request.decodePatch(applyingTo: current, fields: agentFields, derived: ["on_duty"])
            patched.id = id
            let agent = patched
            return try Response.json(try await runtime.transaction { work in try saveAgent(agent, replace: true, in: work) })
        }

        // Supervisors put agents on or off duty from the floor (docs/console.md); every other
        // change to an agent is an administrator's.
        router.put("/v1/agents/{id}/duty") { request, context -> Response in
            try context.require(.supervise)
            let id = try context.parameters.require("id")
            struct DutyChange: Decodable { let duty: Agent.Duty }
            let change = try await request.decodeJSON(DutyChange.self)
            guard var agent = try await runtime.read({ try OrganisationStore.agent(id, on: $0) }) else {
                throw Problem.notFound("agent \(id)")
            }
            agent.duty = change.duty
            let changed = agent
            return try Response.json(try await runtime.transaction { work in try saveAgent(changed, replace: true, in: work) })
        }

        // All or nothing: one bad record refuses the file, every bad field named with its record.
        router.post("/v1/agents/import") { request, context -> Response in
            try context.require(.admin)
            let objects = try await importedObjects(request, listColumns: ["categories", "products", "languages"])
            let agents = try decodeAll(objects, as: Agent.self)
            try await runtime.transaction { work in
                try saveAll(agents) { try OrganisationStore.save($0, replace: true, in: work) ?? [] }
                try Assigner.drainQueue(in: work)
            }
            return try Response.json(Imported(imported: agents.count), status: .created)
        }
    }

    /// The agent as stored after saving, with the queue drained; nil when it exists and
    /// `replace` is false. A 422 when it does not fit.
    private static func saveAgent(_ agent: Agent, replace: Bool, in work: UnitOfWork) throws -> Agent? {
        guard let errors = try OrganisationStore.save(agent, replace: replace, in: work) else { return nil }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        try Assigner.drainQueue(in: work)
        return try OrganisationStore.agent(agent.id, on: work.connection)
    }
}
