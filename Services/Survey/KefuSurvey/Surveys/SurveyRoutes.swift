import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Staff views of surveys.
enum SurveyRoutes {
    struct View: Encodable, Sendable {
        let id: String
        let ticketNumber: String
        let status: String
        let expiresAt: Date
        let createdAt: Date
        let answeredAt: Date?
        let answerChannel: String?
        let csat: Int?
        let nps: Int?
        let comment: String?
        let complaint: Bool?

        enum CodingKeys: String, CodingKey {
            case id, status, csat, nps, comment, complaint
            case ticketNumber = "ticket_number"
            case expiresAt = "expires_at"
            case createdAt = "created_at"
            case answeredAt = "answered_at"
            case answerChannel = "answer_channel"
        }

        init(_ row: PostgresRow) throws {
            id = try row.require("id", as: UUID.self).uuidString.lowercased()
            ticketNumber = try row.require("ticket_number")
            status = try row.require("status")
            expiresAt = try row.require("expires_at")
            createdAt = try row.require("created_at")
            answeredAt = try row.decode("answered_at")
            answerChannel = try row.decode("answer_channel")
            csat = try row.decode("csat")
            nps = try row.decode("nps")
            comment = try row.decode("comment")
            complaint = try row.decode("complaint")
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime) {
        router.get("/v1/surveys") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let ticket = try request.requiredQuery("ticket")
            return try Response.json(try await runtime.read { connection in
                try connection.query("""
                    SELECT id, ticket_number, status, expires_at, created_at, answered_at, answer_channel, csat, nps, comment, complaint
                    FROM survey.surveys WHERE ticket_number = $1
                    """, [ticket]).map(View.init)
            })
        }
    }
}
