import Foundation
import KefuContracts

/// Builds a service's JSON body from an administrator's form, field by field, and names the
/// fields that cannot be what they must be before anything is sent.
struct FormJSON {
    let form: [String: String]
    let language: Language
    private(set) var object: [String: JSONValue] = [:]
    private(set) var errors: [String: String] = [:]

    init(_ form: [String: String], language: Language) {
        self.form = form
        self.language = language
    }

    private func typed(_ name: String) -> String? {
        form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    mutating func text(_ name: String, required: Bool = false) {
        if let value = typed(name) { object[name] = .string(value) } else if required { missing(name) }
    }

    mutating func number(_ name: String, required: Bool = false) {
        guard let value = typed(name) else {
            if required { missing(name) }
            return
        }
        if let number = Double(value), number.isFinite, abs(number) < 1e15 { object[name] = .number(number) } else {
            errors[name] = language.say("must be a number", "须为数字")
        }
    }

    mutating func flag(_ name: String) {
        object[name] = .bool(["true", "on", "1"].contains(form[name] ?? ""))
    }

    /// Comma- or semicolon-separated, into a list.
    mutating func list(_ name: String, into key: String? = nil) {
        let items = (form[name] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        object[key ?? name] = .array(items.map { .string($0) })
    }

    /// A field holding JSON as typed (a rule's conditions).
    mutating func json(_ name: String, required: Bool = true) {
        guard let value = typed(name) else {
            if required { missing(name) }
            return
        }
        if let parsed = try? KefuJSON.decode(JSONValue.self, from: Array(value.utf8)) { object[name] = parsed } else {
            errors[name] = language.say("is not JSON", "不是有效的 JSON")
        }
    }

    mutating func set(_ key: String, _ value: JSONValue) { object[key] = value }

    /// A field found wrong by a check of the page's own (a calendar's hours as typed).
    mutating func refuse(_ name: String, _ message: String) { errors[name] = message }

    private mutating func missing(_ name: String) {
        errors[name] = language.say("is required", "必填")
    }

    /// The body, or the form's errors.
    func prepared(_ make: (JSONValue) -> BackendChange) -> ScreenAction.Prepared {
        errors.isEmpty ? .send(make(.object(object))) : .invalid(errors)
    }
}
