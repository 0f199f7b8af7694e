import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Publishes batches of messages and returns once the broker has confirmed every one of them.
///
/// A lifecycle service: `run()` owns the connection, on a thread of its own (rabbitmq-c
/// connections are single-threaded), from the first connect to the last close. Callers on the
/// cooperative pool hand over a batch and await its confirms; batches from several callers are
/// pipelined on the one connection. On graceful shutdown `run()` finishes what it was given,
/// waits for the confirms, closes and returns; on cancellation it fails what is left at once.
public final class AMQPPublisher: Service, Sendable {
    private let worker: PublisherWorker

    public init(configuration: AMQPConfiguration, logger: Logger) {
        self.worker = PublisherWorker(configuration: configuration, logger: logger)
    }

    /// Starts `run()` in a task of its own, for a client used outside a `ServiceGroup` (tools
    /// and tests); `shutdown()` or cancelling the task ends it.
    @discardableResult
    public func start() -> Task<Void, any Error> {
        Task { try await run() }
    }

    public func run() async throws {
        try await runOwned(worker, threadName: "kefu-amqp-publisher")
    }

    /// Publishes `messages` in order and returns when all are confirmed. Throws if any was nacked
    /// or the connection failed; a failed batch may be partly delivered, so callers retry it whole
    /// and consumers deduplicate by message id. Mandatory messages that no queue took come back
    /// in the result by message id: they were not delivered anywhere. Cancelling the calling task
    /// ends the wait with `CancellationError`; what was already written may still be delivered.
    @discardableResult
    public func publish(_ messages: [OutgoingMessage]) async throws -> PublishResult {
        guard !messages.isEmpty else { return PublishResult(returnedMessageIDs: []) }
        let id = worker.newJobID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PublishResult, any Error>) in
                worker.enqueue(PublisherWorker.Job(id: id, messages: messages), continuation: continuation)
            }
        } onCancel: { [worker] in
            worker.cancel(id)
        }
    }

    public var isConnected: Bool { worker.status.isConnected }
    public var status: AMQPLinkStatus { worker.status }

    /// Asks `run()` to finish what it was given and return, as graceful shutdown does; for a
    /// publisher that runs outside a `ServiceGroup`.
    public func shutdown() { worker.drain() }
}

public struct PublishResult: Sendable {
    /// Mandatory messages the broker could not route to any queue.
    public let returnedMessageIDs: Set<String>
}

/// `@unchecked Sendable`: everything async callers touch sits in `mailbox`, behind a mutex; the
/// connection and the confirm bookkeeping below it are touched only on the worker's own thread.
private final class PublisherWorker: ConnectionOwner, @unchecked Sendable {
    struct Job {
        let id: Int
        let messages: [OutgoingMessage]
    }

    struct Mailbox {
        var incoming: [Job] = []
        var continuations: [Int: CheckedContinuation<PublishResult, any Error>] = [:]
        var nextJobID = 0
        var running = false
        var draining = false
        var aborted = false
        var finished = false
        var status = AMQPLinkStatus.connecting(lastError: nil)
    }

    /// A job written to the connection, waiting for its confirms.
    struct InFlight {
        let job: Job
        let firstTag: UInt64
        let lastTag: UInt64
        var deadline: ContinuousClock.Instant
        var nacked = false
    }

    private let configuration: AMQPConfiguration
    private let logger: Logger
    private let mailbox = Mutex(Mailbox())
    private let wakeup = Wakeup()

    // The worker thread's own state.
    private var reconnector: Reconnector
    private var connection: AMQPConnection?
    private var waiting: [Job] = []
    private var inFlight: [InFlight] = []
    private var nextTag: UInt64 = 1
    /// Every tag up to this one is settled; `settledAbove` holds single acks beyond it.
    private var settledThrough: UInt64 = 0
    private var settledAbove = Set<UInt64>()
    private var returned = Set<String>()
    private var blockedReason: String?
    private var nextReconnect = ContinuousClock.now

    init(configuration: AMQPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.reconnector = Reconnector(configuration: configuration)
    }

    var status: AMQPLinkStatus { mailbox.withLock { $0.status } }

    func claimRun() -> Bool {
        mailbox.withLock { box in
            defer { box.running = true }
            return !box.running
        }
    }

    func newJobID() -> Int {
        mailbox.withLock { box in
            box.nextJobID += 1
            return box.nextJobID
        }
    }

    func enqueue(_ job: Job, continuation: CheckedContinuation<PublishResult, any Error>) {
        let refused = mailbox.withLock { box -> Bool in
            if box.finished || box.aborted { return true }
            box.incoming.append(job)
            box.continuations[job.id] = continuation
            return false
        }
        if refused {
            continuation.resume(throwing: AMQPError(code: .shutDown, operation: "publish"))
        } else {
            wakeup.ring()
        }
    }

    /// The caller gave up: it hears `CancellationError` now, whatever becomes of the job.
    func cancel(_ id: Int) {
        let continuation = mailbox.withLock { box -> CheckedContinuation<PublishResult, any Error>? in
            box.incoming.removeAll { $0.id == id }
            return box.continuations.removeValue(forKey: id)
        }
        continuation?.resume(throwing: CancellationError())
    }

    func drain() {
        mailbox.withLock { $0.draining = true }
        wakeup.ring()
    }

    func abort() {
        mailbox.withLock { $0.aborted = true }
        wakeup.ring()
    }

    private func complete(_ id: Int, with result: Result<PublishResult, any Error>) {
        let continuation = mailbox.withLock { $0.continuations.removeValue(forKey: id) }
        continuation?.resume(with: result)
    }

    private func setStatus(_ status: AMQPLinkStatus) {
        mailbox.withLock { $0.status = status }
    }

    // MARK: The worker thread

    func run() {
        while true {
            let (incoming, draining, aborted) = mailbox.withLock { box in
                defer { box.incoming.removeAll() }
                return (box.incoming, box.draining, box.aborted)
            }
            waiting.append(contentsOf: incoming)
            if aborted {
                finish(failing: AMQPError(code: .shutDown, operation: "publish"), polite: false)
                return
            }
            if draining && waiting.isEmpty && inFlight.isEmpty {
                finish(failing: AMQPError(code: .shutDown, operation: "publish"), polite: blockedReason == nil)
                return
            }
            if connection == nil, !waiting.isEmpty || ContinuousClock.now >= nextReconnect {
                connect(failingWaitingJobs: true)
                if connection == nil && draining {
                    finish(failing: AMQPError(code: .shutDown, operation: "publish", detail: "broker unreachable"), polite: false)
                    return
                }
            }
            if connection != nil, blockedReason == nil { writeWaitingJobs() }
            if let connection, connection.hasBufferedInput {
                readFrames()
                continue
            }
            wakeup.wait(socket: connection?.socketDescriptor, timeout: nextWakeup())
            if connection != nil { readFrames() }
            expireConfirms()
        }
    }

    private func connect(failingWaitingJobs: Bool) {
        do {
            let fresh = try reconnector.connect()
            do {
                try fresh.enablePublisherConfirms()
            } catch {
                fresh.abandon()
                throw error
            }
            connection = fresh
            nextTag = 1
            settledThrough = 0
            settledAbove.removeAll()
            blockedReason = nil
            setStatus(.connected)
            logger.info("publisher connected", metadata: ["broker": "\(fresh.endpoint)"])
        } catch {
            let delay = reconnector.backOff()
            nextReconnect = .now + delay
            setStatus(.connecting(lastError: "\(error)"))
            logger.log(level: reconnector.failureIsWorthAWarning ? .warning : .debug, "publisher connect failed",
                       metadata: ["error": "\(error)", "retry_in": "\(delay)", "failures": "\(reconnector.failures)"])
            // Callers own their retries (the outbox relay backs off); nothing waits here for a broker.
            let jobs = waiting
            waiting.removeAll()
            for job in jobs { complete(job.id, with: .failure(error)) }
        }
    }

    private func writeWaitingJobs() {
        guard let connection else { return }
        while !waiting.isEmpty {
            let job = waiting.removeFirst()
            guard mailbox.withLock({ $0.continuations[job.id] != nil }) else { continue }  // cancelled
            let firstTag = nextTag
            do {
                for message in job.messages {
                    try connection.publish(message)
                    nextTag += 1
                }
                inFlight.append(InFlight(job: job, firstTag: firstTag, lastTag: nextTag - 1, deadline: .now + configuration.options.confirmTimeout))
            } catch {
                complete(job.id, with: .failure(error))
                drop(after: error)
                return
            }
        }
    }

    /// Reads every frame that is there now, without waiting; heartbeats due are sent on the way.
    private func readFrames() {
        guard let connection else { return }
        do {
            while let frame = try connection.nextPublisherFrame(timeout: .zero) {
                switch frame {
                case .ack(let tag, let multiple):
                    settle(through: tag, multiple: multiple)
                case .nack(let tag, let multiple):
                    for index in inFlight.indices
                    where inFlight[index].firstTag <= tag && (multiple || tag <= inFlight[index].lastTag) {
                        inFlight[index].nacked = true
                    }
                    settle(through: tag, multiple: multiple)
                case .returned(let messageID):
                    returned.insert(messageID ?? "")
                case .blocked(let reason):
                    blockedReason = reason
                    setStatus(.blocked(reason: reason))
                    logger.warning("broker blocked publishing", metadata: ["reason": "\(reason)"])
                case .unblocked:
                    blockedReason = nil
                    setStatus(.connected)
                    for index in inFlight.indices { inFlight[index].deadline = .now + configuration.options.confirmTimeout }
                    logger.info("broker unblocked publishing")
                case .other:
                    continue
                }
            }
        } catch {
            drop(after: error)
        }
    }

    private func settle(through tag: UInt64, multiple: Bool) {
        if multiple {
            settledThrough = max(settledThrough, tag)
            settledAbove = settledAbove.filter { $0 > settledThrough }
        } else if tag > settledThrough {
            settledAbove.insert(tag)
        }
        while settledAbove.remove(settledThrough + 1) != nil { settledThrough += 1 }
        while let first = inFlight.first, first.lastTag <= settledThrough {
            inFlight.removeFirst()
            if first.nacked {
                complete(first.job.id, with: .failure(AMQPError(code: .publishNacked, operation: "confirm")))
            } else {
                let ids = Set(first.job.messages.compactMap(\.messageID)).intersection(returned)
                returned.subtract(ids)
                complete(first.job.id, with: .success(PublishResult(returnedMessageIDs: ids)))
            }
        }
    }

    /// A broker that has said it is blocked is waited for; one that is silent is given up on.
    private func expireConfirms() {
        guard blockedReason == nil, let first = inFlight.first, ContinuousClock.now >= first.deadline else { return }
        drop(after: AMQPError(code: .confirmTimeout, operation: "confirm"))
    }

    private func nextWakeup() -> Duration {
        var timeout = configuration.options.heartbeat / 4
        if connection == nil { timeout = min(timeout, max(.zero, nextReconnect - .now)) }
        if blockedReason == nil, let first = inFlight.first { timeout = min(timeout, max(.zero, first.deadline - .now)) }
        return timeout
    }

    /// The connection is gone: what was written on it is in doubt, so those callers hear the
    /// error and retry; jobs not yet written wait for the next connection.
    private func drop(after error: any Error) {
        logger.warning("publisher connection lost", metadata: ["error": "\(error)"])
        connection?.abandon()
        connection = nil
        reconnector.lost()
        blockedReason = nil
        nextReconnect = .now
        setStatus(.connecting(lastError: "\(error)"))
        let jobs = inFlight
        inFlight.removeAll()
        returned.removeAll()
        for job in jobs { complete(job.job.id, with: .failure(error)) }
    }

    private func finish(failing error: AMQPError, polite: Bool) {
        if !polite { connection?.abandon() }
        connection = nil
        let leftovers = mailbox.withLock { box -> [CheckedContinuation<PublishResult, any Error>] in
            box.finished = true
            box.status = .stopped
            box.incoming.removeAll()
            defer { box.continuations.removeAll() }
            return Array(box.continuations.values)
        }
        waiting.removeAll()
        inFlight.removeAll()
        for continuation in leftovers { continuation.resume(throwing: error) }
    }
}

extension PublisherWorker {
    func wrapUp() { drain() }
}
