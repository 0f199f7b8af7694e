import Foundation
import KefuContracts

/// Survey's KPIs for a chosen period, grouped as asked, with bar charts drawn on the server and
/// the monthly report one click away (docs/console.md, "KPIs").
enum KPIScreen {
    static let route = ScreenRoute(path: "/kpis", role: .supervisor, nav: "kpis", draw: draw)
    static let groups = ["", "team", "agent", "category", "channel", "priority"]

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let today = Date()
        let from = asked.query["from"] ?? day(today.addingTimeInterval(-29 * 86400))
        let to = asked.query["to"] ?? day(today.addingTimeInterval(86400))
        let group = groups.contains(asked.query["group_by"] ?? "") ? asked.query["group_by"] ?? "" : ""
        var path = "/v1/kpis?from=\(AdminPaths.segment(from))&to=\(AdminPaths.segment(to))"
        if !group.isEmpty { path += "&group_by=\(group)" }
        let answer = await asked.get(.survey, path)
        var screen = Screen(heading: language.say("KPIs", "关键指标"))
        let month = String(day(today).prefix(7))
        let period = Screen.Form(id: "period", action: "/kpis", submit: language.text(.apply), fields: [
            Screen.Field("from", language.say("From", "从"), .date, value: from),
            Screen.Field("to", language.say("Until (not included)", "到（不含）"), .date, value: to),
            Screen.Field("group_by", language.say("Group by", "分组"), .select, value: group, options: groups.map { key in
                (key, key.isEmpty ? language.say("nothing", "不分组") : key)
            }),
        ], method: "get")
        let figures = answer.value?["figures"]?.array ?? []
        let rows = figures.enumerated().map { index, set -> Screen.Row in
            Screen.Row(key: String(index), cells: [
                Screen.Cell(set["group"]?.string ?? language.say("all", "全部")), Screen.Cell(set["tickets"]?.plainText ?? "0"),
                Screen.Cell(percent(set["csat"])), Screen.Cell(set["nps"]?.number.map { String(format: "%.0f", $0) } ?? "–"),
                Screen.Cell(percent(set["fcr"])), Screen.Cell(hours(set["aht_seconds"]?.number, language)),
                Screen.Cell(hours(set["first_response_seconds"]?["median"]?.number, language)),
                Screen.Cell(hours(set["resolution_seconds"]?["median"]?.number, language)),
                Screen.Cell(percent(set["sla_first_response"])), Screen.Cell(percent(set["sla_resolution"])),
                Screen.Cell(percent(set["reopen_rate"])), Screen.Cell(percent(set["complaint_rate"])),
            ])
        }
        screen.sections.append(Screen.Section(
            id: "kpi-figures", heading: language.say("Figures", "指标"),
            text: language.say("Tickets created in the period. Times are medians.", "统计期内创建的工单；时间为中位数。"),
            table: Screen.Table(id: "kpi-table", columns: [
                language.say("Group", "分组"), language.say("Tickets", "工单数"), "CSAT", "NPS", language.say("First-contact resolution", "首次解决率"),
                language.say("Handle time", "处理时长"), language.text(.firstResponse), language.text(.resolution),
                language.say("SLA first response", "首响达标"), language.say("SLA resolution", "解决达标"),
                language.say("Reopened", "重开率"), language.say("Complaints", "投诉率"),
            ], rows: rows, empty: language.say("No tickets in this period.", "此期间没有工单。")),
            forms: [period], unavailable: QueueRoutes.unavailable(answer)))
        if !figures.isEmpty {
            for (key, title) in [("csat", "CSAT"), ("sla_resolution", language.say("SLA resolution", "解决达标")),
                                 ("complaint_rate", language.say("Complaints", "投诉率"))] {
                var section = Screen.Section(id: "chart-\(key)", heading: title)
                section.chart = BarChart(title: title, bars: figures.map { set in
                    BarChart.Bar(label: set["group"]?.string ?? language.say("all", "全部"), value: set[key]?["value"]?.number ?? 0,
                                 shown: percent(set[key]))
                }, scale: 1)
                screen.sections.append(section)
            }
            var volume = Screen.Section(id: "chart-tickets", heading: language.say("Tickets", "工单数"))
            volume.chart = BarChart(title: language.say("Tickets", "工单数"), bars: figures.map { set in
                BarChart.Bar(label: set["group"]?.string ?? language.say("all", "全部"), value: set["tickets"]?.number ?? 0,
                             shown: set["tickets"]?.plainText ?? "0")
            })
            screen.sections.append(volume)
        }
        var report = Screen.Section(id: "monthly", heading: language.say("Monthly report", "月度报告"))
        report.table = Screen.Table(id: "report-links", columns: [language.say("Month", "月份"), ""], rows: [
            Screen.Row(key: month, cells: [Screen.Cell(month, link: "/kpis/monthly?month=\(month)"),
                                           Screen.Cell("CSV", link: "/kpis/monthly?month=\(month)&format=csv")]),
        ], empty: "")
        screen.sections.append(report)
        return screen
    }

    private static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    private static func percent(_ rate: JSONValue?) -> String {
        rate?["value"]?.number.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
    }

    private static func hours(_ seconds: Double?, _ language: Language) -> String {
        seconds.map { Formatting.duration($0, language) } ?? "–"
    }
}
