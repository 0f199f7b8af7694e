import KefuMessaging
public import KefuServiceKit

/// intake: accepts submissions, numbers tickets, keeps customers and the ticket timeline.
public enum IntakeService {
    public static let submissionsQueue = "intake.submissions"
    public static let statusQueue = "intake.status"

    public static let definition = ServiceDefinition(
        name: "intake",
        defaultHTTPPort: 8081,
        migrations: IntakeMigrations.all,
        consumers: [
            .init(queue: Topology.Queue(name: submissionsQueue,
                                        bindings: [.init(exchange: KefuExchange.intake, routingKey: "submit.*")]),
                  makeHandler: { _ in SubmissionHandler(settings: .current) }),
            .init(queue: Topology.Queue(name: statusQueue, bindings: [
                      .init(exchange: KefuExchange.events, routingKey: "ticket.*"),
                      .init(exchange: KefuExchange.events, routingKey: "notification.*"),
                      .init(exchange: KefuExchange.events, routingKey: "survey.*"),
                  ]),
                  makeHandler: { _ in StatusEventHandler() }),
        ],
        routes: { router, runtime in
            IntakeRoutes.add(to: router, runtime: runtime, settings: .current)
            IntakeRoutes.addRejected(to: router, runtime: runtime, settings: .current)
            IntakeRoutes.addCustomers(to: router, runtime: runtime)
        })
}
