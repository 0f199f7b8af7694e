public import Foundation
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit
import KefuStorage

/// survey: closes the service loop. A satisfaction survey after each resolution, answered on a
/// small web page or by an SMS digit; a low score reopens and escalates the ticket; scheduled
/// inspections and revisits open proactive tickets; and the KPI facts behind `/v1/kpis` and the
/// monthly report.
public enum SurveyService {
    public static let ticketsQueue = "survey.tickets"
    public static let customersQueue = "survey.customers"
    public static let eventsQueue = "survey.events"

    /// The service as configured by the environment; see docs/configuration.md.
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        definition(configuration: try SurveyConfiguration.fromEnvironment(environment))
    }

    static func definition(configuration: SurveyConfiguration) -> ServiceDefinition {
        let limiter = RateLimiter()
        var definition = ServiceDefinition(
            name: "survey",
            defaultHTTPPort: 8085,
            documents: .embedded,
            migrations: SurveyMigrations.all,
            consumers: [
                .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: TicketResolved.messageType),
                      ]),
                      makeHandler: { _ in ResolvedHandler(configuration: configuration) }),
                .init(queue: Topology.Queue(name: customersQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                          .init(exchange: KefuExchange.work, routingKey: CustomerUpdated.messageType),
                          .init(exchange: KefuExchange.work, routingKey: CustomerErased.messageType),
                          .init(exchange: KefuExchange.work, routingKey: ProductRegistered.messageType),
                      ]),
                      makeHandler: { _ in CustomerCopyHandler(configuration: configuration) }),
                .init(queue: Topology.Queue(name: eventsQueue, bindings: [
                          .init(exchange: KefuExchange.events, routingKey: "ticket.*"),
                          .init(exchange: KefuExchange.events, routingKey: "survey.*"),
                      ]),
                      makeHandler: { _ in KPIEventHandler() }),
            ],
            routes: { router, runtime in
                SurveyRoutes.add(to: router, runtime: runtime)
                SurveyPageRoutes.add(to: router, runtime: runtime, configuration: configuration, limiter: limiter)
                InboundSMSRoutes.add(to: router, runtime: runtime)
                VisitRoutes.add(to: router, runtime: runtime)
                KPIRoutes.add(to: router, runtime: runtime, zone: configuration.reportTimeZone)
            },
            backgroundServices: { runtime in
                [ExpirySweeper(runtime: runtime, configuration: configuration),
                 VisitSweeper(runtime: runtime, configuration: configuration)]
            })
        definition.publicPathPrefixes = ["/s/"]
        return definition
    }
}
