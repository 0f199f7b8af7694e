import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// A new ticket: keep its customer's contact points and the ticket's facts, and acknowledge it
/// with the ticket number and a promise of when the customer will hear from us.
///
/// The promise is the ticket's own first-response target, which dispatch knows once
/// classification has decided the ticket (`ticket.scheduled`, with the language classification
/// detected, for a submission that named none). Whichever of the two messages comes second sends
/// the acknowledgement; if the targets are slow to come, `AcknowledgementSweeper` sends it without
/// a time after `KEFU_ACK_WAIT_SECONDS`.
struct AcknowledgementHandler: MessageHandler {
    let planner: DeliveryPlanner

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let number: String
        if (delivery.type ?? delivery.routingKey) == TicketSuggestions.messageType {
            let suggestions = try delivery.decode(TicketSuggestions.self)
            number = suggestions.ticketNumber
            try work.query("""
                INSERT INTO notification.ticket_suggestions (ticket_number, articles) VALUES ($1, $2::jsonb)
                ON CONFLICT (ticket_number) DO NOTHING
                """, [number, String(decoding: try KefuJSON.encode(suggestions.publicArticles), as: UTF8.self)])
        } else if (delivery.type ?? delivery.routingKey) == TicketScheduled.messageType {
            let scheduled = try delivery.decode(TicketScheduled.self)
            number = scheduled.ticketNumber
            try work.query("""
                INSERT INTO notification.ticket_schedules (ticket_number, language, first_response_due_at) VALUES ($1, $2, $3)
                ON CONFLICT (ticket_number) DO NOTHING
                """, [scheduled.ticketNumber, scheduled.language, scheduled.firstResponseDueAt])
            try work.query("UPDATE notification.tickets SET priority = coalesce(priority, $2) WHERE number = $1",
                           [scheduled.ticketNumber, scheduled.priority.rawValue])
        } else {
            let ticket = try delivery.decode(TicketCreated.self)
            number = ticket.ticketNumber
            try remember(ticket, in: work)
            try ParkedMessages.release(ticketNumber: number, handler: CustomerMessageHandler(planner: planner), in: work)
        }
        try Self.acknowledge(number, waitForTargets: true, planner: planner, in: work)
    }

    private func remember(_ ticket: TicketCreated, in work: UnitOfWork) throws {
        let customer = ticket.customer
        try work.query("""
            INSERT INTO notification.contacts (customer_id, name, phone, email, language)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (customer_id) DO UPDATE SET name = coalesce(excluded.name, contacts.name),
                phone = coalesce(excluded.phone, contacts.phone), email = coalesce(excluded.email, contacts.email),
                language = coalesce(excluded.language, contacts.language), updated_at = now()
            """, [customer.id, customer.name, customer.phone, customer.email, ticket.language])
        try work.query("""
            INSERT INTO notification.tickets (number, customer_id, channel, language, subject, created_at, ack_due_at)
            VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
            ON CONFLICT (number) DO NOTHING
            """, [ticket.ticketNumber, customer.id, ticket.channel.rawValue, ticket.language, ticket.subject, ticket.createdAt,
                  planner.configuration.acknowledgementWait])
    }

    /// Sends the acknowledgement once: with the promise when the targets are known (and with the
    /// suggested articles when `KEFU_ACK_SUGGESTIONS` asks for them); without, when
    /// `waitForTargets` is off (the wait is over). The delivery's key is the ticket's, so
    /// the two ways of sending it can never both do so.
    static func acknowledge(_ number: String, waitForTargets: Bool, planner: DeliveryPlanner, in work: UnitOfWork) throws {
        guard let row = try work.query("""
            SELECT t.acknowledged_at IS NOT NULL AS done, s.language AS detected, s.first_response_due_at,
                   a.articles::text AS articles
            FROM notification.tickets t LEFT JOIN notification.ticket_schedules s ON s.ticket_number = t.number
                LEFT JOIN notification.ticket_suggestions a ON a.ticket_number = t.number
            WHERE t.number = $1 FOR UPDATE OF t
            """, [number]).first, try !row.require("done", as: Bool.self) else { return }
        let due: Date? = try row.decode("first_response_due_at")
        let articles: String? = try row.decode("articles")
        let awaitsArticles = !planner.configuration.acknowledgementSuggestions.isEmpty && articles == nil
        guard (due != nil && !awaitsArticles) || !waitForTargets else { return }
        // A submission that named no language is answered in the one classification detected.
        if let detected: String = try row.decode("detected") {
            try work.query("UPDATE notification.tickets SET language = coalesce(language, $2) WHERE number = $1", [number, detected])
        }
        try work.query("UPDATE notification.tickets SET acknowledged_at = now() WHERE number = $1", [number])
        guard let copy = try TicketCopy.load(number, on: work.connection),
              let recipient = try Recipient.customer(copy.customerID, on: work.connection) else { return }
        var notice = copy.notice("acknowledgement", eventID: "acknowledgement:\(number)")
        if let due { notice.times["first_response_due"] = due }
        notice.promise = due.map { .by($0) } ?? .soon
        if let articles { notice.articles = try KefuJSON.decode([TicketSuggestions.Article].self, from: Array(articles.utf8)) }
        try planner.record(notice, to: recipient, in: work)
    }
}
