import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The agent's steps on a ticket. Each checks that the caller holds the ticket (unless they
/// supervise) and that it is in a state that allows the step, and emits the step's event.
enum TicketWorkflow {
    /// The ticket's row, locked, when `caller` may act on it: it is assigned to them, or they
    /// supervise. Anyone else gets a 403; a ticket nobody knows, a 404.
    static func held(_ number: String, by caller: AccessToken, in work: UnitOfWork) throws -> PostgresRow {
        guard let row = try work.query("""
            SELECT number, agent_id, customer_id, category, channel, priority, status, waiting_on
            FROM dispatch.tickets WHERE number = $1 FOR UPDATE
            """, [number]).first else { throw Problem.notFound("ticket \(number)") }
        let agentID: String? = try row.decode("agent_id")
        guard caller.allows(.supervise) || agentID == caller.subject else {
            throw Problem.forbidden("Not your ticket", detail: "\(number) is assigned to another agent")
        }
        return row
    }

    /// Moves a held ticket from one of `from` to `to`, with `extra` SET clauses, and emits `event`.
    @discardableResult
    static func move(_ number: String, by caller: AccessToken, from: [String], to: String, action: String,
                     extra: String = "", _ parameters: [(any PostgresEncodable)?] = [], event: StatusEventType,
                     waitingOn: String? = nil, handleSeconds: Double? = nil, at now: Date,
                     in work: UnitOfWork) throws -> PostgresRow {
        let row = try held(number, by: caller, in: work)
        let status: String = try row.require("status")
        guard from.contains(status) else {
            throw Problem.conflict("Ticket not in a state to \(action)",
                                   detail: "ticket is \(status); \(action) needs \(from.joined(separator: " or "))")
        }
        try work.query("UPDATE dispatch.tickets SET status = $2 \(extra) WHERE number = $1", [number, to] + parameters)
        try work.emit(event, subject: number, data: StatusEventData(
            ticketNumber: number, status: to, channel: try row.require("channel"), category: try row.require("category"),
            priority: try row.require("priority"), agentID: try row.decode("agent_id"), occurredAt: now,
            waitingOn: waitingOn, handleSeconds: handleSeconds))
        return row
    }

    static func accept(_ number: String, by caller: AccessToken, in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        try move(number, by: caller, from: ["assigned"], to: "accepted", action: "accept", extra: ", accepted_at = $3", [now],
                 event: .ticketAccepted, at: now, in: work)
        try SLAClocks.stop(number, [.firstResponse], at: now, in: work)
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// A note: internal, or a reply that notification sends to the customer (which is also a first response).
    static func note(_ number: String, text: String, isInternal: Bool, by caller: AccessToken, in work: UnitOfWork) throws {
        let row = try held(number, by: caller, in: work)
        let now = Date()
        try work.query("""
            INSERT INTO dispatch.notes (ticket_number, author, internal, text, written_at) VALUES ($1, $2, $3, $4, $5)
            """, [number, caller.subject, isInternal, text, now])
        if !isInternal {
            try work.send(TicketReplied(ticketNumber: number, customerID: try row.require("customer_id"), agentID: caller.subject,
                                        text: text, repliedAt: now), id: "ticket.replied:\(number):\(UUID().uuidString.lowercased())")
            try SLAClocks.stop(number, [.firstResponse], at: now, in: work)
        }
        try work.emit(.ticketNoteAdded, subject: number, data: StatusEventData(
            ticketNumber: number, channel: try row.require("channel"), category: try row.require("category"),
            priority: try row.require("priority"), agentID: caller.subject, occurredAt: now))
    }

    /// Waiting on the customer or on parts: the resolution clock stops until it resumes.
    static func wait(_ number: String, on reason: String, by caller: AccessToken, in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        try move(number, by: caller, from: ["accepted"], to: "waiting", action: "wait", extra: ", waiting_on = $3", [reason],
                 event: .ticketWaiting, waitingOn: reason, at: now, in: work)
        try SLAClocks.pause(number, .resolution, at: now, in: work)
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// The customer answered or the parts arrived: back to work, and the resolution clock runs on.
    static func resume(_ number: String, by caller: AccessToken, in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        try move(number, by: caller, from: ["waiting"], to: "accepted", action: "resume", extra: ", waiting_on = NULL",
                 event: .ticketResumed, at: now, in: work)
        try SLAClocks.resume(number, .resolution, at: now, in: work)
        return try DispatchTicket.load(number, on: work.connection)!
    }

    static func resolve(_ number: String, code: String?, summary: String?, by caller: AccessToken,
                        in work: UnitOfWork) throws -> DispatchTicket {
        let now = Date()
        let row = try move(number, by: caller, from: ["assigned", "accepted", "waiting"], to: "resolved", action: "resolve",
                           extra: ", resolved_at = $3, resolution_code = $4, resolution_summary = $5, waiting_on = NULL",
                           [now, code, summary], event: .ticketResolved,
                           handleSeconds: try handleSeconds(number, until: now, in: work), at: now, in: work)
        let agentID: String = try row.require("agent_id")
        try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
        try SLAClocks.stop(number, SLAClocks.Target.allCases, at: now, in: work)
        try work.send(TicketResolved(
            ticketNumber: number, customerID: try row.require("customer_id"), agentID: agentID, category: try row.require("category"),
            channel: Submission.Channel(rawValue: try row.require("channel")) ?? .api, resolution: summary ?? code, resolvedAt: now))
        // The agent has room again.
        try Assigner.drainQueue(in: work)
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// The customer said a suggested article solved the problem (docs/knowledge.md,
    /// "Deflection"): an open ticket closes as solved by self-service, the agent who held it has
    /// room again, and its clocks stop. A ticket resolved or closed already is left as it is.
    static func closeSelfServed(_ number: String, at now: Date, in work: UnitOfWork) throws {
        guard let row = try work.query("""
            SELECT status, agent_id FROM dispatch.tickets WHERE number = $1 FOR UPDATE
            """, [number]).first else { return }
        let status: String = try row.require("status")
        guard ["new", "queued", "assigned", "accepted", "waiting"].contains(status) else { return }
        try work.query("""
            UPDATE dispatch.tickets SET status = 'closed', resolved_at = $2, resolution_code = 'self_service', waiting_on = NULL,
                accept_due_at = NULL
            WHERE number = $1
            """, [number, now])
        if ["assigned", "accepted", "waiting"].contains(status), let agentID: String = try row.decode("agent_id") {
            try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [agentID])
        }
        try SLAClocks.stop(number, SLAClocks.Target.allCases, at: now, in: work)
        try Assigner.drainQueue(in: work)
    }

    /// Average handle time's part: from acceptance to now in the working time of the ticket's
    /// team (calendar time when the team has no calendar).
    static func handleSeconds(_ number: String, until now: Date, in work: UnitOfWork) throws -> Double? {
        guard let row = try work.query("""
            SELECT t.accepted_at, team.calendar_id FROM dispatch.tickets t LEFT JOIN dispatch.teams team ON team.id = t.team_id
            WHERE t.number = $1
            """, [number]).first, let accepted: Date = try row.decode("accepted_at") else { return nil }
        guard let calendarID: String = try row.decode("calendar_id"),
              let calendar = try OrganisationStore.calendars([calendarID], on: work.connection)[calendarID] else {
            return now.timeIntervalSince(accepted).rounded()
        }
        return calendar.businessSeconds(from: accepted, to: now).rounded()
    }

    /// An agent (or supervisor) takes a resolved or closed ticket back into work.
    static func reopen(_ number: String, by caller: AccessToken, in work: UnitOfWork) throws -> DispatchTicket {
        let row = try held(number, by: caller, in: work)
        guard ["resolved", "closed"].contains(try row.require("status", as: String.self)) else {
            throw Problem.conflict("Ticket not in a state to reopen", detail: "only a resolved or closed ticket reopens")
        }
        try reopen(number, at: Date(), in: work)
        try work.emit(.ticketReopened, subject: number, data: StatusEventData(
            ticketNumber: number, status: "reopened", channel: try row.require("channel"), category: try row.require("category"),
            priority: try row.require("priority"), agentID: caller.subject))
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// Back into work after a resolution: assigned again, with the resolution clock running on
    /// from where it stopped. False when the ticket was not resolved or closed.
    @discardableResult
    static func reopen(_ number: String, at now: Date, in work: UnitOfWork) throws -> Bool {
        guard try work.query("""
            UPDATE dispatch.tickets SET status = 'new', agent_id = NULL, resolved_at = NULL, accept_due_at = NULL
            WHERE number = $1 AND status IN ('resolved', 'closed')
            """, [number]).affectedRows == 1 else { return false }
        try SLAClocks.restart(number, .resolution, at: now, in: work)
        try Assigner.assign(number, in: work)
        return true
    }

    /// To a named agent (who must have room) or to a team (whose agents are then the eligible ones).
    static func transfer(_ number: String, toAgent agentID: String?, toTeam teamID: String?, reason: String,
                         by caller: AccessToken, in work: UnitOfWork) throws -> DispatchTicket {
        let row = try held(number, by: caller, in: work)
        let status: String = try row.require("status")
        guard ["assigned", "accepted", "waiting", "queued"].contains(status) else {
            throw Problem.conflict("Ticket not in a state to transfer", detail: "ticket is \(status)")
        }
        if let teamID, try OrganisationStore.team(teamID, on: work.connection).map({ $0.retiredAt == nil }) != true {
            throw Problem.invalid([FieldError(field: "/team_id", message: "is not a team in service")])
        }
        if let agentID, try OrganisationStore.agent(agentID, on: work.connection) == nil {
            throw Problem.invalid([FieldError(field: "/agent_id", message: "is not an agent")])
        }
        let previous: String? = try row.decode("agent_id")
        if let previous { try work.query("UPDATE dispatch.agents SET open_count = greatest(open_count - 1, 0) WHERE id = $1", [previous]) }
        let now = Date()
        try work.query("""
            UPDATE dispatch.tickets SET status = 'new', agent_id = NULL, accept_due_at = NULL, waiting_on = NULL,
                team_id = coalesce($2, team_id)
            WHERE number = $1
            """, [number, teamID])
        try work.query("""
            INSERT INTO dispatch.transfers (ticket_number, from_agent, to_agent, to_team, reason, by_agent, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [number, previous, agentID, teamID, reason, caller.subject, now])
        try work.emit(.ticketTransferred, subject: number, data: StatusEventData(
            ticketNumber: number, channel: try row.require("channel"), category: try row.require("category"),
            priority: try row.require("priority"), teamID: teamID, agentID: agentID, occurredAt: now))
        if let agentID {
            guard try Assigner.assignDirectly(number, to: agentID, reason: reason, in: work) else {
                throw Problem.conflict("Agent has no room", detail: "\(agentID) is off duty, at capacity or at the daily cap")
            }
        } else {
            try Assigner.assign(number, in: work)
        }
        if previous != nil { try Assigner.drainQueue(in: work) }
        return try DispatchTicket.load(number, on: work.connection)!
    }

    /// An agent says the ticket is of another category; classification learns from it.
    static func recategorise(_ number: String, to category: String, reason: String?, by caller: AccessToken,
                             in work: UnitOfWork) throws -> DispatchTicket {
        let row = try held(number, by: caller, in: work)
        let agentID: String? = try row.decode("agent_id")
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

}
