import HTTPTypes
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Articles over HTTP (docs/http-api.md, "knowledge"). Staff read everything; agents may write
/// drafts only; supervisors and admins publish, delete and restore.
enum ArticleRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, index: ArticleIndex) {
        router.get("/v1/articles") { request, context -> Response in
            try context.requireStaff(.agentsWork)
            let query = request.uri.queryParameters
            var filter = ArticleStore.ListFilter()
            if let visibility = query.get("visibility") {
                guard let parsed = Visibility(rawValue: visibility) else {
                    throw Problem.invalid([FieldError(field: "visibility", message: "must be draft, internal or public")])
                }
                filter.visibility = parsed
            }
            filter.category = query.get("category")
            filter.sourceTicket = query.get("source_ticket")
            if let cursor = query.get("cursor") {
                guard let after = UUID(uuidString: cursor) else {
                    throw Problem.invalid([FieldError(field: "cursor", message: "must be a cursor this endpoint gave")])
                }
                filter.after = after
            }
            if let limit = query.get("limit") {
                guard let parsed = Int(limit), (1...500).contains(parsed) else {
                    throw Problem.invalid([FieldError(field: "limit", message: "must be from 1 to 500")])
                }
                filter.limit = parsed
            }
            let chosen = filter
            let articles = try await runtime.read { try ArticleStore.list(chosen, on: $0) }
            return try Response.json(Page(items: articles, nextCursor: articles.count == chosen.limit ? articles.last?.id : nil))
        }

        router.post("/v1/articles") { request, context -> Response in
            let token = try context.requireStaff(.agentsWork)
            let input = try validated(try await request.decodeJSON(ArticleInput.self), by: token, replacing: nil)
            let article = try await runtime.transaction { work in try ArticleStore.create(input, by: token.subject, in: work) }
            try await index.refresh(with: runtime.pool)
            return try Response.json(article, status: .created)
        }

        router.get("/v1/articles/{id}") { _, context -> Response in
            try context.requireStaff(.agentsWork)
            let id = try articleID(context)
            guard let article = try await runtime.read({ try ArticleStore.load(id, on: $0) }) else {
                throw Problem.notFound("article \(id.uuidString.lowercased())")
            }
            return try Response.json(article)
        }

        router.put("/v1/articles/{id}") { request, context -> Response in
            let token = try context.requireStaff(.agentsWork)
            let id = try articleID(context)
            let body = try await request.decodeJSON(ArticleInput.self)
            let article = try await runtime.transaction { work in
                let current = try ArticleStore.load(id, on: work.connection, forUpdate: true)
                guard let current else { throw Problem.notFound("article \(id.uuidString.lowercased())") }
                return try ArticleStore.replace(id, with: try validated(body, by: token, replacing: current), by: token.subject, in: work)
            }
            try await index.refresh(with: runtime.pool)
            return try Response.json(article)
        }

        router.delete("/v1/articles/{id}") { _, context -> Response in
            let token = try context.requireStaff(.supervise)
            let id = try articleID(context)
            try await runtime.transaction { work in try ArticleStore.delete(id, by: token.subject, in: work) }
            try await index.refresh(with: runtime.pool)
            return Response(status: .noContent)
        }

        router.get("/v1/articles/{id}/versions") { _, context -> Response in
            try context.requireStaff(.agentsWork)
            let id = try articleID(context)
            let versions = try await runtime.read { try ArticleStore.versions(id, on: $0) }
            guard !versions.isEmpty else { throw Problem.notFound("article \(id.uuidString.lowercased())") }
            return try Response.json(versions)
        }

        router.get("/v1/articles/{id}/versions/{revision}") { _, context -> Response in
            try context.requireStaff(.agentsWork)
            let id = try articleID(context)
            let revision = try revisionNumber(context)
            guard let version = try await runtime.read({ try ArticleStore.version(id, revision: revision, on: $0) }) else {
                throw Problem.notFound("revision \(revision) of article \(id.uuidString.lowercased())")
            }
            return try Response.json(version)
        }

        router.post("/v1/articles/{id}/versions/{revision}/restore") { _, context -> Response in
            let token = try context.requireStaff(.supervise)
            let id = try articleID(context)
            let revision = try revisionNumber(context)
            let article = try await runtime.transaction { work in
                try ArticleStore.restore(id, revision: revision, by: token.subject, in: work)
            }
            try await index.refresh(with: runtime.pool)
            return try Response.json(article)
        }
    }

    /// The input, checked and normalised, for this caller: an agent may only write drafts, and
    /// may not touch an article once it is published.
    static func validated(_ input: ArticleInput, by token: AccessToken, replacing current: Article?) throws -> ArticleInput {
        let problems = input.problems
        guard problems.isEmpty else { throw Problem.invalid(problems) }
        let normalised = input.normalised
        if !token.allows(.supervise) {
            if normalised.visibility != .draft || (current.map { $0.visibility != .draft } ?? false) {
                throw Problem.forbidden("Drafts only", detail: "agents write drafts; a supervisor publishes them")
            }
        }
        return normalised
    }

    static func articleID(_ context: KefuRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("article \(text)") }
        return id
    }

    static func revisionNumber(_ context: KefuRequestContext) throws -> Int {
        let text = try context.parameters.require("revision")
        guard let revision = Int32(text), revision > 0 else { throw Problem.notFound("revision \(text)") }
        return Int(revision)
    }
}
