import Foundation
import KefuContracts

/// A ticket's whole story in one view, oldest first: every status event intake recorded
/// (transfers, escalations, SLA warnings and breaches among them), every assignment with its
/// rule, missed acceptances, notes, each notification sent or failed, and the survey.
enum StoryScreen {
    static let route = ScreenRoute(path: "/tickets/{number}/story", role: .supervisor, nav: "floor", draw: draw, actions: [
        "reassign": ScreenAction(.supervisor, form: "reassign") { form, person in
            FloorScreen.transfer(form, to: "agent_id", person)
        },
    ])

    struct Entry {
        let at: Date
        let source: String
        let what: String
        let detail: String
        var tone: String?
    }

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let number = asked.parameters["number"] ?? ""
        guard TicketAccess.isTicketNumber(number) else { return Screen(heading: language.text(.notFound)) }
        async let intake = asked.get(.intake, "/v1/tickets/\(number)")
        async let assignments = asked.get(.dispatch, "/v1/tickets/\(number)/assignments")
        async let notes = asked.get(.dispatch, "/v1/tickets/\(number)/notes")
        async let clocks = asked.get(.dispatch, "/v1/tickets/\(number)/clocks")
        async let deliveries = asked.get(.notification, "/v1/notifications?ticket=\(number)")
        async let surveys = asked.get(.survey, "/v1/surveys?ticket=\(number)")
        let ticket = await intake
        var entries: [Entry] = []
        for event in ticket.value?["timeline"]?.array ?? [] {
            guard let at = Formatting.parse(event["occurred_at"]?.string) else { continue }
            let type = (event["type"]?.string ?? "").replacingOccurrences(of: "kefu.", with: "")
            entries.append(Entry(at: at, source: event["source"]?.string ?? "", what: type, detail: event["status"]?.string ?? "",
                                 tone: type.contains("breached") || type.contains("escalated") ? "late"
                                     : type.contains("warning") ? "soon" : nil))
        }
        let history = await assignments
        for assignment in history.value?["assignments"]?.array ?? [] {
            guard let at = Formatting.parse(assignment["assigned_at"]?.string) else { continue }
            let explanation = assignment["explanation"]
            let rule = explanation?["rule"]?.string ?? ""
            let eligible = explanation?["eligible"]?.plainText ?? "?"
            entries.append(Entry(at: at, source: "dispatch", what: language.say("assigned to", "分派给") + " " + (assignment["agent_id"]?.string ?? ""),
                                 detail: language.say("rule \(rule), \(eligible) eligible", "规则 \(rule)，可选 \(eligible) 人")))
        }
        for miss in history.value?["missed_acceptances"]?.array ?? [] {
            guard let at = Formatting.parse(miss["missed_at"]?.string) else { continue }
            entries.append(Entry(at: at, source: "dispatch", what: language.say("not accepted in time by", "未按时接单：") + " " +
                                 (miss["agent_id"]?.string ?? ""), detail: "", tone: "soon"))
        }
        for note in (await notes).value?.array ?? [] {
            guard let at = Formatting.parse(note["written_at"]?.string) else { continue }
            let isInternal = note["internal"]?.bool != false
            entries.append(Entry(at: at, source: note["author"]?.string ?? "",
                                 what: isInternal ? language.text(.internalMark) : language.text(.agentReply),
                                 detail: String((note["text"]?.string ?? "").prefix(160))))
        }
        let sent = await deliveries
        for delivery in sent.value?.array ?? [] {
            let status = delivery["status"]?.string ?? ""
            guard let at = Formatting.parse(delivery["sent_at"]?.string ?? delivery["failed_at"]?.string ?? delivery["created_at"]?.string)
            else { continue }
            entries.append(Entry(at: at, source: "notification",
                                 what: "\(delivery["purpose"]?.string ?? delivery["event_type"]?.string ?? "") · \(delivery["channel"]?.string ?? "")",
                                 detail: "\(status) → \(delivery["recipient"]?.string ?? "")" +
                                     (delivery["last_error"]?.string.map { " (\($0))" } ?? ""),
                                 tone: status == "failed" ? "late" : nil))
        }
        for survey in (await surveys).value?.array ?? [] {
            guard let at = Formatting.parse(survey["answered_at"]?.string ?? survey["created_at"]?.string) else { continue }
            let scores = ["csat", "nps"].compactMap { key in survey[key]?.number.map { "\(key.uppercased()) \(Int($0))" } }
            entries.append(Entry(at: at, source: "survey", what: language.say("survey", "满意度调查") + " " + (survey["status"]?.string ?? ""),
                                 detail: (scores + [survey["comment"]?.string].compactMap { $0 }).joined(separator: " · "),
                                 tone: survey["complaint"]?.bool == true ? "late" : nil))
        }
        entries.sort { $0.at < $1.at }
        let subject = ticket.value?["subject"]?.string ?? ""
        var screen = Screen(heading: "\(number) \(subject)")
        let rows = entries.enumerated().map { index, entry in
            Screen.Row(key: String(index), cells: [Screen.Cell(Formatting.time(entry.at, language)), Screen.Cell(entry.source),
                                                   Screen.Cell(entry.what, tone: entry.tone), Screen.Cell(entry.detail)])
        }
        screen.sections.append(Screen.Section(
            id: "story", heading: language.say("The whole story", "完整经过"),
            text: language.say("Status: ", "状态：") + (ticket.value?["status"]?.string ?? "?") + " · " + language.say("agent: ", "坐席：") +
                (ticket.value?["agent_id"]?.string ?? "–"),
            table: Screen.Table(id: "story-table", columns: [language.say("When", "时间"), language.say("Who", "来源"),
                                                            language.say("What", "事件"), language.say("Detail", "详情")],
                                rows: rows, empty: language.text(.notFound)),
            forms: [FloorScreen.reassignForm(number, language, action: "/tickets/\(number)/story/reassign")],
            unavailable: [ticket, history, sent].compactMap(QueueRoutes.unavailable).first))
        screen.sections.append(clockSection(await clocks, language))
        return screen
    }

    private static func clockSection(_ answer: ServiceClient.Answer, _ language: Language) -> Screen.Section {
        let rows = answer.value?.array.map { clock -> Screen.Row in
            let target = clock["target"]?.string ?? ""
            let values = TicketView.clock(clock, language: language)
            let state = (values["outcome"] as? String) ?? (values["due_text"] as? String) ?? ""
            return Screen.Row(key: target, cells: [Screen.Cell(Text(rawValue: target).map(language.text) ?? target),
                                                   Screen.Cell(Formatting.duration(clock["target_seconds"]?.number ?? 0, language)),
                                                   Screen.Cell(state, tone: values["outcome_class"] as? String)])
        } ?? []
        return Screen.Section(id: "story-clocks", heading: language.text(.clocks),
                              table: Screen.Table(id: "story-clock-table", columns: [language.say("Clock", "时限"), language.say("Allowed", "允许时长"),
                                                                                    language.say("Now", "当前")],
                                                  rows: rows, empty: "–"),
                              unavailable: QueueRoutes.unavailable(answer))
    }
}
