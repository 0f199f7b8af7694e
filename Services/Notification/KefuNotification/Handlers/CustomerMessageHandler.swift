import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// Messages for a ticket's customer from other services: an agent's reply and resolution from
/// dispatch, and any template another service asks for (survey's invitation).
struct CustomerMessageHandler: MessageHandler {
    let planner: DeliveryPlanner

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let eventID = delivery.messageID ?? UUID().uuidString.lowercased()
        let number: String, customerID: String
        var notice: (TicketCopy) -> Notice
        switch delivery.type ?? delivery.routingKey {
        case TicketReplied.messageType:
            let reply = try delivery.decode(TicketReplied.self)
            (number, customerID) = (reply.ticketNumber, reply.customerID)
            let agent = try Recipient.staff(reply.agentID, on: work.connection)?.name
            notice = { copy in
                var notice = copy.notice("reply", eventID: eventID)
                notice.values["reply_text"] = reply.text
                notice.values["agent_name"] = agent ?? ""
                return notice
            }
        case TicketResolved.messageType:
            let resolved = try delivery.decode(TicketResolved.self)
            (number, customerID) = (resolved.ticketNumber, resolved.customerID)
            notice = { copy in
                var notice = copy.notice("resolved", eventID: eventID)
                notice.values["resolution"] = resolved.resolution ?? ""
                return notice
            }
        case NotificationRequested.messageType:
            let request = try delivery.decode(NotificationRequested.self)
            guard TemplateKey.customerEvents.contains(request.template) else {
                throw PermanentFailure("no customer template named \(request.template)")
            }
            if let channel = request.channel, !ContactPreferences.channels.contains(channel) {
                throw PermanentFailure("channel must be email or sms")
            }
            (number, customerID) = (request.ticketNumber, request.customerID)
            notice = { copy in
                var notice = copy.notice(request.template, eventID: eventID)
                notice.values.merge(request.values) { _, requested in requested }
                notice.channel = request.channel
                return notice
            }
        case let other:
            throw PermanentFailure("notification.customer-messages does not handle \(other) messages")
        }
        // Until ticket.created has come, notification knows neither the ticket nor, for a new
        // customer, how to reach them: the message waits for it (ParkedMessages).
        guard let copy = try TicketCopy.load(number, on: work.connection),
              let recipient = try Recipient.customer(customerID, on: work.connection) else {
            planner.logger.info("message waits for its ticket", metadata: ["ticket_number": "\(number)"])
            try ParkedMessages.park(delivery, ticketNumber: number, customerID: customerID, in: work)
            return
        }
        try planner.record(notice(copy), to: recipient, in: work)
    }
}
