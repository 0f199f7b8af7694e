import Foundation
import KefuStorage

/// One month's figures for the report: overall, day by day, by category and team, and the
/// tickets that overran their resolution target the most.
struct MonthlyReport: Sendable {
    struct Day: Sendable {
        let day: String
        let tickets: Int
        let csat: KPIQuery.Rate
        let slaResolution: KPIQuery.Rate
    }

    struct Breach: Sendable {
        let ticketNumber: String
        let category: String?
        let team: String?
        let priority: String?
        let overrunSeconds: Double
    }

    let month: String
    let zone: TimeZone
    let overall: KPIQuery.Figures?
    let days: [Day]
    let byCategory: [KPIQuery.Figures]
    let byTeam: [KPIQuery.Figures]
    let worst: [Breach]

    /// `month` as `YYYY-MM`; nil if it is not one.
    static func bounds(_ month: String, in zone: TimeZone) -> (from: Date, to: Date)? {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, month.count == 7, (1...12).contains(parts[1]), (2000...2100).contains(parts[0]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let from = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1)),
              let to = calendar.date(byAdding: .month, value: 1, to: from) else { return nil }
        return (from, to)
    }

    static func load(_ month: String, zone: TimeZone, on connection: PostgresConnection) throws -> MonthlyReport? {
        guard let (from, to) = bounds(month, in: zone) else { return nil }
        let counted = try connection.query("""
            SELECT (created_at AT TIME ZONE $3)::date::text AS day, count(*) AS tickets,
                count(*) FILTER (WHERE csat >= 4) AS satisfied, count(csat) AS answers,
                count(*) FILTER (WHERE resolution_met) AS met, count(resolution_met) AS due
            FROM survey.ticket_facts WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1
            """, [from, to, zone.identifier]).map { row in
            Day(day: try row.require("day"), tickets: try row.require("tickets"),
                csat: KPIQuery.Rate(try row.require("satisfied"), of: try row.require("answers")),
                slaResolution: KPIQuery.Rate(try row.require("met"), of: try row.require("due")))
        }
        // Every day of the month, the quiet ones at zero, so the charts keep their time axis.
        let byDay = Dictionary(counted.map { ($0.day, $0) }) { first, _ in first }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var days: [Day] = []
        var day = from
        while day < to {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            let text = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            days.append(byDay[text] ?? Day(day: text, tickets: 0, csat: KPIQuery.Rate(0, of: 0), slaResolution: KPIQuery.Rate(0, of: 0)))
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        let worst = try connection.query("""
            SELECT ticket_number, category, team_id, priority, overrun_seconds FROM survey.ticket_facts
            WHERE created_at >= $1 AND created_at < $2 AND overrun_seconds > 0 ORDER BY overrun_seconds DESC, ticket_number LIMIT 10
            """, [from, to]).map { row in
            Breach(ticketNumber: try row.require("ticket_number"), category: try row.decode("category"), team: try row.decode("team_id"),
                   priority: try row.decode("priority"), overrunSeconds: try row.require("overrun_seconds"))
        }
        return MonthlyReport(
            month: month, zone: zone,
            overall: try KPIQuery.figures(from: from, to: to, groupColumn: nil, on: connection).first,
            days: days,
            byCategory: try KPIQuery.figures(from: from, to: to, groupColumn: "category", on: connection),
            byTeam: try KPIQuery.figures(from: from, to: to, groupColumn: "team_id", on: connection),
            worst: worst)
    }
}
