import Foundation
import KefuContracts
import KefuStorage

/// A customer as the archive API shows it: contact points, products and recent tickets.
struct CustomerView: Codable, Sendable {
    struct ContactPoint: Codable, Sendable, Hashable {
        let kind: String
        let value: String
    }

    struct Product: Codable, Sendable {
        let model: String?
        let serial: String?
        let deliveredOn: String?
        let registeredAt: Date

        enum CodingKeys: String, CodingKey {
            case model, serial
            case deliveredOn = "delivered_on"
            case registeredAt = "registered_at"
        }
    }

    struct RecentTicket: Codable, Sendable {
        let number: String
        let status: String
        let channel: String
        let subject: String?
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case number, status, channel, subject
            case createdAt = "created_at"
        }
    }

    let id: String
    let name: String?
    let tier: String
    let preferences: ContactPreferences?
    let contactPoints: [ContactPoint]
    let products: [Product]
    let recentTickets: [RecentTicket]
    let createdAt: Date
    let updatedAt: Date
    let erasedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, tier, products, preferences
        case contactPoints = "contact_points"
        case recentTickets = "recent_tickets"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case erasedAt = "erased_at"
    }

    static let recentTicketCount = 20

    static func load(_ id: UUID, on connection: PostgresConnection) throws -> CustomerView? {
        guard let row = try connection.query("""
            SELECT id::text AS id, name, tier, preferences::text AS preferences, created_at, updated_at, erased_at FROM intake.customers WHERE id = $1
            """, [id]).first else { return nil }
        let contactPoints = try connection.query("""
            SELECT kind, value FROM intake.contact_points WHERE customer_id = $1 ORDER BY kind, value
            """, [id]).map { ContactPoint(kind: try $0.require("kind"), value: try $0.require("value")) }
        let products = try connection.query("""
            SELECT model, serial, delivered_on::text AS delivered_on, registered_at FROM intake.products
            WHERE customer_id = $1 ORDER BY registered_at, id
            """, [id]).map {
            Product(model: try $0.decode("model"), serial: try $0.decode("serial"),
                    deliveredOn: try $0.decode("delivered_on"), registeredAt: try $0.require("registered_at"))
        }
        let tickets = try connection.query("""
            SELECT number, status, channel, subject, created_at FROM intake.tickets
            WHERE customer_id = $1 ORDER BY created_at DESC, number DESC LIMIT $2
            """, [id, recentTicketCount]).map {
            RecentTicket(number: try $0.require("number"), status: try $0.require("status"),
                         channel: try $0.require("channel"), subject: try $0.decode("subject"),
                         createdAt: try $0.require("created_at"))
        }
        let preferences = try (row.decode("preferences") as String?).map {
            try KefuJSON.decode(ContactPreferences.self, from: Array($0.utf8))
        }
        return CustomerView(id: try row.require("id"), name: try row.decode("name"), tier: try row.require("tier"),
                            preferences: preferences,
                            contactPoints: contactPoints, products: products, recentTickets: tickets,
                            createdAt: try row.require("created_at"), updatedAt: try row.require("updated_at"),
                            erasedAt: try row.decode("erased_at"))
    }

    /// The customer holding a normalised contact point.
    static func find(kind: String, value: String, on connection: PostgresConnection) throws -> UUID? {
        try connection.query("SELECT customer_id FROM intake.contact_points WHERE kind = $1 AND value = $2", [kind, value])
            .first?.require("customer_id")
    }
}
