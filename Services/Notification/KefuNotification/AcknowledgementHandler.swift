import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// A new ticket: keep the customer's contact points and acknowledge with the ticket number.
struct AcknowledgementHandler: MessageHandler {
    let logger: Logger

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

        // Email when there is an address, else SMS; a ticket with neither has nobody to tell.
        let (channel, recipient): (String, String)
        if let email = customer.email {
            (channel, recipient) = ("email", email)
        } else if let phone = customer.phone {
            (channel, recipient) = ("sms", phone)
        } else {
            return
        }
        let eventID = delivery.messageID ?? "ticket.created:\(ticket.ticketNumber)"
        let deliveryID = UUID()
        let now = Date()
        // Recorded before it is attempted; the unique key makes a repeat a no-op.
        let recorded = try work.query("""
            INSERT INTO notification.deliveries (id, idempotency_key, ticket_number, purpose, channel, recipient,
                                                 status, provider, created_at)
            VALUES ($1, $2, $3, 'acknowledgement', $4, $5, 'pending', 'log', $6)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, [deliveryID, "\(eventID)|\(recipient)|\(channel)", ticket.ticketNumber, channel, recipient, now])
            .affectedRows == 1
        guard recorded else { return }

        let text = Self.acknowledgement(ticket.ticketNumber, language: ticket.language)
        logger.info("notification (log transport)", metadata: [
            "delivery_id": "\(deliveryID)", "ticket_number": "\(ticket.ticketNumber)", "channel": "\(channel)",
            "text": "\(text)"])
        try work.query("""
            UPDATE notification.deliveries SET status = 'sent', sent_at = $2, provider_response = 'logged' WHERE id = $1
            """, [deliveryID, now])
        try work.emit(.notificationSent, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, channel: ticket.channel.rawValue, occurredAt: now,
            deliveryChannel: channel, deliveryID: deliveryID.uuidString.lowercased()))
    }

    static func acknowledgement(_ number: String, language: String?) -> String {
        if language?.hasPrefix("zh") ?? true {
            return "您的服务请求已受理，工单号 \(number)。我们将在2小时内联系您。"
        }
        return "We have received your request. Your ticket number is \(number). We will contact you within 2 hours."
    }
}
