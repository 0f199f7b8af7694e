import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// How triage ended for a ticket dispatch already works: a person's decision sets its category,
/// priority, SLA class and complaint flag, and moves it to the team they chose; a ticket nobody
/// has accepted yet goes to whoever fits it best now. A timeout only changes the flag.
enum TriageOutcomeHandler {
    static func apply(_ triaged: TicketTriaged, in work: UnitOfWork) throws {
        guard let current = try work.query("""
            SELECT status, agent_id, team_id, category FROM dispatch.tickets WHERE number = $1 FOR UPDATE
            """, [triaged.ticketNumber]).first else { return }
        let status: String = try current.require("status")
        // A person may name a team that has since been retired: the ticket stays where it is.
        var triaged = triaged
        if let chosen = triaged.teamID, try OrganisationStore.team(chosen, on: work.connection).map({ $0.retiredAt == nil }) != true {
            triaged.teamID = nil
        }
        let team: String? = try current.decode("team_id")
        let category: String = try current.require("category")
        try work.query("""
            UPDATE dispatch.tickets SET triage = $2, category = $3, priority = $4, sla_class = $5, complaint = $6,
                team_id = coalesce($7, team_id)
            WHERE number = $1
            """, [triaged.ticketNumber, triaged.outcome.rawValue, triaged.category, triaged.priority.rawValue,
                  triaged.slaClass, triaged.complaint, triaged.teamID])
        let moved = triaged.teamID.map { $0 != team } ?? false
        guard triaged.outcome == .decided, moved || triaged.category != category,
              ["new", "queued", "assigned"].contains(status) else { return }
        if status == "assigned", let agentID: String = try current.decode("agent_id") {
            try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
            try work.query("SELECT nextval('dispatch.capacity_freed')")
        }
        try work.query("UPDATE dispatch.tickets SET status = 'new', agent_id = NULL, accept_due_at = NULL WHERE number = $1",
                       [triaged.ticketNumber])
        try Assigner.assign(triaged.ticketNumber, in: work)
    }
}
