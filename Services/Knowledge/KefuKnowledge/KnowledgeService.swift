public import Foundation
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit
import KefuStorage

/// knowledge: articles in Chinese and English for staff and customers, a public help centre,
/// and the articles suggested for each new ticket (docs/knowledge.md).
public enum KnowledgeService {
    public static let ticketsQueue = "knowledge.tickets"

    /// The service as configured by the environment; see docs/configuration.md.
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        try definition(configuration: try KnowledgeConfiguration.fromEnvironment(environment))
    }

    static func definition(configuration: KnowledgeConfiguration) throws -> ServiceDefinition {
        let index = ArticleIndex()
        let pages = try HelpPages(contact: configuration.intakeURL != nil)
        let limiter = RateLimiter()
        let suggester = Suggester(index: index, configuration: configuration)
        var definition = ServiceDefinition(
            name: "knowledge",
            defaultHTTPPort: 8087,
            documents: .embedded,
            migrations: KnowledgeMigrations.all,
            consumers: [
                .init(queue: Topology.Queue(name: ticketsQueue, bindings: [
                          .init(exchange: KefuExchange.work, routingKey: TicketCreated.messageType),
                          .init(exchange: KefuExchange.work, routingKey: TicketResolved.messageType),
                          .init(exchange: KefuExchange.work, routingKey: CustomerErased.messageType),
                      ]),
                      makeHandler: { _ in TicketsHandler(suggester: suggester) }),
            ],
            routes: { router, runtime in
                ArticleRoutes.add(to: router, runtime: runtime, index: index)
                ArticleRoutes.addImport(to: router, runtime: runtime, index: index)
                CategoryRoutes.add(to: router, runtime: runtime)
                SearchRoutes.add(to: router, index: index)
                SuggestionRoutes.add(to: router, runtime: runtime)
                HelpRoutes(runtime: runtime, index: index, configuration: configuration, pages: pages, limiter: limiter)
                    .add(to: router)
            },
            backgroundServices: { runtime in
                [IndexRefresher(index: index, runtime: runtime, interval: configuration.refreshInterval)]
            })
        definition.publicPathPrefixes = ["/help"]
        definition.commands["import"] = { arguments, runtime in try await ImportCommand.run(arguments, runtime: runtime) }
        return definition
    }
}
