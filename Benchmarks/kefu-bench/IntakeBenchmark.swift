import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import Logging

/// Intake alone: how fast it answers gateways, over AMQP (reply on `reply_to`) and over HTTP.
enum IntakeBenchmark {
    /// Publishes `count` submissions, as fast as confirmed or paced at `rate`, and times each reply.
    static func amqp(count: Int, rate: Double?, logger: Logger) async throws {
        let integrator = try AMQPConfiguration(url: setting("KEFU_INTEGRATOR_AMQP_URL"))
        let replies = AMQPConsumer(configuration: integrator, source: .exclusive(bindings: []), prefetch: 1000, logger: logger)
        replies.start()
        let replyQueue = try await replies.queueName()
        let publisher = AMQPPublisher(configuration: integrator, logger: logger)
        publisher.start()
        let run = UUID().uuidString.prefix(8).lowercased()
        let start = clock.now
        let collector = Task { () -> [String: ContinuousClock.Instant] in
            var answeredAt: [String: ContinuousClock.Instant] = [:]
            let deadline = clock.now + .seconds(Double(count) / 50 + 60)
            while answeredAt.count < count, clock.now < deadline {
                guard let batch = await replies.nextBatch(maximum: 1000, timeout: .milliseconds(50)) else { continue }
                let now = clock.now
                for delivery in batch { answeredAt[delivery.correlationID ?? ""] = now }
                replies.settle(batch.map { ($0, .ack) })
            }
            return answeredAt
        }
        let submittedAt = try await publishSubmissions(count: count, rate: rate, idPrefix: "bench-intake-\(run)",
                                                       replyQueue: replyQueue, publisher: publisher, start: start)
        let answeredAt = await collector.value
        let latencies = submittedAt.compactMap { id, sent in answeredAt[id].map { milliseconds($0 - sent) } }
        let last = answeredAt.values.max() ?? start
        print("intake over AMQP:           \(latencies.count) of \(count) answered in \(String(format: "%.2f", seconds(last - start))) s (\(Int(Double(latencies.count) / seconds(last - start))) submissions/s)")
        print("reply latency:              \(Percentiles(latencies).summary)")
        replies.close()
        publisher.shutdown()
        if latencies.count < count { exit(1) }
    }

    /// Posts `count` submissions with `concurrency` requests in flight, and times each answer.
    static func http(count: Int, concurrency: Int) async throws {
        let token = try benchToken(.integrator)
        let url = URL(string: setting("KEFU_INTAKE_URL") + "/v1/tickets")!
        let run = UUID().uuidString.prefix(8).lowercased()
        let session = URLSession(configuration: .ephemeral)

        let start = clock.now
        let results = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            var next = 0
            var results: [(Int, Double)] = []
            func add() throws {
                let index = next
                next += 1
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.httpBody = try JSONSerialization.data(withJSONObject: benchSubmission(id: "bench-http-\(run)-\(index)", index: index))
                group.addTask {
                    let sent = clock.now
                    let (_, response) = try await session.data(for: request)
                    return ((response as? HTTPURLResponse)?.statusCode ?? 0, milliseconds(clock.now - sent))
                }
            }
            for _ in 0..<min(concurrency, count) { try add() }
            while let result = try await group.next() {
                results.append(result)
                if next < count { try add() }
            }
            return results
        }
        let elapsed = seconds(clock.now - start)
        let created = results.filter { $0.0 == 201 }
        print("intake over HTTP:           \(created.count) of \(count) created in \(String(format: "%.2f", elapsed)) s (\(Int(Double(created.count) / elapsed)) submissions/s, \(concurrency) in flight)")
        print("response latency:           \(Percentiles(results.map(\.1)).summary)")
        if created.count < count { exit(1) }
    }
}
