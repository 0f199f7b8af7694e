import Foundation
import HTTPTypes
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// An operator's view of refused submissions: list them, fetch the bytes, and replay one once the
/// cause is fixed, as it was or corrected.
extension IntakeRoutes {
    struct RejectedView: Codable, RowDecodable, Sendable {
        let id: Int64
        let submissionID: String?
        let integrator: String?
        let source: String
        let contentType: String?
        let size: Int
        let reasons: [FieldError]
        let receivedAt: Date
        let replayedAt: Date?
        let replayTicketNumber: String?

        enum CodingKeys: String, CodingKey {
            case id, integrator, source, size, reasons
            case submissionID = "submission_id"
            case contentType = "content_type"
            case receivedAt = "received_at"
            case replayedAt = "replayed_at"
            case replayTicketNumber = "replay_ticket_number"
        }

        static let columns = """
            id, submission_id, integrator, source, content_type, octet_length(raw) AS size, reasons::text AS reasons,
            received_at, replayed_at, replay_ticket_number
            """
    }

    static func addRejected(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, settings: IntakeSettings) {
        router.get("/v1/rejected-submissions") { request, context -> Response in
            try context.require(.admin)
            let parameters = request.uri.queryParameters
            var errors: [FieldError] = []
            let limit = parameters.get("limit").map { Int($0) ?? 0 } ?? 50
            if !(1...200).contains(limit) { errors.append(FieldError(field: "limit", message: "must be a whole number from 1 to 200")) }
            let before = parameters.get("cursor").map { Int64($0) ?? -1 }
            if let before, before < 0 { errors.append(FieldError(field: "cursor", message: "is not a cursor this API gave out")) }
            guard errors.isEmpty else { throw Problem.invalid(errors) }
            let source = parameters.get("source")
            let rows = try await runtime.read { connection in
                try Array(connection.query("""
                    SELECT \(RejectedView.columns) FROM intake.rejected_submissions
                    WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR source = $2)
                    ORDER BY id DESC LIMIT $3
                    """, [before, source, limit + 1]).map(RejectedView.init))
            }
            let items = Array(rows.prefix(limit))
            return try Response.json(Page(items: items, nextCursor: rows.count > limit ? items.last.map { String($0.id) } : nil))
        }

        router.get("/v1/rejected-submissions/{id}/raw") { _, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id", as: Int64.self)
            guard let row = try await runtime.read({ connection in
                try connection.query("SELECT raw, content_type FROM intake.rejected_submissions WHERE id = $1", [id]).first
                    .map { (try $0.require("raw", as: Data.self), try $0.decode("content_type") as String?) }
            }) else { throw Problem.notFound("refused submission \(id)") }
            // Served as a download whatever the sender claimed, so a refused body that holds HTML
            // never renders in an admin's browser; the claim is in the listing's content_type.
            return Response(status: .ok,
                            headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"refused-\(id)\"",
                                      HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                            body: .init(byteBuffer: .init(bytes: row.0)))
        }

        router.post("/v1/rejected-submissions/{id}/replay") { request, context -> Response in
            try context.require(.admin)
            let id = try context.parameters.require("id", as: Int64.self)
            guard let stored = try await runtime.read({ connection in
                try connection.query("""
                    SELECT raw, content_type, source, integrator, replay_ticket_number
                    FROM intake.rejected_submissions WHERE id = $1
                    """, [id]).first.map { row in
                    (raw: Array(try row.require("raw", as: Data.self)), contentType: try row.decode("content_type") as String?,
                     source: try row.require("source", as: String.self), integrator: try row.decode("integrator") as String?,
                     replayed: try row.decode("replay_ticket_number") as String?)
                }
            }) else { throw Problem.notFound("refused submission \(id)") }
            if let number = stored.replayed {
                throw Problem.conflict("Already replayed", detail: "this submission was replayed as ticket \(number)")
            }
            // A corrected copy may come in the body; otherwise the bytes as they were refused.
            let corrected = try await request.bodyBytes(limit: maximumMailBytes)
            let raw = corrected.isEmpty ? stored.raw : corrected
            let contentType = corrected.isEmpty ? stored.contentType : request.headers[.contentType]
            let channel = stored.source.hasPrefix("amqp:") ? SubmissionDecoder.channel(ofRoutingKey: String(stored.source.dropFirst(5))) : nil
            let validated = SubmissionDecoder.decode(raw, contentType: contentType, channel: channel,
                                                     integrator: stored.integrator ?? "amqp", settings: settings)
            return try await answer(validated, runtime: runtime, settings: settings) { accepted, work in
                try work.query("""
                    UPDATE intake.rejected_submissions SET replayed_at = now(), replay_ticket_number = $2
                    WHERE id = $1 AND replayed_at IS NULL
                    """, [id, accepted.ticketNumber])
            }
        }
    }
}
