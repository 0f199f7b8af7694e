import Foundation
import KefuContracts
import NIOHTTP1

/// The organisation as dispatch holds it: teams in three levels (headquarters, branches, service
/// stations), the business calendars their clocks count in, with holidays, and customers'
/// dedicated representatives. Every form goes to dispatch, which checks it as its API does.
enum OrganisationScreen {
    static let route = ScreenRoute(path: "/admin/organisation", role: .admin, nav: "organisation", draw: draw, actions: [
        "team": ScreenAction(.admin, form: "team") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            for (name, required) in [("id", true), ("name", true), ("level", true), ("parent_id", false), ("calendar_id", false),
                                     ("supervisor_id", false)] {
                body.text(name, required: required)
            }
            body.flag("quick_response")
            body.flag("partner")
            body.number("accept_timeout_seconds")
            let id = body.object["id"]?.string ?? ""
            return body.prepared { json in
                BackendChange(method: .PUT, backend: .dispatch, path: "/v1/teams/\(AdminPaths.segment(id))", body: .json(json),
                              audit: "team_saved", target: id, done: person.language.say("Team \(id) saved.", "团队 \(id) 已保存。"))
            }
        },
        "retire": ScreenAction(.admin, form: "retire") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .dispatch, path: "/v1/teams/\(AdminPaths.segment(id))",
                                       audit: "team_retired", target: id,
                                       done: person.language.say("Team \(id) retired.", "团队 \(id) 已停用。")))
        },
        "calendar": ScreenAction(.admin, form: "calendar") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("id", required: true)
            body.text("name", required: true)
            body.text("time_zone", required: true)
            body.flag("always_open")
            body.list("holidays")
            switch CalendarHoursText.parse(form.fields["hours"] ?? "", language: person.language) {
            case .success(let hours): body.set("hours", hours)
            case .failure(let error): body.refuse("hours", error.message)
            }
            let id = body.object["id"]?.string ?? ""
            return body.prepared { json in
                BackendChange(method: .PUT, backend: .dispatch, path: "/v1/calendars/\(AdminPaths.segment(id))", body: .json(json),
                              audit: "calendar_saved", target: id, done: person.language.say("Calendar \(id) saved.", "日历 \(id) 已保存。"))
            }
        },
        "representative": ScreenAction(.admin, form: "representative") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("customer_id", required: true)
            body.text("agent_id", required: true)
            let customer = body.object["customer_id"]?.string ?? ""
            return body.prepared { json in
                var fields = json.objectValue
                fields.removeValue(forKey: "customer_id")
                return BackendChange(method: .PUT, backend: .dispatch, path: "/v1/representatives/\(AdminPaths.segment(customer))",
                                     body: .json(.object(fields)), audit: "representative_set", target: customer,
                                     done: person.language.say("Representative set for \(customer).", "已为 \(customer) 指定专属代表。"))
            }
        },
        "unassign": ScreenAction(.admin, form: "unassign") { form, person in
            let customer = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .dispatch, path: "/v1/representatives/\(AdminPaths.segment(customer))",
                                       audit: "representative_removed", target: customer,
                                       done: person.language.say("Representative removed for \(customer).", "已取消 \(customer) 的专属代表。")))
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        async let teams = asked.get(.dispatch, "/v1/teams?include_retired=true")
        async let calendars = asked.get(.dispatch, "/v1/calendars")
        async let representatives = asked.get(.dispatch, "/v1/representatives")
        let (teamAnswer, calendarAnswer, representativeAnswer) = await (teams, calendars, representatives)
        return Screen(heading: asked.language.say("Organisation", "组织架构"), sections: [
            teamSection(teamAnswer, calendars: calendarAnswer.value?.array ?? [], asked),
            calendarSection(calendarAnswer, asked),
            representativeSection(representativeAnswer, asked),
        ])
    }

    /// Teams as a tree, headquarters first, each child under its parent.
    private static func teamSection(_ answer: ServiceClient.Answer, calendars: [JSONValue], _ asked: ScreenRequest) -> Screen.Section {
        let language = asked.language
        let teams = answer.value?.array ?? []
        let levels = ["headquarters": language.say("Headquarters", "总部"), "branch": language.say("Branch", "分公司"),
                      "station": language.say("Service station", "服务站")]
        let rows = treeOrder(teams).map { team, depth -> Screen.Row in
            let id = team["id"]?.string ?? ""
            let retired = team["retired_at"] != nil
            let flags = [team["quick_response"]?.bool == true ? language.say("quick response", "快速响应") : nil,
                         team["partner"]?.bool == true ? language.say("partner", "服务商") : nil,
                         retired ? language.say("retired", "已停用") : nil].compactMap { $0 }.joined(separator: ", ")
            return Screen.Row(key: id, cells: [
                Screen.Cell(String(repeating: "— ", count: depth) + (team["name"]?.string ?? ""), link: "/admin/organisation?team=\(AdminPaths.segment(id))#team"),
                Screen.Cell(id), Screen.Cell(levels[team["level"]?.string ?? ""] ?? ""), Screen.Cell(team["calendar_id"]?.string ?? ""),
                Screen.Cell(team["supervisor_id"]?.string ?? ""), Screen.Cell(flags),
            ], actions: retired ? [] : [Screen.Form(id: "retire-\(id)", action: "/admin/organisation/retire",
                                                     submit: language.say("Retire", "停用"), fields: [.hidden("form_key", id)], inline: true)],
                              tone: retired ? "muted" : nil)
        }
        let editing = asked.query["team"].flatMap { wanted in teams.first { $0["id"]?.string == wanted } }
        let calendarOptions = [("", "–")] + calendars.compactMap { $0["id"]?.string }.map { ($0, $0) }
        let parentOptions = [("", "–")] + teams.filter { $0["level"]?.string != "station" && $0["retired_at"] == nil }
            .compactMap { $0["id"]?.string }.map { ($0, $0) }
        let form = Screen.Form(id: "team", action: "/admin/organisation/team", submit: language.say("Save team", "保存团队"), fields: [
            Screen.Field("id", "ID", value: editing?["id"]?.string ?? "", required: true),
            Screen.Field("name", language.say("Name", "名称"), value: editing?["name"]?.string ?? "", required: true),
            Screen.Field("level", language.say("Level", "层级"), .select, value: editing?["level"]?.string ?? "station", required: true,
                         options: ["headquarters", "branch", "station"].map { ($0, levels[$0]!) }),
            Screen.Field("parent_id", language.say("Parent", "上级"), .select, value: editing?["parent_id"]?.string ?? "", options: parentOptions,
                         hint: language.say("A branch under headquarters, a station under a branch.", "分公司隶属总部，服务站隶属分公司。")),
            Screen.Field("calendar_id", language.say("Calendar", "日历"), .select, value: editing?["calendar_id"]?.string ?? "",
                         options: calendarOptions),
            Screen.Field("supervisor_id", language.say("Supervisor (agent id)", "主管（坐席 ID）"), value: editing?["supervisor_id"]?.string ?? ""),
            Screen.Field("accept_timeout_seconds", language.say("Time to accept, seconds", "接单时限（秒）"), .number,
                         value: editing?["accept_timeout_seconds"]?.plainText ?? ""),
            Screen.Field("quick_response", language.say("Quick response (P1 first)", "快速响应（优先 P1）"), .checkbox,
                         value: editing?["quick_response"]?.bool == true ? "on" : ""),
            Screen.Field("partner", language.say("Outsourced service partner", "外包服务商"), .checkbox,
                         value: editing?["partner"]?.bool == true ? "on" : ""),
        ])
        return Screen.Section(id: "teams", heading: language.say("Teams", "团队"),
                              text: language.say("Choose a team's name to edit it; saving an existing id replaces that team. A retired team keeps its history; one that still holds work cannot be retired.",
                                                 "点击团队名称进行编辑；保存已有 ID 会替换该团队。停用的团队保留历史记录；仍有工单的团队不能停用。"),
                              table: Screen.Table(id: "team-table", columns: [
                                  language.say("Team", "团队"), "ID", language.say("Level", "层级"), language.say("Calendar", "日历"),
                                  language.say("Supervisor", "主管"), "", "",
                              ], rows: rows, empty: language.say("No teams.", "没有团队。")),
                              forms: [form], unavailable: QueueRoutes.unavailable(answer))
    }

    /// Each team after its parent, with its depth; teams whose parent is unknown start a tree.
    static func treeOrder(_ teams: [JSONValue]) -> [(JSONValue, Int)] {
        let ids = Set(teams.compactMap { $0["id"]?.string })
        let children = Dictionary(grouping: teams) { team in team["parent_id"]?.string.flatMap { ids.contains($0) ? $0 : nil } ?? "" }
        var ordered: [(JSONValue, Int)] = []
        func visit(_ parent: String, depth: Int) {
            for team in (children[parent] ?? []).sorted(by: { ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }) {
                ordered.append((team, depth))
                if let id = team["id"]?.string, depth < 3 { visit(id, depth: depth + 1) }
            }
        }
        visit("", depth: 0)
        return ordered
    }

    private static func calendarSection(_ answer: ServiceClient.Answer, _ asked: ScreenRequest) -> Screen.Section {
        let language = asked.language
        let calendars = answer.value?.array ?? []
        let rows = calendars.compactMap { calendar -> Screen.Row? in
            guard let id = calendar["id"]?.string else { return nil }
            let hours = calendar["always_open"]?.bool == true ? language.say("always open", "全天候")
                : CalendarHoursText.format(calendar["hours"]).replacingOccurrences(of: "\n", with: " · ")
            return Screen.Row(key: id, cells: [
                Screen.Cell(calendar["name"]?.string ?? id, link: "/admin/organisation?calendar=\(AdminPaths.segment(id))#calendar"),
                Screen.Cell(id), Screen.Cell(calendar["time_zone"]?.string ?? ""), Screen.Cell(hours),
                Screen.Cell(calendar["holidays"]?.array.compactMap(\.string).joined(separator: ", ") ?? ""),
            ])
        }
        let editing = asked.query["calendar"].flatMap { wanted in calendars.first { $0["id"]?.string == wanted } }
        let form = Screen.Form(id: "calendar", action: "/admin/organisation/calendar", submit: language.say("Save calendar", "保存日历"), fields: [
            Screen.Field("id", "ID", value: editing?["id"]?.string ?? "", required: true),
            Screen.Field("name", language.say("Name", "名称"), value: editing?["name"]?.string ?? "", required: true),
            Screen.Field("time_zone", language.say("Time zone", "时区"), value: editing?["time_zone"]?.string ?? "Asia/Shanghai", required: true),
            Screen.Field("always_open", language.say("Always open", "全天候"), .checkbox, value: editing?["always_open"]?.bool == true ? "on" : ""),
            Screen.Field("hours", language.say("Opening hours", "工作时间"), .textarea, value: CalendarHoursText.format(editing?["hours"]),
                         hint: language.say("One line per day or range: mon-fri 09:00-12:00 13:00-18:00", "每行一天或一段：mon-fri 09:00-12:00 13:00-18:00")),
            Screen.Field("holidays", language.say("Holidays", "节假日"), .textarea,
                         value: editing?["holidays"]?.array.compactMap(\.string).joined(separator: ", ") ?? "",
                         hint: language.say("Dates as YYYY-MM-DD, separated by commas", "日期格式 YYYY-MM-DD，以逗号分隔")),
        ])
        return Screen.Section(id: "calendars", heading: language.say("Business calendars", "工作日历"),
                              text: language.say("Clocks in business time count only inside these hours, and never on a holiday.",
                                                 "按工作时间计时的时钟只在这些时段内计时，节假日不计。"),
                              table: Screen.Table(id: "calendar-table", columns: [
                                  language.say("Calendar", "日历"), "ID", language.say("Time zone", "时区"),
                                  language.say("Hours", "工作时间"), language.say("Holidays", "节假日"),
                              ], rows: rows, empty: language.say("No calendars.", "没有日历。")),
                              forms: [form], unavailable: QueueRoutes.unavailable(answer))
    }

    private static func representativeSection(_ answer: ServiceClient.Answer, _ asked: ScreenRequest) -> Screen.Section {
        let language = asked.language
        let rows = answer.value?.array.compactMap { pair -> Screen.Row? in
            guard let customer = pair["customer_id"]?.string else { return nil }
            return Screen.Row(key: customer, cells: [Screen.Cell(customer), Screen.Cell(pair["agent_id"]?.string ?? "")],
                              actions: [Screen.Form(id: "unassign-\(customer)", action: "/admin/organisation/unassign",
                                                    submit: language.say("Remove", "取消"), fields: [.hidden("form_key", customer)], inline: true)])
        } ?? []
        let form = Screen.Form(id: "representative", action: "/admin/organisation/representative",
                               submit: language.say("Set representative", "指定专属代表"), fields: [
                                   Screen.Field("customer_id", language.say("Customer id", "客户 ID"), required: true),
                                   Screen.Field("agent_id", language.say("Agent id", "坐席 ID"), required: true),
                               ])
        return Screen.Section(id: "representatives", heading: language.say("Dedicated representatives", "专属代表"),
                              text: language.say("A customer's new tickets go to their representative first, when they have room.",
                                                 "客户的新工单优先分配给其专属代表（在其有余量时）。"),
                              table: Screen.Table(id: "representative-table", columns: [
                                  language.say("Customer", "客户"), language.say("Agent", "坐席"), "",
                              ], rows: rows, empty: language.say("No dedicated representatives.", "没有专属代表。")),
                              forms: [form], unavailable: QueueRoutes.unavailable(answer))
    }
}
