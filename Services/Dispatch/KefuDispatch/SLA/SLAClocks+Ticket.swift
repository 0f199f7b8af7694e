import Foundation
import KefuServiceKit
import KefuStorage

/// One ticket's clocks as an agent watches them (`GET /v1/tickets/{number}/clocks`).
extension SLAClocks {
    struct TicketClock: Codable, Sendable {
        let target: String
        let targetSeconds: Double
        /// Time used so far, in the clock's own kind of time (business time under a calendar).
        let elapsedSeconds: Double
        /// When it falls due while it runs; nil while paused or once stopped.
        let dueAt: Date?
        let paused: Bool
        let stopped: Bool
        let breached: Bool

        enum CodingKeys: String, CodingKey {
            case target, paused, stopped, breached
            case targetSeconds = "target_seconds"
            case elapsedSeconds = "elapsed_seconds"
            case dueAt = "due_at"
        }
    }

    /// First response, resolution and on-site, in that order; nil when the ticket is unknown.
    static func clocks(of number: String, at now: Date = Date(), on connection: PostgresConnection) throws -> [TicketClock]? {
        guard try connection.query("SELECT 1 FROM dispatch.tickets WHERE number = $1", [number]).count > 0 else { return nil }
        let rows = try connection.query("""
            SELECT \(clockColumns), c.stopped_at IS NOT NULL AS stopped
            FROM dispatch.sla_clocks c LEFT JOIN dispatch.calendars cal ON cal.id = c.calendar_id
            WHERE c.ticket_number = $1
            ORDER BY array_position(ARRAY['first_response', 'resolution', 'on_site'], c.target)
            """, [number])
        return try rows.map { row in
            let clock = try Clock(row)
            let stopped: Bool = try row.require("stopped")
            return TicketClock(target: clock.target, targetSeconds: clock.targetSeconds, elapsedSeconds: clock.elapsed(at: now),
                               dueAt: stopped || clock.runningSince == nil ? nil : clock.dueAt,
                               paused: !stopped && clock.runningSince == nil, stopped: stopped, breached: clock.breached)
        }
    }
}
