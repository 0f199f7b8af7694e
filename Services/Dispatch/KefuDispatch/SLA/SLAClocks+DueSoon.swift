import Foundation
import KefuServiceKit
import KefuStorage

/// The running clocks near breach, as supervisors watch them.
extension SLAClocks {
    struct DueSoon: Codable, RowDecodable, Sendable {
        let ticketNumber: String
        let target: String
        let targetSeconds: Double
        let dueAt: Date
        /// When the clock passes the warning share of its target (the floor turns it amber then).
        let warnAt: Date?
        let agentID: String?
        let teamID: String?
        let warned: Bool
        let breached: Bool

        enum CodingKeys: String, CodingKey {
            case target, warned, breached
            case ticketNumber = "ticket_number"
            case targetSeconds = "target_seconds"
            case dueAt = "due_at"
            case warnAt = "warn_at"
            case agentID = "agent_id"
            case teamID = "team_id"
        }
    }

    private static let dueSoonColumns = """
        c.ticket_number, c.target, c.target_seconds, c.due_at, c.warn_at, c.warned_at IS NOT NULL AS warned,
        c.breached_at IS NOT NULL AS breached, t.agent_id, t.team_id
        """

    /// Running clocks not yet breached that fall due within `seconds`, soonest first, at most 500;
    /// with `breachedWithin`, also the running clocks that breached in that many seconds, newest
    /// breach first, at most 100 (the floor shows breaches as they happen).
    static func dueSoon(within seconds: Double, breachedWithin: Double? = nil, on connection: PostgresConnection) throws -> [DueSoon] {
        var clocks = try connection.query("""
            SELECT \(dueSoonColumns)
            FROM dispatch.sla_clocks c JOIN dispatch.tickets t ON t.number = c.ticket_number
            WHERE c.stopped_at IS NULL AND c.running_since IS NOT NULL AND c.breached_at IS NULL
              AND c.due_at <= now() + make_interval(secs => $1::float8)
            ORDER BY c.due_at LIMIT 500
            """, [seconds]).map(DueSoon.init)
        if let breachedWithin {
            clocks += try connection.query("""
                SELECT \(dueSoonColumns)
                FROM dispatch.sla_clocks c JOIN dispatch.tickets t ON t.number = c.ticket_number
                WHERE c.stopped_at IS NULL AND c.breached_at > now() - make_interval(secs => $1::float8)
                ORDER BY c.breached_at DESC LIMIT 100
                """, [breachedWithin]).map(DueSoon.init)
        }
        return clocks
    }
}
