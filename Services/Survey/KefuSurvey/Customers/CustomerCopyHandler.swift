import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// survey's copy of what it needs of customers (tier, phone for SMS answers, address and
/// language), and their products, from which inspections and revisits are scheduled. A ticket
/// opened for a visit is linked back to it here.
struct CustomerCopyHandler: MessageHandler {
    let configuration: SurveyConfiguration

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        switch delivery.type ?? delivery.routingKey {
        case TicketCreated.messageType:
            let ticket = try delivery.decode(TicketCreated.self)
            try save(ticket.customer, language: ticket.language, in: work)
            if ticket.submissionID.hasPrefix(VisitSweeper.submissionPrefix) {
                try work.query("UPDATE survey.visits SET ticket_number = $2 WHERE submission_id = $1",
                               [ticket.submissionID, ticket.ticketNumber])
            }
        case CustomerUpdated.messageType:
            let customer = try delivery.decode(CustomerUpdated.self).customer
            try save(customer, language: customer.preferences?.language, in: work)
        case CustomerErased.messageType:
            let erased = try delivery.decode(CustomerErased.self)
            try work.query("UPDATE survey.customers SET phone = NULL, email = NULL WHERE id = $1", [erased.customerID])
            try work.query("UPDATE survey.surveys SET phone = NULL, comment = NULL WHERE customer_id = $1", [erased.customerID])
            try work.query("""
                UPDATE survey.visits SET status = 'cancelled', cancelled_at = now() WHERE customer_id = $1 AND status = 'scheduled'
                """, [erased.customerID])
        case ProductRegistered.messageType:
            let product = try delivery.decode(ProductRegistered.self)
            try work.query("""
                INSERT INTO survey.customers (id, tier) VALUES ($1, $2)
                ON CONFLICT (id) DO UPDATE SET tier = excluded.tier, updated_at = now()
                """, [product.customerID, product.tier.rawValue])
            try VisitStore.schedule(for: product, configuration: configuration, today: Date(), in: work)
        case let other:
            throw PermanentFailure("survey.customers does not handle \(other) messages")
        }
    }

    private func save(_ customer: TicketCreated.Customer, language: String?, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO survey.customers (id, tier, phone, email, language) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET tier = excluded.tier, phone = coalesce(excluded.phone, customers.phone),
                email = coalesce(excluded.email, customers.email), language = coalesce(excluded.language, customers.language),
                updated_at = now()
            """, [customer.id, customer.tier.rawValue, customer.phone, customer.email, language])
    }
}
