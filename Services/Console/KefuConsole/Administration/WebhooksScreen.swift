import Foundation
import KefuContracts
import NIOHTTP1

/// Integrators' webhooks, kept by notification: subscriptions (added with a secret shown once,
/// paused, resumed, removed) and, for one chosen subscription, its latest deliveries with each
/// attempt's outcome, and a retry for one that failed.
enum WebhooksScreen {
    static let route = ScreenRoute(path: "/admin/webhooks", role: .admin, nav: "webhooks", draw: draw, actions: [
        "add": ScreenAction(.admin, form: "webhook") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("url", required: true)
            body.list("event_types")
            body.text("description")
            body.text("secret")
            return body.prepared { json in
                BackendChange(method: .POST, backend: .notification, path: "/v1/webhooks", body: .json(json), audit: "webhook_added",
                              target: form.fields["url"], showsAnswer: true,
                              done: person.language.say("Webhook added. Keep its secret now: it is not shown again.",
                                                        "已添加 Webhook。请立即保存密钥：之后不再显示。"))
            }
        },
        "pause": toggle(active: false),
        "resume": toggle(active: true),
        "remove": ScreenAction(.admin, form: "remove") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .notification, path: "/v1/webhooks/\(AdminPaths.segment(id))",
                                       audit: "webhook_removed", target: id, done: person.language.say("Webhook removed.", "已删除 Webhook。")))
        },
        "retry": ScreenAction(.admin, form: "retry") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .POST, backend: .notification, path: "/v1/notifications/\(AdminPaths.segment(id))/retry",
                                       audit: "delivery_retried", target: id,
                                       done: person.language.say("Delivery \(id) will be tried again.", "投递 \(id) 将重新尝试。")))
        },
    ])

    private static func toggle(active: Bool) -> ScreenAction {
        ScreenAction(.admin, form: active ? "resume" : "pause") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .PATCH, backend: .notification, path: "/v1/webhooks/\(AdminPaths.segment(id))",
                                       body: .json(.object(["active": .bool(active)])), audit: active ? "webhook_resumed" : "webhook_paused",
                                       target: id, done: active ? person.language.say("Webhook resumed.", "Webhook 已恢复。")
                                           : person.language.say("Webhook paused.", "Webhook 已暂停。")))
        }
    }

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.notification, "/v1/webhooks")
        let rows = answer.value?.array.compactMap { hook -> Screen.Row? in
            guard let id = hook["id"]?.string else { return nil }
            let active = hook["active"]?.bool == true
            let types = hook["event_types"]?.array.compactMap(\.string) ?? []
            return Screen.Row(key: id, cells: [
                Screen.Cell(hook["url"]?.string ?? ""), Screen.Cell(types.isEmpty ? "*" : types.joined(separator: ", ")),
                Screen.Cell(hook["description"]?.string ?? ""),
                Screen.Cell(active ? language.say("active", "启用") : language.say("paused", "已暂停"), tone: active ? nil : "soon"),
                Screen.Cell(language.say("Deliveries", "投递记录"), link: "/admin/webhooks?deliveries=\(AdminPaths.segment(id))#deliveries"),
            ], actions: [
                Screen.Form(id: "\(active ? "pause" : "resume")-\(id)", action: "/admin/webhooks/\(active ? "pause" : "resume")",
                            submit: active ? language.say("Pause", "暂停") : language.say("Resume", "恢复"), fields: [.hidden("form_key", id)], inline: true),
                Screen.Form(id: "remove-\(id)", action: "/admin/webhooks/remove", submit: language.say("Remove", "删除"),
                            fields: [.hidden("form_key", id)], inline: true),
            ])
        } ?? []
        var add = Screen.Section(id: "webhooks", heading: language.say("Webhooks", "Webhook"),
                                 text: language.say("Each status event of the chosen types is posted to the URL, signed with the secret (Kefu-Signature). Leave the types empty for every event.",
                                                    "所选类型的每个状态事件都会以密钥签名（Kefu-Signature）后发送到该 URL。类型留空表示全部事件。"),
                                 table: Screen.Table(id: "webhook-table", columns: [
                                     "URL", language.say("Events", "事件类型"), language.say("Description", "说明"), language.say("State", "状态"), "", "",
                                 ], rows: rows, empty: language.say("No webhooks.", "没有 Webhook。")),
                                 forms: [Screen.Form(id: "webhook", action: "/admin/webhooks/add", submit: language.say("Add webhook", "添加 Webhook"), fields: [
                                     Screen.Field("url", "URL", required: true, hint: "https://…"),
                                     Screen.Field("event_types", language.say("Event types", "事件类型"),
                                                  hint: language.say("Comma-separated, e.g. kefu.ticket.assigned, kefu.sla.breached", "以逗号分隔，如 kefu.ticket.assigned, kefu.sla.breached")),
                                     Screen.Field("description", language.say("Description", "说明")),
                                     Screen.Field("secret", language.say("Secret (16+ characters; made for you when empty)", "密钥（至少 16 个字符；留空则自动生成）")),
                                 ])],
                                 unavailable: QueueRoutes.unavailable(answer))
        if asked.state.formID == "webhook", let made = asked.state.answer, let secret = made["secret"]?.string {
            add.lines = [language.say("Secret for \(made["url"]?.string ?? ""): \(secret)", "\(made["url"]?.string ?? "") 的密钥：\(secret)")]
        }
        var screen = Screen(heading: language.say("Webhooks", "Webhook"), sections: [add])
        if let id = asked.query["deliveries"], !id.isEmpty {
            screen.sections.append(await deliveries(of: id, asked))
        }
        return screen
    }

    /// One subscription's latest deliveries, newest first, each with its last attempt.
    private static func deliveries(of id: String, _ asked: ScreenRequest) async -> Screen.Section {
        let language = asked.language
        let answer = await asked.get(.notification, "/v1/notifications?webhook=\(AdminPaths.segment(id))")
        let rows = answer.value?.array.compactMap { delivery -> Screen.Row? in
            guard let deliveryID = delivery["id"]?.string else { return nil }
            let status = delivery["status"]?.string ?? ""
            let last = delivery["attempt_log"]?.array.last
            let outcome = [last?["outcome"]?.string, last?["detail"]?.string].compactMap { $0 }.joined(separator: ": ")
            return Screen.Row(key: deliveryID, cells: [
                Screen.Cell(delivery["event_type"]?.string ?? ""), Screen.Cell(delivery["ticket_number"]?.string ?? "",
                                                                              link: delivery["ticket_number"]?.string.map { "/tickets/\(AdminPaths.segment($0))/story" }),
                Screen.Cell(status, tone: status == "failed" ? "late" : status == "sent" ? "fine" : nil),
                Screen.Cell("\(delivery["attempts"]?.plainText ?? "0")/\(delivery["attempts_allowed"]?.plainText ?? "")"),
                Screen.Cell(outcome.isEmpty ? (delivery["last_error"]?.string ?? delivery["provider_response"]?.string ?? "") : outcome),
                Screen.Cell(Formatting.parse(delivery["created_at"]?.string).map { Formatting.time($0, language) } ?? ""),
            ], actions: status == "failed" ? [Screen.Form(id: "retry-\(deliveryID)", action: "/admin/webhooks/retry",
                                                          submit: language.say("Retry", "重试"), fields: [.hidden("form_key", deliveryID)], inline: true)] : [],
                              tone: status == "failed" ? "late" : nil)
        } ?? []
        return Screen.Section(id: "deliveries", heading: language.say("Latest deliveries", "最近投递"),
                              text: language.say("The newest 50 for this webhook. A failed one can be tried again.", "该 Webhook 最新的 50 条。失败的可以重试。"),
                              table: Screen.Table(id: "delivery-table", columns: [
                                  language.say("Event", "事件"), language.say("Ticket", "工单"), language.say("Status", "状态"),
                                  language.say("Attempts", "尝试次数"), language.say("Last answer", "最近结果"), language.say("Created", "创建时间"), "",
                              ], rows: rows, empty: language.say("Nothing delivered yet.", "尚无投递。")),
                              unavailable: QueueRoutes.unavailable(answer))
    }
}
