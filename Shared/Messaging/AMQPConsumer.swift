import Foundation
public import Logging
import Synchronization

/// Consumes one queue with manual acks and a bounded prefetch.
///
/// A dedicated thread owns the connection: it polls the library every few milliseconds, which
/// also services heartbeats, applies acks handed to it by the async side, and reconnects with
/// backoff when the broker goes away (re-declaring the topology first). Deliveries reach async
/// code in batches through `nextBatch`, so a handler can process several in one transaction.
public final class AMQPConsumer: Sendable {
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
        worker.start()
    }

    /// Up to `maximum` deliveries, waiting for at least one. `nil` once the consumer is stopping.
    public func nextBatch(maximum: Int) async -> [Delivery]? {
        await worker.nextBatch(maximum: maximum)
    }

    /// Like `nextBatch(maximum:)`, but returns an empty batch when nothing arrives within `timeout`.
    public func nextBatch(maximum: Int, timeout: Duration) async -> [Delivery]? {
        await worker.nextBatch(maximum: maximum, timeout: timeout)
    }

    /// Queues acks and rejects; the connection thread sends them on its next turn.
    public func settle(_ settlements: [(Delivery, Settlement)]) {
        worker.settle(settlements)
    }

    /// Stops handing out deliveries; those not yet handed out return to the queue.
    public func stop() { worker.requestStop() }

    /// Sends the settlements still queued, then closes the connection. Call after the last `settle`.
    public func close() { worker.requestClose() }

    public var isConnected: Bool { worker.isConnected }

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

/// `@unchecked Sendable`: `connection` and `generation` are touched only on the worker's thread;
/// everything shared with async callers sits in `state`, behind a mutex.
private final class ConsumerWorker: @unchecked Sendable {
    struct Shared {
        var buffer: [Delivery] = []
        var waiter: CheckedContinuation<[Delivery]?, Never>?
        var waiterMaximum = 1
        var waiterID = 0
        var settlements: [(Delivery, AMQPConsumer.Settlement)] = []
        var stopping = false
        var closing = false
        var connected = false
        var queueName: String?
        var lastError: String?
        var generation = 0
    }

    private let configuration: AMQPConfiguration
    private let topology: Topology
    private let source: AMQPConsumer.Source
    private let prefetch: Int
    private let logger: Logger
    private let state = Mutex(Shared())

    private var connection: AMQPConnection?

    init(configuration: AMQPConfiguration, topology: Topology, source: AMQPConsumer.Source, prefetch: Int, logger: Logger) {
        self.configuration = configuration
        self.topology = topology
        self.source = source
        self.prefetch = prefetch
        self.logger = logger
    }

    var isConnected: Bool { state.withLock { $0.connected } }
    var currentQueueName: String? { state.withLock { $0.connected ? $0.queueName : nil } }
    var lastError: String? { state.withLock { $0.lastError } }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "kefu-amqp-consumer"
        thread.start()
    }

    func nextBatch(maximum: Int, timeout: Duration? = nil) async -> [Delivery]? {
        await withCheckedContinuation { continuation in
            let ready: [Delivery]?? = state.withLock { state in
                if state.stopping { return .some(nil) }
                if !state.buffer.isEmpty { return .some(Self.take(&state.buffer, maximum)) }
                state.waiter = continuation
                state.waiterMaximum = maximum
                state.waiterID += 1
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
            } else if let timeout {
                let id = state.withLock { $0.waiterID }
                Task { [self] in
                    try? await Task.sleep(for: timeout)
                    expireWaiter(id)
                }
            }
        }
    }

    /// Wakes the waiter registered as `id` with an empty batch, if it is still waiting.
    private func expireWaiter(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<[Delivery]?, Never>? in
            guard state.waiterID == id, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [])
    }

    func settle(_ settlements: [(Delivery, AMQPConsumer.Settlement)]) {
        state.withLock { $0.settlements.append(contentsOf: settlements) }
    }

    func requestStop() {
        let waiter = state.withLock { state -> CheckedContinuation<[Delivery]?, Never>? in
            state.stopping = true
            state.buffer.removeAll()
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func requestClose() {
        requestStop()
        state.withLock { $0.closing = true }
    }

    private static func take(_ buffer: inout [Delivery], _ maximum: Int) -> [Delivery] {
        let count = min(maximum, buffer.count)
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }

    private func run() {
        var backoff = configuration.options.reconnectInitialDelay
        while true {
            let (settlements, closing, generation) = state.withLock { state in
                defer { state.settlements.removeAll() }
                return (state.settlements, state.closing, state.generation)
            }
            if let connection {
                applySettlements(settlements, on: connection, generation: generation)
            }
            if closing {
                connection = nil
                state.withLock { $0.connected = false }
                return
            }
            guard let connection = connectIfNeeded(backoff: &backoff) else { continue }
            do {
                if let delivery = try connection.nextDelivery(timeoutMilliseconds: 5, generation: generation) {
                    deliver(delivery)
                }
            } catch {
                disconnect(after: error)
            }
        }
    }

    private func connectIfNeeded(backoff: inout Duration) -> AMQPConnection? {
        if let connection { return connection }
        var opened: AMQPConnection?
        do {
            let fresh = try AMQPConnection(configuration: configuration)
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
            backoff = configuration.options.reconnectInitialDelay
            state.withLock { state in
                state.connected = true
                state.queueName = queueName
                state.lastError = nil
                state.generation += 1
            }
            logger.info("consumer connected", metadata: ["queue": "\(queueName)"])
            return fresh
        } catch {
            // Refused half way (a 403 on declare, say): the server has closed it already.
            opened?.abandon()
            state.withLock { $0.lastError = "\(error)" }
            logger.warning("consumer connect failed", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
            Thread.sleep(forTimeInterval: Double(backoff.components.seconds) + Double(backoff.components.attoseconds) / 1e18)
            backoff = min(backoff * 2, configuration.options.reconnectMaximumDelay)
            return nil
        }
    }

    private func deliver(_ delivery: Delivery) {
        let handoff = state.withLock { state -> (CheckedContinuation<[Delivery]?, Never>, [Delivery])? in
            guard !state.stopping else { return nil }
            state.buffer.append(delivery)
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, Self.take(&state.buffer, state.waiterMaximum))
        }
        if let (waiter, batch) = handoff { waiter.resume(returning: batch) }
    }

    private func applySettlements(_ settlements: [(Delivery, AMQPConsumer.Settlement)], on connection: AMQPConnection,
                                  generation: Int) {
        do {
            for (delivery, settlement) in settlements where delivery.generation == generation {
                switch settlement {
                case .ack: try connection.ack(delivery.deliveryTag, multiple: false)
                case .requeue: try connection.reject(delivery.deliveryTag, requeue: true)
                case .reject: try connection.reject(delivery.deliveryTag, requeue: false)
                }
            }
        } catch {
            disconnect(after: error)
        }
    }

    /// Deliveries not yet settled on the lost connection return to the queue on the broker's side;
    /// the ones buffered here are dropped, since their tags mean nothing on the next connection.
    private func disconnect(after error: any Error) {
        logger.warning("consumer connection lost", metadata: ["error": "\(error)"])
        connection?.abandon()
        connection = nil
        state.withLock { state in
            state.connected = false
            state.lastError = "\(error)"
            state.buffer.removeAll()
        }
    }
}
