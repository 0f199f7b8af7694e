/// Exchanges, queues and bindings a service declares at start. Declaring is idempotent, so every
/// replica declares the same topology each time it connects.
public struct Topology: Sendable {
    public struct Exchange: Sendable, Hashable {
        public var name: String
        public var type: String
        public init(name: String, type: String = "topic") {
            self.name = name
            self.type = type
        }
    }

    public struct Binding: Sendable, Hashable {
        public var exchange: String
        public var routingKey: String
        public init(exchange: String, routingKey: String) {
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }

    /// A durable quorum queue. Messages it gives up on go to `deadLetterExchange` with the queue's
    /// own name as routing key, so each service's dead letters land in its own dead-letter queue.
    public struct Queue: Sendable, Hashable {
        public var name: String
        public var bindings: [Binding]
        /// Bindings an earlier version declared and this one no longer wants: removed at start,
        /// since declaring only ever adds.
        public var retiredBindings: [Binding]
        public var deliveryLimit: Int?
        public var deadLetterExchange: String?

        public init(name: String, bindings: [Binding] = [], retiredBindings: [Binding] = [], deliveryLimit: Int? = 10,
                    deadLetterExchange: String? = KefuExchange.deadLetter) {
            self.name = name
            self.bindings = bindings
            self.retiredBindings = retiredBindings
            self.deliveryLimit = deliveryLimit
            self.deadLetterExchange = deadLetterExchange
        }

        public var arguments: [String: AMQPFieldValue] {
            var arguments: [String: AMQPFieldValue] = ["x-queue-type": .string("quorum")]
            if let deliveryLimit { arguments["x-delivery-limit"] = .int(Int64(deliveryLimit)) }
            if let deadLetterExchange {
                arguments["x-dead-letter-exchange"] = .string(deadLetterExchange)
                arguments["x-dead-letter-routing-key"] = .string(name)
                arguments["x-dead-letter-strategy"] = .string("at-least-once")
                arguments["x-overflow"] = .string("reject-publish")
            }
            return arguments
        }
    }

    public var exchanges: [Exchange]
    public var queues: [Queue]

    public init(exchanges: [Exchange] = KefuExchange.all, queues: [Queue] = []) {
        self.exchanges = exchanges
        self.queues = queues
    }

    /// The dead-letter queue of a service: everything its queues give up on, with the reason.
    public static func deadLetterQueue(service: String) -> Queue {
        Queue(name: "\(service).dead-letter",
              bindings: [Binding(exchange: KefuExchange.deadLetter, routingKey: "\(service).#")],
              deliveryLimit: nil, deadLetterExchange: nil)
    }
}

/// The four exchanges (docs/architecture.md).
public enum KefuExchange {
    public static let intake = "kefu.intake"
    public static let work = "kefu.work"
    public static let events = "kefu.events"
    public static let deadLetter = "kefu.dlx"
    public static let all: [Topology.Exchange] = [intake, work, events, deadLetter].map { Topology.Exchange(name: $0) }
}
