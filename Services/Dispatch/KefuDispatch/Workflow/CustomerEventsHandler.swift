import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// What intake hears from customers and dispatch must act on: a reply to a ticket waiting on the
/// customer resumes it; a follow-up that reopened a resolved ticket (a message with status
/// `reopened`) puts it back into work, announced as `kefu.ticket.reopened`. And survey's verdict:
/// a satisfied answer or an expired survey closes a resolved ticket; and knowledge's, a customer
/// who said a help-centre article solved the problem, which closes an open one.
struct CustomerEventsHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let event = try delivery.decode(StatusEvent.self)
        guard let number = event.data.ticketNumber ?? event.subject else { return }
        let now = Date()
        if event.type == StatusEventType.ticketClosed.rawValue, event.source.hasSuffix("/knowledge") {
            try TicketWorkflow.closeSelfServed(number, at: now, in: work)
            return
        }
        if event.type == StatusEventType.ticketClosed.rawValue {
            try work.query("UPDATE dispatch.tickets SET status = 'closed' WHERE number = $1 AND status = 'resolved'", [number])
            return
        }
        guard event.source.hasSuffix("intake") else { return }
        switch event.type {
        case StatusEventType.ticketMessageAdded.rawValue where event.data.status == "reopened":
            try reopen(number, at: now, in: work)
        case StatusEventType.ticketMessageAdded.rawValue where try resolvedBefore(number, event.data.occurredAt, in: work):
            // Intake took the message for a follow-up of an open ticket, not having heard yet of
            // the resolution just before it: the customer still needs us, so it reopens all the same.
            try reopen(number, at: now, in: work)
        case StatusEventType.ticketMessageAdded.rawValue:
            guard let row = try work.query("""
                UPDATE dispatch.tickets SET status = 'accepted', waiting_on = NULL
                WHERE number = $1 AND status = 'waiting' AND waiting_on = 'customer'
                RETURNING channel, category, priority, agent_id
                """, [number]).first else { return }
            try SLAClocks.resume(number, .resolution, at: now, in: work)
            try work.emit(.ticketResumed, subject: number, data: StatusEventData(
                ticketNumber: number, status: "accepted", channel: try row.require("channel"), category: try row.require("category"),
                priority: try row.require("priority"), agentID: try row.decode("agent_id"), occurredAt: now))
        default:
            return
        }
    }

    private func reopen(_ number: String, at now: Date, in work: UnitOfWork) throws {
        guard let row = try work.query("SELECT channel, category, priority FROM dispatch.tickets WHERE number = $1",
                                       [number]).first, try TicketWorkflow.reopen(number, at: now, in: work) else { return }
        try work.emit(.ticketReopened, subject: number, data: StatusEventData(
            ticketNumber: number, status: "reopened", channel: try row.require("channel"), category: try row.require("category"),
            priority: try row.require("priority"), occurredAt: now))
    }

    /// The ticket is resolved, and was so before the customer wrote.
    private func resolvedBefore(_ number: String, _ written: Date, in work: UnitOfWork) throws -> Bool {
        try work.query("SELECT 1 FROM dispatch.tickets WHERE number = $1 AND status = 'resolved' AND resolved_at < $2",
                       [number, written]).first != nil
    }
}
