import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// An agent's reply from dispatch, to the customer on their channel.
struct ReplyHandler: MessageHandler {
    let logger: Logger

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let reply = try delivery.decode(TicketReplied.self)
        guard let row = try work.query("SELECT phone, email FROM notification.contacts WHERE customer_id = $1",
                                       [reply.customerID]).first,
              let contact = DeliveryLog.Contact(email: try row.decode("email"), phone: try row.decode("phone")) else {
            logger.warning("reply for a customer with no contact points", metadata: ["ticket_number": "\(reply.ticketNumber)"])
            return
        }
        try DeliveryLog.deliver(DeliveryLog.Entry(
            eventID: delivery.messageID ?? "ticket.replied:\(reply.ticketNumber)", ticketNumber: reply.ticketNumber,
            ticketChannel: nil, purpose: "reply", contact: contact, text: reply.text), logger: logger, in: work)
    }
}
