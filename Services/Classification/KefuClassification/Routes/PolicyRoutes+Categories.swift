import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The taxonomy: categories are saved whole and retired, never deleted.
extension PolicyRoutes {
    static func addCategories(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState,
                              refresher: ClassifierRefresher) {
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
            try checkRetirable(id, in: policy)
            category.retired = true
            let retired = category
            try await runtime.transaction { work in try PolicyStore.save(retired, in: work) }
            try await refresher.refresh()
            return Response(status: .noContent)
        }
    }

    /// A 409 when retiring would strand tickets: the fallback category, or one that an enabled
    /// rule still gives or a subcategory in service still sits under.
    private static func checkRetirable(_ id: String, in policy: Policy) throws {
        guard id != Category.fallbackID else {
            throw Problem.conflict("Category in use", detail: "\(id) is where undecided tickets fall back to; it cannot be retired")
        }
        let users = policy.rules.filter { $0.enabled && $0.then.category == id }.compactMap(\.id)
        let children = policy.categories.values.filter { $0.parent == id && !$0.retired }.map(\.id).sorted()
        guard users.isEmpty && children.isEmpty else {
            throw Problem.conflict("Category in use", detail: "still named by "
                + (users.map { "rule \($0)" } + children.map { "subcategory \($0)" }).joined(separator: ", "))
        }
    }
}
