import Foundation
import KefuServiceKit
import KefuStorage

/// What notification remembers of a ticket to word its messages: whose it is, its language
/// and subject from `ticket.created`, and its priority and category from later status events.
struct TicketCopy: Sendable {
    let number: String
    let customerID: String
    let channel: String
    let language: String?
    let subject: String?
    let priority: String?
    let category: String?

    static func load(_ number: String, on connection: PostgresConnection) throws -> TicketCopy? {
        guard let row = try connection.query("""
            SELECT number, customer_id, channel, language, subject, priority, category FROM notification.tickets WHERE number = $1
            """, [number]).first else { return nil }
        return TicketCopy(number: try row.require("number"), customerID: try row.require("customer_id"),
                          channel: try row.require("channel"), language: try row.decode("language"),
                          subject: try row.decode("subject"), priority: try row.decode("priority"),
                          category: try row.decode("category"))
    }

    func notice(_ event: String, eventID: String) -> Notice {
        Notice(eventID: eventID, event: event, ticketNumber: number, ticketChannel: channel, priority: priority,
               language: language, values: ["ticket_subject": subject ?? "", "priority": priority ?? "",
                                            "category": category ?? ""])
    }
}
