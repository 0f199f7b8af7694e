import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The status timeline of each ticket, fed by the status events every service emits.
enum TimelineStore {
    /// Records events once each (by id) and moves each ticket's status to its newest event, if
    /// that is newer than the status it holds, so late or repeated events never move a ticket
    /// backwards. One statement for the whole batch.
    static func record(_ events: [StatusEvent], in work: UnitOfWork) throws {
        let events = events.filter { ($0.data.ticketNumber ?? $0.subject) != nil }
        guard !events.isEmpty else { return }
        try work.query("""
            WITH inserted AS (
                INSERT INTO intake.ticket_timeline (ticket_number, event_id, event_type, source, status, occurred_at, data)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                     $6::timestamptz[], $7::jsonb[])
                ON CONFLICT (event_id) DO NOTHING
                RETURNING ticket_number, event_type, status, occurred_at, data
            ), newest AS (
                SELECT ticket_number, max(occurred_at) AS occurred_at,
                       (array_agg(status ORDER BY occurred_at DESC))[1] AS status,
                       (array_agg(data->>'category' ORDER BY occurred_at DESC)
                            FILTER (WHERE data->>'category' IS NOT NULL))[1] AS category,
                       (array_agg(data->>'priority' ORDER BY occurred_at DESC)
                            FILTER (WHERE data->>'priority' IS NOT NULL))[1] AS priority,
                       (array_agg(data->>'agent_id' ORDER BY occurred_at DESC)
                            FILTER (WHERE data->>'agent_id' IS NOT NULL))[1] AS agent_id
                FROM inserted WHERE event_type LIKE 'kefu.ticket.%' AND status IS NOT NULL
                GROUP BY ticket_number
            )
            UPDATE intake.tickets t
            SET status = n.status, status_changed_at = n.occurred_at, updated_at = now(),
                category = coalesce(n.category, t.category), priority = coalesce(n.priority, t.priority),
                agent_id = coalesce(n.agent_id, t.agent_id)
            FROM newest n
            WHERE t.number = n.ticket_number AND t.status_changed_at <= n.occurred_at
            """, [
                events.map { $0.data.ticketNumber ?? $0.subject! },
                events.map(\.id),
                events.map(\.type),
                events.map(\.source),
                PostgresNullableArray(events.map(\.data.status)),
                events.map(\.data.occurredAt),
                try events.map { String(decoding: try KefuJSON.encode($0.data), as: UTF8.self) },
            ])
    }
}
