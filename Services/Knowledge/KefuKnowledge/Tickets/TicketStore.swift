import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// knowledge's copy of each ticket's text, already without the customer's details.
struct KnownTicket: Codable, Sendable, RowDecodable {
    var number: String
    var language: String?
    var productModel: String?
    var subject: String?
    var body: String
    var resolution: String?
    var resolvedAt: Date?

    enum CodingKeys: String, CodingKey {
        case number, language, subject, body, resolution
        case productModel = "product_model"
        case resolvedAt = "resolved_at"
    }
}

enum TicketStore {
    /// False when the ticket is known already (a redelivery, or a replica that got there first).
    static func remember(_ ticket: TicketCreated, subject: String?, body: String, in work: UnitOfWork) throws -> Bool {
        try work.query("""
            INSERT INTO knowledge.tickets (number, language, channel, product_model, subject, body, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (number) DO NOTHING
            """, [ticket.ticketNumber, ArticleLanguage.normalised(ticket.language), ticket.channel.rawValue, ticket.product?.model,
                  subject, body, ticket.createdAt]).affectedRows == 1
    }

    static func resolved(_ number: String, resolution: String?, at date: Date, in work: UnitOfWork) throws {
        try work.query("UPDATE knowledge.tickets SET resolution = coalesce($2, resolution), resolved_at = $3 WHERE number = $1",
                       [number, resolution, date])
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> KnownTicket? {
        try connection.query("""
            SELECT number, language, product_model, subject, body, resolution, resolved_at FROM knowledge.tickets WHERE number = $1
            """, [number]).first.map(KnownTicket.init)
    }
}
