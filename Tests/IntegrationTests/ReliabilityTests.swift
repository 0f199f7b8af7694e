import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging
import ServiceLifecycle
import Testing

/// The service kit's guarantees, checked on a scratch schema and queue of their own.
@Suite("Outbox, inbox and dead letters against the real servers", .serialized)
struct ReliabilityTests {
    let schema = "scratch_" + UUID().uuidString.prefix(8).lowercased()
    let pool: PostgresPool

    init() async throws {
        pool = try Stack.database("admin")
        let schema = self.schema
        _ = try await pool.withConnection { try $0.execute("CREATE SCHEMA IF NOT EXISTS \(schema)") }
        try await Migrator(schema: schema, migrations: MessagingMigrations.all + [
            Migration(version: 100, name: "effects", sql: "CREATE TABLE effects (message text NOT NULL)"),
        ]).migrate(on: pool, logger: Stack.logger)
    }

    private func runtime() throws -> ServiceRuntime {
        let configuration = ServiceConfiguration(service: schema, amqpURL: try Stack.value("KEFU_ADMIN_AMQP_URL"),
                                                 databaseURL: try Stack.value("KEFU_ADMIN_DATABASE_URL"), httpPort: 0)
        return ServiceRuntime(configuration: configuration, logger: Stack.logger, pool: pool,
                              publisher: AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger))
    }

    @Test("the same message delivered twice has one effect")
    func redelivery() async throws {
        let schema = self.schema
        let queue = Topology.Queue(name: "\(schema).work", deadLetterExchange: nil)
        let consumer = AMQPConsumer(configuration: try Stack.amqp("admin"), topology: Topology(queues: [queue]),
                                    source: .queue(queue.name), logger: Stack.logger)
        let service = ConsumerService(
            queue: queue.name, consumer: consumer,
            handler: MessageHandlerClosure { delivery, work in
                try work.query("INSERT INTO \(schema).effects (message) VALUES ($1)", [String(decoding: delivery.body, as: UTF8.self)])
            },
            pool: pool, schema: schema, service: schema, batchSize: 10, wake: {}, logger: Stack.logger)
        let running = Task { try await service.run() }
        defer { running.cancel() }
        _ = try await consumer.queueName()

        let publisher = AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        let twice = OutgoingMessage(exchange: "", routingKey: queue.name, body: Array("once".utf8), messageID: "m-1")
        try await publisher.publish([twice])
        try await publisher.publish([twice])  // a second copy: what a redelivery looks like to the consumer
        try await publisher.publish([OutgoingMessage(exchange: "", routingKey: queue.name, body: Array("sentinel".utf8),
                                                     messageID: "m-2")])
        let counts = try await eventually { () -> [String: Int]? in
            let rows = try await pool.withConnection { connection in
                try connection.query("SELECT message, count(*) AS n FROM \(schema).effects GROUP BY message")
                    .map { (try $0.require("message", as: String.self), try $0.require("n", as: Int.self)) }
            }
            let counts = Dictionary(uniqueKeysWithValues: rows)
            return counts["sentinel"] == nil ? nil : counts
        }
        #expect(counts == ["once": 1, "sentinel": 1])
    }

    @Test("a rolled-back transaction publishes nothing from its outbox; a committed one publishes")
    func rollbackPublishesNothing() async throws {
        let runtime = try runtime()
        let routingKey = "scratch.\(schema)"
        let listener = AMQPConsumer(configuration: try Stack.amqp("admin"),
                                    source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: routingKey)]),
                                    logger: Stack.logger)
        listener.start()
        _ = try await listener.queueName()
        defer { listener.close() }
        runtime.publisher.start()
        let relay = Task { try await runtime.relay.run() }
        defer { relay.cancel(); runtime.publisher.shutdown() }

        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await runtime.transaction { work in
                work.publish(OutgoingMessage(exchange: KefuExchange.events, routingKey: routingKey,
                                             body: Array("rolled back".utf8), messageID: "rb-1"))
                throw Abort()
            }
        }
        try await runtime.transaction { work in
            work.publish(OutgoingMessage(exchange: KefuExchange.events, routingKey: routingKey,
                                         body: Array("committed".utf8), messageID: "c-1"))
        }
        var bodies: [String] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard let batch = await listener.nextBatch(maximum: 10, timeout: .seconds(1)) else { break }
            bodies += batch.map { String(decoding: $0.body, as: UTF8.self) }
            listener.settle(batch.map { ($0, .ack) })
            if bodies.contains("committed") && batch.isEmpty { break }
        }
        #expect(bodies == ["committed"])
        let outbox = try await pool.withConnection { connection in
            try connection.query("SELECT message_id FROM \(schema).outbox").map { try $0.require("message_id", as: String.self) }
        }
        #expect(outbox == ["c-1"])
    }
}

@Suite("Each service sees only its own tables and queues")
struct IsolationTests {
    @Test("intake's database role cannot read dispatch's tables")
    func databaseIsolation() async throws {
        let intake = try Stack.database("intake")
        await #expect {
            _ = try await intake.withConnection { try $0.query("SELECT count(*) FROM dispatch.agents") }
        } throws: { error in
            (error as? PostgresError)?.sqlState == PostgresError.insufficientPrivilege
        }
        // Its own tables are fine, so the failure above is about rights, not connectivity.
        let own = try await intake.withConnection { try $0.query("SELECT count(*) AS n FROM intake.tickets").count }
        #expect(own == 1)
    }

    @Test("a service's broker user cannot consume another service's queue")
    func brokerIsolation() async throws {
        let intruder = AMQPConsumer(configuration: try Stack.amqp("intake"), source: .queue("dispatch.tickets"),
                                    logger: Stack.logger)
        intruder.start()
        defer { intruder.close() }
        let refusal = try await eventually(timeout: .seconds(10)) { intruder.lastError }
        #expect(refusal?.contains("replyCode: 403") == true)
        #expect(!intruder.isConnected)
    }

    @Test("the monitor user can only read events; it cannot publish submissions")
    func monitorCannotPublish() async throws {
        let publisher = AMQPPublisher(configuration: try Stack.amqp("monitor"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        await #expect {
            try await publisher.publish([OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.phone",
                                                         body: Array("{}".utf8))])
        } throws: { error in
            (error as? AMQPError)?.replyCode == 403
        }
    }
}

@Suite("Poison messages", .serialized)
struct PoisonTests {
    @Test("a message that always fails is dead-lettered with its reason, and the queue keeps flowing")
    func poisonIsDeadLettered() async throws {
        let publisher = AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        let poisonID = unique("poison")
        try await publisher.publish([OutgoingMessage(exchange: KefuExchange.work, routingKey: TicketCreated.messageType,
                                                     body: Array(#"{"ticket_number": 42}"#.utf8), messageID: poisonID,
                                                     type: TicketCreated.messageType)])
        let letter = try #require(try await Kefu.deadLetter(poisonID, on: "classification.dead-letter"))
        #expect(letter.headers["x-kefu-reason"]?.stringValue?.contains("TicketCreated") == true)
        #expect(letter.headers["x-kefu-queue"]?.stringValue == "classification.tickets")
        #expect(String(decoding: letter.body, as: UTF8.self) == #"{"ticket_number": 42}"#)

        // The next good ticket still goes all the way through.
        let monitor = try await EventMonitor(bindingKey: "ticket.classified")
        defer { monitor.close() }
        let gateway = try await Gateway()
        defer { gateway.close() }
        let submissionID = unique("after-poison")
        try await gateway.submit([phoneSubmission(submissionID)])
        let number = try #require(try await gateway.replies(count: 1)[submissionID]?.ticketNumber)
        let events = try await monitor.collect { $0.contains { $0.subject == number } }
        #expect(events.contains { $0.subject == number })
    }
}
