import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Calendars, teams, agents, dedicated representatives and settings, with bulk import.
enum OrganisationRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        addCalendars(to: router, runtime: runtime)
        addTeams(to: router, runtime: runtime)
        addAgents(to: router, runtime: runtime)
        addRepresentatives(to: router, runtime: runtime)
        addSettings(to: router, runtime: runtime)
    }

    static func addCalendars(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
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
    }

    static func addSettings(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/settings") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try OrganisationStore.settings(on: $0) })
        }

        router.patch("/v1/settings") { request, context -> Response in
            try context.require(.admin)
            let current = try await runtime.read { try OrganisationStore.settings(on: $0) }
            let settings = try await request.decodePatch(applyingTo: current, nullable: [])
            let errors = settings.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in try OrganisationStore.save(settings, in: work) }
            return try Response.json(settings)
        }
    }
}
