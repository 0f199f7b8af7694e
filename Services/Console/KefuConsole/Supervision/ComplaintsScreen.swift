import Foundation
import KefuContracts

/// Complaint follow-ups from surveys, newest first, with the customer's comment and who holds
/// each ticket now (docs/console.md, "Complaints").
enum ComplaintsScreen {
    static let route = ScreenRoute(path: "/complaints", role: .supervisor, nav: "complaints", draw: draw)

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let cursor = asked.query["cursor"].map { "&cursor=\(AdminPaths.segment($0))" } ?? ""
        let answer = await asked.get(.survey, "/v1/complaints?limit=50\(cursor)")
        let items = answer.value?["items"]?.array ?? []
        let numbers = items.compactMap { $0["ticket_number"]?.string }
        // Who holds each now, from intake's batch look-up (the survey knows who resolved it).
        var holders: [String: JSONValue] = [:]
        if !numbers.isEmpty {
            let tickets = await asked.get(.intake, "/v1/tickets?limit=200&numbers=\(numbers.map(AdminPaths.segment).joined(separator: ","))")
            for ticket in tickets.value?["items"]?.array ?? [] {
                if let number = ticket["number"]?.string { holders[number] = ticket }
            }
        }
        let rows = items.compactMap { item -> Screen.Row? in
            guard let number = item["ticket_number"]?.string else { return nil }
            let ticket = holders[number]
            return Screen.Row(key: number, cells: [
                Screen.Cell(Formatting.parse(item["answered_at"]?.string).map { Formatting.time($0, language) } ?? ""),
                Screen.Cell(number, link: "/tickets/\(number)/story"),
                Screen.Cell(ticket?["subject"]?.string ?? ""),
                Screen.Cell(item["csat"]?.plainText ?? "–"), Screen.Cell(item["nps"]?.plainText ?? "–"),
                Screen.Cell(item["comment"]?.string ?? ""),
                Screen.Cell(ticket?["agent_id"]?.string ?? language.say("nobody", "无人")),
                Screen.Cell(ticket?["status"]?.string ?? "?"),
            ])
        }
        var section = Screen.Section(id: "complaints", heading: language.say("Complaints", "投诉"),
                                     table: Screen.Table(id: "complaint-table", columns: [
                                         language.say("Answered", "回复时间"), language.text(.number), language.text(.subject), "CSAT", "NPS",
                                         language.say("Comment", "意见"), language.say("Held by", "处理人"), language.text(.status),
                                     ], rows: rows, empty: language.say("No complaints.", "没有投诉。")),
                                     unavailable: QueueRoutes.unavailable(answer))
        if let next = answer.value?["next_cursor"]?.string {
            section.forms = [Screen.Form(id: "older", action: "/complaints", submit: language.say("Older", "更早"),
                                         fields: [.hidden("cursor", next)], method: "get")]
        }
        return Screen(heading: language.say("Complaints", "投诉"), sections: [section])
    }
}
