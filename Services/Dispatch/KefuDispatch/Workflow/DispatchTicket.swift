import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A ticket as dispatch holds it.
struct DispatchTicket: Codable, RowDecodable, Sendable {
    let number: String
    let status: String
    let channel: String
    let category: String
    let priority: String
    let agentID: String?
    let firstResponseDueAt: Date
    let resolutionDueAt: Date
    /// Set when the ticket went through classification's triage: `pending` while it waits for a
    /// person (the category is a guess), `decided`, or `timed_out` when nobody decided in time.
    let triage: String?
    let waitingOn: String?
    let teamID: String?
    let level: Int
    let escalations: Int
    /// While the resolution clock is paused (waiting): the time it has left, which is not running
    /// down, so that `resolution_due_at` (the due time before the pause) is not taken for it.
    let resolutionLeftSeconds: Double?
    /// Since when it has waited for an agent with room, while queued.
    let queuedAt: Date?

    enum CodingKeys: String, CodingKey {
        case number, status, channel, category, priority, triage, level, escalations
        case queuedAt = "queued_at"
        case waitingOn = "waiting_on"
        case teamID = "team_id"
        case agentID = "agent_id"
        case resolutionLeftSeconds = "resolution_left_seconds"
        case firstResponseDueAt = "first_response_due_at"
        case resolutionDueAt = "resolution_due_at"
    }

    static let columns = """
        number, status, channel, category, priority, agent_id, first_response_due_at, resolution_due_at, triage,
        waiting_on, team_id, level, escalations, CASE WHEN status = 'queued' THEN queued_at END AS queued_at,
        (SELECT c.target_seconds - c.consumed_seconds FROM dispatch.sla_clocks c
         WHERE c.ticket_number = number AND c.target = 'resolution' AND c.running_since IS NULL AND c.stopped_at IS NULL)
            AS resolution_left_seconds
        """

    static func load(_ number: String, on connection: PostgresConnection) throws -> DispatchTicket? {
        try connection.query("SELECT \(columns) FROM dispatch.tickets WHERE number = $1", [number]).first.map(DispatchTicket.init)
    }

    /// An agent's lists (`GET /v1/queue?view=`).
    enum QueueView: String, CaseIterable, Sendable {
        /// What the agent has in hand: assigned, accepted or waiting.
        case mine
        /// Of those, the ones waiting on the customer or on parts.
        case waiting
        /// The open tickets of the agent's team: waiting for an agent, or held by one.
        case team
    }

    static func queue(of agentID: String, view: QueueView = .mine, on connection: PostgresConnection) throws -> [DispatchTicket] {
        switch view {
        case .mine: try list(where: "agent_id = $1 AND status IN ('assigned', 'accepted', 'waiting')", [agentID], on: connection)
        case .waiting: try list(where: "agent_id = $1 AND status = 'waiting'", [agentID], on: connection)
        case .team:
            try list(where: """
                team_id = (SELECT team_id FROM dispatch.agents WHERE id = $1)
                AND status IN ('queued', 'assigned', 'accepted', 'waiting')
                """, [agentID], on: connection)
        }
    }

    /// Every ticket, or those of one agent, or in one status.
    static func list(agent: String?, status: String?, on connection: PostgresConnection) throws -> [DispatchTicket] {
        try list(where: "($1::text IS NULL OR agent_id = $1) AND ($2::text IS NULL OR status = $2)", [agent, status], on: connection)
    }

    /// Most urgent first, at most 500.
    private static func list(where condition: String, _ parameters: [(any PostgresEncodable)?],
                             on connection: PostgresConnection) throws -> [DispatchTicket] {
        try connection.query("""
            SELECT \(columns) FROM dispatch.tickets WHERE \(condition)
            ORDER BY priority, resolution_due_at LIMIT 500
            """, parameters).map(DispatchTicket.init)
    }

    /// One team's open tickets, for the floor.
    struct TeamQueue: Codable, RowDecodable, Sendable {
        let teamID: String?
        let queued: Int
        let oldestQueuedAt: Date?
        let held: Int

        enum CodingKeys: String, CodingKey {
            case queued, held
            case teamID = "team_id"
            case oldestQueuedAt = "oldest_queued_at"
        }
    }

    static func teamQueues(on connection: PostgresConnection) throws -> [TeamQueue] {
        try connection.query("""
            SELECT team_id, count(*) FILTER (WHERE status = 'queued')::int AS queued,
                   min(queued_at) FILTER (WHERE status = 'queued') AS oldest_queued_at,
                   count(*) FILTER (WHERE status <> 'queued')::int AS held
            FROM dispatch.tickets WHERE status IN ('queued', 'assigned', 'accepted', 'waiting')
            GROUP BY team_id ORDER BY team_id NULLS LAST
            """).map(TeamQueue.init)
    }
}
