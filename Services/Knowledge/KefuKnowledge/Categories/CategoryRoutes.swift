import HTTPTypes
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

enum CategoryRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/categories") { _, context -> Response in
            try context.requireStaff(.agentsWork)
            return try Response.json(try await runtime.read { try CategoryStore.all(on: $0) })
        }

        router.put("/v1/categories/{id}") { request, context -> Response in
            try context.requireStaff(.supervise)
            let id = try context.parameters.require("id")
            guard ArticleInput.isSlug(id, limit: 40) else {
                throw Problem.invalid([FieldError(field: "id", message: "lower-case letters, digits and dashes, at most 40")])
            }
            let input = try await request.decodeJSON(CategoryInput.self)
            let problems = input.problems
            guard problems.isEmpty else { throw Problem.invalid(problems) }
            return try Response.json(try await runtime.transaction { work in try CategoryStore.put(id, input, in: work) })
        }

        router.delete("/v1/categories/{id}") { _, context -> Response in
            try context.requireStaff(.supervise)
            let id = try context.parameters.require("id")
            try await runtime.transaction { work in try CategoryStore.delete(id, in: work) }
            return Response(status: .noContent)
        }
    }
}
