import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// Status events into the KPI facts: each event stored once by its id, then every ticket the
/// batch touched folded again from all of its events and written in one statement.
struct KPIEventHandler: BatchMessageHandler, IdempotentMessageHandler {
    func handle(batch: [Delivery], in work: UnitOfWork) throws {
        var ids: [String] = [], numbers: [String] = [], types: [String] = [], times: [Date] = [], bodies: [String] = []
        var customerSpoke: [(number: String, at: Date)] = []
        for delivery in batch {
            guard let event = try? delivery.decode(StatusEvent.self) else {
                throw PermanentFailure("not a status event")
            }
            guard let number = event.data.ticketNumber ?? event.subject, event.type.hasPrefix("kefu.ticket.")
                    || event.type.hasPrefix("kefu.survey.") else { continue }
            if event.type == StatusEventType.ticketReopened.rawValue || event.type == StatusEventType.ticketMessageAdded.rawValue {
                customerSpoke.append((number, event.data.occurredAt))
            }
            ids.append(event.id)
            numbers.append(number)
            types.append(event.type)
            times.append(event.data.occurredAt)
            bodies.append(String(decoding: try KefuJSON.encode(event.data), as: UTF8.self))
        }
        guard !ids.isEmpty else { return }
        try ReclosingStore.cancel(customerSpoke, in: work)
        try work.query("""
            INSERT INTO survey.kpi_events (event_id, ticket_number, type, occurred_at, data)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
            ON CONFLICT (event_id) DO NOTHING
            """, [ids, numbers, types, times, bodies])
        try Self.refold(Array(Set(numbers)), in: work)
    }

    static func refold(_ numbers: [String], in work: UnitOfWork) throws {
        var events: [String: [TicketFacts.Event]] = [:]
        for row in try work.query("""
            SELECT ticket_number, type, occurred_at, data::text AS data FROM survey.kpi_events WHERE ticket_number = ANY($1)
            """, [numbers]) {
            let data = try row.json("data", as: StatusEventData.self)
            events[try row.require("ticket_number"), default: []].append(
                TicketFacts.Event(type: try row.require("type"), occurredAt: try row.require("occurred_at"), data: data))
        }
        let facts = numbers.map { TicketFacts.fold($0, events[$0] ?? []) }
        func column<T: PostgresEncodable>(_ path: (TicketFacts) -> T?) -> PostgresNullableArray {
            PostgresNullableArray(facts.map { path($0)?.postgresText })
        }
        try work.query("""
            INSERT INTO survey.ticket_facts (ticket_number, created_at, channel, category, priority, team_id, agent_id, complaint,
                first_response_seconds, resolved_at, resolution_seconds, handle_seconds, reopened, transferred,
                first_response_met, resolution_met, resolution_due_at, overrun_seconds, surveyed, csat, nps)
            SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::boolean[], $9::float8[], $10::timestamptz[], $11::float8[], $12::float8[], $13::int[], $14::int[],
                $15::boolean[], $16::boolean[], $17::timestamptz[], $18::float8[], $19::boolean[], $20::int[], $21::int[])
            ON CONFLICT (ticket_number) DO UPDATE SET created_at = excluded.created_at, channel = excluded.channel,
                category = excluded.category, priority = excluded.priority, team_id = excluded.team_id,
                agent_id = excluded.agent_id, complaint = excluded.complaint,
                first_response_seconds = excluded.first_response_seconds, resolved_at = excluded.resolved_at,
                resolution_seconds = excluded.resolution_seconds, handle_seconds = excluded.handle_seconds,
                reopened = excluded.reopened, transferred = excluded.transferred,
                first_response_met = excluded.first_response_met, resolution_met = excluded.resolution_met,
                resolution_due_at = excluded.resolution_due_at, overrun_seconds = excluded.overrun_seconds,
                surveyed = excluded.surveyed, csat = excluded.csat, nps = excluded.nps
            """, [facts.map(\.number), column(\.createdAt), column(\.channel), column(\.category), column(\.priority),
                  column(\.teamID), column(\.agentID), facts.map(\.complaint), column(\.firstResponseSeconds),
                  column(\.resolvedAt), column(\.resolutionSeconds), column(\.handleSeconds), facts.map(\.reopened),
                  facts.map(\.transferred), column(\.firstResponseMet), column(\.resolutionMet), column(\.resolutionDueAt),
                  column(\.overrunSeconds), facts.map(\.surveyed), column(\.csat), column(\.nps)])
    }
}
