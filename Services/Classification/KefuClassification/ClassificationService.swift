import Foundation
import Hummingbird
public import KefuServiceKit
import KefuContracts
import KefuMessaging
import KefuStorage

/// classification: decides category, priority, language, complaint flag and SLA class, from
/// rules and a learned model, and hands the unsure cases to people in triage.
public enum ClassificationService {
    public static let ticketsQueue = "classification.tickets"
    public static let feedbackQueue = "classification.feedback"

    public static let definition = ServiceDefinition(
        name: "classification",
        defaultHTTPPort: 8082,
        documents: .embedded,
        migrations: ClassificationMigrations.all,
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                  ]),
                  makeHandler: { _ in ClassifyHandler(state: state) }),
            .init(queue: Topology.Queue(name: feedbackQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketRecategorised.messageType),
                      .init(exchange: KefuExchange.work, routingKey: CustomerErased.messageType),
                  ]),
                  makeHandler: { _ in FeedbackHandler() }),
        ],
        routes: { router, runtime in
            ClassificationRoutes.add(to: router, runtime: runtime, state: state)
            ModelRoutes.add(to: router, runtime: runtime, state: state)
            PolicyRoutes.add(to: router, runtime: runtime, state: state)
            TriageRoutes.add(to: router, runtime: runtime, state: state)
        },
        backgroundServices: { runtime in [
            ClassifierRefresher(state: state, runtime: runtime),
            TriageSweeper(runtime: runtime),
            TrainingScheduler(state: state, runtime: runtime),
        ] })

    /// This process's rules, taxonomy, settings and active model.
    static let state = ClassifierState()
}
