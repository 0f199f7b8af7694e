import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A ticket as dispatch holds it.
struct DispatchTicket: Codable, Sendable {
    let number: String
    let status: String
    let category: String
    let priority: String
    let agentID: String?
    let firstResponseDueAt: Date
    let resolutionDueAt: Date
    /// `timed_out` when classification's triage gave up waiting for a person: the category is a guess.
    let triage: String?

    enum CodingKeys: String, CodingKey {
        case number, status, category, priority, triage
        case agentID = "agent_id"
        case firstResponseDueAt = "first_response_due_at"
        case resolutionDueAt = "resolution_due_at"
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> DispatchTicket? {
        try connection.query("""
            SELECT number, status, category, priority, agent_id, first_response_due_at, resolution_due_at, triage
            FROM dispatch.tickets WHERE number = $1
            """, [number]).first.map { row in
            DispatchTicket(number: try row.require("number"), status: try row.require("status"),
                           category: try row.require("category"), priority: try row.require("priority"),
                           agentID: try row.decode("agent_id"), firstResponseDueAt: try row.require("first_response_due_at"),
                           resolutionDueAt: try row.require("resolution_due_at"), triage: try row.decode("triage"))
        }
    }
}

/// The agent's steps on a ticket. Each checks the ticket is in a state that allows it.
enum TicketWorkflow {
    static func accept(_ number: String, in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        guard let row = try work.query("""
            UPDATE dispatch.tickets SET status = 'accepted', accepted_at = $2
            WHERE number = $1 AND status = 'assigned'
            RETURNING agent_id, channel, category, priority
            """, [number, now]).first else {
            throw try conflict(number, action: "accept", allowed: "assigned", in: work)
        }
        try work.emit(.ticketAccepted, subject: number, data: StatusEventData(
            ticketNumber: number, status: "accepted", channel: try row.require("channel"),
            category: try row.require("category"), priority: try row.require("priority"),
            agentID: try row.decode("agent_id"), occurredAt: now))
        return try DispatchTicket.load(number, on: work.connection)!
    }

    static func resolve(_ number: String, resolution: String?, in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        guard let row = try work.query("""
            UPDATE dispatch.tickets SET status = 'resolved', resolved_at = $2
            WHERE number = $1 AND status IN ('assigned', 'accepted')
            RETURNING agent_id, customer_id, channel, category, priority
            """, [number, now]).first else {
            throw try conflict(number, action: "resolve", allowed: "assigned or accepted", in: work)
        }
        let agentID: String = try row.require("agent_id")
        try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
        let channel: String = try row.require("channel")
        let category: String = try row.require("category")
        try work.send(TicketResolved(
            ticketNumber: number, customerID: try row.require("customer_id"), agentID: agentID, category: category,
            channel: Submission.Channel(rawValue: channel) ?? .api, resolution: resolution, resolvedAt: now))
        try work.emit(.ticketResolved, subject: number, data: StatusEventData(
            ticketNumber: number, status: "resolved", channel: channel, category: category,
            priority: try row.require("priority"), agentID: agentID, occurredAt: now))
        // The agent has room again.
        try Assigner.drainQueue(in: work)
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// An agent says the ticket is of another category; classification learns from it.
    static func recategorise(_ number: String, to category: String, reason: String?, by caller: AccessToken,
                             in work: UnitOfWork) throws -> DispatchTicket {
        guard let row = try work.query("""
            SELECT agent_id, category, channel, priority, status FROM dispatch.tickets WHERE number = $1 FOR UPDATE
            """, [number]).first else { throw Problem.notFound("ticket \(number)") }
        let agentID: String? = try row.decode("agent_id")
        guard caller.allows(.admin) || agentID == caller.subject else {
            throw Problem.forbidden("Not your ticket", detail: "\(number) is assigned to another agent")
        }
        let previous: String = try row.require("category")
        guard previous != category else { return try DispatchTicket.load(number, on: work.connection)! }
        let now = Date()
        try work.query("UPDATE dispatch.tickets SET category = $2 WHERE number = $1", [number, category])
        try work.query("""
            INSERT INTO dispatch.recategorisations (ticket_number, agent_id, previous_category, category, reason, at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [number, caller.subject, previous, category, reason, now])
        try work.send(TicketRecategorised(ticketNumber: number, category: category, previousCategory: previous,
                                          agentID: caller.subject, reason: reason, recategorisedAt: now),
                      id: "ticket.recategorised:\(number):\(UUID().uuidString.lowercased())")
        try work.emit(.ticketRecategorised, subject: number, data: StatusEventData(
            ticketNumber: number, status: try row.require("status"), channel: try row.require("channel"), category: category,
            priority: try row.require("priority"), agentID: agentID, occurredAt: now))
        return try DispatchTicket.load(number, on: work.connection)!
    }

    private static func conflict(_ number: String, action: String, allowed: String, in work: UnitOfWork) throws -> Problem {
        guard let current = try DispatchTicket.load(number, on: work.connection) else {
            return Problem.notFound("ticket \(number)")
        }
        return Problem.conflict("Ticket not in a state to \(action)",
                                detail: "ticket is \(current.status); \(action) needs \(allowed)")
    }
}
