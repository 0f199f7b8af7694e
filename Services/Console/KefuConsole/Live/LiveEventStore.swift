import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The live log: status events numbered in the order this service stored them (the stream's
/// `id`, so `Last-Event-ID` means the same on every replica), and who holds each ticket now.
enum LiveEventStore {
    /// Each event once, by its id; a redelivery changes nothing. Ids come from a sequence, which
    /// hands them out before commit: without the lock, two replicas' batches could commit out of
    /// id order and a stream that had read past the later id would never see the earlier one.
    static func insert(_ events: [StatusEvent], in work: UnitOfWork) throws {
        try work.query("SELECT pg_advisory_xact_lock(hashtext('console.live_events'))")
        try work.query("""
            INSERT INTO console.live_events (event_id, type, ticket_number, agent_id, team_id, status)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            ON CONFLICT (event_id) DO NOTHING
            """, [events.map(\.id), events.map(\.type), PostgresNullableArray(events.map { $0.data.ticketNumber ?? $0.subject }),
                  PostgresNullableArray(events.map(\.data.agentID)), PostgresNullableArray(events.map(\.data.teamID)),
                  PostgresNullableArray(events.map(\.data.status))])
    }

    /// Events can come late, so the newest change wins.
    static func setHolder(of number: String, agent: String?, team: String?, at time: Date, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO console.ticket_holders (ticket_number, agent_id, team_id, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (ticket_number) DO UPDATE SET agent_id = excluded.agent_id, team_id = excluded.team_id,
                updated_at = excluded.updated_at
            WHERE ticket_holders.updated_at <= excluded.updated_at
            """, [number, agent, team, time])
    }

    static func events(after id: Int64, limit: Int, on connection: PostgresConnection) throws -> [LiveEvent] {
        try connection.query("""
            SELECT e.id, e.type, e.ticket_number, e.agent_id, e.team_id, e.status, h.agent_id AS holder, e.received_at
            FROM console.live_events e LEFT JOIN console.ticket_holders h ON h.ticket_number = e.ticket_number
            WHERE e.id > $1 ORDER BY e.id LIMIT $2
            """, [id, limit]).decode(LiveEvent.self)
    }

    /// The newest warnings, breaches and escalations, newest first, for the floor. The condition
    /// is the partial index's (migration 101), so this reads only those rows.
    static func happenings(limit: Int, on connection: PostgresConnection) throws -> [LiveEvent] {
        try connection.query("""
            SELECT e.id, e.type, e.ticket_number, e.agent_id, e.team_id, e.status, h.agent_id AS holder, e.received_at
            FROM console.live_events e LEFT JOIN console.ticket_holders h ON h.ticket_number = e.ticket_number
            WHERE e.type IN ('kefu.ticket.sla_breached', 'kefu.ticket.escalated', 'kefu.ticket.sla_warning')
            ORDER BY e.id DESC LIMIT $1
            """, [limit]).decode(LiveEvent.self)
    }

    static func newestID(on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0) AS id FROM console.live_events").first?.require("id") ?? 0
    }

    static func forgetOldHolders(in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.ticket_holders WHERE updated_at < now() - interval '30 days'")
    }

    /// Older than a reconnecting browser could ask for.
    static func forget(olderThan seconds: TimeInterval, in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.live_events WHERE received_at < now() - make_interval(secs => $1)", [seconds])
    }
}
