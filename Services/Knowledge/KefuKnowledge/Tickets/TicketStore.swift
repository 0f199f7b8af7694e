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
    /// False when the ticket is known already (a redelivery, or a replica that got there first);
    /// true when it is new, or fills the row a resolution that came first left.
    static func remember(_ ticket: TicketCreated, subject: String?, body: String, in work: UnitOfWork) throws -> Bool {
        try work.query("""
            INSERT INTO knowledge.tickets (number, language, channel, product_model, subject, body, created_at, customer_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (number) DO UPDATE SET language = excluded.language, channel = excluded.channel,
                customer_id = excluded.customer_id,
                product_model = excluded.product_model, subject = excluded.subject, body = excluded.body,
                created_at = excluded.created_at
            WHERE tickets.body = '' 
            """, [ticket.ticketNumber, ArticleLanguage.normalised(ticket.language), ticket.channel.rawValue, ticket.product?.model,
                  subject, body, ticket.createdAt, ticket.customer.id]).affectedRows == 1
    }

    /// A resolution that overtook its ticket's `ticket.created` (they come from different
    /// services) is kept on a row without text, which the ticket fills when it comes.
    static func resolved(_ number: String, resolution: String?, at date: Date, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO knowledge.tickets (number, body, resolution, resolved_at, created_at) VALUES ($1, '', $2, $3, $3)
            ON CONFLICT (number) DO UPDATE SET resolution = coalesce(excluded.resolution, tickets.resolution),
                resolved_at = excluded.resolved_at
            """, [number, resolution, date])
    }

    /// The customer was erased (intake's `customer.erased`): what they wrote, and the resolution
    /// written to them, go, as intake replaces them with `[erased]`.
    static func erase(customer: String, in work: UnitOfWork) throws {
        try work.query("""
            UPDATE knowledge.tickets SET subject = NULL, body = '[erased]', resolution = CASE WHEN resolution IS NULL THEN NULL
                ELSE '[erased]' END WHERE customer_id = $1
            """, [customer])
    }

    static func load(_ number: String, on connection: PostgresConnection) throws -> KnownTicket? {
        try connection.query("""
            SELECT number, language, product_model, subject, body, resolution, resolved_at FROM knowledge.tickets WHERE number = $1
            """, [number]).first.map(KnownTicket.init)
    }
}
