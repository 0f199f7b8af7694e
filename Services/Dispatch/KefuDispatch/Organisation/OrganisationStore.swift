import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Calendars, teams, agents, representatives and settings in dispatch's schema.
enum OrganisationStore {
    static var seedCalendars: String {
        [BusinessCalendar.standard, BusinessCalendar.roundTheClock].map { calendar in
            let json = String(decoding: try! KefuJSON.encode(calendar), as: UTF8.self).replacingOccurrences(of: "'", with: "''")
            return "INSERT INTO calendars (id, body) VALUES ('\(calendar.id)', '\(json)');"
        }.joined(separator: "\n")
    }

    static func calendars(_ ids: Set<String>, on connection: PostgresConnection) throws -> [String: BusinessCalendar] {
        guard !ids.isEmpty else { return [:] }
        let rows = try connection.query("SELECT body::text AS body FROM dispatch.calendars WHERE id = ANY($1::text[])", [Array(ids)])
        return Dictionary(uniqueKeysWithValues: try rows.map { row in
            let calendar = try row.json("body", as: BusinessCalendar.self)
            return (calendar.id, calendar)
        })
    }

    static func allCalendars(on connection: PostgresConnection) throws -> [BusinessCalendar] {
        try connection.query("SELECT body::text AS body FROM dispatch.calendars ORDER BY id").map { try $0.json("body") }
    }

    static func save(_ calendar: BusinessCalendar, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO dispatch.calendars (id, body) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """, [calendar.id, String(decoding: try KefuJSON.encode(calendar), as: UTF8.self)])
    }

    static func settings(on connection: PostgresConnection) throws -> DispatchSettings {
        try connection.query("SELECT body::text AS body FROM dispatch.settings").first?.json("body") ?? DispatchSettings()
    }

    static func save(_ settings: DispatchSettings, in work: UnitOfWork) throws {
        try work.query("UPDATE dispatch.settings SET body = $1::jsonb", [String(decoding: try KefuJSON.encode(settings), as: UTF8.self)])
    }

    /// Retired teams stay for old tickets' history; the listing leaves them out unless asked.
    static func teams(includingRetired: Bool, on connection: PostgresConnection) throws -> [Team] {
        try connection.query("SELECT \(Team.columns) FROM dispatch.teams WHERE $1 OR retired_at IS NULL ORDER BY id",
                             [includingRetired]).map(Team.init)
    }

    static func team(_ id: String, on connection: PostgresConnection) throws -> Team? {
        try connection.query("SELECT \(Team.columns) FROM dispatch.teams WHERE id = $1", [id]).first.map(Team.init)
    }

    /// Checks a team against the others and stores it; the errors when it does not fit.
    /// Saving a retired team's id brings it back into service.
    static func save(_ team: Team, in work: UnitOfWork) throws -> [FieldError] {
        let parentLevel: Team.Level?? = try team.parentID.map { id in
            try self.team(id, on: work.connection).flatMap { $0.retiredAt == nil ? $0.level : nil }
        }
        let calendarExists = try work.query("SELECT 1 FROM dispatch.calendars WHERE id = $1", [team.calendarID]).count == 1
        var errors = team.problems(parentLevel: parentLevel, calendarExists: calendarExists)
        // Levels rise strictly towards headquarters, so a team above its children (and never its
        // own parent) keeps the tree free of cycles.
        if team.parentID == team.id { errors.append(FieldError(field: "/parent_id", message: "must be another team")) }
        let childLevels = try work.query("SELECT level FROM dispatch.teams WHERE parent_id = $1 AND retired_at IS NULL AND id <> $1",
                                         [team.id]).map { Team.Level(rawValue: try $0.require("level", as: String.self)) }
        if childLevels.contains(where: { ($0?.rank ?? 0) >= team.level.rank }) {
            errors.append(FieldError(field: "/level", message: "must stay above the level of the team's own teams"))
        }
        if team.level != .headquarters, try self.team(team.id, on: work.connection)?.level == .headquarters,
           try work.query("SELECT 1 FROM dispatch.teams WHERE level = 'headquarters' AND retired_at IS NULL AND id <> $1",
                          [team.id]).count == 0 {
            errors.append(FieldError(field: "/level", message: "the only headquarters must stay headquarters"))
        }
        guard errors.isEmpty else { return errors }
        try work.query("""
            INSERT INTO dispatch.teams (id, name, level, parent_id, calendar_id, supervisor_id, quick_response, partner,
                                        accept_timeout_seconds)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
                calendar_id = excluded.calendar_id, supervisor_id = excluded.supervisor_id,
                quick_response = excluded.quick_response, partner = excluded.partner,
                accept_timeout_seconds = excluded.accept_timeout_seconds, retired_at = NULL
            """, [team.id, team.name, team.level.rawValue, team.parentID, team.calendarID, team.supervisorID,
                  team.quickResponse, team.partner, team.acceptTimeoutSeconds])
        return []
    }

    /// What keeps a team from retiring, worded for the answer; nil when nothing does.
    enum Retirement { case retired, unknown, held(String) }

    static func retire(_ id: String, in work: UnitOfWork) throws -> Retirement {
        guard let team = try team(id, on: work.connection) else { return .unknown }
        if team.level == .headquarters { return .held("headquarters cannot be retired") }
        let agents = try work.query("SELECT count(*) AS n FROM dispatch.agents WHERE team_id = $1", [id]).first!.require("n", as: Int.self)
        let children = try work.query("SELECT count(*) AS n FROM dispatch.teams WHERE parent_id = $1 AND retired_at IS NULL", [id])
            .first!.require("n", as: Int.self)
        let open = try work.query("""
            SELECT count(*) AS n FROM dispatch.tickets WHERE team_id = $1 AND status NOT IN ('resolved', 'closed')
            """, [id]).first!.require("n", as: Int.self)
        let holding = [(agents, "agent"), (children, "team under it"), (open, "open ticket")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        guard holding.isEmpty else { return .held("it still has " + holding.joined(separator: ", ") + "; move them first") }
        try work.query("UPDATE dispatch.teams SET retired_at = coalesce(retired_at, now()) WHERE id = $1", [id])
        return .retired
    }

    static func agent(_ id: String, on connection: PostgresConnection) throws -> Agent? {
        try connection.query("SELECT \(Agent.columns) FROM dispatch.agents WHERE id = $1", [id]).first.map(Agent.init)
    }

    static func allAgents(on connection: PostgresConnection) throws -> [Agent] {
        try connection.query("SELECT \(Agent.columns) FROM dispatch.agents ORDER BY id").map(Agent.init)
    }

    /// Inserts or (when `replace`) updates an agent; the errors when it does not fit, nil when
    /// it exists and `replace` is false.
    static func save(_ agent: Agent, replace: Bool, in work: UnitOfWork) throws -> [FieldError]? {
        var errors = agent.problems()
        if try work.query("SELECT 1 FROM dispatch.teams WHERE id = $1 AND retired_at IS NULL", [agent.teamID]).count == 0 {
            errors.append(FieldError(field: "/team_id", message: "is not a team in service"))
        }
        if let shift = agent.shiftCalendarID, try work.query("SELECT 1 FROM dispatch.calendars WHERE id = $1", [shift]).count == 0 {
            errors.append(FieldError(field: "/shift_calendar_id", message: "is not a calendar"))
        }
        guard errors.isEmpty else { return errors }
        let saved = try work.query("""
            INSERT INTO dispatch.agents (id, name, team_id, duty, max_open, daily_cap, skills, shift_calendar_id, field_engineer,
                                         latitude, longitude, service_radius_km)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, team_id = excluded.team_id, duty = excluded.duty,
                max_open = excluded.max_open, daily_cap = excluded.daily_cap, skills = excluded.skills,
                shift_calendar_id = excluded.shift_calendar_id, field_engineer = excluded.field_engineer,
                latitude = excluded.latitude, longitude = excluded.longitude, service_radius_km = excluded.service_radius_km
            WHERE $13
            """, [agent.id, agent.name, agent.teamID, agent.duty.rawValue, agent.maxOpen, agent.dailyCap,
                  String(decoding: try KefuJSON.encode(agent.skills), as: UTF8.self), agent.shiftCalendarID, agent.fieldEngineer,
                  agent.location?.latitude, agent.location?.longitude, agent.serviceRadiusKm, replace]).affectedRows == 1
        return saved ? [] : nil
    }
}
