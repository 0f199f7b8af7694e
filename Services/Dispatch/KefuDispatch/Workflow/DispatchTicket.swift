import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A ticket as dispatch holds it.
struct DispatchTicket: Codable, Sendable {
    let number: String
    let status: String
    let category: String
    let priority: String
    let agentID: String?
    let firstResponseDueAt: Date
    let resolutionDueAt: Date
    /// `timed_out` when classification's triage gave up waiting for a person: the category is a guess.
    let triage: String?
    let waitingOn: String?
    let teamID: String?
    let level: Int
    let escalations: Int

    enum CodingKeys: String, CodingKey {
        case number, status, category, priority, triage, level, escalations
        case waitingOn = "waiting_on"
        case teamID = "team_id"
        case agentID = "agent_id"
        case firstResponseDueAt = "first_response_due_at"
        case resolutionDueAt = "resolution_due_at"
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> DispatchTicket? {
        try connection.query("""
            SELECT number, status, category, priority, agent_id, first_response_due_at, resolution_due_at, triage,
                   waiting_on, team_id, level, escalations
            FROM dispatch.tickets WHERE number = $1
            """, [number]).first.map { row in
            DispatchTicket(number: try row.require("number"), status: try row.require("status"),
                           category: try row.require("category"), priority: try row.require("priority"),
                           agentID: try row.decode("agent_id"), firstResponseDueAt: try row.require("first_response_due_at"),
                           resolutionDueAt: try row.require("resolution_due_at"), triage: try row.decode("triage"),
                           waitingOn: try row.decode("waiting_on"), teamID: try row.decode("team_id"), level: try row.require("level"),
                           escalations: try row.require("escalations"))
        }
    }
}
