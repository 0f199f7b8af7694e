import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Logging

/// Every delivery is recorded before it is attempted, keyed by event id + recipient + channel so
/// that a redelivered event never sends twice, then handed to the transport. This first version's
/// transport writes the message to the service log; SMTP, SMS and webhooks are issue 6.
enum DeliveryLog {
    /// How to reach someone: email when there is an address, else SMS.
    struct Contact {
        let channel: String
        let recipient: String

        init?(email: String?, phone: String?) {
            if let email {
                (channel, recipient) = ("email", email)
            } else if let phone {
                (channel, recipient) = ("sms", phone)
            } else {
                return nil
            }
        }
    }

    struct Entry {
        let eventID: String
        let ticketNumber: String
        let ticketChannel: String?
        let purpose: String
        let contact: Contact
        let text: String
    }

    static func deliver(_ delivery: Entry, logger: Logger, in work: UnitOfWork) throws {
        let deliveryID = UUID()
        let now = Date()
        let contact = delivery.contact
        let recorded = try work.query("""
            INSERT INTO notification.deliveries (id, idempotency_key, ticket_number, purpose, channel, recipient,
                                                 status, provider, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', 'log', $7)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, [deliveryID, "\(delivery.eventID)|\(contact.recipient)|\(contact.channel)", delivery.ticketNumber, delivery.purpose,
                  contact.channel, contact.recipient, now]).affectedRows == 1
        guard recorded else { return }
        logger.info("notification (log transport)", metadata: [
            "delivery_id": "\(deliveryID)", "ticket_number": "\(delivery.ticketNumber)", "channel": "\(contact.channel)",
            "purpose": "\(delivery.purpose)", "text": "\(delivery.text)"])
        try work.query("""
            UPDATE notification.deliveries SET status = 'sent', sent_at = $2, provider_response = 'logged' WHERE id = $1
            """, [deliveryID, now])
        try work.emit(.notificationSent, subject: delivery.ticketNumber, data: StatusEventData(
            ticketNumber: delivery.ticketNumber, channel: delivery.ticketChannel, occurredAt: now,
            deliveryChannel: contact.channel, deliveryID: deliveryID.uuidString.lowercased()))
    }
}
