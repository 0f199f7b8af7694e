import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Tickets resolved again after their survey: they close after a quiet period, unless the
/// customer writes again (which reopens them, and calls the close off) before it ends.
enum ReclosingStore {
    /// Called for a resolution whose ticket already has a survey. While that survey still waits
    /// for its answer, its expiry closes the ticket; otherwise the quiet period starts now.
    static func schedule(_ ticket: TicketResolved, at now: Date, after quiet: TimeInterval, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO survey.reclosings (ticket_number, channel, category, resolved_at, close_at)
            SELECT $1, $2, $3, $6, $4::timestamptz + make_interval(secs => $5::float8)
            WHERE EXISTS (SELECT 1 FROM survey.surveys WHERE ticket_number = $1 AND status <> 'sent')
              AND NOT EXISTS (SELECT 1 FROM survey.customer_activity WHERE ticket_number = $1 AND last_at > $6)
            ON CONFLICT (ticket_number) DO UPDATE SET resolved_at = excluded.resolved_at, close_at = excluded.close_at,
                closed_at = NULL
            """, [ticket.ticketNumber, ticket.channel.rawValue, ticket.category, now, quiet, ticket.resolvedAt])
    }

    /// The customer wrote again, or the ticket was reopened, after the resolution the close was
    /// planned for: no close is due any more. (Events come on another queue than resolutions, so
    /// an older one arriving late must not call off a newer close, and one arriving before its
    /// resolution's message is remembered, so that the close is never planned.)
    static func cancel(_ activity: [(number: String, at: Date)], in work: UnitOfWork) throws {
        guard !activity.isEmpty else { return }
        try work.query("""
            INSERT INTO survey.customer_activity (ticket_number, last_at)
            SELECT number, max(at) FROM unnest($1::text[], $2::timestamptz[]) AS a(number, at) GROUP BY number
            ON CONFLICT (ticket_number) DO UPDATE SET last_at = greatest(customer_activity.last_at, excluded.last_at)
            """, [activity.map(\.number), activity.map(\.at)])
        try work.query("""
            DELETE FROM survey.reclosings r USING unnest($1::text[], $2::timestamptz[]) AS a(number, at)
            WHERE r.ticket_number = a.number AND a.at > r.resolved_at AND r.closed_at IS NULL
            """, [activity.map(\.number), activity.map(\.at)])
    }

    /// Closes what is due, as a satisfied answer would: `ticket.closed`, which intake and
    /// dispatch follow. Replicas skip each other's rows.
    static func closeDue(at now: Date, limit: Int = 200, in work: UnitOfWork) throws -> Int {
        let due = try work.query("""
            UPDATE survey.reclosings SET closed_at = $1
            WHERE ticket_number IN (SELECT ticket_number FROM survey.reclosings WHERE closed_at IS NULL AND close_at <= $1
                                    ORDER BY close_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING ticket_number, channel, category
            """, [now, limit])
        for row in due {
            let number: String = try row.require("ticket_number")
            try work.emit(.ticketClosed, subject: number, data: StatusEventData(
                ticketNumber: number, status: "closed", channel: try row.decode("channel"), category: try row.decode("category"),
                occurredAt: now))
        }
        return due.count
    }
}
