import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Calendars, teams, agents, dedicated representatives and settings, with bulk import.
enum OrganisationRoutes {
    struct Representative: Codable, Sendable {
        let agentID: String
        enum CodingKeys: String, CodingKey { case agentID = "agent_id" }
    }

    struct Imported: Codable, Sendable {
        let imported: Int
    }

    static let agentFields: Set<String> = [
        "name", "team_id", "duty", "on_duty", "max_open", "daily_cap", "skills", "shift_calendar_id", "field_engineer",
        "location", "service_radius_km",
    ]

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/calendars") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try OrganisationStore.allCalendars(on: $0) })
        }

        router.put("/v1/calendars/{id}") { request, context -> Response in
            try context.require(.admin)
            let calendar = try await request.decodeJSON(BusinessCalendar.self)
            var errors = calendar.problems()
            if calendar.id != (try context.parameters.require("id")) {
                errors.append(FieldError(field: "/id", message: "must be the id in the path"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in try OrganisationStore.save(calendar, in: work) }
            return try Response.json(calendar)
        }

        router.get("/v1/teams") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT \(Team.columns) FROM dispatch.teams ORDER BY id").map(Team.init)
            })
        }

        router.put("/v1/teams/{id}") { request, context -> Response in
            try context.require(.admin)
            let team = try await request.decodeJSON(Team.self)
            guard team.id == (try context.parameters.require("id")) else {
                throw Problem.invalid([FieldError(field: "/id", message: "must be the id in the path")])
            }
            let errors = try await runtime.transaction { work in try OrganisationStore.save(team, in: work) }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            return try Response.json(team)
        }

        router.post("/v1/agents") { request, context -> Response in
            try context.require(.admin)
            let agent = try await request.decodeJSON(Agent.self)
            let saved = try await runtime.transaction { work -> Agent? in
                guard let errors = try OrganisationStore.save(agent, replace: false, in: work) else { return nil }
                guard errors.isEmpty else { throw Problem.invalid(errors) }
                try Assigner.drainQueue(in: work)
                return try OrganisationStore.agent(agent.id, on: work.connection)
            }
            guard let saved else { throw Problem.conflict("Agent exists", detail: "an agent with this id exists") }
            return try Response.json(saved, status: .created)
        }

        router.get("/v1/agents") { _, context -> Response in
            try context.require(.agentsWork)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT \(Agent.columns) FROM dispatch.agents ORDER BY id").map(Agent.init)
            })
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
            let saved = try await runtime.transaction { work -> Agent? in
                let errors = try OrganisationStore.save(agent, replace: true, in: work) ?? []
                guard errors.isEmpty else { throw Problem.invalid(errors) }
                try Assigner.drainQueue(in: work)
                return try OrganisationStore.agent(id, on: work.connection)
            }
            return try Response.json(saved)
        }

        // All or nothing: one bad record refuses the file, every bad field named with its record.
        router.post("/v1/agents/import") { request, context -> Response in
            try context.require(.admin)
            let objects = try await importedObjects(request, listColumns: ["categories", "products", "languages"])
            let valid = try decodeAll(objects, as: Agent.self)
            try await runtime.transaction { work in
                var errors: [FieldError] = []
                for (index, agent) in valid.enumerated() {
                    errors += (try OrganisationStore.save(agent, replace: true, in: work) ?? []).map { prefixed($0, record: index) }
                }
                guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
                try Assigner.drainQueue(in: work)
            }
            return try Response.json(Imported(imported: valid.count), status: .created)
        }

        // Parents before children, in file order; all or nothing.
        router.post("/v1/teams/import") { request, context -> Response in
            try context.require(.admin)
            let objects = try await importedObjects(request, listColumns: [])
            let teams = try decodeAll(objects, as: Team.self)
            try await runtime.transaction { work in
                var errors: [FieldError] = []
                for (index, team) in teams.enumerated() {
                    errors += try OrganisationStore.save(team, in: work).map { prefixed($0, record: index) }
                }
                guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
            }
            return try Response.json(Imported(imported: teams.count), status: .created)
        }

        // Rows of customer_id and agent_id.
        router.post("/v1/representatives/import") { request, context -> Response in
            try context.require(.admin)
            let objects = try await importedObjects(request, listColumns: [])
            var errors: [FieldError] = []
            let pairs = objects.enumerated().compactMap { index, object -> (String, String)? in
                guard case .string(let customer)? = object["customer_id"], case .string(let agent)? = object["agent_id"] else {
                    errors.append(FieldError(field: "/records/\(index)", message: "needs customer_id and agent_id"))
                    return nil
                }
                return (customer, agent)
            }
            guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
            try await runtime.transaction { work in
                let unknown = try work.query("""
                    SELECT DISTINCT a FROM unnest($1::text[]) AS a WHERE a NOT IN (SELECT id FROM dispatch.agents) ORDER BY a LIMIT 20
                    """, [pairs.map(\.1)]).map { try $0.require("a", as: String.self) }
                guard unknown.isEmpty else {
                    throw Problem.invalid(unknown.map { FieldError(field: "/agent_id", message: "\($0) is not an agent") })
                }
                try work.query("""
                    INSERT INTO dispatch.dedicated_representatives (customer_id, agent_id)
                    SELECT DISTINCT ON (c) c, a FROM unnest($1::text[], $2::text[]) AS r(c, a)
                    ON CONFLICT (customer_id) DO UPDATE SET agent_id = excluded.agent_id
                    """, [pairs.map(\.0), pairs.map(\.1)])
            }
            return try Response.json(Imported(imported: pairs.count), status: .created)
        }

        router.put("/v1/representatives/{customer}") { request, context -> Response in
            try context.require(.admin)
            let customer = try context.parameters.require("customer")
            let representative = try await request.decodeJSON(Representative.self)
            try await runtime.transaction { work in
                guard try OrganisationStore.agent(representative.agentID, on: work.connection) != nil else {
                    throw Problem.invalid([FieldError(field: "/agent_id", message: "is not an agent")])
                }
                try work.query("""
                    INSERT INTO dispatch.dedicated_representatives (customer_id, agent_id) VALUES ($1, $2)
                    ON CONFLICT (customer_id) DO UPDATE SET agent_id = excluded.agent_id
                    """, [customer, representative.agentID])
            }
            return try Response.json(representative)
        }

        router.delete("/v1/representatives/{customer}") { _, context -> Response in
            try context.require(.admin)
            let customer = try context.parameters.require("customer")
            let removed = try await runtime.transaction { work in
                try work.query("DELETE FROM dispatch.dedicated_representatives WHERE customer_id = $1", [customer]).affectedRows
            }
            guard removed == 1 else { throw Problem.notFound("representative for customer \(customer)") }
            return Response(status: .noContent)
        }

        router.get("/v1/settings") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try OrganisationStore.settings(on: $0) })
        }

        router.patch("/v1/settings") { request, context -> Response in
            try context.require(.admin)
            let current = try await runtime.read { try OrganisationStore.settings(on: $0) }
            let settings = try await request.decodePatch(applyingTo: current)
            var errors: [FieldError] = []
            if !(1...7 * 86_400).contains(settings.acceptTimeoutSeconds) {
                errors.append(FieldError(field: "/accept_timeout_seconds", message: "must be 1 second to 7 days"))
            }
            if !(settings.warningShare > 0 && settings.warningShare < 1) {
                errors.append(FieldError(field: "/warning_share", message: "must be between 0 and 1"))
            }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            _ = try await runtime.transaction { work in
                try work.query("UPDATE dispatch.settings SET body = $1::jsonb", [String(decoding: try KefuJSON.encode(settings), as: UTF8.self)])
            }
            return try Response.json(settings)
        }
    }

    /// Every record decoded, or a 422 naming each field that did not fit, by record.
    static func decodeAll<Value: Decodable>(_ objects: [[String: JSONValue]], as type: Value.Type) throws -> [Value] {
        var values: [Value] = []
        var errors: [FieldError] = []
        for (index, object) in objects.enumerated() {
            do {
                values.append(try KefuJSON.decode(type, from: KefuJSON.encode(JSONValue.object(object))))
            } catch let error as DecodingError {
                errors.append(prefixed(error.fieldError ?? FieldError(field: "", message: "does not fit"), record: index))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
        return values
    }

    static func prefixed(_ error: FieldError, record: Int) -> FieldError {
        FieldError(field: "/records/\(record)" + (error.field.hasPrefix("/") || error.field.isEmpty ? error.field : "/" + error.field),
                   message: error.message)
    }

    /// The body as objects: a JSON array of objects, or CSV with a header row. In CSV, empty
    /// cells are left out, `true`/`false` and numbers are typed, `list` columns split on `;` into
    /// `skills`, and `latitude`/`longitude` become `location`.
    static func importedObjects(_ request: Request, listColumns: Set<String>) async throws -> [[String: JSONValue]] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let bytes = try await request.bodyBytes(limit: 16 << 20)
        switch mediaType {
        case "application/json":
            guard case .array(let items)? = try? KefuJSON.decode(JSONValue.self, from: bytes) else {
                throw Problem.invalid([FieldError(field: "/", message: "must be a JSON array of objects")])
            }
            return try items.enumerated().map { index, item in
                guard case .object(let object) = item else {
                    throw Problem.invalid([FieldError(field: "/records/\(index)", message: "must be an object")])
                }
                return object
            }
        case "text/csv":
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Problem.invalid([FieldError(field: "/", message: "is not valid UTF-8")])
            }
            return CSV.records(text).records.map { record in
                var object: [String: JSONValue] = [:]
                var skills: [String: JSONValue] = [:]
                for (column, cell) in record.fields where !cell.trimmingCharacters(in: .whitespaces).isEmpty {
                    let value = cell.trimmingCharacters(in: .whitespaces)
                    if listColumns.contains(column) {
                        skills[column] = .array(value.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                    } else if value == "true" || value == "false" {
                        object[column] = .bool(value == "true")
                    } else if let number = Double(value), column != "id", column != "name", !column.hasSuffix("_id") {
                        object[column] = .number(number)
                    } else {
                        object[column] = .string(value)
                    }
                }
                if !skills.isEmpty { object["skills"] = .object(skills) }
                if let latitude = object.removeValue(forKey: "latitude"), let longitude = object.removeValue(forKey: "longitude") {
                    object["location"] = .object(["latitude": latitude, "longitude": longitude])
                }
                return object
            }
        default:
            throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                          detail: "send a JSON array (application/json) or CSV with a header row (text/csv)")
        }
    }
}
