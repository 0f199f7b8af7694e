import Foundation
import KefuContracts
import NIOHTTP1

/// Classification's ordered rules, edited in place, and a try-it box that shows which rules fire
/// and what the model says for a text typed there.
enum RulesScreen {
    static let route = ScreenRoute(path: "/admin/rules", role: .admin, nav: "rules", draw: draw, actions: [
        "add": ScreenAction(.admin, form: "rule") { form, person in
            rule(form.fields, person) { json in
                BackendChange(method: .POST, backend: .classification, path: "/v1/rules", body: .json(json), audit: "rule_added",
                              target: form.fields["name"], done: person.language.say("Rule added.", "规则已添加。"))
            }
        },
        "save": ScreenAction(.admin, form: "rule") { form, person in
            let id = form.fields["form_key"] ?? ""
            return rule(form.fields, person) { json in
                BackendChange(method: .PUT, backend: .classification, path: "/v1/rules/\(AdminPaths.segment(id))", body: .json(json),
                              audit: "rule_changed", target: id, done: person.language.say("Rule saved.", "规则已保存。"))
            }
        },
        "delete": ScreenAction(.admin, form: "delete") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .classification, path: "/v1/rules/\(AdminPaths.segment(id))",
                                       audit: "rule_removed", target: id, done: person.language.say("Rule removed.", "规则已删除。")))
        },
        "try": ScreenAction(.admin, form: "tryit") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("text", required: true)
            body.text("subject")
            return body.prepared { json in
                BackendChange(method: .POST, backend: .classification, path: "/v1/classify", body: .json(json), showsAnswer: true,
                              done: person.language.say("Classified.", "已分类。"))
            }
        },
    ])

    private static func rule(_ fields: [String: String], _ person: SignedIn, _ make: (JSONValue) -> BackendChange) -> ScreenAction.Prepared {
        var body = FormJSON(fields, language: person.language)
        body.text("name", required: true)
        body.number("position", required: true)
        body.flag("enabled")
        body.json("when")
        body.json("then")
        return body.prepared(make)
    }

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.classification, "/v1/rules")
        let rows = answer.value?.array.compactMap { rule -> Screen.Row? in
            guard let id = rule["id"]?.plainText, !id.isEmpty else { return nil }
            return Screen.Row(key: id, cells: [Screen.Cell(id)], actions: [
                Screen.Form(id: "rule-\(id)", action: "/admin/rules/save", submit: language.say("Save", "保存"),
                            fields: fields(rule, language) + [.hidden("form_key", id)], inline: true),
                Screen.Form(id: "delete-\(id)", action: "/admin/rules/delete", submit: language.say("Remove", "删除"),
                            fields: [.hidden("form_key", id)], inline: true),
            ])
        } ?? []
        let example: JSONValue = .object(["name": .string(""), "position": .number(50), "enabled": .bool(true),
                                          "when": .array([.object(["field": .string("text"), "match": .string("keywords"),
                                                                   "values": .array([.string("")])])]),
                                          "then": .object(["category": .string("")])])
        var tryit = Screen.Section(id: "try-it", heading: language.say("Try it", "试一试"),
                                   forms: [Screen.Form(id: "tryit", action: "/admin/rules/try", submit: language.say("Try", "试一试"), fields: [
                                       Screen.Field("subject", language.text(.subject)),
                                       Screen.Field("text", language.say("Text", "正文"), .textarea, required: true),
                                   ])])
        if asked.state.formID == "tryit", let result = asked.state.answer { tryit.lines = lines(result, language) }
        return Screen(heading: language.say("Classification rules", "分类规则"), sections: [
            Screen.Section(id: "rules", heading: language.say("Rules, in order", "规则（按顺序）"),
                           text: language.say("A rule's conditions all hold for it to fire; `when` and `then` are JSON as docs/http-api.md describes.",
                                              "条件全部满足时规则生效；when 与 then 为 JSON，格式见 docs/http-api.md。"),
                           table: Screen.Table(id: "rule-table", columns: ["ID", ""], rows: rows, empty: language.say("No rules.", "没有规则。")),
                           unavailable: QueueRoutes.unavailable(answer)),
            Screen.Section(id: "new-rule", heading: language.say("A new rule", "新规则"),
                           forms: [Screen.Form(id: "rule", action: "/admin/rules/add", submit: language.say("Add", "添加"),
                                               fields: fields(example, language))]),
            tryit,
        ])
    }

    private static func fields(_ rule: JSONValue, _ language: Language) -> [Screen.Field] {
        func json(_ value: JSONValue?) -> String {
            value.flatMap { try? KefuJSON.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return [
            Screen.Field("name", language.say("Name", "名称"), value: rule["name"]?.string ?? "", required: true),
            Screen.Field("position", language.say("Position", "顺序"), .number, value: rule["position"]?.plainText ?? "", required: true),
            Screen.Field("enabled", language.say("Enabled", "启用"), .checkbox, value: rule["enabled"]?.bool == false ? "false" : "true"),
            Screen.Field("when", language.say("When", "条件"), .textarea, value: json(rule["when"]), required: true),
            Screen.Field("then", language.say("Then", "结果"), .textarea, value: json(rule["then"]), required: true),
        ]
    }

    /// What classification answered for the text: the rules that fired, and the model's view.
    static func lines(_ result: JSONValue, _ language: Language) -> [String] {
        let decision = result["decision"]
        var lines = [language.say("Decision: ", "结论：") + [decision?["category"]?.string, decision?["priority"]?.string,
                                                              decision?["category_source"]?.string].compactMap { $0 }.joined(separator: " · ")]
        let fired = decision?["rules_fired"]?.array.compactMap { $0["name"]?.string } ?? []
        lines.append(language.text(.rulesFired) + ": " + (fired.isEmpty ? "–" : fired.joined(separator: ", ")))
        if let category = result["category"]?.string {
            let confidence = result["confidence"]?.number.map { String(format: "%.0f %%", $0 * 100) } ?? "?"
            lines.append(language.text(.modelSays) + ": \(category) (\(confidence))" +
                         (result["to_triage"]?.bool == true ? " · " + language.text(.triage) : ""))
        } else {
            lines.append(language.text(.modelSays) + ": " + language.say("no model is active", "尚无启用的模型"))
        }
        return lines
    }
}
