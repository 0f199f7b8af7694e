import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Each person's own canned replies.
enum SnippetStore {
    struct Snippet: Codable, RowDecodable, Sendable {
        let name: String
        let body: String
    }

    static func all(of staffID: UUID, on connection: PostgresConnection) throws -> [Snippet] {
        try connection.query("SELECT name, body FROM console.snippets WHERE staff_id = $1 ORDER BY name", [staffID])
            .decode(Snippet.self)
    }

    /// Saves under its name, replacing one of the same name.
    static func save(_ snippet: Snippet, of staffID: UUID, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO console.snippets (id, staff_id, name, body) VALUES ($1, $2, $3, $4)
            ON CONFLICT (staff_id, name) DO UPDATE SET body = excluded.body
            """, [UUID(), staffID, snippet.name, snippet.body])
    }

    static func problems(_ snippet: Snippet) -> [FieldError] {
        var errors: [FieldError] = []
        if snippet.name.isEmpty || snippet.name.count > 60 { errors.append(FieldError(field: "name", message: "must be 1 to 60 characters")) }
        if snippet.body.isEmpty || snippet.body.count > 8000 {
            errors.append(FieldError(field: "body", message: "must be 1 to 8000 characters"))
        }
        return errors
    }
}
