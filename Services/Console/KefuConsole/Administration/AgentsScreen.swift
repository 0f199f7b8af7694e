import Foundation
import KefuContracts
import NIOHTTP1

/// Administrators' page for dispatch's agents: capacity, daily cap, skills and shift calendar,
/// edited in place, and the bulk import of agents or teams from CSV or JSON, every bad row named.
enum AgentsScreen {
    static let route = ScreenRoute(path: "/admin/agents", role: .admin, nav: "agents", draw: draw, actions: [
        "save": ScreenAction(.admin, form: "agent") { form, person in
            let id = form.fields["form_key"] ?? ""
            var body = FormJSON(form.fields, language: person.language)
            body.number("max_open")
            body.number("daily_cap")
            body.text("team_id")
            // Every agent has a team; a choice of no shift calendar clears it (a merge patch's null).
            let calendar = (form.fields["shift_calendar_id"] ?? "").trimmingCharacters(in: .whitespaces)
            body.set("shift_calendar_id", calendar.isEmpty ? .null : .string(calendar))
            body.list("categories")
            if case .array(let categories)? = body.object["categories"] {
                body.set("skills", .object(["categories": .array(categories)]))
            }
            return body.prepared { json in
                var fields = json.objectValue
                fields.removeValue(forKey: "categories")
                return BackendChange(method: .PATCH, backend: .dispatch, path: "/v1/agents/\(AdminPaths.segment(id))",
                                     body: .json(.object(fields)), audit: "agent_changed", target: id,
                                     done: person.language.say("\(id) saved.", "\(id) 已保存。"))
            }
        },
        "import": ScreenAction(.admin, form: "import") { form, person in
            Import.prepare(form, person, kinds: ["agents": "/v1/agents/import", "teams": "/v1/teams/import"])
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        async let agents = asked.get(.dispatch, "/v1/agents")
        async let teams = asked.get(.dispatch, "/v1/teams")
        async let calendars = asked.get(.dispatch, "/v1/calendars")
        let (answer, teamAnswer, calendarAnswer) = await (agents, teams, calendars)
        let none = [(value: "", text: "–")]
        let teamOptions = (teamAnswer.value?.array ?? []).compactMap { team in
            team["id"]?.string.map { (value: $0, text: "\(team["name"]?.string ?? $0) (\($0))") }
        }
        let calendarOptions = none + (calendarAnswer.value?.array ?? []).compactMap { calendar in
            calendar["id"]?.string.map { (value: $0, text: "\(calendar["name"]?.string ?? $0) (\($0))") }
        }
        let rows = answer.value?.array.compactMap { agent -> Screen.Row? in
            guard let id = agent["id"]?.string else { return nil }
            let categories = agent["skills"]?["categories"]?.array.compactMap(\.string).joined(separator: ", ") ?? ""
            return Screen.Row(key: id, cells: [Screen.Cell(id), Screen.Cell(agent["name"]?.string ?? ""),
                                               Screen.Cell(agent["team_id"]?.string ?? ""), Screen.Cell(agent["duty"]?.string ?? "")],
                              actions: [Screen.Form(id: "agent-\(id)", action: "/admin/agents/save", submit: language.say("Save", "保存"), fields: [
                                  .hidden("form_key", id),
                                  Screen.Field("max_open", language.say("Capacity", "上限"), .number, value: agent["max_open"]?.plainText ?? ""),
                                  Screen.Field("daily_cap", language.say("Daily cap", "每日上限"), .number, value: agent["daily_cap"]?.plainText ?? ""),
                                  Screen.Field("team_id", language.say("Team", "团队"), .select, value: agent["team_id"]?.string ?? "",
                                               options: withCurrent(agent["team_id"]?.string, teamOptions)),
                                  Screen.Field("categories", language.say("Skills", "技能类别"), value: categories),
                                  Screen.Field("shift_calendar_id", language.say("Shift calendar", "班次日历"), .select,
                                               value: agent["shift_calendar_id"]?.string ?? "", options: calendarOptions),
                              ], inline: true)])
        } ?? []
        var screen = Screen(heading: language.say("Agents", "坐席"))
        screen.sections.append(Screen.Section(
            id: "agents", heading: language.say("Agents", "坐席"),
            table: Screen.Table(id: "agent-table", columns: ["ID", language.say("Name", "姓名"), language.say("Team", "团队"),
                                                            language.say("Duty", "状态"), ""],
                                rows: rows, empty: language.say("No agents.", "没有坐席。")),
            unavailable: QueueRoutes.unavailable(answer)))
        // The import first: a refused file's rows are named above the long list of agents.
        screen.sections.insert(Import.section(language, action: "/admin/agents/import", kinds: ["agents", "teams"]), at: 0)
        return screen
    }
}

/// The options with the current value among them, so that a team retired since (and so no
/// longer listed) is not changed by saving something else.
private func withCurrent(_ current: String?, _ options: [(value: String, text: String)]) -> [(value: String, text: String)] {
    guard let current, !options.contains(where: { $0.value == current }) else { return options }
    return [(current, current)] + options
}

/// A bulk import's form and request, shared by the pages that import (agents, teams).
enum Import {
    static func section(_ language: Language, action: String, kinds: [String]) -> Screen.Section {
        Screen.Section(id: "import-file-section", heading: language.say("Import from a file", "从文件导入"),
                       text: language.say("CSV with a header row, or a JSON array. All or nothing: every bad row is named, and then none is saved.",
                                          "带表头的 CSV 或 JSON 数组。要么全部导入，要么一条不导入：每个有误的行都会列出。"),
                       forms: [Screen.Form(id: "import", action: action, submit: language.say("Import", "导入"), fields: [
                           Screen.Field("kind", language.say("What", "内容"), .select, value: kinds[0], options: kinds.map { ($0, $0) }),
                           Screen.Field("file", language.say("File", "文件"), .file, required: true),
                       ], multipart: true)])
    }

    static func prepare(_ form: MultipartForm, _ person: SignedIn, kinds: [String: String]) -> ScreenAction.Prepared {
        let language = person.language
        guard let path = kinds[form.fields["kind"] ?? ""] else { return .invalid(["kind": language.say("choose one", "请选择")]) }
        guard let file = form.files["file"], !file.bytes.isEmpty else { return .invalid(["file": language.say("choose a file", "请选择文件")]) }
        let csv = file.isCSV
        let kind = form.fields["kind"] ?? ""
        return .send(BackendChange(method: .POST, backend: .dispatch, path: path,
                                   body: .raw(file.bytes, contentType: csv ? "text/csv" : "application/json"),
                                   audit: "\(kind)_imported", target: file.filename,
                                   done: language.say("Imported \(file.filename).", "已导入 \(file.filename)。")))
    }
}

extension MultipartForm.File {
    /// Sent as CSV: by its name or the type the browser gave it; otherwise taken for JSON.
    var isCSV: Bool { filename.lowercased().hasSuffix(".csv") || contentType.lowercased().contains("csv") }
}

extension JSONValue {
    var objectValue: [String: JSONValue] {
        if case .object(let object) = self { object } else { [:] }
    }
}
