import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A ticket's suggestions for the console, the agent's feedback, and the report.
enum SuggestionRoutes {
    struct Feedback: Decodable, Sendable {
        var kind: FeedbackKind
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/tickets/{number}/suggestions") { _, context -> Response in
            try context.requireStaff(.agentsWork)
            let number = try context.parameters.require("number")
            guard let view = try await runtime.read({ try SuggestionStore.load(number, on: $0) }) else {
                throw Problem.notFound("suggestions for ticket \(number)")
            }
            return try Response.json(view)
        }

        // The console calls this when an agent's reply carries a suggested article.
        router.post("/v1/tickets/{number}/suggestions/{article}/feedback") { request, context -> Response in
            let token = try context.requireStaff(.agentsWork)
            let number = try context.parameters.require("number")
            let articleText = try context.parameters.require("article")
            guard let article = UUID(uuidString: articleText) else { throw Problem.notFound("article \(articleText)") }
            let feedback = try await request.decodeJSON(Feedback.self)
            guard feedback.kind == .used else {
                throw Problem.invalid([FieldError(field: "/kind", message: "staff record `used`; customers answer the rest")])
            }
            let view = try await runtime.transaction { work -> TicketSuggestionsView in
                guard let view = try SuggestionStore.load(number, on: work.connection) else {
                    throw Problem.notFound("suggestions for ticket \(number)")
                }
                guard view.articles.contains(where: { $0.id == article.uuidString.lowercased() }) else {
                    throw Problem.invalid([FieldError(field: "article", message: "was not suggested for this ticket")])
                }
                try SuggestionStore.record(.used, article: article, ticket: number, source: "agent:\(token.subject)", in: work)
                return try SuggestionStore.load(number, on: work.connection)!
            }
            return try Response.json(view)
        }

        router.get("/v1/suggestions/report") { request, context -> Response in
            try context.requireStaff(.supervise)
            let query = request.uri.queryParameters
            let to = try day(query.get("to"), field: "to") ?? Date()
            let from = try day(query.get("from"), field: "from") ?? to.addingTimeInterval(-30 * 24 * 3600)
            guard from < to else { throw Problem.invalid([FieldError(field: "from", message: "must be before to")]) }
            return try Response.json(try await runtime.read { try SuggestionReport.load(from: from, to: to, on: $0) })
        }
    }

    /// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
    static func day(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        if let date = CalendarDate(text)?.midnightUTC { return date }
        if let date = RFC3339.parse(text) { return date }
        throw Problem.invalid([FieldError(field: field, message: "must be a date, YYYY-MM-DD, or an RFC 3339 time")])
    }
}
