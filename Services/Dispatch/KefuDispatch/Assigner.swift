import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import KefuMessaging

/// Least-loaded assignment: among on-duty agents under their open-ticket capacity and daily
/// cap, the one with the fewest open tickets, the longest idle breaking ties. Tickets nobody can
/// take wait in a queue ordered by priority, then resolution due time, then age.
enum Assigner {
    /// Assigns `number` if an agent has room; returns the agent's id, or nil when it waits.
    @discardableResult
    static func assign(_ number: String, in work: UnitOfWork) throws -> String? {
        let candidates = try work.query("""
            SELECT id, open_count FROM dispatch.agents
            WHERE on_duty AND open_count < max_open
              AND (assigned_day IS DISTINCT FROM current_date OR assigned_today < daily_cap)
            ORDER BY open_count, last_assigned_at NULLS FIRST, id
            FOR UPDATE
            """)
        guard let chosen = candidates.first else {
            try work.query("UPDATE dispatch.tickets SET status = 'queued', queued_at = coalesce(queued_at, now()) WHERE number = $1",
                           [number])
            return nil
        }
        let agentID: String = try chosen.require("id")
        let openCount: Int = try chosen.require("open_count")
        let now = Date()
        try work.query("""
            UPDATE dispatch.agents SET open_count = open_count + 1, last_assigned_at = $2,
                assigned_today = CASE WHEN assigned_day = current_date THEN assigned_today + 1 ELSE 1 END,
                assigned_day = current_date
            WHERE id = $1
            """, [agentID, now])
        let ticket = try work.query("""
            UPDATE dispatch.tickets SET status = 'assigned', agent_id = $2, assigned_at = $3
            WHERE number = $1
            RETURNING channel, category, priority, sla_class, first_response_due_at, resolution_due_at
            """, [number, agentID, now]).first!
        let explanation: [String: JSONValue] = [
            "rule": .string("least-loaded"),
            "eligible": .number(Double(candidates.count)),
            "chosen_open_tickets": .number(Double(openCount)),
        ]
        try work.query("INSERT INTO dispatch.assignments (ticket_number, agent_id, assigned_at, explanation) VALUES ($1, $2, $3, $4::jsonb)",
                       [number, agentID, now, String(decoding: try KefuJSON.encode(explanation), as: UTF8.self)])
        try work.emit(.ticketAssigned, subject: number, data: StatusEventData(
            ticketNumber: number, status: "assigned", channel: try ticket.require("channel"),
            category: try ticket.require("category"), priority: try ticket.require("priority"), agentID: agentID,
            slaClass: try ticket.require("sla_class"), firstResponseDueAt: try ticket.require("first_response_due_at"),
            resolutionDueAt: try ticket.require("resolution_due_at"), occurredAt: now))
        return agentID
    }

    /// Hands waiting tickets to agents with room, most urgent first; called whenever capacity frees up.
    static func drainQueue(in work: UnitOfWork) throws {
        let waiting = try work.query("""
            SELECT number FROM dispatch.tickets WHERE status = 'queued'
            ORDER BY priority, resolution_due_at, queued_at
            FOR UPDATE SKIP LOCKED LIMIT 500
            """)
        for row in waiting {
            guard try assign(try row.require("number"), in: work) != nil else { return }
        }
    }

    /// Service targets before business calendars arrive (issue 5): acknowledgement within 2 hours,
    /// complaints within 1 hour, resolution within 24 hours, in calendar time.
    static func dueTimes(for ticket: TicketClassified) -> (firstResponse: Date, resolution: Date) {
        let start = ticket.classifiedAt
        let firstResponse: TimeInterval = ticket.complaint ? 3600 : 2 * 3600
        return (start.addingTimeInterval(firstResponse), start.addingTimeInterval(24 * 3600))
    }
}

/// classification's decision arrives: record the ticket and assign it.
struct ClassifiedHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketClassified.self)
        let due = Assigner.dueTimes(for: ticket)
        let inserted = try work.query("""
            INSERT INTO dispatch.tickets (number, customer_id, channel, category, priority, sla_class, complaint, status,
                                          classified_at, first_response_due_at, resolution_due_at, triage)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10, $11)
            ON CONFLICT (number) DO NOTHING
            """, [ticket.ticketNumber, ticket.customerID, ticket.channel.rawValue, ticket.category,
                  ticket.priority.rawValue, ticket.slaClass, ticket.complaint, ticket.classifiedAt,
                  due.firstResponse, due.resolution, ticket.triage?.rawValue]).affectedRows == 1
        guard inserted else { return }
        try Assigner.assign(ticket.ticketNumber, in: work)
    }
}
