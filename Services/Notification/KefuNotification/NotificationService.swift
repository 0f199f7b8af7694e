public import Foundation
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit
import KefuStorage

/// notification: tells customers and staff what happened over email and SMS, sends integrators
/// signed webhooks, and keeps a log of every delivery and attempt.
///
/// Handlers only record deliveries, rendered, in the same transaction as the message that
/// caused them; one worker per channel sends what is due, so a dead provider holds up only its
/// own channel.
public enum NotificationService {
    public static let ticketsQueue = "notification.tickets"
    public static let customersQueue = "notification.customers"
    public static let customerMessagesQueue = "notification.customer-messages"
    public static let eventsQueue = "notification.events"

    /// The service as configured by the environment; see docs/configuration.md.
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        definition(configuration: try NotificationConfiguration.fromEnvironment(environment))
    }

    static func definition(configuration: NotificationConfiguration) -> ServiceDefinition {
        ServiceDefinition(
            name: "notification",
            defaultHTTPPort: 8084,
            documents: .embedded,
            migrations: NotificationMigrations.all,
            consumers: [
                .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                          .init(exchange: KefuExchange.work, routingKey: TicketScheduled.messageType),
                          .init(exchange: KefuExchange.work, routingKey: TicketSuggestions.messageType),
                      ]),
                      makeHandler: { runtime in AcknowledgementHandler(planner: planner(configuration, runtime)) }),
                .init(queue: Topology.Queue(name: customersQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: CustomerUpdated.messageType),
                          .init(exchange: KefuExchange.work, routingKey: CustomerErased.messageType),
                      ]),
                      makeHandler: { _ in CustomerCopyHandler() }),
                .init(queue: Topology.Queue(name: customerMessagesQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: TicketReplied.messageType),
                          .init(exchange: KefuExchange.work, routingKey: TicketResolved.messageType),
                          .init(exchange: KefuExchange.work, routingKey: NotificationRequested.messageType),
                      ]),
                      makeHandler: { runtime in CustomerMessageHandler(planner: planner(configuration, runtime)) }),
                .init(queue: Topology.Queue(name: eventsQueue, bindings: [
                          .init(exchange: KefuExchange.events, routingKey: "ticket.*"),
                          .init(exchange: KefuExchange.events, routingKey: "survey.*"),
                          .init(exchange: KefuExchange.events, routingKey: "submission.rejected"),
                      ]),
                      makeHandler: { runtime in StatusEventHandler(planner: planner(configuration, runtime)) }),
            ],
            routes: { router, runtime in
                NotificationRoutes.add(to: router, runtime: runtime, configuration: configuration)
                TemplateRoutes.add(to: router, runtime: runtime)
                WebhookRoutes.add(to: router, runtime: runtime, configuration: configuration)
                StaffRoutes.add(to: router, runtime: runtime)
            },
            backgroundServices: { runtime in
                [
                    AcknowledgementSweeper(runtime: runtime, planner: planner(configuration, runtime)),
                    DeliveryWorker(channel: .email, transport: EmailTransport(configuration: configuration), runtime: runtime,
                                   configuration: configuration),
                    DeliveryWorker(channel: .sms, transport: SMSTransport(configuration: configuration), runtime: runtime,
                                   configuration: configuration),
                    DeliveryWorker(channel: .webhook, transport: WebhookTransport(configuration: configuration), runtime: runtime,
                                   configuration: configuration),
                ]
            })
    }

    private static func planner(_ configuration: NotificationConfiguration, _ runtime: ServiceRuntime) -> DeliveryPlanner {
        DeliveryPlanner(configuration: configuration, logger: runtime.logger)
    }
}
