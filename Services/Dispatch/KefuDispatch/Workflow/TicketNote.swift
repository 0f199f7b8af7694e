import Foundation
import KefuServiceKit
import KefuStorage

/// What agents wrote on a ticket: internal notes, and replies that went to the customer.
struct TicketNote: Codable, RowDecodable, Sendable {
    let author: String
    let `internal`: Bool
    let text: String
    let writtenAt: Date

    enum CodingKeys: String, CodingKey {
        case author, `internal`, text
        case writtenAt = "written_at"
    }

    /// In the order they were written; nil when the ticket is unknown.
    static func all(of number: String, on connection: PostgresConnection) throws -> [TicketNote]? {
        guard try connection.query("SELECT 1 FROM dispatch.tickets WHERE number = $1", [number]).count > 0 else { return nil }
        return try connection.query("""
            SELECT author, internal, text, written_at FROM dispatch.notes WHERE ticket_number = $1 ORDER BY written_at, id
            """, [number]).decode(TicketNote.self)
    }
}
