import KefuContracts
import KefuMessaging
public import KefuServiceKit

/// dispatch: agents, assignment, SLA due times, and the agent workflow.
public enum DispatchService {
    public static let ticketsQueue = "dispatch.tickets"

    public static let definition = ServiceDefinition(
        name: "dispatch",
        defaultHTTPPort: 8083,
        migrations: DispatchMigrations.all,
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketClassified.messageType),
                  ]),
                  makeHandler: { _ in ClassifiedHandler() }),
        ],
        routes: { router, runtime in DispatchRoutes.add(to: router, runtime: runtime) })
}
