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

        router.get("/v1/rules") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(try await runtime.read { connection in
                try connection.query("SELECT id, position, body::text AS body FROM classification.rules ORDER BY position, id")
                    .map(PolicyStore.rule)
            })
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

        router.get("/v1/categories") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(state.currentPolicy.categories.values.sorted { $0.id < $1.id })
        }

        router.put("/v1/categories/{id}") { request, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            var category = try await request.decodeJSON(Category.self)
            guard category.id == id else {
                throw Problem.invalid([FieldError(field: "/id", message: "must be the id in the path, \(id)")])
            }
            category.retired = false
            let errors = category.problems(in: try await freshPolicy(state: state, refresher: refresher).categories)
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let saved = category
            try await runtime.transaction { work in try PolicyStore.save(saved, in: work) }
            try await refresher.refresh()
            return try Response.json(saved)
        }

        // Retiring keeps the category for old decisions and reports, but nothing new gets it.
        router.delete("/v1/categories/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id")
            let policy = try await freshPolicy(state: state, refresher: refresher)
            guard var category = policy.categories[id], !category.retired else { throw Problem.notFound("category \(id)") }
            guard id != Category.fallbackID else {
                throw Problem.conflict("Category in use", detail: "\(id) is where undecided tickets fall back to; it cannot be retired")
            }
            let users = policy.rules.filter { $0.enabled && $0.then.category == id }.compactMap(\.id)
            let children = policy.categories.values.filter { $0.parent == id && !$0.retired }.map(\.id).sorted()
            guard users.isEmpty && children.isEmpty else {
                throw Problem.conflict("Category in use", detail: "still named by "
                    + (users.map { "rule \($0)" } + children.map { "subcategory \($0)" }).joined(separator: ", "))
            }
            category.retired = true
            let retired = category
            try await runtime.transaction { work in try PolicyStore.save(retired, in: work) }
            try await refresher.refresh()
            return Response(status: .noContent)
        }

        router.get("/v1/settings") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            return try Response.json(state.currentPolicy.settings)
        }

        // Only the fields sent change; unknown fields are refused rather than ignored.
        router.patch("/v1/settings") { request, context -> Response in
            try context.require(.admin)
            let current = try await freshPolicy(state: state, refresher: refresher).settings
            let settings = try await request.decodePatch(applyingTo: current)
            let errors = settings.problems()
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            try await runtime.transaction { work in
                try PolicyStore.save(settings, in: work)
                if settings.trainingIntervalHours != current.trainingIntervalHours {
                    try work.query("UPDATE classification.training_schedule SET next_run_at = now() + make_interval(secs => $1)",
                                   [settings.trainingIntervalHours * 3600])
                }
            }
            try await refresher.refresh()
            return try Response.json(settings)
        }
    }

    /// The policy as stored now, so that validation never works from a replica's stale copy.
    private static func freshPolicy(state: ClassifierState, refresher: ClassifierRefresher) async throws -> Policy {
        try await refresher.refresh()
        return state.currentPolicy
    }

    private static func validated(_ rule: Rule, against policy: Policy) throws -> Rule {
        let errors = rule.problems(categories: policy.categories)
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return rule
    }
}
