import Foundation
import KefuContracts
import KefuServiceKit
import NIOHTTP1

/// The supervisors' floor, live: every team's queue, triage, the clocks nearest breach with
/// their countdowns, breaches and escalations as they happen, and each agent's load and duty.
/// The script fetches it again whenever an event arrives (docs/console.md, "The floor").
enum FloorScreen {
    static let route = ScreenRoute(path: "/floor", role: .supervisor, nav: "floor", draw: draw, actions: [
        "reassign": ScreenAction(.supervisor, form: "reassign") { form, person in
            transfer(form, to: "agent_id", person)
        },
        "transfer": ScreenAction(.supervisor, form: "transfer") { form, person in
            transfer(form, to: "team_id", person)
        },
        "duty": ScreenAction(.supervisor, form: "duty") { form, person in
            let agent = form.fields["agent"] ?? ""
            let duty = form.fields["duty"] ?? ""
            return .send(BackendChange(method: .PUT, backend: .dispatch, path: "/v1/agents/\(AdminPaths.segment(agent))/duty",
                                       body: .json(.object(["duty": .string(duty)])), audit: "agent_duty_changed", target: agent,
                                       done: person.language.say("\(agent) is now \(duty).", "\(agent) 的状态已改为 \(duty)。")))
        },
    ])

    static func transfer(_ form: MultipartForm, to key: String, _ person: SignedIn) -> ScreenAction.Prepared {
        let number = form.fields["number"] ?? ""
        let whom = (form.fields[key] ?? "").trimmingCharacters(in: .whitespaces)
        guard TicketAccess.isTicketNumber(number), !whom.isEmpty else {
            return .invalid([key: person.language.say("Say to whom.", "请填写目标。")])
        }
        let reason = (form.fields["reason"] ?? "").trimmingCharacters(in: .whitespaces)
        let body: JSONValue = .object([key: .string(whom),
                                       "reason": .string(reason.isEmpty ? "moved from the floor by \(person.account.username)" : reason)])
        return .send(BackendChange(method: .POST, backend: .dispatch, path: "/v1/tickets/\(number)/transfer", body: .json(body),
                                   audit: key == "agent_id" ? "ticket_reassigned" : "ticket_transferred", target: number,
                                   done: person.language.say("\(number) went to \(whom).", "\(number) 已转给 \(whom)。")))
    }

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let person = asked.person, console = asked.console
        let client = console.client
        async let teams = client.get(.dispatch, "/v1/teams", as: person)
        async let queues = client.get(.dispatch, "/v1/team-queues", as: person)
        async let clocks = client.get(.dispatch, "/v1/clocks?within=3600&breached_within=3600", as: person)
        async let agents = client.get(.dispatch, "/v1/agents", as: person)
        async let waiting = client.get(.dispatch, "/v1/tickets?status=queued", as: person)
        async let triage = client.get(.classification, "/v1/triage?limit=50", as: person)
        let happenings = try await console.runtime.read { try LiveEventStore.happenings(limit: 20, on: $0) }
        let language = person.language
        let names = Dictionary((await teams).value?.array.compactMap { team in
            team["id"]?.string.map { ($0, team["name"]?.string ?? $0) }
        } ?? [], uniquingKeysWith: { first, _ in first })
        var screen = Screen(heading: language.say("The floor", "现场监控"), refresh: "/floor/fragment")
        screen.sections.append(queueSection(await queues, names: names, language))
        screen.sections.append(clockSection(await clocks, names: names, person))
        screen.sections.append(happeningSection(happenings, language))
        screen.sections.append(waitingSection(await waiting, person))
        screen.sections.append(triageSection(await triage, language))
        screen.sections.append(agentSection(await agents, names: names, language))
        return screen
    }

    private static func queueSection(_ answer: ServiceClient.Answer, names: [String: String], _ language: Language) -> Screen.Section {
        let rows = answer.value?.array.map { queue -> Screen.Row in
            let team = queue["team_id"]?.string
            let oldest = Formatting.parse(queue["oldest_queued_at"]?.string)
            return Screen.Row(key: team ?? "-", cells: [
                Screen.Cell(team.map { names[$0] ?? $0 } ?? language.say("(no team)", "（无团队）")),
                Screen.Cell(queue["queued"]?.plainText ?? "0", tone: (queue["queued"]?.number ?? 0) > 0 ? "warn" : nil),
                Screen.Cell(oldest.map { Formatting.duration(Date().timeIntervalSince($0), language) } ?? "–"),
                Screen.Cell(queue["held"]?.plainText ?? "0"),
            ])
        } ?? []
        return Screen.Section(id: "queues", heading: language.say("Queues by team", "各团队队列"),
                              table: Screen.Table(id: "queue-table", columns: [language.say("Team", "团队"),
                                                                              language.say("Waiting for an agent", "等待分派"),
                                                                              language.say("Oldest waiting", "最久等待"),
                                                                              language.say("Held by agents", "处理中")],
                                                  rows: rows, empty: language.say("No open tickets.", "没有未结工单。")),
                              unavailable: QueueRoutes.unavailable(answer))
    }

    private static func clockSection(_ answer: ServiceClient.Answer, names: [String: String], _ person: SignedIn) -> Screen.Section {
        let language = person.language
        let rows = answer.value?.array.compactMap { clock -> Screen.Row? in
            guard let number = clock["ticket_number"]?.string, let due = Formatting.parse(clock["due_at"]?.string) else { return nil }
            let target = clock["target"]?.string ?? ""
            let breached = clock["breached"]?.bool == true
            return Screen.Row(key: "\(number)-\(target)", cells: [
                Screen.Cell(number, link: "/tickets/\(number)/story"),
                Screen.Cell(Text(rawValue: target).map(language.text) ?? target),
                Screen.Cell(clock["agent_id"]?.string ?? language.say("nobody yet", "尚未分派")),
                Screen.Cell(clock["team_id"]?.string.map { names[$0] ?? $0 } ?? "–"),
                .countdown(due: due, warn: Formatting.parse(clock["warn_at"]?.string), language: language),
            ], actions: [reassignForm(number, language, key: "\(number)-\(target)")], tone: breached ? "late" : nil)
        } ?? []
        return Screen.Section(id: "clocks", heading: language.say("Clocks near breach", "即将超时"),
                              text: language.say("Soonest first; amber once past the warning share, red once breached.",
                                                 "按到期先后排列；超过预警比例变为琥珀色，超时变为红色。"),
                              table: Screen.Table(id: "clock-table", columns: [language.text(.number), language.say("Clock", "时限"),
                                                                              language.say("Agent", "坐席"), language.say("Team", "团队"),
                                                                              language.say("Time left", "剩余时间"), ""],
                                                  rows: rows, empty: language.say("No clock is due within the hour.", "一小时内没有到期的时限。")),
                              unavailable: QueueRoutes.unavailable(answer))
    }

    /// `key` tells the form apart from others for the same ticket (its clocks, its place in the queue).
    static func reassignForm(_ number: String, _ language: Language, key: String? = nil, action: String = "/floor/reassign") -> Screen.Form {
        Screen.Form(id: "reassign-\(key ?? number)", action: action, submit: language.say("Reassign", "改派"),
                    fields: [.hidden("number", number), .hidden("form_key", key ?? number), Screen.Field("agent_id", language.say("To agent", "给坐席"), required: true)],
                    inline: true)
    }

    private static func transferForm(_ number: String, _ language: Language) -> Screen.Form {
        Screen.Form(id: "transfer-\(number)", action: "/floor/transfer", submit: language.text(.transfer),
                    fields: [.hidden("number", number), .hidden("form_key", number), Screen.Field("team_id", language.say("To team", "给团队"), required: true)],
                    inline: true)
    }

    private static func happeningSection(_ events: [LiveEvent], _ language: Language) -> Screen.Section {
        let rows = events.map { event -> Screen.Row in
            let kind = event.type.replacingOccurrences(of: "kefu.ticket.", with: "")
            return Screen.Row(key: String(event.id), cells: [
                Screen.Cell(event.receivedAt.map { Formatting.time($0, language) } ?? ""),
                Screen.Cell(kind, tone: kind == "sla_warning" ? "soon" : "late"),
                Screen.Cell(event.ticketNumber ?? "", link: event.ticketNumber.map { "/tickets/\($0)/story" }),
                Screen.Cell(event.agentID ?? event.holder ?? "–"),
                Screen.Cell(event.teamID ?? "–"),
            ])
        }
        return Screen.Section(id: "happenings", heading: language.say("Breaches and escalations", "超时与升级"),
                              table: Screen.Table(id: "happening-table", columns: [language.say("When", "时间"), language.say("What", "事件"),
                                                                                  language.text(.number), language.say("Agent", "坐席"),
                                                                                  language.say("Team", "团队")],
                                                  rows: rows, empty: language.say("Nothing today.", "今天没有。")))
    }

    private static func waitingSection(_ answer: ServiceClient.Answer, _ person: SignedIn) -> Screen.Section {
        let language = person.language
        let rows = answer.value?.array.prefix(25).compactMap { ticket -> Screen.Row? in
            guard let number = ticket["number"]?.string else { return nil }
            let since = Formatting.parse(ticket["queued_at"]?.string)
            return Screen.Row(key: number, cells: [
                Screen.Cell(number, link: "/tickets/\(number)/story"),
                Screen.Cell(ticket["priority"]?.string ?? ""), Screen.Cell(ticket["category"]?.string ?? ""),
                Screen.Cell(ticket["team_id"]?.string ?? "–"),
                Screen.Cell(since.map { Formatting.duration(Date().timeIntervalSince($0), language) } ?? "–"),
            ], actions: [reassignForm(number, language, key: "\(number)-waiting"), transferForm(number, language)])
        } ?? []
        return Screen.Section(id: "waiting", heading: language.say("Waiting for an agent", "等待分派"),
                              table: Screen.Table(id: "waiting-table", columns: [language.text(.number), language.text(.priority),
                                                                                language.text(.category), language.say("Team", "团队"),
                                                                                language.say("Waiting", "已等待"), ""],
                                                  rows: Array(rows), empty: language.say("Nothing waits.", "没有等待的工单。")),
                              unavailable: QueueRoutes.unavailable(answer))
    }

    private static func triageSection(_ answer: ServiceClient.Answer, _ language: Language) -> Screen.Section {
        let items = answer.value?["items"]?.array ?? []
        let rows = items.prefix(10).compactMap { item -> Screen.Row? in
            guard let number = item["ticket_number"]?.string else { return nil }
            return Screen.Row(key: number, cells: [Screen.Cell(number, link: "/tickets/\(number)"),
                                                   Screen.Cell(item["subject"]?.string ?? ""),
                                                   Screen.Cell(item["priority"]?.string ?? "")])
        }
        let more = answer.value?["next_cursor"]?.string != nil ? "50+" : String(items.count)
        return Screen.Section(id: "triage", heading: language.say("In triage: \(more)", "待分类：\(more)"),
                              table: Screen.Table(id: "triage-table", columns: [language.text(.number), language.text(.subject),
                                                                               language.text(.priority)],
                                                  rows: Array(rows), empty: language.text(.noTriage)),
                              unavailable: QueueRoutes.unavailable(answer))
    }

    private static func agentSection(_ answer: ServiceClient.Answer, names: [String: String], _ language: Language) -> Screen.Section {
        let rows = answer.value?.array.compactMap { agent -> Screen.Row? in
            guard let id = agent["id"]?.string else { return nil }
            let open = agent["open_count"]?.number ?? 0, capacity = agent["max_open"]?.number ?? 0
            let today = agent["assigned_today"]?.number ?? 0, cap = agent["daily_cap"]?.number ?? 0
            let duty = agent["duty"]?.string ?? "off"
            return Screen.Row(key: id, cells: [
                Screen.Cell(agent["name"]?.string ?? id), Screen.Cell(id),
                Screen.Cell(agent["team_id"]?.string.map { names[$0] ?? $0 } ?? "–"),
                Screen.Cell(duty, tone: duty == "on" ? "ok" : "muted"),
                Screen.Cell("\(Int(open)) / \(Int(capacity))", tone: capacity > 0 && open >= capacity ? "warn" : nil),
                Screen.Cell("\(Int(today)) / \(Int(cap))", tone: cap > 0 && today >= cap ? "warn" : nil),
            ], actions: [Screen.Form(id: "duty-\(id)", action: "/floor/duty", submit: language.say("Set", "设置"), fields: [
                .hidden("agent", id), .hidden("form_key", id),
                Screen.Field("duty", language.say("Duty", "状态"), .select, value: duty,
                             options: [("on", language.say("on duty", "在岗")), ("break", language.say("on a break", "休息")),
                                       ("off", language.say("off duty", "离岗"))]),
            ], inline: true)])
        } ?? []
        return Screen.Section(id: "agents", heading: language.say("Agents", "坐席"),
                              table: Screen.Table(id: "agent-table", columns: [language.say("Name", "姓名"), "ID", language.say("Team", "团队"),
                                                                              language.say("Duty", "状态"), language.say("Open / capacity", "在办 / 上限"),
                                                                              language.say("Today / daily cap", "今日 / 每日上限"), ""],
                                                  rows: rows, empty: language.say("No agents.", "没有坐席。")),
                              unavailable: QueueRoutes.unavailable(answer))
    }
}

extension JSONValue {
    /// A number or text as people read it.
    var plainText: String { (plain as? String) ?? "" }
}

/// Parts of the services' paths made from what a person typed.
enum AdminPaths {
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }
}
