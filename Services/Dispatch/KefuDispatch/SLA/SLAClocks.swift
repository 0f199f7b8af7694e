import Foundation
import Metrics
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The SLA clocks of each ticket, in the database so that they survive restarts. A clock counts
/// its target in business time on a calendar, or in calendar time without one. It runs from
/// `running_since`; pausing banks the time used so far in `consumed_seconds`, and resuming starts
/// a new running period with the due times moved on by the pause.
enum SLAClocks {
    enum Target: String, CaseIterable {
        case firstResponse = "first_response"
        case resolution
        case onSite = "on_site"
    }

    struct TicketFacts {
        let number: String
        let category: String
        let priority: String
        let tier: String
        let complaint: Bool
        let onSite: Bool
        let teamID: String?
    }

    /// Starts the clocks of a new ticket under the policy that fits it best; answers its due times.
    static func start(_ ticket: TicketFacts, at start: Date, in work: UnitOfWork) throws -> [Target: Date] {
        let policies = try SLAPolicyStore.all(on: work.connection)
        guard let policy = policies.filter({ $0.matches(category: ticket.category, priority: ticket.priority, tier: ticket.tier,
                                                        complaint: ticket.complaint) })
            .max(by: { ($0.specificity, -($0.id ?? 0)) < ($1.specificity, -($1.id ?? 0)) }) else { return [:] }
        let calendar = policy.businessTime ? try teamCalendar(ticket.teamID, on: work.connection) : nil
        let share = try OrganisationStore.settings(on: work.connection).warningShare
        var targets: [(Target, Double)] = [(.firstResponse, policy.firstResponseMinutes), (.resolution, policy.resolutionMinutes)]
        if ticket.onSite, let onSite = policy.onSiteMinutes { targets.append((.onSite, onSite)) }
        var due: [Target: Date] = [:]
        for (target, minutes) in targets {
            let seconds = minutes * 60
            due[target] = moment(after: seconds, from: start, on: calendar)
            try work.query("""
                INSERT INTO dispatch.sla_clocks (ticket_number, target, policy_id, target_seconds, calendar_id, running_since,
                                                 warn_at, due_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
                """, [ticket.number, target.rawValue, policy.id, seconds, calendar?.id, start,
                      moment(after: seconds * share, from: start, on: calendar), due[target]])
        }
        return due
    }

    static func moment(after seconds: Double, from start: Date, on calendar: BusinessCalendar?) -> Date {
        calendar?.adding(seconds, to: start) ?? start.addingTimeInterval(seconds)
    }

    static func teamCalendar(_ teamID: String?, on connection: PostgresConnection) throws -> BusinessCalendar? {
        try connection.query("""
            SELECT c.body::text AS body FROM dispatch.teams t JOIN dispatch.calendars c ON c.id = t.calendar_id WHERE t.id = $1
            """, [teamID ?? "hq"]).first?.json("body")
    }

    /// Stops a clock: the target was met, or missed, but it is over. The time used is banked, so
    /// that a reopened ticket's clock runs on from it.
    static func stop(_ number: String, _ targets: [Target], at now: Date, in work: UnitOfWork) throws {
        for target in targets {
            for clock in try running(number, target, in: work) {
                try work.query("""
                    UPDATE dispatch.sla_clocks SET consumed_seconds = $3, running_since = NULL WHERE ticket_number = $1 AND target = $2
                    """, [number, target.rawValue, clock.elapsed(at: now)])
            }
        }
        try work.query("""
            UPDATE dispatch.sla_clocks SET stopped_at = $3 WHERE ticket_number = $1 AND target = ANY($2::text[]) AND stopped_at IS NULL
            """, [number, targets.map(\.rawValue), now])
    }

    /// Banks the time used and stops counting, while the ticket waits on the customer or on parts.
    static func pause(_ number: String, _ target: Target, at now: Date, in work: UnitOfWork) throws {
        for clock in try running(number, target, in: work) {
            try work.query("""
                UPDATE dispatch.sla_clocks SET consumed_seconds = $3, running_since = NULL, paused_at = $4
                WHERE ticket_number = $1 AND target = $2
                """, [number, target.rawValue, clock.elapsed(at: now), now])
        }
    }

    /// A stopped clock counts again (the ticket was reopened), from the time it had used.
    static func restart(_ number: String, _ target: Target, at now: Date, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE dispatch.sla_clocks SET stopped_at = NULL, running_since = NULL
            WHERE ticket_number = $1 AND target = $2 AND stopped_at IS NOT NULL
            """, [number, target.rawValue])
        try resume(number, target, at: now, in: work)
    }

    /// Counts again from now, with the due times moved on by the pause.
    static func resume(_ number: String, _ target: Target, at now: Date, in work: UnitOfWork) throws {
        guard let row = try work.query("""
            SELECT c.target_seconds, c.consumed_seconds, c.warned_at, cal.body::text AS calendar
            FROM dispatch.sla_clocks c LEFT JOIN dispatch.calendars cal ON cal.id = c.calendar_id
            WHERE c.ticket_number = $1 AND c.target = $2 AND c.running_since IS NULL AND c.stopped_at IS NULL
            FOR UPDATE OF c
            """, [number, target.rawValue]).first else { return }
        let calendar: BusinessCalendar? = try row.decode("calendar", as: String.self) != nil ? try row.json("calendar") : nil
        let targetSeconds: Double = try row.require("target_seconds")
        let consumed: Double = try row.require("consumed_seconds")
        let share = try OrganisationStore.settings(on: work.connection).warningShare
        try work.query("""
            UPDATE dispatch.sla_clocks SET running_since = $3, paused_at = NULL, due_at = $4, warn_at = $5
            WHERE ticket_number = $1 AND target = $2
            """, [number, target.rawValue, now, moment(after: max(0, targetSeconds - consumed), from: now, on: calendar),
                  moment(after: max(0, targetSeconds * share - consumed), from: now, on: calendar)])
    }

    struct Clock: RowDecodable {
        let number: String
        let target: String
        let targetSeconds: Double
        let consumed: Double
        let runningSince: Date?
        let calendar: BusinessCalendar?
        let warnAt: Date?
        let dueAt: Date?
        let warned: Bool
        let breached: Bool

        enum CodingKeys: String, CodingKey {
            case target, calendar, warned, breached
            case number = "ticket_number"
            case targetSeconds = "target_seconds"
            case consumed = "consumed_seconds"
            case runningSince = "running_since"
            case warnAt = "warn_at"
            case dueAt = "due_at"
        }

        /// Time used so far, in the clock's own kind of time.
        func elapsed(at now: Date) -> Double {
            guard let runningSince else { return consumed }
            return consumed + (calendar?.businessSeconds(from: runningSince, to: now) ?? now.timeIntervalSince(runningSince))
        }
    }

    static let clockColumns = """
        c.ticket_number, c.target, c.target_seconds, c.consumed_seconds, c.running_since, c.warn_at, c.due_at,
        c.warned_at IS NOT NULL AS warned, c.breached_at IS NOT NULL AS breached, cal.body::text AS calendar
        """

    private static func running(_ number: String, _ target: Target, in work: UnitOfWork) throws -> [Clock] {
        try work.query("""
            SELECT \(clockColumns) FROM dispatch.sla_clocks c LEFT JOIN dispatch.calendars cal ON cal.id = c.calendar_id
            WHERE c.ticket_number = $1 AND c.target = $2 AND c.running_since IS NOT NULL AND c.stopped_at IS NULL
            FOR UPDATE OF c
            """, [number, target.rawValue]).map(Clock.init)
    }

    /// Fires the warnings and breaches that are due, each once: replicas skip the rows another
    /// has claimed, and a fired clock is marked in the same transaction as its event. The
    /// ticket is locked with its clock (skipped if busy, tried again next second), since the
    /// workflow locks a ticket before its clocks and the two must not wait on each other.
    static func fireDue(at now: Date, limit: Int = 200, in work: UnitOfWork) throws -> Int {
        let due = try work.query("""
            SELECT \(clockColumns) FROM dispatch.sla_clocks c
            JOIN dispatch.tickets t ON t.number = c.ticket_number
            LEFT JOIN dispatch.calendars cal ON cal.id = c.calendar_id
            WHERE c.stopped_at IS NULL AND c.running_since IS NOT NULL
              AND ((c.warned_at IS NULL AND c.warn_at <= $1) OR (c.breached_at IS NULL AND c.due_at <= $1))
            ORDER BY least(CASE WHEN c.warned_at IS NULL THEN c.warn_at END, CASE WHEN c.breached_at IS NULL THEN c.due_at END)
            LIMIT $2
            FOR UPDATE OF c, t SKIP LOCKED
            """, [now, limit]).map(Clock.init)
        for clock in due {
            let ticket = try work.query("""
                SELECT t.channel, t.category, t.priority, t.agent_id, team.supervisor_id
                FROM dispatch.tickets t LEFT JOIN dispatch.teams team ON team.id = t.team_id WHERE t.number = $1
                """, [clock.number]).first
            // No status: a warning or a breach does not change where the ticket stands.
            func data() throws -> StatusEventData {
                StatusEventData(ticketNumber: clock.number, channel: try ticket?.decode("channel"),
                                category: try ticket?.decode("category"), priority: try ticket?.decode("priority"),
                                agentID: try ticket?.decode("agent_id"), occurredAt: now, slaTarget: clock.target,
                                targetSeconds: clock.targetSeconds, elapsedSeconds: clock.elapsed(at: now).rounded(),
                                supervisorID: try ticket?.decode("supervisor_id"))
            }
            if !clock.warned, let warnAt = clock.warnAt, warnAt <= now {
                try work.query("UPDATE dispatch.sla_clocks SET warned_at = $3 WHERE ticket_number = $1 AND target = $2",
                               [clock.number, clock.target, now])
                try work.emit(.ticketSLAWarning, subject: clock.number, data: try data())
            }
            if !clock.breached, let dueAt = clock.dueAt, dueAt <= now {
                try work.query("UPDATE dispatch.sla_clocks SET breached_at = $3 WHERE ticket_number = $1 AND target = $2",
                               [clock.number, clock.target, now])
                try work.emit(.ticketSLABreached, subject: clock.number, data: try data())
                // Counted in the transaction: a rolled-back sweep may count a breach twice, which
                // the "breaches rising" alert tolerates (docs/operations.md).
                Counter(label: "kefu_sla_breaches_total", dimensions: [("target", clock.target)]).increment()
                try Escalation.escalate(clock.number, at: now, in: work)
            }
        }
        return due.count
    }
}
