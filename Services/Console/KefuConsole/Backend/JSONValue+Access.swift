import KefuContracts

/// Reading the services' answers: every accessor is nil for what is not there, so a field a
/// service leaves out (docs/http-api.md: empty fields are left out) reads as absent.
extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    var array: [JSONValue] {
        if case .array(let items) = self { items } else { [] }
    }

    /// Plain Swift values, for templates: text stays text, and Mustache escapes it.
    var plain: Any {
        switch self {
        case .null: ""
        case .bool(let value): value
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let text): text
        case .array(let items): items.map(\.plain)
        case .object(let object): object.mapValues(\.plain)
        }
    }
}
