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
            Migration(version: 101, name: "training examples and model versions", sql: """
                CREATE TABLE training_examples (
                    id bigserial PRIMARY KEY,
                    text text NOT NULL,
                    label text NOT NULL,
                    source text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE models (
                    version serial PRIMARY KEY,
                    examples integer NOT NULL,
                    labels integer NOT NULL,
                    -- On the examples held back from training, so versions can be compared.
                    accuracy double precision NOT NULL,
                    calibration_error double precision NOT NULL,
                    active boolean NOT NULL DEFAULT false,
                    activated_at timestamptz,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    body bytea NOT NULL
                );
                CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active;
                """),
        ],
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                  ]),
                  makeHandler: { _ in ClassifyHandler(classifier: KeywordClassifier(), models: models, threshold: modelThreshold) }),
        ],
        routes: { router, runtime in ClassificationRoutes.add(to: router, runtime: runtime, models: models) },
        backgroundServices: { runtime in [ModelRefresher(registry: models, runtime: runtime)] })

    /// This process's active learned model.
    static let models = ModelRegistry()

    /// `KEFU_MODEL_THRESHOLD`, default 0.5: the confidence below which the model's category is not taken.
    static let modelThreshold = ProcessInfo.processInfo.environment["KEFU_MODEL_THRESHOLD"].flatMap(Double.init) ?? 0.5
}

struct ClassifyHandler: MessageHandler {
    let classifier: KeywordClassifier
    let models: ModelRegistry
    let threshold: Double

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketCreated.self)
        var decision = classifier.classify(subject: ticket.subject, body: ticket.body, language: ticket.language,
                                           tier: ticket.customer.tier)
        // Category rules take precedence; the model decides what no rule recognised.
        if let active = models.current {
            let prediction = active.model.classify([ticket.subject, ticket.body].compactMap { $0 }.joined(separator: "\n"), top: 1)
            let used = decision.rulesFired.contains("category:default") && Double(prediction.confidence) >= threshold
            if used { decision.category = prediction.label }
            decision.model = .init(version: active.version, category: prediction.label,
                                   confidence: Double(prediction.confidence), used: used)
        }
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
