public import Hummingbird
public import KefuContracts

extension Request {
    /// Applies the JSON object in the body to `current`, one level deep: only the fields sent
    /// change. A field not in `fields` (by default, the fields `current` encodes), or one in
    /// `readOnly`, is a 422 naming it, as is a value of the wrong type. `derived` fields of
    /// `current`'s encoding (another spelling of a field) are left out of the base, so that only
    /// a sent one counts. With `nullable`, a null for any other field is a 422 too, rather than
    /// a silent return to the default (settings, whose every field has a value).
    public func decodePatch<Value: Codable>(applyingTo current: Value, fields: Set<String>? = nil,
                                            readOnly: Set<String> = [], derived: Set<String> = [],
                                            nullable: Set<String>? = nil) async throws -> Value {
        guard case .object(let changes) = try await decodeJSON(JSONValue.self) else {
            throw Problem.invalid([FieldError(field: "/", message: "must be a JSON object")])
        }
        guard case .object(var merged) = try KefuJSON.decode(JSONValue.self, from: KefuJSON.encode(current)) else {
            throw Problem(.internalServerError, title: "Unreadable record")
        }
        let known = fields ?? Set(merged.keys)
        for field in derived { merged.removeValue(forKey: field) }
        let refused = changes.keys.filter { !known.contains($0) || readOnly.contains($0) }.sorted()
        guard refused.isEmpty else {
            throw Problem.invalid(refused.map { FieldError(field: "/\($0)", message: readOnly.contains($0) ? "cannot be changed" : "is not a field") })
        }
        if let nullable {
            let nulled = changes.filter { $0.value == .null && !nullable.contains($0.key) }.keys.sorted()
            guard nulled.isEmpty else { throw Problem.invalid(nulled.map { FieldError(field: "/\($0)", message: "cannot be null") }) }
        }
        merged.merge(changes) { $1 }
        do {
            return try KefuJSON.decode(Value.self, from: KefuJSON.encode(JSONValue.object(merged)))
        } catch let error as DecodingError {
            throw Problem.invalid([error.fieldError ?? FieldError(field: "/", message: "does not fit")])
        }
    }
}
