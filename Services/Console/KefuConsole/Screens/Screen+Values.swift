import Foundation

/// The screen as the `screen` template reads it: dictionaries of text and flags.
extension Screen {
    func values(csrf: String) -> [String: Any] {
        ["heading": heading, "refresh": refresh as Any, "sections": sections.map { $0.values(csrf: csrf) }]
    }

    /// Puts back what the person typed into the form they sent, with each error by its field and
    /// the rest above the form.
    mutating func apply(_ state: FormState) {
        guard let formID = state.formID else { return }
        for s in sections.indices {
            for f in sections[s].forms.indices where sections[s].forms[f].id == formID {
                sections[s].forms[f].apply(state)
            }
            guard var table = sections[s].table else { continue }
            for r in table.rows.indices {
                for f in table.rows[r].actions.indices where table.rows[r].actions[f].id == formID {
                    table.rows[r].actions[f].apply(state)
                }
            }
            sections[s].table = table
        }
    }
}

extension Screen.Section {
    func values(csrf: String) -> [String: Any] {
        var values: [String: Any] = ["id": id, "heading": heading, "text": text as Any, "forms": forms.map { $0.values(csrf: csrf) },
                                     "lines": lines, "has_lines": !lines.isEmpty, "unavailable": unavailable as Any]
        if let table { values["table"] = table.values(csrf: csrf) }
        if let chart { values["chart"] = chart.values }
        return values
    }
}

extension Screen.Table {
    func values(csrf: String) -> [String: Any] {
        ["id": id, "columns": columns, "empty": empty, "width": columns.count, "has_rows": !rows.isEmpty,
         "rows": rows.map { row in
             ["key": row.key, "row_tone": row.tone as Any, "cells": row.cells.map(\.values),
              "actions": row.actions.map { $0.values(csrf: csrf) }, "has_actions": !row.actions.isEmpty] as [String: Any]
         }]
    }
}

extension Screen.Cell {
    var values: [String: Any] {
        var values: [String: Any] = ["text": text, "link": link as Any, "tone": tone as Any]
        if let due {
            values["due"] = Formatting.rfc3339(due)
            values["warn"] = warn.map(Formatting.rfc3339) as Any
        }
        return values
    }
}

extension Screen.Form {
    func values(csrf: String) -> [String: Any] {
        ["id": id, "action": action, "submit": submit, "csrf": csrf, "posts": method == "post", "method": method, "multipart": multipart, "inline": inline,
         "alternate_action": alternate?.action as Any, "alternate_submit": alternate?.submit as Any,
         "problems": problems, "has_problems": !problems.isEmpty, "fields": fields.map { field in
             var values: [String: Any] = ["name": field.name, "label": field.label, "value": field.value, "required": field.required,
                                          "hint": field.hint as Any, "error": field.error as Any,
                                          "field_id": "\(id)-\(field.name)", "is_\(field.kind.rawValue)": true,
                                          "checked": field.kind == .checkbox && ["true", "on", "1"].contains(field.value)]
             values["options"] = field.options.map { ["value": $0.value, "text": $0.text, "selected": $0.value == field.value] }
             return values
         }]
    }

    mutating func apply(_ state: FormState) {
        let placed = FieldErrors.place(state.serviceErrors, fields: Set(fields.map(\.name)), language: state.language)
        let errors = state.errors.merging(placed.byField) { first, _ in first }
        for i in fields.indices where fields[i].kind != .file && fields[i].kind != .hidden {
            if let typed = state.values[fields[i].name] {
                fields[i].value = typed
            } else if fields[i].kind == .checkbox {
                fields[i].value = "false"
            }
            fields[i].error = errors[fields[i].name]
        }
        problems = state.problems + placed.problems
    }
}
