import Foundation
import KefuServiceKit

/// One status event as the live stream shows it: what happened to which ticket, and whose it is.
/// Never a body, a subject or a contact detail; the page fetches what it shows, escaped, from
/// the console, which asks the services in the person's name.
struct LiveEvent: Codable, RowDecodable, Sendable {
    let id: Int64
    let type: String
    let ticketNumber: String?
    let agentID: String?
    let teamID: String?
    let status: String?
    /// Whose the ticket is now, by the events so far.
    let holder: String?
    let receivedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, type, status, holder
        case ticketNumber = "ticket_number"
        case agentID = "agent_id"
        case teamID = "team_id"
        case receivedAt = "received_at"
    }

    /// Supervisors and admins see every ticket's events; an agent sees those of their own
    /// tickets, of their team's queue and of triage, as dispatch's and classification's APIs
    /// would list them for that agent.
    func isVisible(to account: StaffAccount, team: String?) -> Bool {
        if account.role.supervises { return true }
        if type == "kefu.ticket.triage_needed" { return true }
        let me = account.subject
        return agentID == me || holder == me || (team != nil && teamID == team)
    }

    /// The frame carries what the page needs, not when this replica stored it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(ticketNumber, forKey: .ticketNumber)
        try container.encodeIfPresent(agentID, forKey: .agentID)
        try container.encodeIfPresent(teamID, forKey: .teamID)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(holder, forKey: .holder)
    }

    /// The stream's frame: `id`, then the event as JSON on one line.
    var frame: String {
        let data = (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(id)\nevent: ticket\ndata: \(data)\n\n"
    }
}
