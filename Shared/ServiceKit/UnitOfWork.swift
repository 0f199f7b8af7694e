public import Foundation
public import KefuContracts
public import KefuMessaging
public import KefuStorage

/// One database transaction of a service and the messages it causes.
///
/// Messages are collected here and written to the outbox in one statement just before COMMIT, so
/// a state change and its messages commit together or not at all (docs/architecture.md, rule 1).
public final class UnitOfWork {
    public let connection: PostgresConnection
    public let schema: String
    public let service: String
    private(set) var outgoing: [OutgoingMessage] = []

    init(connection: PostgresConnection, schema: String, service: String) {
        self.connection = connection
        self.schema = schema
        self.service = service
    }

    /// Shorthand for a parameterised query on this transaction's connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> PostgresRows {
        try connection.query(sql, parameters)
    }

    /// Any message, for what the typed helpers below do not cover.
    public func publish(_ message: OutgoingMessage) {
        outgoing.append(message)
    }

    /// A status event on `kefu.events`.
    public func emit(_ event: StatusEvent) throws {
        outgoing.append(OutgoingMessage(
            exchange: KefuExchange.events, routingKey: event.routingKey, body: try KefuJSON.encode(event),
            contentType: StatusEvent.contentType, messageID: event.id, type: event.type))
    }

    /// A status event about a ticket, from this service.
    public func emit(_ type: StatusEventType, subject: String?, data: StatusEventData) throws {
        try emit(StatusEvent(service: service, type: type, subject: subject, time: data.occurredAt, data: data))
    }

    /// A work message on `kefu.work`. Mandatory: if no queue is bound yet, the relay keeps it and
    /// retries instead of the broker dropping it.
    public func send<Message: WorkMessage>(_ message: Message, id: String = UUID().uuidString.lowercased()) throws {
        outgoing.append(OutgoingMessage(
            exchange: KefuExchange.work, routingKey: Message.messageType, body: try KefuJSON.encode(message),
            messageID: id, type: Message.messageType, mandatory: true))
    }

    /// A reply through the default exchange to a queue an integrator named in `reply_to`.
    public func reply(to queue: String, correlationID: String?, body: some Encodable) throws {
        outgoing.append(OutgoingMessage(
            exchange: "", routingKey: queue, body: try KefuJSON.encode(body),
            messageID: UUID().uuidString.lowercased(), correlationID: correlationID, persistent: false))
    }

    /// Sends a delivery that cannot be processed to the dead-letter exchange, with the reason.
    func deadLetter(_ delivery: Delivery, queue: String, reason: String) {
        var headers = delivery.headers
        headers["x-kefu-reason"] = .string(reason)
        headers["x-kefu-queue"] = .string(queue)
        headers["x-kefu-routing-key"] = .string(delivery.routingKey)
        headers["x-kefu-exchange"] = .string(delivery.exchange)
        outgoing.append(OutgoingMessage(
            exchange: KefuExchange.deadLetter, routingKey: queue, body: delivery.body,
            contentType: delivery.contentType ?? "application/octet-stream",
            messageID: delivery.messageID ?? UUID().uuidString.lowercased(),
            correlationID: delivery.correlationID, replyTo: delivery.replyTo, type: delivery.type,
            headers: headers))
    }

    func discardOutgoing(after count: Int) {
        outgoing.removeSubrange(count...)
    }

    /// Writes the collected messages to the outbox in one statement.
    func flushOutbox() throws {
        guard !outgoing.isEmpty else { return }
        defer { outgoing.removeAll() }
        let headers: [String] = try outgoing.map { message in
            let strings = message.headers.compactMapValues { value -> JSONValue? in
                switch value {
                case .string(let text): .string(text)
                case .int(let number): .number(Double(number))
                case .bool(let flag): .bool(flag)
                }
            }
            return String(decoding: try KefuJSON.encode(strings), as: UTF8.self)
        }
        try connection.query("""
            INSERT INTO \(schema).outbox
                (message_id, exchange, routing_key, content_type, message_type, correlation_id, headers, mandatory, body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                 $7::jsonb[], $8::boolean[], $9::bytea[])
            """, [
                outgoing.map { $0.messageID ?? UUID().uuidString.lowercased() },
                outgoing.map(\.exchange),
                outgoing.map(\.routingKey),
                outgoing.map(\.contentType),
                PostgresNullableArray(outgoing.map(\.type)),
                PostgresNullableArray(outgoing.map(\.correlationID)),
                headers,
                outgoing.map(\.mandatory),
                outgoing.map { Data($0.body) },
            ])
    }

    /// Records message ids as processed, in one statement; returns the ids not seen before.
    /// An id already in the inbox belongs to a message whose effects are committed: a redelivery.
    func claimInbox(messageIDs: [String], queue: String) throws -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try Set(connection.query("""
            INSERT INTO \(schema).inbox (message_id, queue) SELECT unnest($1::text[]), $2
            ON CONFLICT DO NOTHING RETURNING message_id
            """, [messageIDs, queue]).map { try $0.require("message_id", as: String.self) })
    }
}
