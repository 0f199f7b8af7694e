import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Bulk import: a file of records as JSON or CSV, taken all or nothing, every bad field named
/// with its record.
extension OrganisationRoutes {
    struct Imported: Codable, Sendable {
        let imported: Int
    }

    /// Every record decoded, or a 422 naming each field that did not fit, by record.
    static func decodeAll<Value: Decodable>(_ objects: [[String: JSONValue]], as type: Value.Type) throws -> [Value] {
        var values: [Value] = []
        var errors: [FieldError] = []
        for (index, object) in objects.enumerated() {
            do {
                values.append(try KefuJSON.decode(type, from: KefuJSON.encode(JSONValue.object(object))))
            } catch let error as DecodingError {
                errors.append(prefixed(error.fieldError ?? FieldError(field: "", message: "does not fit"), record: index))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
        return values
    }

    /// Saves every record in file order, later ones seeing the earlier; a 422 naming each bad
    /// field by its record when any does not fit, which rolls the transaction back.
    static func saveAll<Record>(_ records: [Record], _ save: (Record) throws -> [FieldError]) throws {
        var errors: [FieldError] = []
        for (index, record) in records.enumerated() {
            errors += try save(record).map { prefixed($0, record: index) }
        }
        guard errors.isEmpty else { throw Problem.invalid(Array(errors.prefix(100))) }
    }

    static func prefixed(_ error: FieldError, record: Int) -> FieldError {
        FieldError(field: "/records/\(record)" + (error.field.hasPrefix("/") || error.field.isEmpty ? error.field : "/" + error.field),
                   message: error.message)
    }

    /// The body as objects: a JSON array of objects, or CSV with a header row (see `csvObject`).
    static func importedObjects(_ request: Request, listColumns: Set<String>) async throws -> [[String: JSONValue]] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let bytes = try await request.bodyBytes(limit: 16 << 20)
        switch mediaType {
        case "application/json":
            return try jsonObjects(bytes)
        case "text/csv":
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Problem.invalid([FieldError(field: "/", message: "is not valid UTF-8")])
            }
            return CSV.records(text).records.map { csvObject($0.fields, listColumns: listColumns) }
        default:
            throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                          detail: "send a JSON array (application/json) or CSV with a header row (text/csv)")
        }
    }

    private static func jsonObjects(_ bytes: [UInt8]) throws -> [[String: JSONValue]] {
        guard case .array(let items)? = try? KefuJSON.decode(JSONValue.self, from: bytes) else {
            throw Problem.invalid([FieldError(field: "/", message: "must be a JSON array of objects")])
        }
        return try items.enumerated().map { index, item in
            guard case .object(let object) = item else {
                throw Problem.invalid([FieldError(field: "/records/\(index)", message: "must be an object")])
            }
            return object
        }
    }

    /// One CSV record as the object a JSON file would hold: empty cells are left out,
    /// `true`/`false` and numbers are typed (never in ids and names), `list` columns split on `;`
    /// into `skills`, and `latitude`/`longitude` become `location`.
    private static func csvObject(_ fields: [String: String], listColumns: Set<String>) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        var skills: [String: JSONValue] = [:]
        for (column, cell) in fields where !cell.trimmingCharacters(in: .whitespaces).isEmpty {
            let value = cell.trimmingCharacters(in: .whitespaces)
            if listColumns.contains(column) {
                skills[column] = .array(value.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            } else if value == "true" || value == "false" {
                object[column] = .bool(value == "true")
            } else if value.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let number = Double(value),
                      number.isFinite, column != "id", column != "name", !column.hasSuffix("_id") {
                object[column] = .number(number)
            } else {
                object[column] = .string(value)
            }
        }
        if !skills.isEmpty { object["skills"] = .object(skills) }
        if let latitude = object.removeValue(forKey: "latitude"), let longitude = object.removeValue(forKey: "longitude") {
            object["location"] = .object(["latitude": latitude, "longitude": longitude])
        }
        return object
    }
}
