/// A header or argument value, limited to what Kefu puts in tables.
public enum AMQPFieldValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case bool(Bool)

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

/// A message to publish. Persistent by default: Kefu never sends a message it can afford to lose.
public struct OutgoingMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var contentType: String
    public var messageID: String?
    public var correlationID: String?
    public var replyTo: String?
    public var type: String?
    public var headers: [String: AMQPFieldValue]
    public var persistent: Bool
    /// Ask the broker to return the message when no queue takes it, which fails the publish.
    public var mandatory: Bool

    public init(exchange: String, routingKey: String, body: [UInt8], contentType: String = "application/json",
                messageID: String? = nil, correlationID: String? = nil, replyTo: String? = nil, type: String? = nil,
                headers: [String: AMQPFieldValue] = [:], persistent: Bool = true, mandatory: Bool = false) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.contentType = contentType
        self.messageID = messageID
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.type = type
        self.headers = headers
        self.persistent = persistent
        self.mandatory = mandatory
    }
}

/// A delivered message, copied out of the library's buffers so it can leave the connection thread.
public struct Delivery: Sendable {
    public let deliveryTag: UInt64
    /// The connection it came on; its settlement is sent there or nowhere. Nil for a delivery
    /// made up in a test, which has nothing to settle.
    public let link: AMQPLink?
    public let exchange: String
    public let routingKey: String
    public let redelivered: Bool
    public let body: [UInt8]
    public let contentType: String?
    public let messageID: String?
    public let correlationID: String?
    public let replyTo: String?
    public let type: String?
    /// The publisher's broker user, when it set `user_id`; RabbitMQ refuses a `user_id` that is
    /// not the publishing connection's own user, so it can be trusted.
    public let userID: String?
    public let headers: [String: AMQPFieldValue]

    public init(deliveryTag: UInt64, link: AMQPLink? = nil, exchange: String, routingKey: String,
                redelivered: Bool = false, body: [UInt8], contentType: String? = nil, messageID: String? = nil,
                correlationID: String? = nil, replyTo: String? = nil, type: String? = nil, userID: String? = nil,
                headers: [String: AMQPFieldValue] = [:]) {
        self.deliveryTag = deliveryTag
        self.link = link
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
        self.body = body
        self.contentType = contentType
        self.messageID = messageID
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.type = type
        self.userID = userID
        self.headers = headers
    }
}
