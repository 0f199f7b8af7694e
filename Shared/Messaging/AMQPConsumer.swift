import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Consumes one queue with manual acks and a bounded prefetch.
///
/// A lifecycle service: `run()` owns the connection on a thread of its own, declares the
/// topology on every connect, and reconnects with backoff (to the next node of a cluster) when
/// the broker goes away. Deliveries reach async code in batches, through `nextBatch` or
/// `batches(maximum:)`, so a handler can process several in one transaction. Each delivery
/// carries the connection it came on, and `settle` acknowledges it on that connection only.
///
/// Graceful shutdown stops the batches; whoever consumes them settles what it holds and calls
/// `close()`, which sends those settlements and closes the connection, and `run()` returns.
/// Cancellation closes at once: what was not acknowledged is redelivered.
public final class AMQPConsumer: Service, Sendable {
    public enum Source: Sendable {
        /// A named queue, declared as part of `topology`.
        case queue(String)
        /// A server-named exclusive queue bound as given; for replies and monitoring tools.
        case exclusive(bindings: [Topology.Binding])
    }

    public enum Settlement: Sendable {
        case ack
        /// Hand the message back to the queue (it counts towards the delivery limit).
        case requeue
        /// Drop it; the queue's dead-letter settings decide where it goes.
        case reject
    }

    private let worker: ConsumerWorker

    public init(configuration: AMQPConfiguration, topology: Topology = Topology(exchanges: [], queues: []),
                source: Source, prefetch: Int = 200, logger: Logger) {
        worker = ConsumerWorker(configuration: configuration, topology: topology, source: source,
                                prefetch: prefetch, logger: logger)
    }

    /// Starts `run()` in a task of its own, for a client used outside a `ServiceGroup` (tools
    /// and tests); `close()` or cancelling the task ends it.
    @discardableResult
    public func start() -> Task<Void, any Error> {
        Task { try await run() }
    }

    public func run() async throws {
        try await runOwned(worker, threadName: "kefu-amqp-consumer")
    }

    /// Up to `maximum` deliveries, waiting for at least one, or an empty batch when `timeout`
    /// passes first. `nil` once the consumer is stopping, or when the calling task is cancelled.
    public func nextBatch(maximum: Int, timeout: Duration? = nil) async -> [Delivery]? {
        await worker.nextBatch(maximum: maximum, timeout: timeout)
    }

    /// The deliveries as an asynchronous sequence of batches, ending when the consumer stops.
    public func batches(maximum: Int) -> Batches { Batches(consumer: self, maximum: maximum) }

    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [Delivery]
        let consumer: AMQPConsumer
        let maximum: Int

        public struct AsyncIterator: AsyncIteratorProtocol {
            let consumer: AMQPConsumer
            let maximum: Int
            public mutating func next() async -> [Delivery]? { await consumer.nextBatch(maximum: maximum) }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer, maximum: maximum) }
    }

    /// Queues acks and rejects; the connection thread sends them at once, each on the connection
    /// its delivery came on. One for a connection that has gone is dropped: the broker has
    /// already put that message back, and will deliver it again.
    public func settle(_ settlements: [(Delivery, Settlement)]) {
        worker.settle(settlements)
    }

    /// Stops handing out deliveries; those not yet handed out return to the queue.
    public func stop() { worker.stopDeliveries() }

    /// Sends the settlements queued so far, closes the connection, and lets `run()` return.
    /// Call after the last `settle`.
    public func close() { worker.requestClose() }

    public var isConnected: Bool { worker.status.isConnected }
    public var status: AMQPLinkStatus { worker.status }

    /// The queue's name once connected; for `.exclusive` sources the server picks it.
    public func queueName(timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let name = worker.currentQueueName { return name }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw AMQPError(code: .connectionFailed, operation: "queue name", detail: worker.lastError)
    }

    /// The last connection or declaration error, for tests and readiness reports.
    public var lastError: String? { worker.lastError }
}

/// `@unchecked Sendable`: everything async callers touch sits in `mailbox`, behind a mutex; the
/// connection is touched only on the worker's own thread.
private final class ConsumerWorker: ConnectionOwner, @unchecked Sendable {
    struct Mailbox {
        var buffer: [Delivery] = []
        var waiter: CheckedContinuation<[Delivery]?, Never>?
        var waiterMaximum = 1
        var waiterID = 0
        var settlements: [(Delivery, AMQPConsumer.Settlement)] = []
        var running = false
        var stopping = false
        var closing = false
        var aborted = false
        var queueName: String?
        var lastError: String?
        var status = AMQPLinkStatus.connecting(lastError: nil)
    }

    private let configuration: AMQPConfiguration
    private let topology: Topology
    private let source: AMQPConsumer.Source
    private let prefetch: Int
    private let logger: Logger
    private let mailbox = Mutex(Mailbox())
    private let wakeup = Wakeup()

    // The worker thread's own state.
    private var reconnector: Reconnector
    private var connection: AMQPConnection?
    private var nextReconnect = ContinuousClock.now

    init(configuration: AMQPConfiguration, topology: Topology, source: AMQPConsumer.Source, prefetch: Int, logger: Logger) {
        self.configuration = configuration
        self.topology = topology
        self.source = source
        self.prefetch = prefetch
        self.logger = logger
        self.reconnector = Reconnector(configuration: configuration)
    }

    var status: AMQPLinkStatus { mailbox.withLock { $0.status } }
    var currentQueueName: String? { mailbox.withLock { $0.status.isConnected ? $0.queueName : nil } }
    var lastError: String? { mailbox.withLock { $0.lastError } }

    func claimRun() -> Bool {
        mailbox.withLock { box in
            defer { box.running = true }
            return !box.running
        }
    }

    func nextBatch(maximum: Int, timeout: Duration?) async -> [Delivery]? {
        let id = mailbox.withLock { box in
            box.waiterID += 1
            return box.waiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: [Delivery]?? = mailbox.withLock { box in
                    if box.stopping || box.closing || box.aborted || Task.isCancelled { return .some(nil) }
                    if !box.buffer.isEmpty { return .some(Self.take(&box.buffer, maximum)) }
                    box.waiter = continuation
                    box.waiterMaximum = maximum
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                } else if let timeout {
                    Task { [self] in
                        try? await Task.sleep(for: timeout)
                        wakeWaiter(id, with: [])
                    }
                }
            }
        } onCancel: {
            wakeWaiter(id, with: nil)
        }
    }

    /// Ends the wait of the caller registered as `id`, if it is still waiting.
    private func wakeWaiter(_ id: Int, with batch: [Delivery]?) {
        let waiter = mailbox.withLock { box -> CheckedContinuation<[Delivery]?, Never>? in
            guard box.waiterID == id, let waiter = box.waiter else { return nil }
            box.waiter = nil
            return waiter
        }
        waiter?.resume(returning: batch)
    }

    func settle(_ settlements: [(Delivery, AMQPConsumer.Settlement)]) {
        guard !settlements.isEmpty else { return }
        mailbox.withLock { $0.settlements.append(contentsOf: settlements) }
        wakeup.ring()
    }

    func stopDeliveries() {
        let waiter = mailbox.withLock { box -> CheckedContinuation<[Delivery]?, Never>? in
            box.stopping = true
            box.buffer.removeAll()
            defer { box.waiter = nil }
            return box.waiter
        }
        waiter?.resume(returning: nil)
        wakeup.ring()
    }

    func requestClose() {
        stopDeliveries()
        mailbox.withLock { $0.closing = true }
        wakeup.ring()
    }

    func abort() {
        stopDeliveries()
        mailbox.withLock { $0.aborted = true }
        wakeup.ring()
    }

    private static func take(_ buffer: inout [Delivery], _ maximum: Int) -> [Delivery] {
        let count = min(maximum, buffer.count)
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }

    // MARK: The worker thread

    func run() {
        while true {
            let (settlements, stopping, closing, aborted) = mailbox.withLock { box in
                defer { box.settlements.removeAll() }
                return (box.settlements, box.stopping, box.closing, box.aborted)
            }
            apply(settlements)
            if aborted || closing {
                if aborted { connection?.abandon() }
                connection = nil
                mailbox.withLock { $0.status = .stopped }
                return
            }
            if connection == nil, !stopping, ContinuousClock.now >= nextReconnect { connect() }
            if let connection, connection.hasBufferedInput {
                readDeliveries()
                continue
            }
            var timeout = configuration.options.heartbeat / 4
            if connection == nil { timeout = min(timeout, max(.milliseconds(1), nextReconnect - .now)) }
            wakeup.wait(socket: connection?.socketDescriptor, timeout: timeout)
            readDeliveries()
        }
    }

    private func connect() {
        var opened: AMQPConnection?
        do {
            let fresh = try reconnector.connect()
            opened = fresh
            try fresh.declare(topology)
            let queueName: String
            switch source {
            case .queue(let name):
                queueName = name
            case .exclusive(let bindings):
                queueName = try fresh.declareExclusiveQueue()
                for binding in bindings {
                    try fresh.bind(queue: queueName, exchange: binding.exchange, routingKey: binding.routingKey)
                }
            }
            try fresh.consume(queue: queueName, prefetch: prefetch)
            connection = fresh
            mailbox.withLock { box in
                box.status = .connected
                box.queueName = queueName
                box.lastError = nil
            }
            logger.info("consumer connected", metadata: ["queue": "\(queueName)", "broker": "\(fresh.endpoint)"])
        } catch {
            // Refused half way (a 403 on declare, say): the server has closed it already.
            opened?.abandon()
            let delay = reconnector.backOff()
            nextReconnect = .now + delay
            mailbox.withLock { box in
                box.lastError = "\(error)"
                box.status = .connecting(lastError: "\(error)")
            }
            logger.log(level: reconnector.failureIsWorthAWarning ? .warning : .debug, "consumer connect failed",
                       metadata: ["error": "\(error)", "retry_in": "\(delay)", "failures": "\(reconnector.failures)"])
        }
    }

    /// Hands over every delivery that is there now, without waiting; heartbeats due are sent on
    /// the way, inside the library's read. (Reading a frame any other way here would swallow the
    /// method frame of a delivery arriving at that moment, and the delivery with it.) The
    /// prefetch bounds how many can be there.
    private func readDeliveries() {
        guard let connection else { return }
        var fresh: [Delivery] = []
        do {
            while fresh.count < prefetch, let delivery = try connection.nextDelivery(timeout: .zero) {
                fresh.append(delivery)
            }
        } catch {
            drop(after: error)
        }
        guard !fresh.isEmpty else { return }
        let handoff = mailbox.withLock { box -> (CheckedContinuation<[Delivery]?, Never>, [Delivery])? in
            guard !box.stopping else { return nil }
            box.buffer.append(contentsOf: fresh)
            guard let waiter = box.waiter else { return nil }
            box.waiter = nil
            return (waiter, Self.take(&box.buffer, box.waiterMaximum))
        }
        if let (waiter, batch) = handoff { waiter.resume(returning: batch) }
    }

    private func apply(_ settlements: [(Delivery, AMQPConsumer.Settlement)]) {
        guard !settlements.isEmpty else { return }
        var stale = 0
        do {
            for (delivery, settlement) in settlements {
                guard let connection, delivery.link === connection.link else {
                    stale += 1
                    continue
                }
                switch settlement {
                case .ack: try connection.ack(delivery.deliveryTag, multiple: false)
                case .requeue: try connection.reject(delivery.deliveryTag, requeue: true)
                case .reject: try connection.reject(delivery.deliveryTag, requeue: false)
                }
            }
        } catch {
            drop(after: error)
        }
        if stale > 0 {
            logger.info("settlements for a closed connection dropped; the broker delivers those messages again",
                        metadata: ["count": "\(stale)"])
        }
    }

    /// Deliveries not yet settled on the lost connection return to the queue on the broker's side;
    /// the ones buffered here are dropped, since their tags mean nothing on the next connection.
    private func drop(after error: any Error) {
        logger.warning("consumer connection lost", metadata: ["error": "\(error)"])
        connection?.abandon()
        connection = nil
        reconnector.lost()
        nextReconnect = .now
        mailbox.withLock { box in
            box.status = .connecting(lastError: "\(error)")
            box.lastError = "\(error)"
            box.buffer.removeAll()
        }
    }
}

extension ConsumerWorker {
    func wrapUp() { stopDeliveries() }
}
