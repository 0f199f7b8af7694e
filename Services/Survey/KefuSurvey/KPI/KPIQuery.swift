import Foundation
import KefuStorage

/// The KPI figures over `survey.ticket_facts` for tickets created in a period, overall or per
/// group. docs/http-api.md defines each figure.
enum KPIQuery {
    static let groups = ["channel": "channel", "category": "category", "team": "team_id", "agent": "agent_id",
                         "priority": "priority"]

    struct Rate: Encodable, Sendable {
        let value: Double?
        let numerator: Int
        let denominator: Int

        init(_ numerator: Int, of denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
            value = denominator == 0 ? nil : Double(numerator) / Double(denominator)
        }
    }

    struct Spread: Encodable, Sendable {
        let median: Double?
        let p90: Double?
    }

    struct Figures: Encodable, Sendable {
        let group: String?
        let tickets: Int
        let ticketsPerDay: Double
        let csat: Rate
        let csatResponseRate: Rate
        let nps: Double?
        let npsAnswers: Int
        let fcr: Rate
        let ahtSeconds: Double?
        let firstResponseSeconds: Spread
        let resolutionSeconds: Spread
        let slaFirstResponse: Rate
        let slaResolution: Rate
        let reopenRate: Rate
        let complaintRate: Rate

        enum CodingKeys: String, CodingKey {
            case group, tickets, csat, nps, fcr
            case ticketsPerDay = "tickets_per_day"
            case csatResponseRate = "csat_response_rate"
            case npsAnswers = "nps_answers"
            case ahtSeconds = "aht_seconds"
            case firstResponseSeconds = "first_response_seconds"
            case resolutionSeconds = "resolution_seconds"
            case slaFirstResponse = "sla_first_response"
            case slaResolution = "sla_resolution"
            case reopenRate = "reopen_rate"
            case complaintRate = "complaint_rate"
        }
    }

    /// `groupColumn` comes from `groups` (never from the caller's text), or is an SQL expression
    /// the report builds itself.
    static func figures(from: Date, to: Date, groupColumn: String?, on connection: PostgresConnection) throws -> [Figures] {
        let days = max(1, to.timeIntervalSince(from) / 86400)
        let key = groupColumn.map { "coalesce((\($0))::text, 'none')" } ?? "NULL::text"
        return try connection.query("""
            SELECT \(key) AS grp, count(*) AS tickets,
                count(*) FILTER (WHERE csat IS NOT NULL) AS csat_answers, count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
                count(*) FILTER (WHERE surveyed) AS surveyed,
                count(*) FILTER (WHERE nps IS NOT NULL) AS nps_answers, count(*) FILTER (WHERE nps >= 9) AS promoters,
                count(*) FILTER (WHERE nps <= 6) AS detractors,
                count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
                count(*) FILTER (WHERE resolved_at IS NOT NULL AND reopened = 0 AND transferred = 0) AS fcr,
                avg(handle_seconds) AS aht,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds) AS frt_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY first_response_seconds) AS frt_p90,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_seconds) AS res_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution_seconds) AS res_p90,
                count(*) FILTER (WHERE first_response_met) AS fr_met, count(first_response_met) AS fr_due,
                count(*) FILTER (WHERE resolution_met) AS res_met, count(resolution_met) AS res_due,
                count(*) FILTER (WHERE reopened > 0) AS reopened, count(*) FILTER (WHERE complaint) AS complaints
            FROM survey.ticket_facts WHERE created_at >= $1 AND created_at < $2
            GROUP BY 1 ORDER BY 2 DESC, 1
            """, [from, to]).map { row in
            func int(_ name: String) throws -> Int { try row.require(name) }
            let npsAnswers = try int("nps_answers")
            return Figures(
                group: try row.decode("grp"), tickets: try int("tickets"), ticketsPerDay: Double(try int("tickets")) / days,
                csat: Rate(try int("csat_satisfied"), of: try int("csat_answers")),
                csatResponseRate: Rate(try int("csat_answers"), of: try int("surveyed")),
                nps: npsAnswers == 0 ? nil : Double(try int("promoters") - int("detractors")) / Double(npsAnswers) * 100,
                npsAnswers: npsAnswers, fcr: Rate(try int("fcr"), of: try int("resolved")), ahtSeconds: try row.decode("aht"),
                firstResponseSeconds: Spread(median: try row.decode("frt_median"), p90: try row.decode("frt_p90")),
                resolutionSeconds: Spread(median: try row.decode("res_median"), p90: try row.decode("res_p90")),
                slaFirstResponse: Rate(try int("fr_met"), of: try int("fr_due")),
                slaResolution: Rate(try int("res_met"), of: try int("res_due")),
                reopenRate: Rate(try int("reopened"), of: try int("resolved")),
                complaintRate: Rate(try int("complaints"), of: try int("tickets")))
        }
    }

    /// A period's bounds: dates are whole days in `zone`, anything else an RFC 3339 time.
    static func instant(_ text: String, in zone: TimeZone) -> Date? {
        if let day = VisitPlan.day(text), text.count == 10 {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = VisitPlan.calendar.dateComponents([.year, .month, .day], from: day)
            return calendar.date(from: parts)
        }
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)
    }
}
