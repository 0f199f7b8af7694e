import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import Logging

/// The whole system: submissions in, `ticket.assigned` out, with all five services running.
enum FlowBenchmark {
    static func run(count: Int, rate: Double?, logger: Logger) async throws {
        // An agent with room for everything, so assignment never waits for capacity.
        var agentRequest = URLRequest(url: URL(string: setting("KEFU_DISPATCH_URL") + "/v1/agents")!)
        agentRequest.httpMethod = "POST"
        agentRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        agentRequest.setValue("Bearer \(setting("KEFU_ADMIN_TOKEN"))", forHTTPHeaderField: "Authorization")
        agentRequest.httpBody = try JSONSerialization.data(withJSONObject: [
            "id": "bench-\(UUID().uuidString.prefix(8))", "name": "Benchmark Agent", "max_open": 10_000_000,
            "daily_cap": 10_000_000,
        ])
        _ = try await URLSession.shared.data(for: agentRequest)

        let integrator = try AMQPConfiguration(url: setting("KEFU_INTEGRATOR_AMQP_URL"))
        let replies = AMQPConsumer(configuration: integrator, source: .exclusive(bindings: []), prefetch: 1000, logger: logger)
        replies.start()
        let replyQueue = try await replies.queueName()
        let monitor = AMQPConsumer(configuration: try AMQPConfiguration(url: setting("KEFU_MONITOR_AMQP_URL")),
                                   source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.assigned")]),
                                   prefetch: 1000, logger: logger)
        monitor.start()
        _ = try await monitor.queueName()
        let publisher = AMQPPublisher(configuration: integrator, logger: logger)
        publisher.start()

        let run = UUID().uuidString.prefix(8).lowercased()
        let meter = CostMeter()
        defer { meter.shutdown() }
        let before = await meter.snapshot()
        let start = clock.now

        // Replies map submission ids to ticket numbers; events are matched by ticket number.
        let collector = Task { () -> (tickets: [String: (String, ContinuousClock.Instant)], assignedAt: [String: ContinuousClock.Instant]) in
            var tickets: [String: (String, ContinuousClock.Instant)] = [:]
            var assignedAt: [String: ContinuousClock.Instant] = [:]
            let deadline = clock.now + .seconds(Double(count) / 50 + 60)
            while (tickets.count < count || assignedAt.count < count) && clock.now < deadline {
                if tickets.count < count, let batch = await replies.nextBatch(maximum: 1000, timeout: .milliseconds(5)) {
                    let now = clock.now
                    for delivery in batch {
                        if let reply = try? KefuJSON.decode(IngressReply.self, from: delivery.body), let number = reply.ticketNumber {
                            tickets[delivery.correlationID ?? ""] = (number, now)
                        }
                    }
                    replies.settle(batch.map { ($0, .ack) })
                }
                if let batch = await monitor.nextBatch(maximum: 1000, timeout: .milliseconds(5)) {
                    let now = clock.now
                    for delivery in batch {
                        if let event = try? KefuJSON.decode(StatusEvent.self, from: delivery.body), let subject = event.subject,
                           assignedAt[subject] == nil {
                            assignedAt[subject] = now
                        }
                    }
                    monitor.settle(batch.map { ($0, .ack) })
                }
            }
            return (tickets, assignedAt)
        }

        let submittedAt = try await publishSubmissions(count: count, rate: rate, idPrefix: "bench-\(run)",
                                                       replyQueue: replyQueue, publisher: publisher, start: start)
        let published = clock.now - start

        let (tickets, assignedAt) = await collector.value
        var latencies: [Double] = []
        var replyLatencies: [Double] = []
        var lastAssigned = start
        for (submission, (number, answered)) in tickets {
            guard let sent = submittedAt[submission] else { continue }
            replyLatencies.append(milliseconds(answered - sent))
            guard let assigned = assignedAt[number] else { continue }
            latencies.append(milliseconds(assigned - sent))
            lastAssigned = max(lastAssigned, assigned)
        }
        let total = seconds(lastAssigned - start)
        print("submissions published:      \(count) in \(String(format: "%.2f", seconds(published))) s (\(Int(Double(count) / seconds(published))) /s)")
        print("tickets assigned:           \(latencies.count) of \(count)")
        print("end-to-end throughput:      \(Int(Double(latencies.count) / total)) tickets/s (submitted → ticket.assigned)")
        print("latency to ticket.assigned: \(Percentiles(latencies).summary)")
        print("latency to the reply:       \(Percentiles(replyLatencies).summary)")
        let (after, idleAt) = await meter.untilIdle()
        meter.report(from: before, to: after, tickets: latencies.count, wall: seconds(idleAt - start))
        replies.close()
        monitor.close()
        publisher.shutdown()
        if latencies.count < count { exit(1) }
    }
}
