public import Foundation
import Synchronization
import Hummingbird
import KefuContracts
import KefuMessaging
public import KefuServiceKit

/// console: the people's side. Staff sign in here; every ticket, customer and clock a page shows
/// comes from the other services' APIs, asked in the signed-in person's name; status events
/// reach browsers live. It owns only staff accounts, sessions, its own UI state and the audit log.
public enum ConsoleService {
    public static let eventsQueue = "console.events"

    /// The supervisors' and administrators' pages, all drawn by `ScreenRoutes`.
    static let screens = [FloorScreen.route, StoryScreen.route, KPIScreen.route, ComplaintsScreen.route, AuditScreen.route,
                          VisitsScreen.route, AgentsScreen.route, OrganisationScreen.route, SLAScreen.route, CategoriesScreen.route,
                          RulesScreen.route, ModelsScreen.route, TemplatesScreen.route, WebhooksScreen.route]

    /// The service as configured by the environment; see docs/configuration.md.
    public static func definition(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceDefinition {
        let configuration = try ConsoleConfiguration.fromEnvironment(environment)
        let signer = try ServiceConfiguration.fromEnvironment(service: "console", defaultHTTPPort: 8086, environment: environment)
            .tokenSigner()
        return try definition(configuration: configuration, signer: signer)
    }

    static func definition(configuration: ConsoleConfiguration, signer: TokenSigner) throws -> ServiceDefinition {
        let pages = try Pages()
        let client = ServiceClient(configuration: configuration, signer: signer)
        // The pieces that need the runtime are made once it exists, and shared by routes and services.
        let built = ConsoleBox()
        var definition = ServiceDefinition(
            name: "console",
            defaultHTTPPort: 8086,
            documents: .embedded,
            migrations: ConsoleMigrations.all,
            consumers: [
                .init(queue: Topology.Queue(name: eventsQueue, bindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.*")]),
                      makeHandler: { _ in LiveEventsHandler() }),
            ],
            routes: { router, runtime in
                let console = built.console(runtime: runtime, configuration: configuration, pages: pages, client: client)
                StaticRoutes.add(to: router)
                SignInRoutes.add(to: router, console: console)
                QueueRoutes.add(to: router, console: console)
                TicketRoutes.add(to: router, console: console)
                TriageRoutes.add(to: router, console: console)
                CannedRoutes.add(to: router, console: console)
                EventRoutes.add(to: router, console: console)
                StaffRoutes.add(to: router, console: console)
                MonthlyReportRoutes.add(to: router, console: console)
                ScreenRoutes.add(screens, to: router, console: console)
            },
            backgroundServices: { runtime in
                let console = built.console(runtime: runtime, configuration: configuration, pages: pages, client: client)
                return [console.feed, PresenceSweeper(runtime: runtime, idleTimeout: configuration.idleTimeout)]
            })
        // Pages check their session cookie themselves (ConsoleAuth), not a bearer token.
        definition.publicPathPrefixes = ["/login", "/logout", "/password", "/queues/", "/tickets/", "/triage", "/search",
                                         "/events", "/canned", "/snippets", "/me/", "/static/", "/admin/"]
            + screens.map(\.path)
        definition.publicPaths = ["/"]
        definition.commands = ["user": { arguments, runtime in
            try await UserCommand.run(arguments, runtime: runtime, client: client, configuration: configuration)
        }]
        return definition
    }
}

/// What every console route needs.
struct Console: Sendable {
    let runtime: ServiceRuntime
    let configuration: ConsoleConfiguration
    let pages: Pages
    let client: ServiceClient
    let auth: ConsoleAuth
    let hasher: PasswordHasher
    let feed: LiveFeed
}

/// Builds the `Console` once, the first time the runtime asks, for routes and background services alike.
final class ConsoleBox: Sendable {
    private let made = Mutex<Console?>(nil)

    func console(runtime: ServiceRuntime, configuration: ConsoleConfiguration, pages: Pages, client: ServiceClient) -> Console {
        made.withLock { made in
            if let made { return made }
            let console = Console(runtime: runtime, configuration: configuration, pages: pages, client: client,
                                  auth: ConsoleAuth(runtime: runtime, configuration: configuration),
                                  hasher: PasswordHasher(cost: configuration.bcryptCost),
                                  feed: LiveFeed(runtime: runtime, retention: configuration.eventRetention))
            made = console
            return console
        }
    }
}
