import Foundation
import KefuContracts
public import KefuMessaging
public import KefuStorage
public import Logging
import Metrics
public import ServiceLifecycle

/// Publishes what services committed to their outbox.
///
/// Rows are claimed with a lease: one statement moves their `next_attempt_at` a lease ahead
/// (`FOR UPDATE SKIP LOCKED`, so replicas never claim the same row) and commits. The batch is
/// then published and confirmed with no database connection held and no row locked, and marked
/// sent by a second statement. A slow or blocked broker therefore never starves the pool that
/// the rest of the service needs (docs/architecture.md). A crash after the publish and before the
/// mark publishes the rows again once the lease runs out, which consumers absorb by message id.
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
        /// How long a claimed batch is this relay's alone; longer than the broker's confirm timeout.
        public var lease: Duration = .seconds(15)
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

    /// Relays until shutdown. On graceful shutdown the relay goes after the consumers and the
    /// HTTP server (see ServiceRunner), so it flushes what they committed, then returns; with the
    /// broker or the database gone it returns at once, and what is left waits in the outbox.
    public func run() async throws {
        var backoff: Duration = .milliseconds(100)
        var lastCleanup = ContinuousClock.now
        while true {
            let draining = Task.isShuttingDownGracefully
            do {
                let count = try await relayBatch()
                backoff = .milliseconds(100)
                if count > 0 { continue }
                if draining { return }
                if options.lane != .replies, ContinuousClock.now - lastCleanup > .seconds(60) {
                    try await cleanup()
                    lastCleanup = .now
                }
            } catch is CancellationError {
                return
            } catch {
                if draining { return }
                logger.warning("outbox relay failed", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
                continue
            }
            try Task.checkCancellation()
            await doorbell.wait(timeout: options.idlePoll)
        }
    }

    /// Publishes one batch; returns how many rows it sent.
    func relayBatch() async throws -> Int {
        let schema = self.schema
        let (limit, lease) = (options.batchSize, options.lease)
        let lane = options.lane
        let claimed = try await pool.withConnection { connection in
            try connection.query("""
                UPDATE \(schema).outbox SET next_attempt_at = now() + make_interval(secs => $2)
                WHERE id IN (SELECT id FROM \(schema).outbox
                             WHERE published_at IS NULL AND next_attempt_at <= now() \(lane.condition)
                             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING id, message_id, exchange, routing_key, content_type, message_type, correlation_id,
                          headers::text AS headers, mandatory, body
                """, [limit, Self.seconds(lease)])
        }
        guard claimed.count > 0 else { return 0 }
        let rows = try claimed.map { (try $0.require("id", as: Int64.self), $0) }.sorted { $0.0 < $1.0 }
        let messages = try rows.map { try Self.message(from: $0.1) }
        let ids = rows.map(\.0)
        let result: PublishResult
        do {
            result = try await publisher.publish(messages)
        } catch {
            // Handed back at once, so that the next attempt need not wait for the lease to run out.
            _ = try? await pool.withConnection { connection in
                try connection.query("UPDATE \(schema).outbox SET next_attempt_at = now() WHERE id = ANY($1::bigint[])", [ids])
            }
            throw error
        }
        var sent: [Int64] = []
        var unroutable: [Int64] = []
        for (id, message) in zip(ids, messages) {
            if result.returnedMessageIDs.contains(message.messageID ?? "") { unroutable.append(id) } else { sent.append(id) }
        }
        if !unroutable.isEmpty {
            logger.warning("unroutable messages held back; is the consuming service's queue declared?",
                           metadata: ["count": "\(unroutable.count)"])
        }
        try await pool.withConnection { [sent, unroutable] connection in
            if !sent.isEmpty {
                try connection.query("UPDATE \(schema).outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [sent])
            }
            if !unroutable.isEmpty {
                try connection.query("""
                    UPDATE \(schema).outbox SET attempts = attempts + 1,
                        next_attempt_at = now() + least(interval '1 second' * power(2, attempts), interval '60 seconds')
                    WHERE id = ANY($1::bigint[])
                    """, [unroutable])
            }
        }
        published.increment(by: sent.count)
        return sent.count
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
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

extension OutboxRelay {
    /// What the relay has not published yet: how many rows, and how long the oldest has waited.
    /// The outbox-lag alert watches it (docs/operations.md).
    static func backlog(schema: String, on connection: PostgresConnection) throws -> (pending: Int, oldestSeconds: Double) {
        let row = try connection.query("""
            SELECT count(*)::bigint AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
            FROM \(schema).outbox WHERE published_at IS NULL
            """).first
        return (try row?.require("pending", as: Int.self) ?? 0, try row?.require("oldest", as: Double.self) ?? 0)
    }
}
