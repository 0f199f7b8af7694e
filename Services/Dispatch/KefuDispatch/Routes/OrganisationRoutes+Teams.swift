import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Teams: listing, saving, retiring and the bulk import.
extension OrganisationRoutes {
    static func addTeams(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/teams") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let retiredToo = request.uri.queryParameters.get("include_retired") == "true"
            return try Response.json(try await runtime.read { try OrganisationStore.teams(includingRetired: retiredToo, on: $0) })
        }

        // Retiring keeps the team for old tickets' history; one that still holds work is refused.
        router.delete("/v1/teams/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            switch try await runtime.transaction({ work in try OrganisationStore.retire(id, in: work) }) {
            case .retired: return Response(status: .noContent)
            case .unknown: throw Problem.notFound("team \(id)")
            case .held(let reason): throw Problem.conflict("Team in use", detail: "\(id) cannot be retired: \(reason)")
            }
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

        // Parents before children, in file order; all or nothing.
        router.post("/v1/teams/import") { request, context -> Response in
            try context.require(.admin)
            let teams = try decodeAll(try await importedObjects(request, listColumns: []), as: Team.self)
            try await runtime.transaction { work in
                try saveAll(teams) { try OrganisationStore.save($0, in: work) }
            }
            return try Response.json(Imported(imported: teams.count), status: .created)
        }
    }
}
