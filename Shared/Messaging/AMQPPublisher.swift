import Foundation
public import Logging
import Synchronization

/// Publishes batches of messages and returns once the broker has confirmed every one of them.
///
/// The connection lives on a thread of its own (rabbitmq-c connections are single-threaded), so
/// callers on the cooperative pool only hand over a batch and await the outcome. A batch is
/// published in full and its confirms are awaited together, which is what makes throughput.
public final class AMQPPublisher: Sendable {
    private let worker: PublisherWorker

    public init(configuration: AMQPConfiguration, logger: Logger) {
        self.worker = PublisherWorker(configuration: configuration, logger: logger)
        worker.start()
    }

    /// Publishes `messages` in order and returns when all are confirmed. Throws if any was nacked
    /// or the connection failed; a failed batch may be partly delivered, so callers retry it whole
    /// and consumers deduplicate by message id. Mandatory messages that no queue took come back
    /// in the result by message id: they were not delivered anywhere.
    @discardableResult
    public func publish(_ messages: [OutgoingMessage]) async throws -> PublishResult {
        guard !messages.isEmpty else { return PublishResult(returnedMessageIDs: []) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PublishResult, any Error>) in
            worker.enqueue(.init(messages: messages, continuation: continuation))
        }
    }

    public var isConnected: Bool { worker.isConnected }

    /// Finishes queued batches, then closes the connection.
    public func shutdown() { worker.stop() }
}

public struct PublishResult: Sendable {
    /// Mandatory messages the broker could not route to any queue.
    public let returnedMessageIDs: Set<String>
}

/// `@unchecked Sendable`: `connection` and `nextTag` are touched only on the worker's own thread;
/// the job list and flags are guarded by `condition`.
private final class PublisherWorker: @unchecked Sendable {
    struct Job {
        let messages: [OutgoingMessage]
        let continuation: CheckedContinuation<PublishResult, any Error>
    }

    private let configuration: AMQPConfiguration
    private let logger: Logger
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopped = false
    private let connected = Atomic<Bool>(false)

    private var connection: AMQPConnection?
    private var nextTag: UInt64 = 1

    init(configuration: AMQPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    var isConnected: Bool { connected.load(ordering: .relaxed) }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "kefu-amqp-publisher"
        thread.start()
    }

    func enqueue(_ job: Job) {
        condition.lock()
        if stopped {
            condition.unlock()
            job.continuation.resume(throwing: AMQPError(code: .shutDown, operation: "publish"))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        let idleWait = TimeInterval(max(1, configuration.options.heartbeatSeconds / 4))
        while true {
            condition.lock()
            if jobs.isEmpty && !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: idleWait)) }
            let batch = jobs
            jobs.removeAll()
            let finished = stopped && batch.isEmpty
            condition.unlock()

            if finished {
                connection = nil
                connected.store(false, ordering: .relaxed)
                return
            }
            if batch.isEmpty {
                // Connect ahead of the first publish, so readiness reflects the broker.
                if connection == nil { _ = try? connect() } else { serviceHeartbeats() }
                continue
            }
            for job in batch {
                do {
                    job.continuation.resume(returning: try publishConfirmed(job.messages))
                } catch {
                    logger.warning("publish failed", metadata: ["error": "\(error)"])
                    dropConnection()
                    job.continuation.resume(throwing: error)
                }
            }
        }
    }

    private func connect() throws -> AMQPConnection {
        if let connection { return connection }
        let fresh = try AMQPConnection(configuration: configuration)
        do {
            try fresh.enablePublisherConfirms()
        } catch {
            fresh.abandon()
            throw error
        }
        connection = fresh
        nextTag = 1
        connected.store(true, ordering: .relaxed)
        return fresh
    }

    private func dropConnection() {
        connection?.abandon()
        connection = nil
        connected.store(false, ordering: .relaxed)
    }

    private func serviceHeartbeats() {
        guard let connection else { return }
        do { try connection.serviceHeartbeats() } catch { dropConnection() }
    }

    private func publishConfirmed(_ messages: [OutgoingMessage]) throws -> PublishResult {
        let connection = try connect()
        let firstTag = nextTag
        for message in messages {
            try connection.publish(message)
            nextTag += 1
        }
        let lastTag = nextTag - 1
        var confirmedThrough = firstTag - 1
        var outOfOrder = Set<UInt64>()
        var returned = Set<String>()
        let deadline = Date(timeIntervalSinceNow: TimeInterval(configuration.options.confirmTimeoutSeconds))
        while confirmedThrough < lastTag {
            let remaining = Int(deadline.timeIntervalSinceNow * 1000)
            guard remaining > 0 else {
                throw AMQPError(code: .confirmTimeout, operation: "confirm")
            }
            switch try connection.nextConfirmFrame(timeoutMilliseconds: min(remaining, 1000)) {
            case .ack(let tag, let multiple):
                if multiple {
                    confirmedThrough = max(confirmedThrough, tag)
                } else {
                    outOfOrder.insert(tag)
                }
                while outOfOrder.remove(confirmedThrough + 1) != nil { confirmedThrough += 1 }
            case .nack:
                throw AMQPError(code: .publishNacked, operation: "confirm")
            case .returned(let messageID):
                returned.insert(messageID ?? "")
            case .other, .none:
                continue
            }
        }
        return PublishResult(returnedMessageIDs: returned)
    }
}
