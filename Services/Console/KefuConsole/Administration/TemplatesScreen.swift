import Foundation
import KefuContracts
import NIOHTTP1

/// Notification's templates per event, channel and language: edited, previewed for a real
/// ticket, and put back to the built-in.
enum TemplatesScreen {
    static let route = ScreenRoute(path: "/admin/templates", role: .admin, nav: "templates", draw: draw, actions: [
        "save": ScreenAction(.admin, form: "template") { form, person in
            guard let key = key(form.fields) else { return .invalid(["text": person.language.say("choose a template", "请选择模板")]) }
            var body = FormJSON(form.fields, language: person.language)
            body.text("subject")
            body.text("text", required: true)
            body.text("html")
            return body.prepared { json in
                BackendChange(method: .PUT, backend: .notification, path: "/v1/templates/\(key)", body: .json(json),
                              audit: "template_edited", target: key, done: person.language.say("\(key) saved.", "\(key) 已保存。"))
            }
        },
        "preview": ScreenAction(.admin, form: "preview") { form, person in
            guard let key = key(form.fields) else { return .invalid(["ticket_number": person.language.say("choose a template", "请选择模板")]) }
            var body = FormJSON(form.fields, language: person.language)
            body.text("ticket_number", required: true)
            return body.prepared { json in
                BackendChange(method: .POST, backend: .notification, path: "/v1/templates/\(key)/preview", body: .json(json),
                              showsAnswer: true, done: person.language.say("Preview below.", "预览如下。"))
            }
        },
        // The edit form's second button: the text as typed, rendered for a ticket, nothing saved.
        "draft": ScreenAction(.admin, form: "template") { form, person in
            guard let key = key(form.fields) else { return .invalid(["text": person.language.say("choose a template", "请选择模板")]) }
            var draft = FormJSON(form.fields, language: person.language)
            draft.text("subject")
            draft.text("text", required: true)
            draft.text("html")
            var body = FormJSON(form.fields, language: person.language)
            body.text("ticket_number", required: true)
            body.set("template", .object(draft.object))
            for (field, message) in draft.errors { body.refuse(field, message) }
            return body.prepared { json in
                BackendChange(method: .POST, backend: .notification, path: "/v1/templates/\(key)/preview", body: .json(json),
                              showsAnswer: true, done: person.language.say("Draft preview below; nothing was saved.", "草稿预览如下；尚未保存。"))
            }
        },
        "revert": ScreenAction(.admin, form: "revert") { form, person in
            guard let key = key(form.fields) else { return .invalid([:], problems: [person.language.say("choose a template", "请选择模板")]) }
            return .send(BackendChange(method: .DELETE, backend: .notification, path: "/v1/templates/\(key)", audit: "template_reverted",
                                       target: key, done: person.language.say("\(key) is the built-in again.", "\(key) 已恢复为内置模板。")))
        },
    ])

    /// `event/channel/language`, each part as notification names them.
    private static func key(_ fields: [String: String]) -> String? {
        let parts = ["event", "channel", "language"].compactMap { fields[$0] }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) } })
        else { return nil }
        return parts.joined(separator: "/")
    }

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.notification, "/v1/templates")
        let chosen = ["event", "channel", "language"].map { asked.state.values[$0] ?? asked.query[$0] ?? "" }
        let templates = answer.value?.array ?? []
        let rows = templates.map { template -> Screen.Row in
            let parts = ["event", "channel", "language"].map { template[$0]?.string ?? "" }
            let link = "/admin/templates?event=\(parts[0])&channel=\(parts[1])&language=\(parts[2])"
            return Screen.Row(key: parts.joined(separator: "-"), cells: [
                Screen.Cell(parts[0], link: link), Screen.Cell(parts[1]), Screen.Cell(parts[2]),
                Screen.Cell(template["edited"]?.bool == true ? language.say("edited", "已修改") : language.say("built-in", "内置"),
                            tone: template["edited"]?.bool == true ? "warn" : nil),
                Screen.Cell(template["subject"]?.string ?? ""),
            ])
        }
        var screen = Screen(heading: language.say("Notification templates", "通知模板"))
        if let template = templates.first(where: { t in ["event", "channel", "language"].map { t[$0]?.string ?? "" } == chosen }) {
            let hidden: [Screen.Field] = [.hidden("event", chosen[0]), .hidden("channel", chosen[1]), .hidden("language", chosen[2])]
            var edit = Screen.Section(id: "template-section", heading: chosen.joined(separator: " · "),
                                      text: language.say("Placeholders such as {{ticket_number}} are filled per message; one no event fills is refused.",
                                                         "{{ticket_number}} 等占位符按消息填写；任何事件都不提供的占位符会被拒绝。"),
                                      forms: [
                                          Screen.Form(id: "template", action: "/admin/templates/save", submit: language.say("Save", "保存"),
                                                      fields: hidden + [
                                                          Screen.Field("subject", language.text(.subject), value: template["subject"]?.string ?? ""),
                                                          Screen.Field("text", language.say("Text", "正文"), .textarea, value: template["text"]?.string ?? "",
                                                                       required: true),
                                                          Screen.Field("html", "HTML", .textarea, value: template["html"]?.string ?? ""),
                                                          Screen.Field("ticket_number", language.say("Preview the draft for ticket", "草稿预览所用工单号")),
                                                      ], alternate: ("/admin/templates/draft", language.say("Preview draft", "预览草稿"))),
                                          Screen.Form(id: "preview", action: "/admin/templates/preview", submit: language.say("Preview", "预览"),
                                                      fields: hidden + [Screen.Field("ticket_number", language.say("For ticket", "工单号"), required: true)]),
                                          Screen.Form(id: "revert", action: "/admin/templates/revert",
                                                      submit: language.say("Back to the built-in", "恢复内置模板"), fields: hidden),
                                      ])
            if ["preview", "template"].contains(asked.state.formID), let preview = asked.state.answer {
                edit.lines = [preview["subject"]?.string, preview["text"]?.string].compactMap { $0 }
            }
            screen.sections.append(edit)
        }
        screen.sections.append(Screen.Section(
            id: "templates", heading: language.say("Templates in force", "当前模板"),
            table: Screen.Table(id: "template-table", columns: [language.say("Event", "事件"), language.text(.channel),
                                                               language.say("Language", "语言"), "", language.text(.subject)],
                                rows: rows, empty: "–"),
            unavailable: QueueRoutes.unavailable(answer)))
        return screen
    }
}
