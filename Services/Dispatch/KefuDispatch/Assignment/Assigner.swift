import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// Chooses an agent for a ticket. Eligible agents are on duty (and within their shift), have the
/// skills, are under capacity and the daily cap, and sit in a team at or above the ticket's
/// level (and in its team or a team under it, when it has one). An outsourced partner's agents
/// take only tickets routed to their team. Among them, in order of preference:
/// 1. the customer's dedicated representative;
/// 2. for P1, the quick-response teams;
/// 3. for work on site, field engineers whose service area covers the site, nearest first;
/// 4. the least loaded, the longest idle breaking ties.
/// Tickets nobody can take wait in a queue ordered by priority, resolution due time, then age.
enum Assigner {
    /// One agent as the choice saw it; stored in the explanation.
    struct Candidate: Codable, Sendable {
        let agentID: String
        let openTickets: Int
        let idleSince: Date?
        let dedicated: Bool
        let quickResponse: Bool
        let distanceKm: Double?
        let coversSite: Bool
        let shiftCalendarID: String?

        enum CodingKeys: String, CodingKey {
            case dedicated
            case agentID = "agent_id"
            case openTickets = "open_tickets"
            case idleSince = "idle_since"
            case quickResponse = "quick_response"
            case distanceKm = "distance_km"
            case coversSite = "covers_site"
            case shiftCalendarID = "shift_calendar_id"
        }
    }

    struct Explanation: Codable, Sendable {
        let rule: String
        let eligible: Int
        /// The best of the eligible, in order of preference; the first that still had room was chosen.
        let candidates: [Candidate]
        /// How long choosing took, from reading the ticket to claiming the agent.
        var decisionMilliseconds: Double?

        enum CodingKeys: String, CodingKey {
            case rule, eligible, candidates
            case decisionMilliseconds = "decision_ms"
        }

        init(rule: String, eligible: Int, candidates: [Candidate], decisionMilliseconds: Double? = nil) {
            self.rule = rule
            self.eligible = eligible
            self.candidates = candidates
            self.decisionMilliseconds = decisionMilliseconds
        }

        /// Assignments stored before the shortlist was kept have only the rule and the count.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            rule = try container.decode(String.self, forKey: .rule)
            eligible = try container.decodeIfPresent(Int.self, forKey: .eligible) ?? 0
            candidates = try container.decodeIfPresent([Candidate].self, forKey: .candidates) ?? []
            decisionMilliseconds = try container.decodeIfPresent(Double.self, forKey: .decisionMilliseconds)
        }
    }

    /// How many of the best candidates are read, kept for the explanation and tried in turn.
    static let shortlist = 25

    /// Assigns `number` if an agent has room; returns the agent's id, or nil when it waits.
    @discardableResult
    static func assign(_ number: String, excluding excluded: [String] = [], in work: UnitOfWork) throws -> String? {
        let started = ContinuousClock.now
        guard let ticket = try work.query("""
            SELECT customer_id, category, priority, language, product_model, site_latitude, site_longitude, team_id, level
            FROM dispatch.tickets WHERE number = $1
            """, [number]).first else { return nil }
        let category: String = try ticket.require("category")
        let language: String? = try ticket.decode("language")
        let rows = try work.query("""
            SELECT * FROM (
            SELECT a.id AS agent_id, a.open_count AS open_tickets, a.last_assigned_at AS idle_since, a.shift_calendar_id,
                   t.quick_response,
                   r.agent_id IS NOT NULL AS dedicated, d.km AS distance_km,
                   coalesce(a.field_engineer AND d.km <= a.service_radius_km, false) AS covers_site,
                   count(*) OVER () AS eligible
            FROM dispatch.agents a
            JOIN dispatch.teams t ON t.id = a.team_id
            LEFT JOIN dispatch.dedicated_representatives r ON r.customer_id = $9 AND r.agent_id = a.id
            CROSS JOIN LATERAL (SELECT CASE WHEN $11::float8 IS NULL OR a.latitude IS NULL THEN NULL ELSE
                2 * 6371.0088 * asin(sqrt(power(sin(radians($11::float8 - a.latitude) / 2), 2)
                    + cos(radians(a.latitude)) * cos(radians($11::float8)) * power(sin(radians($12::float8 - a.longitude) / 2), 2)))
                END AS km) d
            WHERE a.duty = 'on' AND a.open_count < a.max_open
              AND (a.assigned_day IS DISTINCT FROM current_date OR a.assigned_today < a.daily_cap)
              AND (CASE t.level WHEN 'station' THEN 0 WHEN 'branch' THEN 1 ELSE 2 END) >= $1
              AND (NOT t.partner OR $2::text IS NOT NULL)
              AND ($2::text IS NULL OR a.team_id IN (
                    WITH RECURSIVE subtree AS (
                        SELECT id FROM dispatch.teams WHERE id = $2
                        UNION SELECT t2.id FROM dispatch.teams t2 JOIN subtree ON t2.parent_id = subtree.id)
                    SELECT id FROM subtree))
              AND (jsonb_array_length(coalesce(a.skills->'categories', '[]')) = 0
                   OR a.skills->'categories' ? $3 OR a.skills->'categories' ? $4)
              AND ($5::text IS NULL OR jsonb_array_length(coalesce(a.skills->'languages', '[]')) = 0
                   OR a.skills->'languages' ? $5 OR a.skills->'languages' ? $6)
              AND ($7::text IS NULL OR jsonb_array_length(coalesce(a.skills->'products', '[]')) = 0
                   OR a.skills->'products' ? $7)
              AND a.id <> ALL($8::text[])
            ) eligible
            ORDER BY dedicated DESC, ($10 AND quick_response) DESC, covers_site DESC,
                     CASE WHEN covers_site THEN distance_km END, open_tickets, idle_since NULLS FIRST, agent_id
            LIMIT $13
            """, [
                try ticket.require("level", as: Int.self), try ticket.decode("team_id", as: String.self), category,
                String(category.split(separator: ".").first ?? ""), language,
                language.map { String($0.split(separator: "-").first ?? "") }, try ticket.decode("product_model", as: String.self),
                excluded, try ticket.require("customer_id", as: String.self),
                try ticket.require("priority", as: String.self) == Priority.p1.rawValue,
                try ticket.decode("site_latitude", as: Double.self), try ticket.decode("site_longitude", as: Double.self), shortlist,
            ])
        let calendars = try OrganisationStore.calendars(Set(try rows.compactMap { try $0.decode("shift_calendar_id", as: String.self) }),
                                                        on: work.connection)
        let now = Date()
        let candidates = try rows.decode(Candidate.self).filter { candidate in candidate.shiftCalendarID.map { calendars[$0]?.isOpen(at: now) ?? true } ?? true }
        let eligible = try rows.first?.require("eligible", as: Int.self) ?? 0

        var contended = false
        for candidate in candidates {
            switch try claim(candidate.agentID, at: now, in: work) {
            case .full: continue
            case .locked:
                contended = true
                continue
            case .claimed: break
            }
            let elapsed = ContinuousClock.now - started
            let explanation = Explanation(rule: rule(for: candidate, priority: try ticket.require("priority")),
                                          eligible: eligible, candidates: candidates,
                                          decisionMilliseconds: Double(elapsed.components.attoseconds) / 1e15
                                              + Double(elapsed.components.seconds) * 1000)
            try record(number, to: candidate.agentID, explanation: explanation, at: now, in: work)
            return candidate.agentID
        }
        // Someone who let it lapse is still better than nobody.
        if !excluded.isEmpty { return try assign(number, in: work) }
        // An agent another transaction held for a moment may well have room: the drainer tries
        // again as soon as that transaction is over, instead of waiting for capacity to free up.
        try work.query("""
            UPDATE dispatch.tickets SET status = 'queued', queued_at = coalesce(queued_at, now()),
                retry_assign_at = CASE WHEN $2 THEN now() END
            WHERE number = $1
            """, [number, contended])
        return nil
    }

    /// A transfer to a named agent: theirs if they have room, whatever the preferences say.
    static func assignDirectly(_ number: String, to agentID: String, reason: String, in work: UnitOfWork) throws -> Bool {
        let now = Date()
        guard try claim(agentID, at: now, in: work) == .claimed else { return false }
        try record(number, to: agentID, explanation: Explanation(rule: "transfer: \(reason)", eligible: 1, candidates: []),
                   at: now, in: work)
        return true
    }

    static func rule(for chosen: Candidate, priority: String) -> String {
        if chosen.dedicated { return "dedicated_representative" }
        if chosen.quickResponse && priority == Priority.p1.rawValue { return "quick_response" }
        if chosen.coversSite { return "nearest_field_engineer" }
        return "least_loaded"
    }

    enum Claim { case claimed, full, locked }

    /// Takes one unit of the agent's capacity, if they still have it (another replica may have
    /// taken the last one since the candidates were read). An agent whose row another
    /// transaction holds is passed over rather than waited for: claims never wait on each other,
    /// so they cannot deadlock. Such a ticket is retried by `QueueDrainer`.
    private static func claim(_ agentID: String, at now: Date, in work: UnitOfWork) throws -> Claim {
        guard try work.query("SELECT 1 FROM dispatch.agents WHERE id = $1 FOR UPDATE SKIP LOCKED", [agentID]).count == 1 else {
            return .locked
        }
        let claimed = try work.query("""
            UPDATE dispatch.agents SET open_count = open_count + 1, last_assigned_at = $2,
                assigned_today = CASE WHEN assigned_day = current_date THEN assigned_today + 1 ELSE 1 END,
                assigned_day = current_date
            WHERE id = $1 AND duty = 'on' AND open_count < max_open
              AND (assigned_day IS DISTINCT FROM current_date OR assigned_today < daily_cap)
            """, [agentID, now]).affectedRows == 1
        return claimed ? .claimed : .full
    }

    private static func record(_ number: String, to agentID: String, explanation: Explanation, at now: Date,
                               in work: UnitOfWork) throws {
        let team = try work.query("""
            SELECT t.id, t.accept_timeout_seconds FROM dispatch.agents a JOIN dispatch.teams t ON t.id = a.team_id WHERE a.id = $1
            """, [agentID]).first
        let teamTimeout: Int? = try team.flatMap { try $0.decode("accept_timeout_seconds") }
        let teamID: String? = try team.flatMap { try $0.decode("id") }
        let acceptTimeout = try teamTimeout ?? OrganisationStore.settings(on: work.connection).acceptTimeoutSeconds
        let ticket = try work.query("""
            UPDATE dispatch.tickets SET status = 'assigned', agent_id = $2, assigned_at = $3, retry_assign_at = NULL,
                accept_due_at = $3::timestamptz + make_interval(secs => $4::float8)
            WHERE number = $1
            RETURNING channel, category, priority, sla_class, first_response_due_at, resolution_due_at
            """, [number, agentID, now, Double(acceptTimeout)]).first!
        try work.query("INSERT INTO dispatch.assignments (ticket_number, agent_id, assigned_at, explanation) VALUES ($1, $2, $3, $4::jsonb)",
                       [number, agentID, now, String(decoding: try KefuJSON.encode(explanation), as: UTF8.self)])
        try work.emit(.ticketAssigned, subject: number, data: StatusEventData(
            ticketNumber: number, status: "assigned", channel: try ticket.require("channel"),
            category: try ticket.require("category"), priority: try ticket.require("priority"),
            teamID: teamID, agentID: agentID, slaClass: try ticket.require("sla_class"), firstResponseDueAt: try ticket.require("first_response_due_at"),
            resolutionDueAt: try ticket.require("resolution_due_at"), occurredAt: now))
    }

    /// Hands waiting tickets to agents with room, most urgent first; called whenever capacity
    /// frees up. Each ticket is tried, since one that needs a skill nobody free has must not hold
    /// back the ones behind it. The first `limit` are tried here, in the caller's transaction, so
    /// the agent who freed up gets work at once; moving `capacity_freed` on tells every
    /// replica's `QueueDrainer` to go on through the rest of the queue.
    static func drainQueue(in work: UnitOfWork, limit: Int = 200) throws {
        try work.query("SELECT nextval('dispatch.capacity_freed')")
        _ = try drainQueue(after: nil, limit: limit, in: work)
    }

    /// One page of the waiting queue, in its order, after `cursor`: answers how many were
    /// assigned and where the page ended, with no cursor when no agent has room or the queue ended.
    static func drainQueue(after cursor: QueueCursor?, limit: Int,
                           in work: UnitOfWork) throws -> (assigned: Int, next: QueueCursor?) {
        let room = try work.query("""
            SELECT 1 FROM dispatch.agents WHERE duty = 'on' AND open_count < max_open
              AND (assigned_day IS DISTINCT FROM current_date OR assigned_today < daily_cap) LIMIT 1
            """)
        guard room.count == 1 else { return (0, nil) }
        // Only tickets some agent with room could take are tried: one bound to a team can go to
        // that team or one under it, so its team must be an agent-with-room's team or above it.
        // A backlog that nobody can take (a skill nobody free has, a team at its cap) costs one
        // query, not one assignment attempt per ticket.
        let waiting = try work.query("""
            WITH RECURSIVE roomy(id) AS (
                SELECT DISTINCT team_id FROM dispatch.agents WHERE duty = 'on' AND open_count < max_open
                  AND (assigned_day IS DISTINCT FROM current_date OR assigned_today < daily_cap)
                UNION SELECT t.parent_id FROM dispatch.teams t JOIN roomy r ON t.id = r.id WHERE t.parent_id IS NOT NULL)
            SELECT number, priority, resolution_due_at, queued_at FROM dispatch.tickets WHERE status = 'queued'
              AND (team_id IS NULL OR team_id IN (SELECT id FROM roomy))
              AND ($1::text IS NULL OR (priority, resolution_due_at, queued_at, number) > ($1, $2::timestamptz, $3::timestamptz, $4::text))
            ORDER BY priority, resolution_due_at, queued_at, number
            LIMIT $5 FOR UPDATE OF tickets SKIP LOCKED
            """, [cursor?.priority, cursor?.resolutionDueAt, cursor?.queuedAt, cursor?.number, limit])
        var assigned = 0
        for row in waiting where try assign(try row.require("number"), in: work) != nil { assigned += 1 }
        guard waiting.count == limit, let last = waiting.last else { return (assigned, nil) }
        return (assigned, QueueCursor(priority: try last.require("priority"), resolutionDueAt: try last.require("resolution_due_at"),
                                      queuedAt: try last.require("queued_at"), number: try last.require("number")))
    }

    /// Where a walk through the waiting queue has got to, in the queue's own order.
    struct QueueCursor: Sendable {
        let priority: String
        let resolutionDueAt: Date
        let queuedAt: Date
        let number: String
    }

    /// Tickets queued only because their candidates were locked at the time, tried again.
    static func retryContended(limit: Int, in work: UnitOfWork) throws -> Int {
        let due = try work.query("""
            SELECT number FROM dispatch.tickets WHERE retry_assign_at IS NOT NULL AND status = 'queued'
            ORDER BY retry_assign_at LIMIT $1 FOR UPDATE SKIP LOCKED
            """, [limit])
        for row in due {
            let number: String = try row.require("number")
            try work.query("UPDATE dispatch.tickets SET retry_assign_at = NULL WHERE number = $1", [number])
            try assign(number, in: work)
        }
        return due.count
    }

    /// Service targets before business calendars arrive (issue 5): acknowledgement within 2 hours,
    /// complaints within 1 hour, resolution within 24 hours, in calendar time.
    static func dueTimes(for ticket: TicketClassified) -> (firstResponse: Date, resolution: Date) {
        let start = ticket.classifiedAt
        let firstResponse: TimeInterval = ticket.complaint ? 3600 : 2 * 3600
        return (start.addingTimeInterval(firstResponse), start.addingTimeInterval(24 * 3600))
    }
}
