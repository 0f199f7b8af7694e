import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Staff views of surveys: one ticket's, and the complaints that supervisors follow up.
enum SurveyRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/surveys") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let ticket = try request.requiredQuery("ticket")
            return try Response.json(try await runtime.read { try SurveyView.forTicket(ticket, on: $0) })
        }

        // Newest first, paged by a cursor of the last one's answer time and id (docs/http-api.md).
        router.get("/v1/complaints") { request, context -> Response in
            try context.require(.supervise)
            let query = request.uri.queryParameters
            var errors: [FieldError] = []
            let limit = query.get("limit").map { Int($0) ?? 0 } ?? 50
            if !(1...200).contains(limit) { errors.append(FieldError(field: "limit", message: "must be a whole number from 1 to 200")) }
            let cursor = query.get("cursor").map(SurveyView.Cursor.init)
            if let cursor, cursor == nil { errors.append(FieldError(field: "cursor", message: "is not a cursor this API gave")) }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let after = cursor ?? nil
            let found = try await runtime.read { try SurveyView.complaints(after: after, limit: limit + 1, on: $0) }
            let page = Array(found.prefix(limit))
            return try Response.json(Page(items: page, nextCursor: found.count > limit ? page.last.map { SurveyView.Cursor($0).text } : nil))
        }
    }
}
