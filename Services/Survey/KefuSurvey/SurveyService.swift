import Foundation
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit
import KefuStorage

/// survey: a satisfaction survey after each resolution (the answering side is issue 7).
public enum SurveyService {
    public static let ticketsQueue = "survey.tickets"
    /// How long a survey link stays valid.
    static let validity: TimeInterval = 7 * 24 * 3600

    public static let definition = ServiceDefinition(
        name: "survey",
        defaultHTTPPort: 8085,
        migrations: [
            Migration(version: 100, name: "surveys", sql: """
                CREATE TABLE surveys (
                    id uuid PRIMARY KEY,
                    ticket_number text NOT NULL UNIQUE,
                    customer_id text NOT NULL,
                    agent_id text NOT NULL,
                    token text NOT NULL UNIQUE,
                    status text NOT NULL DEFAULT 'created',
                    expires_at timestamptz NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        ],
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketResolved.messageType),
                  ]),
                  makeHandler: { _ in ResolvedHandler() }),
        ],
        routes: { router, runtime in
            router.get("/v1/surveys") { request, context -> Response in
                try context.requireStaff(.ticketsRead)
                let ticket = try request.requiredQuery("ticket")
                let surveys = try await runtime.read { connection in
                    try connection.query("""
                        SELECT id, ticket_number, status, expires_at, created_at FROM survey.surveys WHERE ticket_number = $1
                        """, [ticket]).map(SurveyView.init)
                }
                return try Response.json(surveys)
            }
        })
}

struct SurveyView: Encodable, Sendable {
    let id: String
    let ticketNumber: String
    let status: String
    let expiresAt: Date
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status
        case ticketNumber = "ticket_number"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }

    init(_ row: PostgresRow) throws {
        id = try row.require("id", as: UUID.self).uuidString.lowercased()
        ticketNumber = try row.require("ticket_number")
        status = try row.require("status")
        expiresAt = try row.require("expires_at")
        createdAt = try row.require("created_at")
    }
}

/// A resolved ticket gets one survey, with an unguessable token for its link.
struct ResolvedHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketResolved.self)
        let id = UUID()
        let now = Date()
        let created = try work.query("""
            INSERT INTO survey.surveys (id, ticket_number, customer_id, agent_id, token, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (ticket_number) DO NOTHING
            """, [id, ticket.ticketNumber, ticket.customerID, ticket.agentID, Self.token(),
                  now.addingTimeInterval(SurveyService.validity), now]).affectedRows == 1
        guard created else { return }
        try work.emit(.surveyCreated, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, channel: ticket.channel.rawValue, category: ticket.category,
            agentID: ticket.agentID, occurredAt: now, surveyID: id.uuidString.lowercased()))
    }

    /// 256 random bits, URL-safe.
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
