import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Rules, taxonomy and settings, edited at run time. Each edit takes effect on this replica at
/// once and on the others within a couple of seconds.
enum PolicyRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState) {
        let refresher = ClassifierRefresher(state: state, runtime: runtime)
        addRules(to: router, runtime: runtime, state: state, refresher: refresher)
        addCategories(to: router, runtime: runtime, state: state, refresher: refresher)
        addSettings(to: router, runtime: runtime, state: state, refresher: refresher)
    }

    static func addRules(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState,
                         refresher: ClassifierRefresher) {
        router.get("/v1/rules") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { try PolicyStore.rules(on: $0) })
        }

        router.post("/v1/rules") { request, context -> Response in
            let editor = try context.require(.admin).subject
            let rule = try validated(try await request.decodeJSON(Rule.self),
                                     against: try await freshPolicy(state: state, refresher: refresher))
            let saved = try await runtime.transaction { work in try PolicyStore.save(rule, id: nil, by: editor, in: work) }
            try await refresher.refresh()
            return try Response.json(saved, status: .created)
        }

        router.put("/v1/rules/{id}") { request, context -> Response in
            let editor = try context.require(.admin).subject
            let id = try context.parameters.require("id", as: Int.self)
            let rule = try validated(try await request.decodeJSON(Rule.self),
                                     against: try await freshPolicy(state: state, refresher: refresher))
            guard let saved = try await runtime.transaction({ work in try PolicyStore.save(rule, id: id, by: editor, in: work) }) else {
                throw Problem.notFound("rule \(id)")
            }
            try await refresher.refresh()
            return try Response.json(saved)
        }

        router.delete("/v1/rules/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id", as: Int.self)
            guard try await runtime.transaction({ work in try PolicyStore.deleteRule(id, in: work) }) else {
                throw Problem.notFound("rule \(id)")
            }
            try await refresher.refresh()
            return Response(status: .noContent)
        }
    }

    static func addSettings(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState,
                            refresher: ClassifierRefresher) {
        router.get("/v1/settings") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(state.currentPolicy.settings)
        }

        // Only the fields sent change; unknown fields are refused rather than ignored.
        router.patch("/v1/settings") { request, context -> Response in
            try context.require(.admin)
            let current = try await freshPolicy(state: state, refresher: refresher).settings
            let settings = try await request.decodePatch(applyingTo: current, nullable: ["triage_team_id"])
            let errors = settings.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in
                try PolicyStore.save(settings, in: work)
                if settings.trainingIntervalHours != current.trainingIntervalHours {
                    try PolicyStore.rescheduleTraining(everyHours: settings.trainingIntervalHours, in: work)
                }
            }
            try await refresher.refresh()
            return try Response.json(settings)
        }
    }

    /// The policy as stored now, so that validation never works from a replica's stale copy.
    static func freshPolicy(state: ClassifierState, refresher: ClassifierRefresher) async throws -> Policy {
        try await refresher.refresh()
        return state.currentPolicy
    }

    private static func validated(_ rule: Rule, against policy: Policy) throws -> Rule {
        let errors = rule.problems(categories: policy.categories)
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return rule
    }
}
