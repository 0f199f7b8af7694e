import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Who did what, when, from where: written in the same transaction as what it records (or, for
/// a change another service made, once that service said it was done), and never changed
/// afterwards: the table refuses updates and deletes (migration 101).
enum AuditLog {
    struct Entry: Codable, RowDecodable, Sendable {
        let id: Int64
        let at: Date
        let username: String
        let address: String?
        let action: String
        let target: String?
        let detail: String?
    }

    static func record(_ action: String, by username: String, staffID: UUID?, address: String, target: String? = nil,
                       detail: [String: JSONValue] = [:], in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO console.audit_log (staff_id, username, address, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
            """, [staffID, username, address, action, target, String(decoding: try KefuJSON.encode(detail), as: UTF8.self)])
    }

    /// Newest first, of one action or all, older than `before` when given.
    static func entries(action: String?, before: Int64?, limit: Int, on connection: PostgresConnection) throws -> [Entry] {
        try connection.query("""
            SELECT id, at, username, address, action, target, detail::text AS detail FROM console.audit_log
            WHERE ($1::text IS NULL OR action = $1) AND ($2::bigint IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """, [action, before, limit]).decode(Entry.self)
    }
}
