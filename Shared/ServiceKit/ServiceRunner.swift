import Foundation
import HTTPTypes
public import Hummingbird
public import KefuMessaging
public import KefuStorage
public import Logging
import Metrics
import Prometheus
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// Starts a service: logging and metrics, migrations, the broker and database clients, the
/// outbox relay, the consumers and the HTTP server, all in one `ServiceGroup` that shuts down
/// gracefully on SIGTERM or SIGINT.
public enum ServiceRunner {
    /// The process entry point for `kefu-<service>`; `kefu-<service> migrate` only migrates.
    public static func main(_ definition: ServiceDefinition, arguments: [String] = CommandLine.arguments) async throws {
        let configuration = ServiceConfiguration.fromEnvironment(service: definition.name,
                                                                 defaultHTTPPort: definition.defaultHTTPPort)
        bootstrapObservability(level: Logger.Level(rawValue: configuration.logLevel) ?? .info)
        let logger = Logger(label: "kefu.\(definition.name)")
        if arguments.dropFirst().first == "token" {
            try TokenCommand.run(Array(arguments.dropFirst(2)), signer: configuration.tokenSigner())
            return
        }
        if arguments.dropFirst().first == "migrate" {
            let pool = PostgresPool(configuration: configuration.postgres)
            try await Migrator(schema: definition.name, migrations: definition.allMigrations).migrate(on: pool, logger: logger)
            pool.shutdown()
            return
        }
        let group = try await build(definition, configuration: configuration, logger: logger)
        try await group.run()
    }

    /// Builds the service group without running it; tests use this to run a service in-process.
    public static func build(_ definition: ServiceDefinition, configuration: ServiceConfiguration,
                             logger: Logger) async throws -> ServiceGroup {
        let signer = try configuration.tokenSigner()
        let pool = PostgresPool(configuration: configuration.postgres)
        try await migrateWhenReachable(definition, pool: pool, logger: logger)
        let publisher = AMQPPublisher(configuration: try configuration.amqp(), logger: logger)
        let replyPublisher = definition.repliesToGateways
            ? AMQPPublisher(configuration: try configuration.amqp(), logger: logger) : nil
        let runtime = ServiceRuntime(configuration: configuration, logger: logger, pool: pool, publisher: publisher,
                                     replyPublisher: replyPublisher)

        let topology = definition.topology
        let consumers = try definition.consumers.map { consumer in
            ConsumerService(
                queue: consumer.queue.name,
                consumer: AMQPConsumer(configuration: try configuration.amqp(), topology: topology,
                                       source: .queue(consumer.queue.name), prefetch: configuration.prefetch,
                                       logger: logger),
                handler: consumer.makeHandler(runtime), pool: pool, schema: definition.name,
                service: definition.name, batchSize: configuration.batchSize, wake: runtime.ringRelays,
                logger: logger)
        }

        let router = Router(context: KefuRequestContext.self)
        var authOptions = configuration.auth
        authOptions.publicPathPrefixes += definition.publicPathPrefixes
        router.add(middleware: AuthMiddleware(signer: signer, options: authOptions))
        addOperationalRoutes(to: router, runtime: runtime, consumers: consumers)
        definition.routes(router, runtime)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort),
                                 serverName: "kefu-\(definition.name)"),
            logger: logger)

        // Graceful shutdown runs in reverse order: consumers stop and finish their batch first,
        // then HTTP, and the relay last, so everything committed is also published.
        let services: [any Service] = runtime.relays + definition.backgroundServices(runtime) + [application] + consumers
        return ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
    }

    private static func migrateWhenReachable(_ definition: ServiceDefinition, pool: PostgresPool, logger: Logger) async throws {
        let migrator = Migrator(schema: definition.name, migrations: definition.allMigrations)
        var backoff: Duration = .milliseconds(200)
        while true {
            do {
                try await migrator.migrate(on: pool, logger: logger)
                return
            } catch let error as PostgresError where error.isTransient {
                logger.warning("database not reachable; retrying migrations", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private static func addOperationalRoutes(to router: Router<KefuRequestContext>, runtime: ServiceRuntime,
                                             consumers: [ConsumerService]) {
        router.get("/health/live") { _, _ in
            try Response.json(["status": "live"])
        }
        router.get("/health/ready") { _, _ -> Response in
            let database = await runtime.pool.isReachable()
            let broker = runtime.publisher.isConnected && consumers.allSatisfy(\.isConnected)
            let ready = database && broker
            return try Response.json(
                ["status": ready ? "ready" : "not ready",
                 "database": database ? "up" : "down",
                 "broker": broker ? "up" : "down"],
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: .init(bytes: metricsRegistry.emitToBuffer())))
        }
    }

    private static let metricsRegistry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// JSON logs and Prometheus metrics; safe to call more than once (tests build several services).
    public static func bootstrapObservability(level: Logger.Level = .info) {
        let first = bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metricsRegistry))
    }
}
