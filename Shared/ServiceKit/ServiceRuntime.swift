public import KefuMessaging
public import KefuStorage
public import Logging

/// The shared parts of a running service that handlers and routes use.
public final class ServiceRuntime: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let pool: PostgresPool
    public let publisher: AMQPPublisher
    public let relay: OutboxRelay
    /// A second relay, with its own broker connection, for replies to gateways only.
    public let replyRelay: OutboxRelay?

    public init(configuration: ServiceConfiguration, logger: Logger, pool: PostgresPool, publisher: AMQPPublisher,
                replyPublisher: AMQPPublisher? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.pool = pool
        self.publisher = publisher
        self.replyPublisher = replyPublisher
        var options = OutboxRelay.Options()
        if let replyPublisher {
            options.lane = .allButReplies
            var replyOptions = OutboxRelay.Options()
            replyOptions.lane = .replies
            replyRelay = OutboxRelay(pool: pool, publisher: replyPublisher, schema: configuration.service,
                                     options: replyOptions, logger: logger)
        } else {
            replyRelay = nil
        }
        relay = OutboxRelay(pool: pool, publisher: publisher, schema: configuration.service, options: options, logger: logger)
    }

    /// The reply relay's own publisher, when there is one.
    public let replyPublisher: AMQPPublisher?

    public var relays: [OutboxRelay] { [relay] + (replyRelay.map { [$0] } ?? []) }
    /// Every broker publisher of the service; each is a lifecycle service that owns its connection.
    public var publishers: [AMQPPublisher] { [publisher] + (replyPublisher.map { [$0] } ?? []) }

    /// Wakes the relays after a commit, so it is published at once.
    public func ringRelays() {
        for relay in relays { relay.doorbell.ring() }
    }

    public var service: String { configuration.service }
    /// Each service's tables live in a schema named after it.
    public var schema: String { configuration.service }

    /// Runs `body` in one transaction with its outbox; the relay is woken after COMMIT.
    public func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (UnitOfWork) throws -> Result
    ) async throws -> Result {
        let schema = self.schema
        let service = self.service
        let result = try await pool.withTransaction { connection in
            let work = UnitOfWork(connection: connection, schema: schema, service: service)
            let result = try body(work)
            try work.flushOutbox()
            return result
        }
        ringRelays()
        return result
    }

    /// A read-only query outside any outbox.
    public func read<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Result) async throws -> Result {
        try await pool.withConnection(body)
    }
}
