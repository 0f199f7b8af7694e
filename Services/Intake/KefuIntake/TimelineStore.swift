import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The status timeline of each ticket, fed by the status events every service emits.
enum TimelineStore {
    /// Records an event once (by its id) and moves the ticket's status when the event is newer
    /// than the status it holds, so late or repeated events never move a ticket backwards.
    static func record(_ event: StatusEvent, in work: UnitOfWork) throws {
        guard let number = event.data.ticketNumber ?? event.subject else { return }
        let inserted = try work.query("""
            INSERT INTO intake.ticket_timeline (ticket_number, event_id, event_type, source, status, occurred_at, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
            ON CONFLICT (event_id) DO NOTHING
            """, [number, event.id, event.type, event.source, event.data.status, event.data.occurredAt,
                  String(decoding: try KefuJSON.encode(event.data), as: UTF8.self)]).affectedRows == 1
        guard inserted, event.type.hasPrefix("kefu.ticket."), let status = event.data.status else { return }
        try work.query("""
            UPDATE intake.tickets
            SET status = $2, status_changed_at = $3, updated_at = now(),
                category = coalesce($4, category), priority = coalesce($5, priority), agent_id = coalesce($6, agent_id)
            WHERE number = $1 AND status_changed_at <= $3
            """, [number, status, event.data.occurredAt, event.data.category, event.data.priority, event.data.agentID])
    }
}

/// A ticket as `GET /v1/tickets/{number}` shows it.
struct TicketView: Codable, Sendable {
    struct TimelineEntry: Codable, Sendable {
        let type: String
        let source: String
        let status: String?
        let occurredAt: Date

        enum CodingKeys: String, CodingKey {
            case type, source, status
            case occurredAt = "occurred_at"
        }
    }

    let number: String
    let status: String
    let channel: String
    let subject: String?
    let category: String?
    let priority: String?
    let agentID: String?
    let customerID: String
    let submissionID: String
    let createdAt: Date
    let updatedAt: Date
    let timeline: [TimelineEntry]

    enum CodingKeys: String, CodingKey {
        case number, status, channel, subject, category, priority, timeline
        case agentID = "agent_id"
        case customerID = "customer_id"
        case submissionID = "submission_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> TicketView? {
        guard let row = try connection.query("""
            SELECT number, status, channel, subject, category, priority, agent_id, customer_id::text AS customer_id,
                   submission_id, created_at, updated_at
            FROM intake.tickets WHERE number = $1
            """, [number]).first else { return nil }
        let timeline = try connection.query("""
            SELECT event_type, source, status, occurred_at FROM intake.ticket_timeline
            WHERE ticket_number = $1 ORDER BY occurred_at, id
            """, [number]).map { entry in
            TimelineEntry(type: try entry.require("event_type"), source: try entry.require("source"),
                          status: try entry.decode("status"), occurredAt: try entry.require("occurred_at"))
        }
        return TicketView(
            number: try row.require("number"), status: try row.require("status"), channel: try row.require("channel"),
            subject: try row.decode("subject"), category: try row.decode("category"),
            priority: try row.decode("priority"), agentID: try row.decode("agent_id"),
            customerID: try row.require("customer_id"), submissionID: try row.require("submission_id"),
            createdAt: try row.require("created_at"), updatedAt: try row.require("updated_at"), timeline: timeline)
    }
}
