import KefuContracts
import KefuMessaging
public import KefuServiceKit

/// dispatch: agents, assignment, SLA due times, and the agent workflow.
public enum DispatchService {
    public static let ticketsQueue = "dispatch.tickets"
    public static let customerEventsQueue = "dispatch.customer-events"
    public static let complaintsQueue = "dispatch.complaints"

    public static let definition = ServiceDefinition(
        name: "dispatch",
        defaultHTTPPort: 8083,
        documents: .embedded,
        migrations: DispatchMigrations.all,
        consumers: [
            .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: TicketClassified.messageType),
                      .init(exchange: KefuExchange.work, routingKey: TicketTriaged.messageType),
                  ]),
                  makeHandler: { _ in ClassifiedHandler() }),
            .init(queue: Topology.Queue(name: customerEventsQueue, bindings: [
                      .init(exchange: KefuExchange.events, routingKey: StatusEventType.ticketMessageAdded.routingKey),
                      .init(exchange: KefuExchange.events, routingKey: StatusEventType.ticketClosed.routingKey),
                  ], retiredBindings: [
                      // intake announces a reopening follow-up as a message now; dispatch announces the reopening.
                      .init(exchange: KefuExchange.events, routingKey: StatusEventType.ticketReopened.routingKey),
                  ]),
                  makeHandler: { _ in CustomerEventsHandler() }),
            .init(queue: Topology.Queue(name: complaintsQueue, bindings: [
                      .init(exchange: KefuExchange.work, routingKey: SurveyComplaint.messageType),
                  ]),
                  makeHandler: { _ in ComplaintHandler() }),
        ],
        routes: { router, runtime in
            OrganisationRoutes.add(to: router, runtime: runtime)
            TicketRoutes.add(to: router, runtime: runtime)
            QueueRoutes.add(to: router, runtime: runtime)
        },
        backgroundServices: { runtime in
            [AcceptanceSweeper(runtime: runtime), ClockSweeper(runtime: runtime), QueueDrainer(runtime: runtime)]
        })
}
