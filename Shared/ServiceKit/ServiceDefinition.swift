public import Hummingbird
public import KefuMessaging
public import KefuStorage
public import ServiceLifecycle

/// What makes one Kefu service: its schema migrations, the queues it consumes, its HTTP routes
/// and any background work. `ServiceRunner` turns it into a running process.
public struct ServiceDefinition: Sendable {
    public struct Consumer: Sendable {
        public var queue: Topology.Queue
        public var makeHandler: @Sendable (ServiceRuntime) -> any MessageHandler

        public init(queue: Topology.Queue, makeHandler: @escaping @Sendable (ServiceRuntime) -> any MessageHandler) {
            self.queue = queue
            self.makeHandler = makeHandler
        }
    }

    public var name: String
    public var defaultHTTPPort: Int
    /// Served at /openapi.yaml and /asyncapi.yaml.
    public var documents: APIDocuments
    /// The service's own migrations, numbered from `MessagingMigrations.firstServiceVersion`.
    public var migrations: [Migration]
    public var consumers: [Consumer]
    public var routes: @Sendable (Router<KefuRequestContext>, ServiceRuntime) -> Void
    public var backgroundServices: @Sendable (ServiceRuntime) -> [any Service]
    /// The service answers gateways on `reply_to`: replies get a relay of their own.
    public var repliesToGateways = false
    /// Path prefixes open without a bearer token (see `AuthOptions.publicPathPrefixes`).
    public var publicPathPrefixes: [String] = []
    /// Exact paths open without a bearer token, such as the console's `/`.
    public var publicPaths: Set<String> = []
    /// `kefu-<service> NAME …`: one-off commands run against the service's database, such as
    /// the console's `user add`. Each gets the arguments after its name and a runtime whose
    /// migrations have run; the runtime's publisher is not running, so a command only writes rows.
    public var commands: [String: Command] = [:]

    public typealias Command = @Sendable (_ arguments: [String], _ runtime: ServiceRuntime) async throws -> Void

    public init(name: String, defaultHTTPPort: Int, documents: APIDocuments, migrations: [Migration], consumers: [Consumer],
                routes: @escaping @Sendable (Router<KefuRequestContext>, ServiceRuntime) -> Void,
                backgroundServices: @escaping @Sendable (ServiceRuntime) -> [any Service] = { _ in [] }) {
        self.name = name
        self.defaultHTTPPort = defaultHTTPPort
        self.documents = documents
        self.migrations = migrations
        self.consumers = consumers
        self.routes = routes
        self.backgroundServices = backgroundServices
    }

    /// All queues the service declares: its consumers' and its dead-letter queue.
    public var topology: Topology {
        Topology(queues: consumers.map(\.queue) + [Topology.deadLetterQueue(service: name)])
    }

    public var allMigrations: [Migration] { MessagingMigrations.all + migrations }
}
