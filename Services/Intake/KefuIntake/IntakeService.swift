public import Foundation
import KefuContracts
import KefuMessaging
public import KefuServiceKit

/// intake: accepts submissions, numbers tickets, keeps customers and the ticket timeline.
public enum IntakeService {
    public static let submissionsQueue = "intake.submissions"
    public static let statusQueue = "intake.status"

    static let statusEventTypes = StatusEventType.allCases.map(\.routingKey)
        .filter { $0.hasPrefix("ticket.") && $0 != "ticket.created" && $0 != "ticket.message_added" }

    /// The service as configured by the environment; a bad setting throws, naming the variable.
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        definition(settings: try IntakeSettings(environment: environment))
    }

    static func definition(settings: IntakeSettings) -> ServiceDefinition {
        var definition = ServiceDefinition(
            name: "intake",
            defaultHTTPPort: 8081,
            documents: .embedded,
            migrations: IntakeMigrations.all,
            consumers: [
                .init(queue: Topology.Queue(name: submissionsQueue,
                                            bindings: [.init(exchange: KefuExchange.intake, routingKey: "submit.*")]),
                      makeHandler: { _ in SubmissionHandler(settings: settings) }),
                // Every ticket event but the ones intake raises itself and records as it raises them.
                .init(queue: Topology.Queue(name: statusQueue, bindings: statusEventTypes.map {
                          .init(exchange: KefuExchange.events, routingKey: $0)
                      } + [
                          .init(exchange: KefuExchange.events, routingKey: "notification.*"),
                          .init(exchange: KefuExchange.events, routingKey: "survey.*"),
                      ], retiredBindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.*")]),
                      makeHandler: { _ in StatusEventHandler() }),
            ],
            routes: { router, runtime in
                IntakeRoutes.add(to: router, runtime: runtime, settings: settings)
                IntakeRoutes.addRejected(to: router, runtime: runtime, settings: settings)
                IntakeRoutes.addCustomers(to: router, runtime: runtime)
            },
            backgroundServices: { runtime in [SubmissionWindowSweeper(runtime: runtime, settings: settings)] })
        definition.repliesToGateways = true
        return definition
    }
}
