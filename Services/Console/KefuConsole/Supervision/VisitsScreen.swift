import Foundation
import KefuContracts
import NIOHTTP1

/// Survey's inspection and revisit schedule: the visits coming up, each of which a supervisor
/// may move or cancel, and (for administrators) the inspection intervals per product line.
enum VisitsScreen {
    static let route = ScreenRoute(path: "/visits", role: .supervisor, nav: "visits", draw: draw, actions: [
        "move": ScreenAction(.supervisor, form: "move") { form, person in
            let id = form.fields["form_key"] ?? ""
            var body = FormJSON(form.fields, language: person.language)
            body.text("due_on", required: true)
            return body.prepared { json in
                BackendChange(method: .PATCH, backend: .survey, path: "/v1/visits/\(AdminPaths.segment(id))", body: .json(json),
                              audit: "visit_moved", target: id, done: person.language.say("Visit moved.", "回访已改期。"))
            }
        },
        "cancel": ScreenAction(.supervisor, form: "cancel") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .POST, backend: .survey, path: "/v1/visits/\(AdminPaths.segment(id))/cancel",
                                       audit: "visit_cancelled", target: id, done: person.language.say("Visit cancelled.", "回访已取消。")))
        },
        "line": ScreenAction(.admin, form: "line") { form, person in
            let language = person.language
            let prefix = (form.fields["prefix"] ?? "").trimmingCharacters(in: .whitespaces)
            let typed = (form.fields["intervals_months"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " })
            let months = typed.compactMap { Int($0) }
            guard !typed.isEmpty, months.count == typed.count else {
                return .invalid(["intervals_months": language.say("whole months, separated by commas", "以逗号分隔的整月数")])
            }
            return .send(BackendChange(method: .PUT, backend: .survey, path: "/v1/product-lines/\(prefix.isEmpty ? "*" : AdminPaths.segment(prefix))",
                                       body: .json(.object(["intervals_months": .array(months.map { .number(Double($0)) })])),
                                       audit: "product_line_saved", target: prefix.isEmpty ? "*" : prefix,
                                       done: language.say("Intervals saved.", "巡检间隔已保存。")))
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let horizon = asked.query["due_before"].flatMap { $0.isEmpty ? nil : $0 }
            ?? String(Formatting.rfc3339(Date().addingTimeInterval(90 * 86400)).prefix(10))
        var filter = "status=scheduled&due_before=\(AdminPaths.segment(horizon))"
        if let customer = asked.query["customer"], !customer.isEmpty { filter += "&customer=\(AdminPaths.segment(customer))" }
        async let visits = asked.get(.survey, "/v1/visits?\(filter)")
        async let lines = asked.get(.survey, "/v1/product-lines")
        let (visitAnswer, lineAnswer) = await (visits, lines)
        let kinds = ["inspection": language.say("inspection", "巡检"), "revisit": language.say("revisit", "回访")]
        let rows = visitAnswer.value?.array.compactMap { visit -> Screen.Row? in
            guard let id = visit["id"]?.string else { return nil }
            let product = [visit["product_model"]?.string, visit["product_serial"]?.string].compactMap { $0 }.joined(separator: " · ")
            return Screen.Row(key: id, cells: [
                Screen.Cell(visit["due_on"]?.string ?? ""), Screen.Cell(kinds[visit["kind"]?.string ?? ""] ?? visit["kind"]?.string ?? ""),
                Screen.Cell(visit["customer_id"]?.string ?? ""), Screen.Cell(product),
                Screen.Cell(visit["moved_from"]?.string.map { language.say("moved from \($0)", "原定 \($0)") } ?? ""),
            ], actions: [
                Screen.Form(id: "move-\(id)", action: "/visits/move", submit: language.say("Move", "改期"), fields: [
                    .hidden("form_key", id), Screen.Field("due_on", language.say("New date", "新日期"), .date, value: visit["due_on"]?.string ?? ""),
                ], inline: true),
                Screen.Form(id: "cancel-\(id)", action: "/visits/cancel", submit: language.say("Cancel", "取消"), fields: [.hidden("form_key", id)], inline: true),
            ])
        } ?? []
        let choose = Screen.Form(id: "visit-filter", action: "/visits", submit: language.say("Show", "显示"), fields: [
            Screen.Field("due_before", language.say("Due before", "截止日期前"), .date, value: horizon),
            Screen.Field("customer", language.say("Customer id", "客户 ID"), value: asked.query["customer"] ?? ""),
        ], method: "get", inline: true)
        var screen = Screen(heading: language.say("Visits", "巡检与回访"), sections: [
            Screen.Section(id: "visits", heading: language.say("Scheduled visits", "计划中的回访"),
                           text: language.say("When a visit falls due, survey submits a ticket for it, and dispatch sends it out like any other.",
                                              "回访到期时，系统会为其提交工单，并像其他工单一样派发。"),
                           table: Screen.Table(id: "visit-table", columns: [
                               language.say("Due", "到期"), language.say("Kind", "类型"), language.say("Customer", "客户"),
                               language.say("Product", "产品"), "", "",
                           ], rows: rows, empty: language.say("No visits due in this period.", "此期间没有到期的回访。")),
                           forms: [choose], unavailable: QueueRoutes.unavailable(visitAnswer)),
        ])
        if asked.person.account.role >= .admin { screen.sections.append(productLines(lineAnswer, language)) }
        return screen
    }

    private static func productLines(_ answer: ServiceClient.Answer, _ language: Language) -> Screen.Section {
        let rows = answer.value?.array.map { line -> Screen.Row in
            let prefix = line["prefix"]?.string ?? ""
            let months = line["intervals_months"]?.array.map(\.plainText).joined(separator: ", ") ?? ""
            return Screen.Row(key: prefix.isEmpty ? "*" : prefix, cells: [
                Screen.Cell(prefix.isEmpty ? language.say("every other product", "其他所有产品") : prefix), Screen.Cell(months),
            ])
        } ?? []
        return Screen.Section(id: "product-lines", heading: language.say("Inspection intervals by product line", "按产品线的巡检间隔"),
                              text: language.say("Months after delivery; a product model takes the line with the longest matching prefix, or the default (empty prefix).",
                                                 "交付后的月数；产品型号采用最长匹配前缀的产品线，否则采用默认值（前缀为空）。"),
                              table: Screen.Table(id: "line-table", columns: [language.say("Model prefix", "型号前缀"), language.say("Months", "月数")],
                                                  rows: rows, empty: language.say("No product lines.", "没有产品线。")),
                              forms: [Screen.Form(id: "line", action: "/visits/line", submit: language.say("Save intervals", "保存间隔"), fields: [
                                  Screen.Field("prefix", language.say("Model prefix (empty for the default)", "型号前缀（留空为默认）")),
                                  Screen.Field("intervals_months", language.say("Months", "月数"), required: true, hint: "1, 3, 6, 12"),
                              ])],
                              unavailable: QueueRoutes.unavailable(answer))
    }
}
