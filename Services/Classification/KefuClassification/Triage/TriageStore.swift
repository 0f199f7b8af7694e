import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Tickets waiting for a person to decide their category, oldest and most urgent first.
enum TriageStore {
    struct Waiting: Encodable, Sendable {
        let ticketNumber: String
        let priority: String
        let queuedAt: Date
        let dueAt: Date
        let subject: String?
        let body: String
        let channel: String
        let decision: Decision

        enum CodingKeys: String, CodingKey {
            case priority, subject, body, channel, decision
            case ticketNumber = "ticket_number"
            case queuedAt = "queued_at"
            case dueAt = "due_at"
        }
    }

    static func enqueue(_ ticket: TicketCreated, decision: Decision, timeout: Int, at now: Date, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO classification.triage (ticket_number, ticket, priority, queued_at, due_at)
            VALUES ($1, $2::jsonb, $3, $4::timestamptz, $4::timestamptz + make_interval(secs => $5::double precision))
            """, [ticket.ticketNumber, try DecisionStore.json(ticket), decision.priority.rawValue, now, Double(timeout)])
        try work.emit(.ticketTriageNeeded, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, status: "triage", channel: ticket.channel.rawValue,
            category: decision.category, priority: decision.priority.rawValue, occurredAt: now))
    }

    /// One page of the waiting tickets; `after` is the last ticket number of the previous page.
    static func waiting(limit: Int, after: String?, on connection: PostgresConnection) throws -> [Waiting] {
        try connection.query("""
            SELECT t.ticket_number, t.priority, t.queued_at, t.due_at, t.ticket::text AS ticket, d.explanation::text AS decision
            FROM classification.triage t JOIN classification.decisions d USING (ticket_number)
            WHERE t.left_at IS NULL AND ($2::text IS NULL OR (t.priority, t.queued_at, t.ticket_number) >
                  (SELECT priority, queued_at, ticket_number FROM classification.triage WHERE ticket_number = $2))
            ORDER BY t.priority, t.queued_at, t.ticket_number
            LIMIT $1
            """, [limit, after]).map { row in
            let ticket = try row.json("ticket", as: TicketCreated.self)
            return Waiting(ticketNumber: try row.require("ticket_number"), priority: try row.require("priority"),
                           queuedAt: try row.require("queued_at"), dueAt: try row.require("due_at"),
                           subject: ticket.subject, body: ticket.body, channel: ticket.channel.rawValue,
                           decision: try row.json("decision", as: Decision.self))
        }
    }

    enum Claim {
        case waiting(TicketCreated, Decision)
        case gone
        case unknown
    }

    /// Locks a waiting ticket for a person's decision.
    static func claim(_ number: String, in work: UnitOfWork) throws -> Claim {
        guard let row = try work.query("""
            SELECT t.left_at, t.ticket::text AS ticket, d.explanation::text AS decision
            FROM classification.triage t JOIN classification.decisions d USING (ticket_number)
            WHERE t.ticket_number = $1 FOR UPDATE OF t
            """, [number]).first else { return .unknown }
        guard try row.decode("left_at", as: Date.self) == nil else { return .gone }
        return .waiting(try row.json("ticket", as: TicketCreated.self),
                        try row.json("decision", as: Decision.self))
    }

    /// A person decided: the decision is stored, becomes a training example, and goes on to
    /// dispatch, which re-routes the ticket (to `teamID`, when the person named one).
    static func decide(_ ticket: TicketCreated, as decision: Decision, by person: String, teamID: String?, at now: Date,
                       in work: UnitOfWork) throws {
        try DecisionStore.update(decision, for: ticket.ticketNumber, in: work)
        try work.query("""
            UPDATE classification.triage SET left_at = $2, outcome = 'decided', decided_by = $3 WHERE ticket_number = $1
            """, [ticket.ticketNumber, now, person])
        try work.query("""
            INSERT INTO classification.training_examples (text, label, source, ticket_number) VALUES ($1, $2, 'triage', $3)
            """, [TicketFacts(ticket).text, decision.category, ticket.ticketNumber])
        try DecisionStore.announceTriaged(decision, for: ticket, outcome: .decided, teamID: teamID, decidedBy: person, at: now,
                                          in: work)
    }

    /// Takes out of the queue, keeping the best guess, tickets nobody decided in time; dispatch,
    /// which has them already, only changes their flag. Replicas skip each other's claimed rows,
    /// so each ticket leaves once.
    static func releaseOverdue(at now: Date, limit: Int = 100, in work: UnitOfWork) throws -> Int {
        let rows = try work.query("""
            SELECT t.ticket_number, t.ticket::text AS ticket, d.explanation::text AS decision
            FROM classification.triage t JOIN classification.decisions d USING (ticket_number)
            WHERE t.left_at IS NULL AND t.due_at <= $1
            ORDER BY t.due_at LIMIT $2
            FOR UPDATE OF t SKIP LOCKED
            """, [now, limit])
        for row in rows {
            let ticket = try row.json("ticket", as: TicketCreated.self)
            var decision = try row.json("decision", as: Decision.self)
            decision.triage?.outcome = .timedOut
            try DecisionStore.update(decision, for: ticket.ticketNumber, in: work)
            try work.query("UPDATE classification.triage SET left_at = $2, outcome = 'timed_out' WHERE ticket_number = $1",
                           [ticket.ticketNumber, now])
            try DecisionStore.announceTriaged(decision, for: ticket, outcome: .timedOut, teamID: nil, decidedBy: nil, at: now,
                                              in: work)
        }
        return rows.count
    }
}
