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
    ///
    /// A setting that is not usable stops the process with exit status 78 (EX_CONFIG) and one log
    /// line naming the variable, so a supervisor can tell it from a crash and not restart it in a
    /// loop; any other failure to start or run exits with status 1 and the error logged.
    public static func main(_ definition: @autoclosure () throws -> ServiceDefinition,
                            arguments: [String] = CommandLine.arguments) async -> Never {
        var logger = Logger(label: "kefu")
        do {
            let definition = try definition()
            let configuration = try ServiceConfiguration.fromEnvironment(service: definition.name,
                                                                         defaultHTTPPort: definition.defaultHTTPPort)
            bootstrapObservability(level: Logger.Level(rawValue: configuration.logLevel) ?? .info)
            logger = Logger(label: "kefu.\(definition.name)")
            try await run(definition, configuration: configuration, arguments: arguments, logger: logger)
            exit(EXIT_SUCCESS)
        } catch let error as ConfigurationError {
            bootstrapObservability()
            logger.critical("bad setting; not starting", metadata: ["variable": "\(error.variable)", "error": "\(error)"])
            exit(78)
        } catch {
            bootstrapObservability()
            logger.critical("stopped by an error", metadata: ["error": "\(error)"])
            exit(EXIT_FAILURE)
        }
    }

    private static func run(_ definition: ServiceDefinition, configuration: ServiceConfiguration, arguments: [String],
                            logger: Logger) async throws {
        switch arguments.dropFirst().first {
        case "token":
            try TokenCommand.run(Array(arguments.dropFirst(2)), signer: configuration.tokenSigner())
        case "migrate":
            let pool = PostgresPool(configuration: configuration.postgres)
            defer { pool.shutdown() }
            try await Migrator(schema: definition.name, migrations: definition.allMigrations).migrate(on: pool, logger: logger)
        case let name? where definition.commands[name] != nil:
            let pool = PostgresPool(configuration: configuration.postgres)
            defer { pool.shutdown() }
            try await Migrator(schema: definition.name, migrations: definition.allMigrations).migrate(on: pool, logger: logger)
            let runtime = ServiceRuntime(configuration: configuration, logger: logger, pool: pool,
                                         publisher: AMQPPublisher(configuration: try configuration.amqp(role: "command"),
                                                                  logger: logger),
                                         replyPublisher: nil)
            try await definition.commands[name]!(Array(arguments.dropFirst(2)), runtime)
        default:
            let group = try await build(definition, configuration: configuration, logger: logger)
            try await group.run()
        }
    }

    /// Builds the service group without running it; tests use this to run a service in-process.
    public static func build(_ definition: ServiceDefinition, configuration: ServiceConfiguration,
                             logger: Logger) async throws -> ServiceGroup {
        let signer = try configuration.tokenSigner()
        let pool = PostgresPool(configuration: configuration.postgres)
        try await migrateWhenReachable(definition, pool: pool, logger: logger)
        let publisher = AMQPPublisher(configuration: try configuration.amqp(role: "publisher"), logger: logger)
        let replyPublisher = definition.repliesToGateways
            ? AMQPPublisher(configuration: try configuration.amqp(role: "replies"), logger: logger) : nil
        let runtime = ServiceRuntime(configuration: configuration, logger: logger, pool: pool, publisher: publisher,
                                     replyPublisher: replyPublisher)

        let topology = definition.topology
        let consumers = try definition.consumers.map { consumer in
            ConsumerService(
                queue: consumer.queue.name,
                consumer: AMQPConsumer(configuration: try configuration.amqp(role: consumer.queue.name), topology: topology,
                                       source: .queue(consumer.queue.name), prefetch: configuration.prefetch,
                                       logger: logger),
                handler: consumer.makeHandler(runtime), pool: pool, schema: definition.name,
                service: definition.name, batchSize: configuration.batchSize, wake: runtime.ringRelays,
                logger: logger)
        }

        let router = Router(context: KefuRequestContext.self)
        var authOptions = configuration.auth
        authOptions.publicPathPrefixes += definition.publicPathPrefixes
        authOptions.publicPaths.formUnion(definition.publicPaths.union(APIDocuments.paths))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AuthMiddleware(signer: signer, options: authOptions))
        addOperationalRoutes(to: router, runtime: runtime, consumers: consumers)
        definition.documents.addRoutes(to: router)
        definition.routes(router, runtime)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort),
                                 serverName: "kefu-\(definition.name)"),
            logger: logger)

        // Graceful shutdown runs in reverse order: consumers stop and finish their batch first,
        // then HTTP, then the relays, which flush what was committed, and the publishers last,
        // once their confirms are in. What is still running when the limit passes is cancelled.
        let services: [any Service] = runtime.publishers + runtime.relays + definition.backgroundServices(runtime)
            + [application] + consumers
        var group = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        group.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: group)
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
            let links = runtime.publishers.map(\.status) + consumers.map(\.brokerStatus)
            let broker = BrokerReadiness(links)
            let ready = database && broker.isUp
            var body = ["status": ready ? "ready" : "not ready", "database": database ? "up" : "down",
                        "broker": broker.state]
            if let reason = broker.reason { body["broker_reason"] = reason }
            return try Response.json(body, status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let links = runtime.publishers.map(\.status) + consumers.map(\.brokerStatus)
            await HealthMetrics.sample(runtime: runtime, broker: BrokerReadiness(links))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: .init(bytes: metricsRegistry.emitToBuffer())))
        }
    }

    /// What readiness says of the broker: "up" when every connection is, "blocked" when the
    /// broker holds back publishing (a memory or disk alarm), otherwise "down", with the reason.
    struct BrokerReadiness {
        let state: String
        let reason: String?
        var isUp: Bool { state == "up" }

        init(_ links: [AMQPLinkStatus]) {
            if let blocked = links.first(where: { if case .blocked = $0 { true } else { false } }) {
                state = "blocked"
                reason = "\(blocked)"
            } else if let down = links.first(where: { !$0.isConnected }) {
                state = "down"
                reason = "\(down)"
            } else {
                state = "up"
                reason = nil
            }
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
