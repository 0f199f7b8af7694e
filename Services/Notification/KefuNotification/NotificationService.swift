import Foundation
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit
import KefuStorage

/// notification: tells customers and staff what happened, and keeps a delivery log.
///
/// This first version records every delivery and hands it to the log transport, which writes the
/// rendered message to the service log; the SMTP, SMS and webhook transports are issue 6.
public enum NotificationService {
    public static let ticketsQueue = "notification.tickets"
    public static let customersQueue = "notification.customers"
    public static let repliesQueue = "notification.replies"

    public static let definition = ServiceDefinition(
        name: "notification",
        defaultHTTPPort: 8084,
        migrations: [
            Migration(version: 100, name: "contacts and deliveries", sql: """
                -- notification's own copy of how to reach each customer, from intake's messages.
                CREATE TABLE contacts (
                    customer_id text PRIMARY KEY,
                    name text,
                    phone text,
                    email text,
                    language text,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE deliveries (
                    id uuid PRIMARY KEY,
                    -- event id + recipient + channel: a redelivered event never sends twice.
                    idempotency_key text NOT NULL UNIQUE,
                    ticket_number text NOT NULL,
                    purpose text NOT NULL,
                    channel text NOT NULL,
                    recipient text NOT NULL,
                    status text NOT NULL,
                    provider text NOT NULL,
                    provider_response text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    sent_at timestamptz
                );
                CREATE INDEX deliveries_ticket ON deliveries (ticket_number, created_at);
                """),
        ],
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                  ]),
                  makeHandler: { runtime in AcknowledgementHandler(logger: runtime.logger) }),
            .init(queue: Topology.Queue(name: customersQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: CustomerUpdated.messageType),
                      .init(exchange: KefuExchange.work, routingKey: CustomerErased.messageType),
                  ]),
                  makeHandler: { _ in CustomerCopyHandler() }),
            .init(queue: Topology.Queue(name: repliesQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketReplied.messageType),
                  ]),
                  makeHandler: { runtime in ReplyHandler(logger: runtime.logger) }),
        ],
        routes: { router, runtime in
            router.get("/v1/notifications") { request, context -> Response in
                try context.requireStaff(.ticketsRead)
                let ticket = try request.requiredQuery("ticket")
                let deliveries = try await runtime.read { connection in
                    try connection.query("""
                        SELECT id, ticket_number, purpose, channel, status, provider, created_at, sent_at
                        FROM notification.deliveries WHERE ticket_number = $1 ORDER BY created_at
                        """, [ticket]).map(DeliveryView.init)
                }
                return try Response.json(deliveries)
            }
        })
}

struct DeliveryView: Encodable, Sendable {
    let id: String
    let ticketNumber: String
    let purpose: String
    let channel: String
    let status: String
    let provider: String
    let createdAt: Date
    let sentAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, purpose, channel, status, provider
        case ticketNumber = "ticket_number"
        case createdAt = "created_at"
        case sentAt = "sent_at"
    }

    init(_ row: PostgresRow) throws {
        id = try row.require("id", as: UUID.self).uuidString.lowercased()
        ticketNumber = try row.require("ticket_number")
        purpose = try row.require("purpose")
        channel = try row.require("channel")
        status = try row.require("status")
        provider = try row.require("provider")
        createdAt = try row.require("created_at")
        sentAt = try row.decode("sent_at")
    }
}
