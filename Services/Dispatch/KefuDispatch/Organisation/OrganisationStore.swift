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

    static func team(_ id: String, on connection: PostgresConnection) throws -> Team? {
        try connection.query("SELECT \(Team.columns) FROM dispatch.teams WHERE id = $1", [id]).first.map(Team.init)
    }

    /// Checks a team against the others and stores it; the errors when it does not fit.
    static func save(_ team: Team, in work: UnitOfWork) throws -> [FieldError] {
        let parentLevel: Team.Level?? = try team.parentID.map { try self.team($0, on: work.connection).map(\.level) }
        let calendarExists = try work.query("SELECT 1 FROM dispatch.calendars WHERE id = $1", [team.calendarID]).count == 1
        let errors = team.problems(parentLevel: parentLevel, calendarExists: calendarExists)
        guard errors.isEmpty else { return errors }
        try work.query("""
            INSERT INTO dispatch.teams (id, name, level, parent_id, calendar_id, supervisor_id, quick_response, partner,
                                        accept_timeout_seconds)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
                calendar_id = excluded.calendar_id, supervisor_id = excluded.supervisor_id,
                quick_response = excluded.quick_response, partner = excluded.partner,
                accept_timeout_seconds = excluded.accept_timeout_seconds
            """, [team.id, team.name, team.level.rawValue, team.parentID, team.calendarID, team.supervisorID,
                  team.quickResponse, team.partner, team.acceptTimeoutSeconds])
        return []
    }

    static func agent(_ id: String, on connection: PostgresConnection) throws -> Agent? {
        try connection.query("SELECT \(Agent.columns) FROM dispatch.agents WHERE id = $1", [id]).first.map(Agent.init)
    }

    /// Inserts or (when `replace`) updates an agent; the errors when it does not fit, nil when
    /// it exists and `replace` is false.
    static func save(_ agent: Agent, replace: Bool, in work: UnitOfWork) throws -> [FieldError]? {
        var errors = agent.problems()
        if try work.query("SELECT 1 FROM dispatch.teams WHERE id = $1", [agent.teamID]).count == 0 {
            errors.append(FieldError(field: "/team_id", message: "is not a team"))
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
