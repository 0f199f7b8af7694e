import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// classification's decision arrives: record the ticket and assign it. Later, for a ticket that
/// went through triage, how triage ended.
struct ClassifiedHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        if (delivery.type ?? delivery.routingKey) == TicketTriaged.messageType {
            return try TriageOutcomeHandler.apply(try delivery.decode(TicketTriaged.self), in: work)
        }
        let ticket = try delivery.decode(TicketClassified.self)
        // Until the clocks say otherwise (no policy matches, say): the seed documents' defaults.
        let placeholder = Assigner.dueTimes(for: ticket)
        let inserted = try work.query("""
            INSERT INTO dispatch.tickets (number, customer_id, channel, category, priority, sla_class, complaint, status,
                                          classified_at, first_response_due_at, resolution_due_at, triage, customer_tier,
                                          language, product_model, site_latitude, site_longitude, team_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (number) DO NOTHING
            """, [ticket.ticketNumber, ticket.customerID, ticket.channel.rawValue, ticket.category,
                  ticket.priority.rawValue, ticket.slaClass, ticket.complaint, ticket.classifiedAt,
                  placeholder.firstResponse, placeholder.resolution, ticket.triage?.rawValue, ticket.customerTier.rawValue,
                  ticket.language, ticket.productModel, ticket.site?.latitude, ticket.site?.longitude, ticket.teamID]).affectedRows == 1
        guard inserted else { return }
        let due = try SLAClocks.start(SLAClocks.TicketFacts(
            number: ticket.ticketNumber, category: ticket.category, priority: ticket.priority.rawValue,
            tier: ticket.customerTier.rawValue, complaint: ticket.complaint, onSite: ticket.site != nil, teamID: ticket.teamID),
            at: ticket.classifiedAt, in: work)
        let firstResponse = due[.firstResponse] ?? placeholder.firstResponse
        let resolution = due[.resolution] ?? placeholder.resolution
        if due[.firstResponse] != nil, due[.resolution] != nil {
            try work.query("UPDATE dispatch.tickets SET first_response_due_at = $2, resolution_due_at = $3 WHERE number = $1",
                           [ticket.ticketNumber, firstResponse, resolution])
        }
        // What the customer's acknowledgement promises.
        try work.send(TicketScheduled(ticketNumber: ticket.ticketNumber, language: ticket.language, priority: ticket.priority,
                                      complaint: ticket.complaint, firstResponseDueAt: firstResponse, resolutionDueAt: resolution,
                                      scheduledAt: Date()),
                      id: "ticket.scheduled:\(ticket.ticketNumber)")
        try Assigner.assign(ticket.ticketNumber, in: work)
    }
}
