import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// Customer messages that arrived before their ticket. Each queue is consumed on its own, so
/// survey's invitation or an agent's reply can overtake the `ticket.created` that tells
/// notification who the customer is and how to reach them. Such a message waits here, and goes
/// out in the same transaction that records the ticket; one whose ticket never comes is given
/// up after `retention`, with a `kefu.notification.failed` event that says why.
enum ParkedMessages {
    static let retention: TimeInterval = 24 * 3600

    static func park(_ delivery: Delivery, ticketNumber: String, customerID: String, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO notification.parked_messages (ticket_number, customer_id, routing_key, type, message_id, body)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [ticketNumber, customerID, delivery.routingKey, delivery.type, delivery.messageID, Data(delivery.body)])
    }

    /// Plans what waited for `ticketNumber`, now that its copy and customer are known.
    static func release(ticketNumber: String, handler: CustomerMessageHandler, in work: UnitOfWork) throws {
        let rows = try work.query("""
            SELECT routing_key, type, message_id, body FROM notification.parked_messages WHERE ticket_number = $1
            ORDER BY id FOR UPDATE
            """, [ticketNumber])
        guard rows.count > 0 else { return }
        try work.query("DELETE FROM notification.parked_messages WHERE ticket_number = $1", [ticketNumber])
        for row in rows {
            let delivery = Delivery(deliveryTag: 0, exchange: KefuExchange.work, routingKey: try row.require("routing_key"),
                                    body: Array(try row.require("body", as: Data.self)), messageID: try row.decode("message_id"), type: try row.decode("type"))
            try handler.handle(delivery, in: work)
        }
    }

    /// An erased customer's waiting messages go with them.
    static func forget(customerID: String, in work: UnitOfWork) throws {
        try work.query("DELETE FROM notification.parked_messages WHERE customer_id = $1", [customerID])
    }

    /// Gives up on messages whose ticket never came; how many.
    static func giveUpOld(in work: UnitOfWork) throws -> Int {
        let rows = try work.query("""
            DELETE FROM notification.parked_messages WHERE id IN (
                SELECT id FROM notification.parked_messages WHERE parked_at < now() - make_interval(secs => $1)
                ORDER BY parked_at LIMIT 100 FOR UPDATE SKIP LOCKED)
            RETURNING ticket_number, routing_key
            """, [retention])
        for row in rows {
            let number: String = try row.require("ticket_number")
            try work.emit(.notificationFailed, subject: number, data: StatusEventData(
                ticketNumber: number, occurredAt: Date(),
                reasons: [FieldError(field: try row.require("routing_key"),
                                     message: "notification never learned of this ticket or its customer")]))
        }
        return rows.count
    }
}
