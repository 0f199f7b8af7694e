import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// A new ticket: keep its customer's contact points and the ticket's facts, and acknowledge it
/// with the ticket number at once.
struct AcknowledgementHandler: MessageHandler {
    let planner: DeliveryPlanner

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketCreated.self)
        let customer = ticket.customer
        try work.query("""
            INSERT INTO notification.contacts (customer_id, name, phone, email, language)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (customer_id) DO UPDATE SET name = coalesce(excluded.name, contacts.name),
                phone = coalesce(excluded.phone, contacts.phone), email = coalesce(excluded.email, contacts.email),
                language = coalesce(excluded.language, contacts.language), updated_at = now()
            """, [customer.id, customer.name, customer.phone, customer.email, ticket.language])
        try work.query("""
            INSERT INTO notification.tickets (number, customer_id, channel, language, subject, created_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO NOTHING
            """, [ticket.ticketNumber, customer.id, ticket.channel.rawValue, ticket.language, ticket.subject, ticket.createdAt])
        guard let copy = try TicketCopy.load(ticket.ticketNumber, on: work.connection),
              let recipient = try Recipient.customer(customer.id, on: work.connection) else { return }
        try planner.record(copy.notice("acknowledgement", eventID: delivery.messageID ?? "ticket.created:\(ticket.ticketNumber)"),
                           to: recipient, in: work)
    }
}
