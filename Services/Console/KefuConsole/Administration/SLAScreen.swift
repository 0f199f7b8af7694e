import Foundation
import KefuContracts
import NIOHTTP1

/// SLA policies with their targets: listed, added and removed. New tickets take a change;
/// running clocks keep the targets they started with.
enum SLAScreen {
    static let route = ScreenRoute(path: "/admin/sla", role: .admin, nav: "sla", draw: draw, actions: [
        "add": ScreenAction(.admin, form: "policy") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("name", required: true)
            body.text("category")
            body.text("priority")
            body.text("customer_tier")
            body.number("first_response_minutes", required: true)
            body.number("resolution_minutes", required: true)
            body.number("on_site_minutes")
            body.flag("business_time")
            return body.prepared { json in
                BackendChange(method: .POST, backend: .dispatch, path: "/v1/sla-policies", body: .json(json), audit: "sla_policy_added",
                              target: form.fields["name"], done: person.language.say("Policy added.", "已添加服务时限策略。"))
            }
        },
        "delete": ScreenAction(.admin, form: "delete") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .dispatch, path: "/v1/sla-policies/\(AdminPaths.segment(id))",
                                       audit: "sla_policy_removed", target: id,
                                       done: person.language.say("Policy \(id) removed.", "策略 \(id) 已删除。")))
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.dispatch, "/v1/sla-policies")
        let rows = answer.value?.array.compactMap { policy -> Screen.Row? in
            guard let id = policy["id"]?.plainText, !id.isEmpty else { return nil }
            let criteria = ["category", "priority", "customer_tier", "complaint"].compactMap { key in
                policy[key].map { "\(key)=\($0.plainText)" }
            }.joined(separator: ", ")
            return Screen.Row(key: id, cells: [
                Screen.Cell(policy["name"]?.string ?? ""), Screen.Cell(criteria.isEmpty ? language.say("any ticket", "所有工单") : criteria),
                Screen.Cell(policy["first_response_minutes"]?.plainText ?? ""), Screen.Cell(policy["resolution_minutes"]?.plainText ?? ""),
                Screen.Cell(policy["on_site_minutes"]?.plainText ?? "–"),
                Screen.Cell(policy["business_time"]?.bool == true ? language.say("business hours", "工作时间") : language.say("calendar", "自然时间")),
            ], actions: [Screen.Form(id: "delete-\(id)", action: "/admin/sla/delete", submit: language.say("Remove", "删除"),
                                     fields: [.hidden("form_key", id)], inline: true)])
        } ?? []
        let add = Screen.Form(id: "policy", action: "/admin/sla/add", submit: language.say("Add", "添加"), fields: [
            Screen.Field("name", language.say("Name", "名称"), required: true),
            Screen.Field("category", language.text(.category)),
            Screen.Field("priority", language.text(.priority), .select, options: [("", "–"), ("P1", "P1"), ("P2", "P2"), ("P3", "P3"), ("P4", "P4")]),
            Screen.Field("customer_tier", language.text(.tier)),
            Screen.Field("first_response_minutes", language.say("First response, minutes", "首次响应（分钟）"), .number, required: true),
            Screen.Field("resolution_minutes", language.say("Resolution, minutes", "解决（分钟）"), .number, required: true),
            Screen.Field("on_site_minutes", language.say("On site, minutes", "上门（分钟）"), .number),
            Screen.Field("business_time", language.say("Business hours only", "仅计工作时间"), .checkbox),
        ])
        return Screen(heading: language.say("SLA policies", "服务时限策略"), sections: [
            Screen.Section(id: "policies", heading: language.say("Policies", "策略"),
                           text: language.say("The most specific matching policy applies; minutes may be fractions.",
                                              "适用最具体的匹配策略；分钟可为小数。"),
                           table: Screen.Table(id: "policy-table", columns: [
                               language.say("Name", "名称"), language.say("Applies to", "适用于"), language.text(.firstResponse),
                               language.text(.resolution), language.text(.onSite), language.say("Counted in", "计时方式"), "",
                           ], rows: rows, empty: language.say("No policies.", "没有策略。")),
                           forms: [add], unavailable: QueueRoutes.unavailable(answer)),
        ])
    }
}
