import Foundation
public import KefuMessaging
public import KefuStorage
public import Logging
import Metrics
public import ServiceLifecycle

/// Runs a `MessageHandler` over one queue, a batch of deliveries per transaction.
///
/// Each delivery gets a savepoint, so one bad message does not undo its neighbours. Its message
/// id goes into the inbox in the same transaction as its effects, and every delivery of the batch
/// is acknowledged only after COMMIT (docs/architecture.md, rules 2 and 3). A delivery whose handler fails
/// for good is dead-lettered through the outbox, with its reason, in that same transaction.
public final class ConsumerService: Service, Sendable {
    public let queue: String
    private let consumer: AMQPConsumer
    private let handler: any MessageHandler
    private let pool: PostgresPool
    private let schema: String
    private let service: String
    private let batchSize: Int
    /// Wakes the outbox relays after a commit.
    private let wake: @Sendable () -> Void
    private let logger: Logger
    private let processed: Counter
    private let deadLettered: Counter
    private let batchDuration: Metrics.Timer

    public init(queue: String, consumer: AMQPConsumer, handler: any MessageHandler, pool: PostgresPool, schema: String,
                service: String, batchSize: Int, wake: @escaping @Sendable () -> Void, logger: Logger) {
        self.queue = queue
        self.consumer = consumer
        self.handler = handler
        self.pool = pool
        self.schema = schema
        self.service = service
        self.batchSize = batchSize
        self.wake = wake
        self.logger = logger
        self.processed = Counter(label: "kefu_messages_processed_total", dimensions: [("queue", queue)])
        self.deadLettered = Counter(label: "kefu_messages_dead_lettered_total", dimensions: [("queue", queue)])
        self.batchDuration = Metrics.Timer(label: "kefu_batch_duration_seconds", dimensions: [("queue", queue)])
    }

    public var isConnected: Bool { consumer.isConnected }
    public var brokerStatus: AMQPLinkStatus { consumer.status }

    /// The consumer's connection runs beside the batches, as a child task. Graceful shutdown
    /// reaches both: the batches end after the one in hand, whose settlements `close()` sends
    /// before the connection closes. Cancellation abandons the batch in hand, which the broker
    /// delivers again.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.consumer.run() }
            defer { consumer.close() }
            for await batch in consumer.batches(maximum: batchSize) {
                try await process(batch)
            }
        }
    }

    private enum Outcome: Sendable {
        case done
        case duplicate
        case deadLettered(String)
    }

    /// Handles a batch in one transaction. The fast path claims every message id in one statement
    /// and runs the handlers back to back; if a handler fails, the batch is rolled back and run
    /// again with a savepoint per delivery, so that only the culprit is dead-lettered.
    ///
    /// While the database is unreachable the batch is retried with backoff and stays
    /// unacknowledged. A batch that keeps failing for another reason is split, and a single
    /// delivery that still fails is rejected, which the broker dead-letters.
    func process(_ batch: [Delivery]) async throws {
        var backoff: Duration = .milliseconds(100)
        var isolated = false
        var permanentFailures = 0
        let started = ContinuousClock.now
        while true {
            do {
                let outcomes = try await pool.withTransaction { [handler, schema, service, queue, isolated] connection in
                    let work = UnitOfWork(connection: connection, schema: schema, service: service)
                    // An idempotent handler absorbs repeats itself; for the others the inbox says
                    // which ids are new.
                    let fresh = handler is any IdempotentMessageHandler
                        ? nil : try work.claimInbox(messageIDs: batch.compactMap(\.messageID), queue: queue)
                    func isRepeat(_ id: String) -> Bool { fresh.map { !$0.contains(id) } ?? false }
                    // Within one batch, too: the first of two deliveries with one id is the new one.
                    // An idempotent handler's publishers may reuse ids, so it sees every delivery.
                    var seen = Set<String>()
                    func isSecond(_ id: String) -> Bool { fresh != nil && !seen.insert(id).inserted }
                    var outcomes: [Outcome] = []
                    var pending: [Delivery] = []
                    for delivery in batch {
                        if let id = delivery.messageID, isRepeat(id) || isSecond(id) {
                            outcomes.append(.duplicate)
                        } else if isolated {
                            outcomes.append(try Self.handleIsolated(delivery, handler: handler, work: work, queue: queue))
                        } else if handler is any BatchMessageHandler {
                            pending.append(delivery)
                            outcomes.append(.done)
                        } else {
                            try handler.handle(delivery, in: work)
                            outcomes.append(.done)
                        }
                    }
                    if let batchHandler = handler as? any BatchMessageHandler, !pending.isEmpty {
                        try batchHandler.handle(batch: pending, in: work)
                    }
                    try work.flushOutbox()
                    return outcomes
                }
                wake()
                consumer.settle(batch.map { ($0, .ack) })
                let elapsed = ContinuousClock.now - started
                batchDuration.record(duration: elapsed)
                logger.debug("batch committed", metadata: ["queue": "\(queue)", "size": "\(batch.count)",
                                                           "duration": "\(elapsed)"])
                record(outcomes, batch)
                return
            } catch let error where (error as? PostgresError)?.isTransient == true || error is TransientFailure {
                logger.warning("batch failed; retrying", metadata: ["queue": "\(queue)", "error": "\(error)",
                                                                    "retry_in": "\(backoff)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if !isolated {
                    isolated = true
                    continue
                }
                permanentFailures += 1
                guard permanentFailures >= 3 else { continue }
                if batch.count == 1 {
                    logger.error("message rejected after repeated failures",
                                 metadata: ["queue": "\(queue)", "error": "\(error)"])
                    consumer.settle([(batch[0], .reject)])
                } else {
                    for delivery in batch { try await process([delivery]) }
                }
                return
            }
        }
    }

    /// Handles one delivery inside its own savepoint. Transient database errors escape and fail
    /// the batch; anything else dead-letters this delivery alone, in the batch's transaction.
    private static func handleIsolated(_ delivery: Delivery, handler: any MessageHandler, work: UnitOfWork,
                                       queue: String) throws -> Outcome {
        let mark = work.outgoing.count
        do {
            try work.connection.withSavepoint { try handler.handle(delivery, in: work) }
            return .done
        } catch let error where (error as? PostgresError)?.isTransient == true || error is TransientFailure {
            throw error
        } catch {
            work.discardOutgoing(after: mark)
            let reason = String(describing: error)
            work.deadLetter(delivery, queue: queue, reason: reason)
            return .deadLettered(reason)
        }
    }

    private func record(_ outcomes: [Outcome], _ batch: [Delivery]) {
        processed.increment(by: batch.count)
        for (outcome, delivery) in zip(outcomes, batch) {
            if case .deadLettered(let reason) = outcome {
                deadLettered.increment()
                logger.error("message dead-lettered", metadata: [
                    "queue": "\(queue)", "routing_key": "\(delivery.routingKey)",
                    "message_id": "\(delivery.messageID ?? "-")", "reason": "\(reason)"])
            }
        }
    }
}
