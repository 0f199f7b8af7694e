import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Listing, counting and deleting training examples by set (`ExampleSets`).
enum ExampleSetRoutes {
    struct Deleted: Codable, Sendable {
        let deleted: Int
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/example-sets") { _, context -> Response in
            try context.require(.admin)
            return try Response.json(try await runtime.read { try ExampleSets.summaries(on: $0) })
        }

        router.get("/v1/example-sets/{name}/examples") { request, context -> Response in
            try context.require(.admin)
            let name = try setName(context)
            let query = request.uri.queryParameters
            var errors: [FieldError] = []
            let limit = query["limit"].map { Int(String($0)) } ?? 100
            if limit == nil || !(1...1000).contains(limit!) { errors.append(FieldError(field: "limit", message: "must be 1 to 1000")) }
            let after = query["cursor"].map { Int64(String($0)) } ?? 0
            if after == nil || after! < 0 { errors.append(FieldError(field: "cursor", message: "must be a next_cursor")) }
            guard errors.isEmpty, let limit, let after else { throw Problem.invalid(errors) }
            let rows = try await runtime.read { try ExampleSets.examples(in: name, after: after, limit: limit + 1, on: $0) }
            let items = Array(rows.prefix(limit))
            return try Response.json(Page(items: items, nextCursor: rows.count > limit ? items.last.map { String($0.id) } : nil))
        }

        router.delete("/v1/example-sets/{name}") { _, context -> Response in
            try context.require(.admin)
            let name = try setName(context)
            let deleted = try await runtime.transaction { try ExampleSets.delete(set: name, in: $0) }
            guard deleted > 0 else { throw Problem.notFound("example set \(name)") }
            return try Response.json(Deleted(deleted: deleted))
        }

        router.delete("/v1/training-examples/{id}") { _, context -> Response in
            try context.require(.admin)
            let text = try context.parameters.require("id")
            guard let id = Int64(text), id > 0,
                  try await runtime.transaction({ try ExampleSets.delete(example: id, in: $0) })
            else { throw Problem.notFound("training example \(text)") }
            return Response(status: .noContent)
        }
    }

    /// A name that cannot be a set's names none: 404, as an unknown one does.
    private static func setName(_ context: KefuRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        guard ExampleSets.isName(name) else { throw Problem.notFound("example set \(name)") }
        return name
    }
}
