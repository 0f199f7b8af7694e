import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// A low survey score: the ticket goes back into work and up to the team's supervisor, with the
/// customer's words kept as an internal note for whoever picks it up.
struct ComplaintHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let complaint = try delivery.decode(SurveyComplaint.self)
        let number = complaint.ticketNumber
        guard let row = try work.query("""
            SELECT status, channel, category, priority FROM dispatch.tickets WHERE number = $1 FOR UPDATE
            """, [number]).first else {
            throw PermanentFailure("a complaint about a ticket dispatch does not know")
        }
        let now = Date()
        let scores = [complaint.csat.map { "CSAT \($0)/5" }, complaint.nps.map { "NPS \($0)/10" }].compactMap { $0 }
        let text = "客户回访投诉 / survey complaint (\(scores.joined(separator: ", "))): " + (complaint.comment ?? "")
        try work.query("""
            INSERT INTO dispatch.notes (ticket_number, author, internal, text, written_at) VALUES ($1, 'survey', true, $2, $3)
            """, [number, text, now])
        if ["resolved", "closed"].contains(try row.require("status", as: String.self)) {
            try TicketWorkflow.reopen(number, at: now, in: work)
            try work.emit(.ticketReopened, subject: number, data: StatusEventData(
                ticketNumber: number, status: "reopened", channel: try row.require("channel"), category: try row.require("category"),
                priority: try row.require("priority"), occurredAt: now, complaint: true))
        }
        try Escalation.escalate(number, at: now, in: work)
    }
}
