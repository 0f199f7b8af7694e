import Foundation
import KefuContracts
import KefuStorage

/// A ticket as `GET /v1/tickets/{number}` shows it: the record, its messages, its customer and
/// its status timeline.
struct TicketView: Codable, Sendable {
    struct Message: Codable, Sendable {
        let channel: String
        let subject: String?
        let body: String
        let attachments: [Submission.Attachment]?
        let receivedAt: Date

        enum CodingKeys: String, CodingKey {
            case channel, subject, body, attachments
            case receivedAt = "received_at"
        }
    }

    struct CustomerSummary: Codable, Sendable {
        let id: String
        let name: String?
        let tier: String
    }

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
    let customer: CustomerSummary
    let submissionID: String
    let linkedTicket: String?
    let createdAt: Date
    let updatedAt: Date
    let messages: [Message]
    let timeline: [TimelineEntry]

    enum CodingKeys: String, CodingKey {
        case number, status, channel, subject, category, priority, customer, messages, timeline
        case agentID = "agent_id"
        case submissionID = "submission_id"
        case linkedTicket = "linked_ticket"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The ticket, if it exists and, when `integrator` is given, was submitted by that integrator.
    static func load(_ number: String, integrator: String? = nil, on connection: PostgresConnection) throws -> TicketView? {
        guard let row = try connection.query("""
            SELECT t.number, t.status, t.channel, t.subject, t.category, t.priority, t.agent_id,
                   t.customer_id::text AS customer_id, c.name AS customer_name, c.tier AS customer_tier,
                   t.submission_id, t.linked_ticket, t.created_at, t.updated_at
            FROM intake.tickets t JOIN intake.customers c ON c.id = t.customer_id
            WHERE t.number = $1 AND ($2::text IS NULL OR t.integrator = $2)
            """, [number, integrator]).first else { return nil }
        let messages = try connection.query("""
            SELECT channel, subject, body, attachments::text AS attachments, received_at
            FROM intake.ticket_messages WHERE ticket_number = $1 ORDER BY id
            """, [number]).map { message in
            Message(channel: try message.require("channel"), subject: try message.decode("subject"),
                    body: try message.require("body"),
                    attachments: try (message.decode("attachments") as String?).map {
                        try KefuJSON.decode([Submission.Attachment].self, from: Array($0.utf8))
                    },
                    receivedAt: try message.require("received_at"))
        }
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
            customer: CustomerSummary(id: try row.require("customer_id"), name: try row.decode("customer_name"),
                                      tier: try row.require("customer_tier")),
            submissionID: try row.require("submission_id"), linkedTicket: try row.decode("linked_ticket"),
            createdAt: try row.require("created_at"), updatedAt: try row.require("updated_at"),
            messages: messages, timeline: timeline)
    }
}
