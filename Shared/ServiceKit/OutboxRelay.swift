import Foundation
import KefuContracts
public import KefuMessaging
public import KefuStorage
public import Logging
import Metrics
public import ServiceLifecycle

/// Publishes what services committed to their outbox.
///
/// Rows are claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that stays open while the
/// batch is published and confirmed, then marked sent in the same transaction. Several replicas
/// can therefore relay one outbox without publishing a row twice; a crash after the publish and
/// before the commit publishes it again, which consumers absorb by message id.
public final class OutboxRelay: Service, Sendable {
    /// Which rows a relay publishes. Replies to gateways go to classic reply queues and confirm
    /// at once; in a lane of their own they never wait behind a batch of quorum-queue confirms.
    public enum Lane: Sendable {
        case all, replies, allButReplies

        var condition: String {
            switch self {
            case .all: ""
            case .replies: "AND exchange = ''"
            case .allButReplies: "AND exchange <> ''"
            }
        }
    }

    public struct Options: Sendable {
        public var lane = Lane.all
        public var batchSize = 500
        /// How long to sleep when the outbox is empty and nobody rings.
        public var idlePoll: Duration = .milliseconds(250)
        /// Published rows and inbox ids older than this are deleted.
        public var retention: Duration = .seconds(24 * 3600)
        public init() {}
    }

    private let pool: PostgresPool
    private let publisher: AMQPPublisher
    private let schema: String
    private let options: Options
    private let logger: Logger
    public let doorbell = Doorbell()
    private let published: Counter

    public init(pool: PostgresPool, publisher: AMQPPublisher, schema: String, options: Options = .init(), logger: Logger) {
        self.pool = pool
        self.publisher = publisher
        self.schema = schema
        self.options = options
        self.logger = logger
        self.published = Counter(label: "kefu_outbox_published_total", dimensions: [("schema", schema)])
    }

    public func run() async throws {
        var backoff: Duration = .milliseconds(100)
        var lastCleanup = ContinuousClock.now
        var draining = false
        while true {
            do {
                let count = try await relayBatch()
                backoff = .milliseconds(100)
                if count > 0 { continue }
                if draining { return }
                if options.lane != .replies, ContinuousClock.now - lastCleanup > .seconds(60) {
                    try await cleanup()
                    lastCleanup = .now
                }
            } catch {
                logger.warning("outbox relay failed", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                if draining && !publisher.isConnected { return }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
                continue
            }
            // On shutdown the relay goes last (see ServiceRunner), so it flushes what the
            // consumers committed and then stops.
            if isShuttingDown() { draining = true; continue }
            await doorbell.wait(timeout: options.idlePoll)
        }
    }

    private func isShuttingDown() -> Bool {
        Task.isShuttingDownGracefully || Task.isCancelled
    }

    /// Publishes one batch; returns how many rows it sent.
    func relayBatch() async throws -> Int {
        let schema = self.schema
        let limit = options.batchSize
        let lane = options.lane
        return try await pool.withReservedConnection { reserved in
            let rows = try await reserved.run { connection -> PostgresRows in
                try connection.execute("BEGIN")
                return try connection.query("""
                    SELECT id, message_id, exchange, routing_key, content_type, message_type, correlation_id,
                           headers::text AS headers, mandatory, body
                    FROM \(schema).outbox WHERE published_at IS NULL AND next_attempt_at <= now() \(lane.condition)
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                    """, [limit])
            }
            do {
                guard rows.count > 0 else {
                    try await reserved.run { try $0.execute("COMMIT") }
                    return 0
                }
                let messages = try rows.map(Self.message(from:))
                let result = try await publisher.publish(messages)
                var sent: [Int64] = []
                var unroutable: [Int64] = []
                for (row, message) in zip(rows, messages) {
                    let id = try row.require("id", as: Int64.self)
                    if result.returnedMessageIDs.contains(message.messageID ?? "") {
                        unroutable.append(id)
                    } else {
                        sent.append(id)
                    }
                }
                if !unroutable.isEmpty {
                    logger.warning("unroutable messages held back; is the consuming service's queue declared?",
                                   metadata: ["count": "\(unroutable.count)"])
                }
                try await reserved.run { [sent, unroutable] connection in
                    try connection.query(
                        "UPDATE \(schema).outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [sent])
                    try connection.query("""
                        UPDATE \(schema).outbox SET attempts = attempts + 1,
                            next_attempt_at = now() + least(interval '1 second' * power(2, attempts),
                                                            interval '60 seconds')
                        WHERE id = ANY($1::bigint[])
                        """, [unroutable])
                    try connection.execute("COMMIT")
                }
                published.increment(by: sent.count)
                return sent.count
            } catch {
                _ = try? await reserved.run { try $0.execute("ROLLBACK") }
                throw error
            }
        }
    }

    private func cleanup() async throws {
        let schema = self.schema
        let seconds = Int(options.retention.components.seconds)
        try await pool.withConnection { connection in
            try connection.query("DELETE FROM \(schema).outbox WHERE published_at < now() - make_interval(secs => $1)", [seconds])
            try connection.query("DELETE FROM \(schema).inbox WHERE received_at < now() - make_interval(secs => $1)", [seconds])
        }
    }

    private static func message(from row: PostgresRow) throws -> OutgoingMessage {
        var headers: [String: AMQPFieldValue] = [:]
        if let text: String = try row.decode("headers"),
           case .object(let object) = try KefuJSON.decode(JSONValue.self, from: Array(text.utf8)) {
            for (key, value) in object {
                switch value {
                case .string(let string): headers[key] = .string(string)
                case .number(let number): headers[key] = .int(Int64(number))
                case .bool(let flag): headers[key] = .bool(flag)
                default: break
                }
            }
        }
        let exchange: String = try row.require("exchange")
        return OutgoingMessage(
            exchange: exchange,
            routingKey: try row.require("routing_key"),
            body: Array(try row.require("body", as: Data.self)),
            contentType: try row.require("content_type"),
            messageID: try row.require("message_id"),
            correlationID: try row.decode("correlation_id"),
            type: try row.decode("message_type"),
            headers: headers,
            // Replies to integrators' reply queues are transient by contract; everything else persists.
            persistent: !exchange.isEmpty,
            mandatory: try row.require("mandatory"))
    }
}
