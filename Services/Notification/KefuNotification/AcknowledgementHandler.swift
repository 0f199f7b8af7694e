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

        guard let contact = DeliveryLog.Contact(email: customer.email, phone: customer.phone) else { return }
        try DeliveryLog.deliver(DeliveryLog.Entry(
            eventID: delivery.messageID ?? "ticket.created:\(ticket.ticketNumber)", ticketNumber: ticket.ticketNumber,
            ticketChannel: ticket.channel.rawValue, purpose: "acknowledgement", contact: contact,
            text: Self.acknowledgement(ticket.ticketNumber, language: ticket.language)), logger: logger, in: work)
    }

    static func acknowledgement(_ number: String, language: String?) -> String {
        if language?.hasPrefix("zh") ?? true {
            return "您的服务请求已受理，工单号 \(number)。我们将在2小时内联系您。"
        }
        return "We have received your request. Your ticket number is \(number). We will contact you within 2 hours."
    }
}
