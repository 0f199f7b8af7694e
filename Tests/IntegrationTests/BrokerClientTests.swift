import Foundation
import KefuContracts
import KefuMessaging
import KefuStorage
import Synchronization
import Testing

/// The broker clients under the conditions that crashed them or lost acks: connects that fail
/// hundreds of times, a connection closed under a consumer, and callers that give up.
@Suite("Broker clients: failed connects, failover, acks after reconnects, cancellation", .serialized)
struct BrokerClientTests {
    /// The admin user, named so that the test can find its connection, retrying fast.
    private func configuration(named name: String = unique("client")) throws -> AMQPConfiguration {
        var configuration = try Stack.amqp("admin")
        configuration.options.connectionName = name
        configuration.options.reconnectInitialDelay = .milliseconds(5)
        configuration.options.reconnectMaximumDelay = .milliseconds(20)
        return configuration
    }

    @Test("hundreds of refused connects and logins leave the process standing, and say why")
    func refusedConnects() async throws {
        var closedPort = try configuration()
        closedPort.endpoints = [.init(host: "127.0.0.1", port: 1)]
        var wrongPassword = try configuration()
        wrongPassword.password = "not-the-password"

        let publisher = AMQPPublisher(configuration: closedPort, logger: Stack.logger)
        let running = publisher.start()
        defer { running.cancel() }
        // Every publish while disconnected makes a connect attempt of its own.
        for _ in 0..<300 {
            await #expect(throws: AMQPError.self) {
                try await publisher.publish([OutgoingMessage(exchange: KefuExchange.events, routingKey: "x", body: [1])])
            }
        }
        #expect(!publisher.isConnected)
        #expect(publisher.status.description.contains("connectionFailed"))

        let consumer = AMQPConsumer(configuration: wrongPassword, source: .exclusive(bindings: []), logger: Stack.logger)
        let consuming = consumer.start()
        defer { consuming.cancel() }
        let refusal = try await eventually(timeout: .seconds(10)) { consumer.lastError }
        #expect(refusal?.contains("login") == true)
        try await Task.sleep(for: .seconds(2))  // many more refused logins, at the fast retry pace
        #expect(!consumer.isConnected)
    }

    @Test("a client fails over to the next broker address when the first does not answer")
    func failover() async throws {
        var configuration = try configuration()
        configuration.endpoints.insert(.init(host: "127.0.0.1", port: 1), at: 0)
        let publisher = AMQPPublisher(configuration: configuration, logger: Stack.logger)
        let running = publisher.start()
        defer { running.cancel() }
        let connected = try await eventually(timeout: .seconds(10)) { publisher.isConnected ? true : nil }
        #expect(connected == true)
        let queue = Topology.Queue(name: unique("scratch.failover"), deadLetterExchange: nil)
        let consumer = AMQPConsumer(configuration: configuration, topology: Topology(queues: [queue]),
                                    source: .queue(queue.name), logger: Stack.logger)
        let consuming = consumer.start()
        defer { consuming.cancel(); Task { try? await Management.deleteQueue(queue.name) } }
        _ = try await consumer.queueName()
        try await publisher.publish([OutgoingMessage(exchange: "", routingKey: queue.name, body: Array("hello".utf8))])
        let batch = try #require(await consumer.nextBatch(maximum: 1, timeout: .seconds(10)))
        #expect(batch.map { String(decoding: $0.body, as: UTF8.self) } == ["hello"])
        consumer.settle(batch.map { ($0, .ack) })
    }

    /// Reads `queue` until `sentinel` arrives, acking everything; the bodies in order.
    private func drain(_ consumer: AMQPConsumer, until sentinel: String) async -> [Delivery] {
        var seen: [Delivery] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !seen.contains(where: { String(decoding: $0.body, as: UTF8.self) == sentinel }) {
            guard let batch = await consumer.nextBatch(maximum: 10, timeout: .milliseconds(500)) else { break }
            seen += batch
            consumer.settle(batch.map { ($0, .ack) })
        }
        return seen
    }

    @Test("the first delivery after a reconnect is acknowledged; one from the lost connection is delivered again")
    func acksAfterReconnect() async throws {
        let name = unique("acks")
        let configuration = try configuration(named: name)
        let queue = Topology.Queue(name: unique("scratch.acks"), deadLetterExchange: nil)
        let consumer = AMQPConsumer(configuration: configuration, topology: Topology(queues: [queue]),
                                    source: .queue(queue.name), prefetch: 10, logger: Stack.logger)
        let consuming = consumer.start()
        defer { consuming.cancel(); Task { try? await Management.deleteQueue(queue.name) } }
        _ = try await consumer.queueName()
        let publisher = AMQPPublisher(configuration: try self.configuration(), logger: Stack.logger)
        let publishing = publisher.start()
        defer { publishing.cancel() }
        func send(_ body: String) async throws {
            try await publisher.publish([OutgoingMessage(exchange: "", routingKey: queue.name, body: Array(body.utf8))])
        }
        func reconnect() async throws {
            let closed = try await eventually {
                let names = try await Management.closeConnections(named: name)
                return names.isEmpty ? nil : names
            }
            let old = Set(try #require(closed))
            // Connected again on a connection the broker knows by another name.
            let fresh = try await eventually(timeout: .seconds(10)) { () -> Bool? in
                let names = Set(try await Management.connections(named: name))
                return !names.isEmpty && names.isDisjoint(with: old) && consumer.isConnected ? true : nil
            }
            #expect(fresh == true)
        }

        // A delivery held while its connection goes: its ack has nowhere to go, and it comes again.
        try await send("held")
        let held = try #require(await consumer.nextBatch(maximum: 1, timeout: .seconds(10))?.first)
        try await reconnect()
        consumer.settle([(held, .ack)])
        // The first delivery on the new connection, and the one after it, are acked for good.
        try await send("first")
        try await send("marker-1")
        let afterFirstReconnect = await drain(consumer, until: "marker-1")
        try await reconnect()
        try await send("marker-2")
        let afterSecondReconnect = await drain(consumer, until: "marker-2")

        let bodies = (afterFirstReconnect + afterSecondReconnect).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.filter { $0 == "held" }.count == 1, "the held delivery came again once: \(bodies)")
        #expect(afterFirstReconnect.first { String(decoding: $0.body, as: UTF8.self) == "held" }?.redelivered == true)
        #expect(bodies.filter { $0 == "first" }.count == 1, "the first delivery after a reconnect was acked: \(bodies)")
        #expect(bodies.filter { $0 == "marker-1" }.count == 1)
    }

    @Test("cancelled clients and callers stop at once, even while the broker is unreachable")
    func cancellation() async throws {
        var unreachable = try configuration()
        unreachable.endpoints = [.init(host: "127.0.0.1", port: 1)]
        let publisher = AMQPPublisher(configuration: unreachable, logger: Stack.logger)
        let consumer = AMQPConsumer(configuration: unreachable, source: .exclusive(bindings: []), logger: Stack.logger)
        let tasks = [publisher.start(), consumer.start()]
        let waiting = Task { await consumer.nextBatch(maximum: 10) }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        for task in tasks { task.cancel() }
        waiting.cancel()
        for task in tasks { _ = await task.result }
        #expect(await waiting.value == nil)
        #expect(ContinuousClock.now - started < .seconds(2), "run() returned promptly after cancellation")
    }

    @Test("a caller waiting for a busy database pool can give up")
    func poolCheckoutCancellation() async throws {
        let pool = PostgresPool(configuration: .init(url: try Stack.value("KEFU_ADMIN_DATABASE_URL"),
                                                     options: { var options = PostgresConfiguration.Options()
                                                         options.maximumConnections = 1
                                                         return options }()))
        defer { pool.shutdown() }
        let busy = Task { try await pool.withConnection { try $0.execute("SELECT pg_sleep(3)") } }
        try await Task.sleep(for: .milliseconds(300))
        let waiting = Task { try await pool.withConnection { try $0.execute("SELECT 1") } }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(ContinuousClock.now - started < .seconds(1), "the wait ended at the cancel, not when the pool freed up")
        _ = try await busy.value
    }
}
