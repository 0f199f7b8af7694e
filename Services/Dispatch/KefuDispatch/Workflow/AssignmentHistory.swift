import Foundation
import KefuServiceKit
import KefuStorage

/// Every assignment of a ticket, with who was eligible, why that agent and the scores; and the
/// acceptances agents missed.
struct AssignmentHistory: Encodable, Sendable {
    struct Assignment: Codable, RowDecodable, Sendable {
        let agentID: String
        let assignedAt: Date
        let explanation: Assigner.Explanation
        enum CodingKeys: String, CodingKey {
            case explanation
            case agentID = "agent_id"
            case assignedAt = "assigned_at"
        }
    }

    struct Miss: Codable, RowDecodable, Sendable {
        let agentID: String
        let missedAt: Date
        enum CodingKeys: String, CodingKey {
            case agentID = "agent_id"
            case missedAt = "missed_at"
        }
    }

    let assignments: [Assignment]
    let missedAcceptances: [Miss]

    enum CodingKeys: String, CodingKey {
        case assignments
        case missedAcceptances = "missed_acceptances"
    }

    /// Nil when there is no such ticket; an empty history when it was never assigned.
    static func load(_ number: String, on connection: PostgresConnection) throws -> AssignmentHistory? {
        guard try DispatchTicket.load(number, on: connection) != nil else { return nil }
        return AssignmentHistory(
            assignments: try connection.query("""
                SELECT agent_id, assigned_at, explanation::text AS explanation FROM dispatch.assignments
                WHERE ticket_number = $1 ORDER BY id
                """, [number]).map(Assignment.init),
            missedAcceptances: try connection.query("""
                SELECT agent_id, missed_at FROM dispatch.accept_misses WHERE ticket_number = $1 ORDER BY id
                """, [number]).map(Miss.init))
    }
}
