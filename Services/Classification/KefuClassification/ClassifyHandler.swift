import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// Decides each new ticket: on to dispatch when the decision is sure, to triage when it is not.
/// A batch is stored in one statement; the decision is keyed by ticket number, so a redelivered
/// ticket changes nothing and the inbox is not needed.
struct ClassifyHandler: BatchMessageHandler, IdempotentMessageHandler {
    let state: ClassifierState

    func handle(batch: [Delivery], in work: UnitOfWork) throws {
        let tickets = try batch.map { try $0.decode(TicketCreated.self) }
        let decider = state.decider
        let decisions = tickets.map { decider.decide(TicketFacts($0)) }
        let now = Date()
        let inserted = try DecisionStore.insert(decisions, for: tickets, at: now, in: work)
        for (ticket, decision) in zip(tickets, decisions) where inserted.contains(ticket.ticketNumber) {
            if decision.triage != nil {
                // A person decides later; meanwhile the ticket is worked, flagged, in the triage team.
                let settings = decider.policy.settings
                try TriageStore.enqueue(ticket, decision: decision, timeout: settings.triageTimeoutSeconds, at: now, in: work)
                try DecisionStore.announce(decision, for: ticket, triage: .pending, teamID: settings.triageTeamID, at: now,
                                           in: work)
            } else {
                try DecisionStore.announce(decision, for: ticket, triage: nil, at: now, in: work)
            }
        }
    }
}

/// What people teach classification after the fact: an agent's recategorisation becomes a
/// training example; an erased customer's texts are forgotten, examples drawn from them included.
struct FeedbackHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        switch delivery.type ?? delivery.routingKey {
        case TicketRecategorised.messageType:
            let correction = try delivery.decode(TicketRecategorised.self)
            let corrected: PostgresRow? = try work.query("""
                UPDATE classification.decisions SET corrected_category = $2, corrected_at = $3
                WHERE ticket_number = $1 RETURNING text
                """, [correction.ticketNumber, correction.category, correction.recategorisedAt]).first
            guard let text: String = try corrected?.decode("text") else { return }
            // dispatch cannot check categories against the taxonomy; one it does not hold is not learned.
            guard try work.query("SELECT 1 FROM classification.categories WHERE id = $1 AND NOT coalesce((body->>'retired')::boolean, false)",
                                 [correction.category]).count == 1 else { return }
            try work.query("""
                INSERT INTO classification.training_examples (text, label, source, ticket_number) VALUES ($1, $2, 'correction', $3)
                """, [text, correction.category, correction.ticketNumber])
        case CustomerErased.messageType:
            let erased = try delivery.decode(CustomerErased.self)
            try work.query("""
                WITH forgotten AS (
                    UPDATE classification.decisions SET text = NULL WHERE customer_id = $1 RETURNING ticket_number
                ), examples AS (
                    DELETE FROM classification.training_examples WHERE ticket_number IN (SELECT ticket_number FROM forgotten)
                )
                UPDATE classification.triage SET ticket = ticket || '{"subject": null, "body": "[erased]"}'::jsonb
                WHERE ticket_number IN (SELECT ticket_number FROM forgotten)
                """, [erased.customerID])
        case let other:
            throw PermanentFailure("classification.feedback does not handle \(other) messages")
        }
    }
}
