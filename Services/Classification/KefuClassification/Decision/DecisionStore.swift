import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Decisions in classification's schema, and telling dispatch and monitoring tools about them.
enum DecisionStore {
    /// Stores the first decision for each ticket, in one statement; answers the ticket numbers
    /// that had none before (the others are redeliveries).
    static func insert(_ decisions: [Decision], for tickets: [TicketCreated], at now: Date, in work: UnitOfWork) throws -> Set<String> {
        let rows = try work.query("""
            INSERT INTO classification.decisions
                (ticket_number, category, priority, sla_class, language, complaint, explanation, decided_at, text, customer_id)
            SELECT n, c, p, s, l, x, e, $8, t, u
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[], $9::text[], $10::text[])
                AS d(n, c, p, s, l, x, e, t, u)
            ON CONFLICT (ticket_number) DO NOTHING
            RETURNING ticket_number
            """, [tickets.map(\.ticketNumber), decisions.map(\.category), decisions.map(\.priority.rawValue),
                  decisions.map(\.slaClass), decisions.map(\.language), decisions.map(\.complaint),
                  try decisions.map(json), now, tickets.map { TicketFacts($0).text }, tickets.map(\.customer.id)])
        return Set(try rows.map { try $0.require("ticket_number", as: String.self) })
    }

    static func update(_ decision: Decision, for number: String, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE classification.decisions SET category = $2, priority = $3, sla_class = $4, complaint = $5, explanation = $6::jsonb
            WHERE ticket_number = $1
            """, [number, decision.category, decision.priority.rawValue, decision.slaClass, decision.complaint, try json(decision)])
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> Decision? {
        try connection.query("SELECT explanation::text AS explanation FROM classification.decisions WHERE ticket_number = $1",
                             [number]).first.map {
            try $0.json("explanation", as: Decision.self)
        }
    }

    /// Hands the ticket to dispatch and tells monitoring tools it is classified.
    static func announce(_ decision: Decision, for ticket: TicketCreated, triage: TicketClassified.TriageOutcome?,
                         teamID: String? = nil, at now: Date, in work: UnitOfWork) throws {
        try work.send(TicketClassified(
            ticketNumber: ticket.ticketNumber, channel: ticket.channel, customerID: ticket.customer.id,
            customerTier: ticket.customer.tier, category: decision.category, priority: decision.priority,
            slaClass: decision.slaClass, language: decision.language, complaint: decision.complaint, triage: triage,
            productModel: ticket.product?.model, site: Coordinates(ticket.metadata?["site"]), teamID: teamID,
            classifiedAt: now),
            id: "ticket.classified:\(ticket.ticketNumber)")
        try work.emit(.ticketClassified, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, status: "classified", channel: ticket.channel.rawValue,
            category: decision.category, priority: decision.priority.rawValue, slaClass: decision.slaClass,
            occurredAt: now, complaint: decision.complaint))
    }

    /// Tells dispatch, which holds the ticket already, how triage ended, and monitoring tools
    /// that the ticket's classification is settled.
    static func announceTriaged(_ decision: Decision, for ticket: TicketCreated, outcome: TicketClassified.TriageOutcome,
                                teamID: String?, decidedBy: String?, at now: Date, in work: UnitOfWork) throws {
        try work.send(TicketTriaged(
            ticketNumber: ticket.ticketNumber, outcome: outcome, category: decision.category, priority: decision.priority,
            slaClass: decision.slaClass, complaint: decision.complaint, teamID: teamID, decidedBy: decidedBy, triagedAt: now),
            id: "ticket.triaged:\(ticket.ticketNumber)")
        try work.emit(.ticketClassified, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, status: "classified", channel: ticket.channel.rawValue,
            category: decision.category, priority: decision.priority.rawValue, slaClass: decision.slaClass,
            occurredAt: now, complaint: decision.complaint))
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try KefuJSON.encode(value), as: UTF8.self)
    }
}
