import Foundation
import KefuContracts
import KefuServiceKit

/// The audit log, newest first: who changed what, when, from which address. Supervisors read
/// it; nobody edits it (migration 101 refuses every change).
enum AuditScreen {
    static let route = ScreenRoute(path: "/audit", role: .supervisor, nav: "audit", draw: draw)

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let action = asked.query["action"].flatMap { $0.isEmpty ? nil : $0 }
        let before = asked.query["before"].flatMap { Int64($0) }
        let entries = try await asked.console.runtime.read { try AuditLog.entries(action: action, before: before, limit: 100, on: $0) }
        let rows = entries.map { entry in
            Screen.Row(key: String(entry.id), cells: [
                Screen.Cell(Formatting.time(entry.at, language)), Screen.Cell(entry.username), Screen.Cell(entry.address ?? ""),
                Screen.Cell(entry.action), Screen.Cell(entry.target ?? ""), Screen.Cell(entry.detail ?? ""),
            ])
        }
        var section = Screen.Section(id: "audit", heading: language.say("Audit log", "审计日志"),
                                     table: Screen.Table(id: "audit-table", columns: [
                                         language.say("When", "时间"), language.say("Who", "操作人"), language.say("From", "来源地址"),
                                         language.say("Action", "操作"), language.say("What", "对象"), language.say("Detail", "详情"),
                                     ], rows: rows, empty: language.say("Nothing recorded.", "暂无记录。")),
                                     forms: [Screen.Form(id: "audit-filter", action: "/audit", submit: language.text(.filter),
                                                         fields: [Screen.Field("action", language.say("Action", "操作"), value: action ?? "")],
                                                         method: "get")])
        if entries.count == 100, let last = entries.last {
            section.forms.append(Screen.Form(id: "audit-older", action: "/audit", submit: language.say("Older", "更早"),
                                             fields: [.hidden("before", String(last.id)), .hidden("action", action ?? "")], method: "get"))
        }
        return Screen(heading: language.say("Audit log", "审计日志"), sections: [section])
    }
}
