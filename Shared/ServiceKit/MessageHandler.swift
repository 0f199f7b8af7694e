public import KefuMessaging

/// What a service does with one delivery, inside the batch's transaction.
///
/// Throw `PermanentFailure` (or any non-transient error) and the delivery is dead-lettered with
/// the reason; throw a transient database error and the whole batch is retried later.
public protocol MessageHandler: Sendable {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws
}

/// A handler that can take a whole batch at once, for set-based SQL: one statement for the batch
/// instead of one per delivery. When a batch fails, the consumer retries each delivery alone as a
/// batch of one, so a poison message is still isolated.
public protocol BatchMessageHandler: MessageHandler {
    func handle(batch: [Delivery], in work: UnitOfWork) throws
}

extension BatchMessageHandler {
    public func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        try handle(batch: [delivery], in: work)
    }
}

/// A handler whose effects are keyed by the message itself (an insert on the event id with
/// `ON CONFLICT DO NOTHING`), so a redelivery changes nothing without the inbox: the consumer
/// skips recording the message id, one insert per message saved.
public protocol IdempotentMessageHandler: MessageHandler {}

/// A handler written as a closure.
public struct MessageHandlerClosure: MessageHandler {
    let body: @Sendable (Delivery, UnitOfWork) throws -> Void
    public init(_ body: @escaping @Sendable (Delivery, UnitOfWork) throws -> Void) { self.body = body }
    public func handle(_ delivery: Delivery, in work: UnitOfWork) throws { try body(delivery, work) }
}

/// A delivery that can never succeed: bad content, a missing reference. Its `reason` goes into
/// the dead letter's `x-kefu-reason` header, so it must name the problem without quoting data.
public struct PermanentFailure: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A delivery that cannot be handled yet but will be soon, such as one that needs a cache still
/// loading: the batch is retried after a back-off, like a database outage, and nothing is
/// dead-lettered.
public struct TransientFailure: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
