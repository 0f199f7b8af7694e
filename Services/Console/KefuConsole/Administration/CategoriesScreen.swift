import Foundation
import KefuContracts
import NIOHTTP1

/// Classification's taxonomy: categories and their subcategories (`fault.hardware`), each with
/// names in both languages, a default priority and an SLA class. Saving replaces a category
/// whole; retiring keeps it for old tickets and reports, and nothing new is decided into it.
enum CategoriesScreen {
    static let route = ScreenRoute(path: "/admin/categories", role: .admin, nav: "categories", draw: draw, actions: [
        "save": ScreenAction(.admin, form: "category") { form, person in
            var body = FormJSON(form.fields, language: person.language)
            body.text("id", required: true)
            body.text("parent")
            body.text("default_priority", required: true)
            body.text("sla_class", required: true)
            var names: [String: JSONValue] = [:]
            for tag in ["en", "zh-CN"] {
                let typed = (form.fields["names_\(tag)"] ?? "").trimmingCharacters(in: .whitespaces)
                if !typed.isEmpty { names[tag] = .string(typed) }
            }
            if names["en"] == nil { body.refuse("names_en", person.language.say("is required", "必填")) }
            body.set("names", .object(names))
            let id = body.object["id"]?.string ?? ""
            return body.prepared { json in
                BackendChange(method: .PUT, backend: .classification, path: "/v1/categories/\(AdminPaths.segment(id))", body: .json(json),
                              audit: "category_saved", target: id, done: person.language.say("Category \(id) saved.", "类别 \(id) 已保存。"))
            }
        },
        "retire": ScreenAction(.admin, form: "retire") { form, person in
            let id = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .DELETE, backend: .classification, path: "/v1/categories/\(AdminPaths.segment(id))",
                                       audit: "category_retired", target: id,
                                       done: person.language.say("Category \(id) retired.", "类别 \(id) 已停用。")))
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.classification, "/v1/categories")
        let categories = answer.value?.array ?? []
        // Parents first, each followed by its subcategories (ids sort that way: `fault` < `fault.x`).
        let rows = categories.compactMap { category -> Screen.Row? in
            guard let id = category["id"]?.string else { return nil }
            let retired = category["retired"]?.bool == true
            let sub = category["parent"]?.string != nil
            return Screen.Row(key: id, cells: [
                Screen.Cell((sub ? "— " : "") + id, link: "/admin/categories?category=\(AdminPaths.segment(id))#category"),
                Screen.Cell(category["names"]?["en"]?.string ?? ""), Screen.Cell(category["names"]?["zh-CN"]?.string ?? ""),
                Screen.Cell(category["default_priority"]?.string ?? ""), Screen.Cell(category["sla_class"]?.string ?? ""),
                Screen.Cell(retired ? language.say("retired", "已停用") : ""),
            ], actions: retired ? [] : [Screen.Form(id: "retire-\(id)", action: "/admin/categories/retire",
                                                     submit: language.say("Retire", "停用"), fields: [.hidden("form_key", id)], inline: true)],
                              tone: retired ? "muted" : nil)
        }
        let editing = asked.query["category"].flatMap { wanted in categories.first { $0["id"]?.string == wanted } }
        let parents = [("", "–")] + categories.filter { $0["parent"]?.string == nil && $0["retired"]?.bool != true }
            .compactMap { $0["id"]?.string }.map { ($0, $0) }
        let form = Screen.Form(id: "category", action: "/admin/categories/save", submit: language.say("Save category", "保存类别"), fields: [
            Screen.Field("id", "ID", value: editing?["id"]?.string ?? "", required: true,
                         hint: language.say("Lower-case letters, digits and _; a subcategory is parent.name", "小写字母、数字和 _；子类别写作 上级.名称")),
            Screen.Field("parent", language.say("Parent", "上级类别"), .select, value: editing?["parent"]?.string ?? "", options: parents),
            Screen.Field("names_en", language.say("English name", "英文名称"), value: editing?["names"]?["en"]?.string ?? "", required: true),
            Screen.Field("names_zh-CN", language.say("Chinese name", "中文名称"), value: editing?["names"]?["zh-CN"]?.string ?? ""),
            Screen.Field("default_priority", language.text(.priority), .select, value: editing?["default_priority"]?.string ?? "P3",
                         required: true, options: ["P1", "P2", "P3", "P4"].map { ($0, $0) }),
            Screen.Field("sla_class", language.say("SLA class", "SLA 等级"), value: editing?["sla_class"]?.string ?? "standard", required: true),
        ])
        return Screen(heading: language.say("Categories", "工单类别"), sections: [
            Screen.Section(id: "categories", heading: language.say("Taxonomy", "类别体系"),
                           text: language.say("Choose a category to edit it. Rules, the model and dispatch's skills name these ids.",
                                              "点击类别进行编辑。规则、模型和派单技能都使用这些 ID。"),
                           table: Screen.Table(id: "category-table", columns: [
                               "ID", language.say("English", "英文"), language.say("Chinese", "中文"), language.text(.priority),
                               language.say("SLA class", "SLA 等级"), "", "",
                           ], rows: rows, empty: language.say("No categories.", "没有类别。")),
                           forms: [form], unavailable: QueueRoutes.unavailable(answer)),
        ])
    }
}
