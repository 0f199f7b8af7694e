import Foundation
import KefuServiceKit
import KefuStorage

/// Who has which ticket open, and who is typing in it; and each person's unsent reply. A page
/// says it is still open every few seconds; after 20 s of silence it is gone.
enum PresenceStore {
    static func mark(_ number: String, staffID: UUID, typing: Bool, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO console.presence (ticket_number, staff_id, typing, seen_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (ticket_number, staff_id) DO UPDATE SET typing = excluded.typing, seen_at = now()
            """, [number, staffID, typing])
    }

    /// Marks `staffID` in ticket `number` as a ticket page opens it; their unsent reply there, and
    /// who else has it open. Presence is the console's own passing state, so its commit does not
    /// wait for the disk: a crash loses at most a few seconds of "who is here".
    static func open(_ number: String, by staffID: UUID, runtime: ServiceRuntime) async throws -> (draft: String?, others: [Other]) {
        try await runtime.transaction { work in
            try work.query("SET LOCAL synchronous_commit = off")
            try mark(number, staffID: staffID, typing: false, in: work)
            return (try draft(for: number, staffID: staffID, on: work.connection), try others(on: number, than: staffID, on: work.connection))
        }
    }

    struct Other: Codable, RowDecodable, Sendable {
        let name: String
        let typing: Bool

        /// For the template.
        var values: [String: Any] { ["name": name, "typing": typing] }
    }

    static func others(on number: String, than staffID: UUID, on connection: PostgresConnection) throws -> [Other] {
        try connection.query("""
            SELECT s.display_name AS name, p.typing FROM console.presence p JOIN console.staff s ON s.id = p.staff_id
            WHERE p.ticket_number = $1 AND p.staff_id <> $2 AND p.seen_at > now() - interval '20 seconds'
            ORDER BY s.display_name
            """, [number, staffID]).decode(Other.self)
    }

    static func draft(for number: String, staffID: UUID, on connection: PostgresConnection) throws -> String? {
        try connection.query("SELECT body FROM console.drafts WHERE staff_id = $1 AND ticket_number = $2", [staffID, number])
            .first?.decode("body")
    }

    static func saveDraft(_ body: String, for number: String, staffID: UUID, in work: UnitOfWork) throws {
        if body.isEmpty {
            try work.query("DELETE FROM console.drafts WHERE staff_id = $1 AND ticket_number = $2", [staffID, number])
            return
        }
        try work.query("""
            INSERT INTO console.drafts (staff_id, ticket_number, body) VALUES ($1, $2, $3)
            ON CONFLICT (staff_id, ticket_number) DO UPDATE SET body = excluded.body, updated_at = now()
            """, [staffID, number, String(body.prefix(64 * 1024))])
    }

    static func forgetOldDrafts(in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.drafts WHERE updated_at < now() - interval '30 days'")
    }

    /// Pages silent for a minute are closed.
    static func forgetSilent(in work: UnitOfWork) throws {
        try work.query("DELETE FROM console.presence WHERE seen_at < now() - interval '1 minute'")
    }
}
