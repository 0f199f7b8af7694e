import Foundation
import KefuContracts

extension MonthlyReport {
    /// A self-contained page for people: headline figures, charts and tables.
    var html: String {
        let figures = overall
        func percent(_ rate: KPIQuery.Rate?) -> String {
            rate?.value.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
        }
        func duration(_ seconds: Double?) -> String {
            guard let seconds else { return "–" }
            return seconds >= 3600 ? String(format: "%.1f h", seconds / 3600) : String(format: "%.0f min", seconds / 60)
        }
        let headline: [(String, String)] = [
            ("Tickets", "\(figures?.tickets ?? 0)"),
            ("Tickets per day", String(format: "%.1f", figures?.ticketsPerDay ?? 0)),
            ("CSAT (4–5)", percent(figures?.csat)),
            ("Survey response rate", percent(figures?.csatResponseRate)),
            ("NPS", figures?.nps.map { String(format: "%+.0f", $0) } ?? "–"),
            ("First-contact resolution", percent(figures?.fcr)),
            ("Average handle time", duration(figures?.ahtSeconds)),
            ("First response, median / p90", "\(duration(figures?.firstResponseSeconds.median)) / \(duration(figures?.firstResponseSeconds.p90))"),
            ("Resolution, median / p90", "\(duration(figures?.resolutionSeconds.median)) / \(duration(figures?.resolutionSeconds.p90))"),
            ("SLA first response met", percent(figures?.slaFirstResponse)),
            ("SLA resolution met", percent(figures?.slaResolution)),
            ("Reopen rate", percent(figures?.reopenRate)),
            ("Complaint rate", percent(figures?.complaintRate)),
        ]
        let cards = headline.map { "<div class=\"card\"><div class=\"label\">\(HTML.escape($0.0))</div><div class=\"value\">\(HTML.escape($0.1))</div></div>" }.joined()
        let shortDays = days.map { String($0.day.suffix(2)) }
        let volume = ReportCharts.bars(zip(shortDays, days).map { ($0, Double($1.tickets)) }, title: "Tickets per day")
        let csat = ReportCharts.line(zip(shortDays, days).map { ($0, $1.csat.value) }, title: "CSAT by day (target 90%)", target: 0.9)
        let sla = ReportCharts.line(zip(shortDays, days).map { ($0, $1.slaResolution.value) }, title: "Resolution SLA met by day")
        let categories = ReportCharts.horizontal(byCategory.prefix(12).map { ($0.group ?? "none", Double($0.tickets)) }, title: "Tickets by category")
        let teams = ReportCharts.horizontal(byTeam.prefix(12).map { ($0.group ?? "none", Double($0.tickets)) }, title: "Tickets by team")
        func table(_ rows: [KPIQuery.Figures], heading: String) -> String {
            let body = rows.map { row in
                "<tr><td>\(HTML.escape(row.group ?? "none"))</td><td>\(row.tickets)</td><td>\(percent(row.csat))</td><td>\(percent(row.fcr))</td><td>\(percent(row.slaResolution))</td><td>\(percent(row.complaintRate))</td></tr>"
            }.joined()
            return "<table><thead><tr><th>\(HTML.escape(heading))</th><th>Tickets</th><th>CSAT</th><th>FCR</th><th>SLA resolution</th><th>Complaints</th></tr></thead><tbody>\(body)</tbody></table>"
        }
        let breaches = worst.map { breach in
            "<tr><td>\(HTML.escape(breach.ticketNumber))</td><td>\(HTML.escape(breach.priority ?? ""))</td><td>\(HTML.escape(breach.category ?? ""))</td><td>\(HTML.escape(breach.team ?? ""))</td><td>\(duration(breach.overrunSeconds))</td></tr>"
        }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Kefu monthly report \(HTML.escape(month))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:760px;color:#222}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.5rem}
            .card{border:1px solid #ddd;border-radius:.4rem;padding:.5rem}.label{font-size:.8rem;color:#555}.value{font-size:1.2rem;font-weight:600}
            figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
            th,td{border-bottom:1px solid #eee;padding:.3rem;text-align:left}.muted{color:#666}
            </style></head><body>
            <h1>Monthly service report, \(HTML.escape(month))</h1>
            <p class="muted">Tickets created in the month (\(HTML.escape(zone.identifier))). Definitions: docs/http-api.md, KPIs.</p>
            <div class="cards">\(cards)</div>
            <h2>Volume and quality</h2>\(volume)\(csat)\(sla)
            <h2>Breakdown</h2>\(categories)\(table(byCategory, heading: "Category"))\(teams)\(table(byTeam, heading: "Team"))
            <h2>Worst-breached tickets</h2>
            <table><thead><tr><th>Ticket</th><th>Priority</th><th>Category</th><th>Team</th><th>Past resolution target by</th></tr></thead><tbody>\(breaches.isEmpty ? "<tr><td colspan=\"5\">None</td></tr>" : breaches)</tbody></table>
            </body></html>
            """
    }

    /// The same data for spreadsheets: one header, and every row of every section with exactly
    /// its columns. Each row names its values by column, so a section cannot slip out of step.
    static let csvColumns = ["section", "key", "tickets", "csat", "csat_response_rate", "nps", "fcr", "aht_seconds",
                             "first_response_median_seconds", "first_response_p90_seconds", "resolution_median_seconds",
                             "resolution_p90_seconds", "sla_first_response", "sla_resolution", "reopen_rate",
                             "complaint_rate", "priority", "category", "team", "overrun_seconds"]

    var csv: String {
        func cell(_ value: Any?) -> String {
            guard let value else { return "" }
            let text: String
            switch value {
            case let rate as KPIQuery.Rate: text = rate.value.map { String(format: "%.4f", $0) } ?? ""
            case let number as Double: text = String(format: "%.2f", number)
            default: text = "\(value)"
            }
            return text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func row(_ values: [String: Any?]) -> String {
            assert(Set(values.keys).isSubset(of: Self.csvColumns), "a CSV value without its column")
            return Self.csvColumns.map { cell(values[$0] ?? nil) }.joined(separator: ",")
        }
        var lines = [Self.csvColumns.joined(separator: ",")]
        func figures(_ section: String, _ rows: [KPIQuery.Figures]) {
            for figure in rows {
                lines.append(row([
                    "section": section, "key": figure.group ?? "all", "tickets": figure.tickets, "csat": figure.csat,
                    "csat_response_rate": figure.csatResponseRate, "nps": figure.nps, "fcr": figure.fcr,
                    "aht_seconds": figure.ahtSeconds, "first_response_median_seconds": figure.firstResponseSeconds.median,
                    "first_response_p90_seconds": figure.firstResponseSeconds.p90,
                    "resolution_median_seconds": figure.resolutionSeconds.median,
                    "resolution_p90_seconds": figure.resolutionSeconds.p90, "sla_first_response": figure.slaFirstResponse,
                    "sla_resolution": figure.slaResolution, "reopen_rate": figure.reopenRate, "complaint_rate": figure.complaintRate,
                ]))
            }
        }
        figures("month", overall.map { [$0] } ?? [])
        for day in days {
            lines.append(row(["section": "day", "key": day.day, "tickets": day.tickets, "csat": day.csat,
                              "sla_resolution": day.slaResolution]))
        }
        figures("category", byCategory)
        figures("team", byTeam)
        for breach in worst {
            lines.append(row(["section": "worst_breached", "key": breach.ticketNumber, "priority": breach.priority,
                              "category": breach.category, "team": breach.team, "overrun_seconds": breach.overrunSeconds]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
