import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// What a breach sets off. The first tells the supervisor of the ticket's team and offers the
/// ticket to them; each further breach moves the ticket up a level, station → branch →
/// headquarters, where it is assigned again unless an agent is already working on it.
enum Escalation {
    static func escalate(_ number: String, at now: Date, in work: UnitOfWork) throws {
        guard let ticket = try work.query("""
            SELECT t.escalations, t.level, t.status, t.agent_id, t.channel, t.category, t.priority,
                   coalesce(a.team_id, t.team_id, 'hq') AS team_id
            FROM dispatch.tickets t LEFT JOIN dispatch.agents a ON a.id = t.agent_id
            WHERE t.number = $1 FOR UPDATE OF t
            """, [number]).first, let team = try OrganisationStore.team(try ticket.require("team_id"), on: work.connection) else { return }
        let escalations = try ticket.require("escalations", as: Int.self) + 1
        var notified = team
        if escalations == 1 {
            try work.query("UPDATE dispatch.tickets SET escalations = 1, offered_to = $2 WHERE number = $1", [number, team.supervisorID])
        } else {
            let parent = try team.parentID.flatMap { try OrganisationStore.team($0, on: work.connection) } ?? team
            notified = parent
            try work.query("""
                UPDATE dispatch.tickets SET escalations = $2, level = least(level + 1, 2), team_id = $3, offered_to = $4
                WHERE number = $1
                """, [number, escalations, parent.id, parent.supervisorID])
            // Not yet in anyone's hands: it goes to someone at the new level.
            let status: String = try ticket.require("status")
            if status == "assigned" || status == "queued" {
                if let agentID: String = try ticket.decode("agent_id") {
                    try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
                }
                try work.query("UPDATE dispatch.tickets SET status = 'new', agent_id = NULL, accept_due_at = NULL WHERE number = $1",
                               [number])
                try Assigner.assign(number, in: work)
            }
        }
        try work.emit(.ticketEscalated, subject: number, data: StatusEventData(
            ticketNumber: number, channel: try ticket.require("channel"), category: try ticket.require("category"),
            priority: try ticket.require("priority"), teamID: notified.id, agentID: notified.supervisorID, occurredAt: now,
            escalationLevel: escalations))
    }
}
