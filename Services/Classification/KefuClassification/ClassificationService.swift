import Foundation
import Hummingbird
public import KefuServiceKit
import KefuContracts
import KefuMessaging
import KefuStorage

/// classification: decides category, priority, language, complaint flag and SLA class.
public enum ClassificationService {
    public static let ticketsQueue = "classification.tickets"

    public static let definition = ServiceDefinition(
        name: "classification",
        defaultHTTPPort: 8082,
        migrations: [
            Migration(version: 100, name: "decisions", sql: """
                CREATE TABLE decisions (
                    ticket_number text PRIMARY KEY,
                    category text NOT NULL,
                    priority text NOT NULL,
                    sla_class text NOT NULL,
                    language text NOT NULL,
                    complaint boolean NOT NULL,
                    explanation jsonb NOT NULL,
                    decided_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        ],
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                  ]),
                  makeHandler: { _ in ClassifyHandler(classifier: KeywordClassifier()) }),
        ],
        routes: { router, runtime in
            router.get("/v1/decisions/{number}") { _, context -> Response in
                try context.requireStaff(.ticketsRead)
                let number = try context.parameters.require("number")
                let decision = try await runtime.read { connection in
                    try connection.query("SELECT explanation::text AS explanation FROM classification.decisions WHERE ticket_number = $1",
                                         [number]).first.map { try $0.require("explanation", as: String.self) }
                }
                guard let decision else { throw Problem.notFound("decision for ticket \(number)") }
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: .init(string: decision)))
            }
        })
}

struct ClassifyHandler: MessageHandler {
    let classifier: KeywordClassifier

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketCreated.self)
        let decision = classifier.classify(subject: ticket.subject, body: ticket.body, language: ticket.language,
                                           tier: ticket.customer.tier)
        let now = Date()
        let inserted = try work.query("""
            INSERT INTO classification.decisions
                (ticket_number, category, priority, sla_class, language, complaint, explanation, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
            ON CONFLICT (ticket_number) DO NOTHING
            """, [ticket.ticketNumber, decision.category, decision.priority.rawValue, decision.slaClass,
                  decision.language, decision.complaint,
                  String(decoding: try KefuJSON.encode(decision), as: UTF8.self), now]).affectedRows == 1
        guard inserted else { return }
        try work.send(TicketClassified(
            ticketNumber: ticket.ticketNumber, channel: ticket.channel, customerID: ticket.customer.id,
            customerTier: ticket.customer.tier, category: decision.category, priority: decision.priority,
            slaClass: decision.slaClass, language: decision.language, complaint: decision.complaint,
            classifiedAt: now), id: "ticket.classified:\(ticket.ticketNumber)")
        try work.emit(.ticketClassified, subject: ticket.ticketNumber, data: StatusEventData(
            ticketNumber: ticket.ticketNumber, status: "classified", channel: ticket.channel.rawValue,
            category: decision.category, priority: decision.priority.rawValue, slaClass: decision.slaClass,
            occurredAt: now))
    }
}
