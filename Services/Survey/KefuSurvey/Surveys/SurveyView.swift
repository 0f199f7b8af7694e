import Foundation
import KefuServiceKit
import KefuStorage

/// A survey as staff see it: scores, comment and whether it was a complaint.
struct SurveyView: Encodable, RowDecodable, Sendable {
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

    static let columns = "id, ticket_number, status, expires_at, created_at, answered_at, answer_channel, csat, nps, comment, complaint"

    /// Where a page of complaints ends: the last one's answer time and id, as `<microseconds>.<id>`.
    struct Cursor: Sendable {
        let answeredAt: Date
        let id: String

        init(_ view: SurveyView) {
            answeredAt = view.answeredAt ?? view.createdAt
            id = view.id
        }

        init?(_ text: String) {
            let parts = text.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let micros = Int64(parts[0]) else { return nil }
            answeredAt = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            id = String(parts[1])
        }

        var text: String { "\(Int64((answeredAt.timeIntervalSince1970 * 1_000_000).rounded())).\(id)" }
    }

    static func forTicket(_ number: String, on connection: PostgresConnection) throws -> [SurveyView] {
        try connection.query("SELECT \(columns) FROM survey.surveys WHERE ticket_number = $1", [number]).map(SurveyView.init)
    }

    static func complaints(after cursor: Cursor?, limit: Int, on connection: PostgresConnection) throws -> [SurveyView] {
        guard let cursor else {
            return try connection.query("""
                SELECT \(columns) FROM survey.surveys WHERE complaint ORDER BY answered_at DESC, id::text DESC LIMIT $1
                """, [limit]).map(SurveyView.init)
        }
        return try connection.query("""
            SELECT \(columns) FROM survey.surveys WHERE complaint AND (answered_at, id::text) < ($1, $2)
            ORDER BY answered_at DESC, id::text DESC LIMIT $3
            """, [cursor.answeredAt, cursor.id, limit]).map(SurveyView.init)
    }
}
