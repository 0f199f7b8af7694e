import Foundation
import KefuContracts

/// A supervisor's or administrator's page, described as data and drawn by one template
/// (`screen`): sections of tables, forms and charts. Every value in it is text that Mustache
/// escapes; nothing a service answered ever becomes markup.
struct Screen: Sendable {
    var heading: String
    var sections: [Section] = []
    /// Where the script fetches the sections again when a live event arrives (the floor).
    var refresh: String?

    struct Section: Sendable {
        var id: String
        var heading: String
        var text: String?
        var table: Table?
        var forms: [Form] = []
        var chart: BarChart?
        /// Lines shown as a list (a rule's result in the try-it box, a model's figures).
        var lines: [String] = []
        var unavailable: String?
    }

    struct Table: Sendable {
        var id: String
        var columns: [String]
        var rows: [Row]
        var empty: String
    }

    struct Row: Sendable {
        var key: String
        var cells: [Cell]
        var actions: [Form] = []
        var tone: String?
    }

    struct Cell: Sendable {
        var text: String
        var link: String?
        /// A running SLA countdown: when it falls due, and when it turns amber.
        var due: Date?
        var warn: Date?
        var tone: String?

        init(_ text: String, link: String? = nil, tone: String? = nil) {
            self.text = text
            self.link = link
            self.tone = tone
        }

        static func countdown(due: Date, warn: Date?, language: Language) -> Cell {
            var cell = Cell(Formatting.due(due, paused: false, language))
            cell.due = due
            cell.warn = warn
            return cell
        }
    }

    struct Form: Sendable {
        var id: String
        var action: String
        var submit: String
        var fields: [Field] = []
        /// "get" for a form that only chooses what to show (the KPIs' period); it carries no CSRF token.
        var method = "post"
        /// Sends files (a CSV, training examples): multipart/form-data.
        var multipart = false
        /// Drawn on one line, as a row's buttons are.
        var inline = false
        /// What went wrong that no single field explains, shown above the form.
        var problems: [String] = []
        /// A second button that sends the same fields to another action (a template's draft preview).
        var alternate: (action: String, submit: String)?
    }

    struct Field: Sendable {
        enum Kind: String, Sendable {
            case text, number, textarea, checkbox, select, file, hidden, date
        }

        var name: String
        var label: String
        var kind: Kind = .text
        var value: String = ""
        var options: [(value: String, text: String)] = []
        var required = false
        var hint: String?
        var error: String?

        init(_ name: String, _ label: String, _ kind: Kind = .text, value: String = "", required: Bool = false,
             options: [(value: String, text: String)] = [], hint: String? = nil) {
            self.name = name
            self.label = label
            self.kind = kind
            self.value = value
            self.required = required
            self.options = options
            self.hint = hint
        }

        static func hidden(_ name: String, _ value: String) -> Field { Field(name, "", .hidden, value: value) }
    }
}

/// What came back from a form: what the person typed, and what was wrong with it, to show the
/// form again with each error next to its field.
struct FormState: Sendable {
    var formID: String?
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var problems: [String] = []
    /// A service's own field errors, placed by the fields of the form they answer.
    var serviceErrors: [(field: String, message: String)] = []
    var language: Language = .zh
    /// What a service answered, for forms that show it (the try-it box, a trained model).
    var answer: JSONValue?

    static let none = FormState()
}
