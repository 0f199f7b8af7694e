// Publishes N submissions as fast as the broker takes them, with all five services running, and
// prints end-to-end throughput (submitted → ticket.assigned) and latency percentiles.
//
//   deploy/kefu up && deploy/kefu bench 5000        # as fast as the broker takes them
//   deploy/kefu bench 3000 150                        # paced at 150 submissions/s
//
// At full speed the latency figures measure the backlog; paced below capacity, they measure
// the system.
//
// It connects as the integrator (publish + replies) and as a monitoring tool (ticket.assigned
// events), exactly as outside tools would, using the settings in the stack's env file.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import Logging

let environment = ProcessInfo.processInfo.environment
func setting(_ key: String) -> String {
    guard let value = environment[key] else {
        FileHandle.standardError.write(Data("kefu-bench: \(key) is not set; source the stack's kefu.env\n".utf8))
        exit(2)
    }
    return value
}
let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5000
/// Submissions per second; nil publishes as fast as the broker confirms.
let rate = CommandLine.arguments.dropFirst(2).first.flatMap(Double.init)
let chunkSize = rate.map { max(1, Int($0 / 50)) } ?? 200
var logger = Logger(label: "kefu.bench")
logger.logLevel = .warning

// An agent with room for everything, so assignment never waits for capacity.
var agentRequest = URLRequest(url: URL(string: setting("KEFU_DISPATCH_URL") + "/v1/agents")!)
agentRequest.httpMethod = "POST"
agentRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
agentRequest.setValue("Bearer \(setting("KEFU_ADMIN_TOKEN"))", forHTTPHeaderField: "Authorization")
agentRequest.httpBody = try JSONSerialization.data(withJSONObject: [
    "id": "bench-\(UUID().uuidString.prefix(8))", "name": "Benchmark Agent", "max_open": 10_000_000, "daily_cap": 10_000_000,
])
_ = try await URLSession.shared.data(for: agentRequest)

let integrator = try AMQPConfiguration(url: setting("KEFU_INTEGRATOR_AMQP_URL"))
let replies = AMQPConsumer(configuration: integrator, source: .exclusive(bindings: []), prefetch: 1000, logger: logger)
let replyQueue = try await replies.queueName()
let monitor = AMQPConsumer(configuration: try AMQPConfiguration(url: setting("KEFU_MONITOR_AMQP_URL")),
                           source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.assigned")]),
                           prefetch: 1000, logger: logger)
_ = try await monitor.queueName()
let publisher = AMQPPublisher(configuration: integrator, logger: logger)

let run = UUID().uuidString.prefix(8).lowercased()
let clock = ContinuousClock()
let start = clock.now
var submittedAt: [String: ContinuousClock.Instant] = [:]

// Replies map submission ids to ticket numbers; events are matched by ticket number.
let collector = Task { () -> (tickets: [String: String], assignedAt: [String: ContinuousClock.Instant]) in
    var tickets: [String: String] = [:]
    var assignedAt: [String: ContinuousClock.Instant] = [:]
    let deadline = clock.now + .seconds(Double(count) / 50 + 60)
    while (tickets.count < count || assignedAt.count < count) && clock.now < deadline {
        if tickets.count < count, let batch = await replies.nextBatch(maximum: 1000, timeout: .milliseconds(5)) {
            for delivery in batch {
                if let reply = try? KefuJSON.decode(IngressReply.self, from: delivery.body), let number = reply.ticketNumber {
                    tickets[delivery.correlationID ?? ""] = number
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

for chunk in stride(from: 0, to: count, by: chunkSize) {
    if let rate {
        try await Task.sleep(until: start + .seconds(Double(chunk) / rate))
    }
    var messages: [OutgoingMessage] = []
    for index in chunk..<min(chunk + chunkSize, count) {
        let id = "bench-\(run)-\(index)"
        let body: [String: Any] = [
            "submission_id": id, "channel": "phone",
            "customer": ["phone": String(format: "+86138%08d", index), "tier": "standard"],
            "subject": "设备故障", "body": "客户来电：设备无法启动，请尽快安排工程师。", "language": "zh-CN",
        ]
        messages.append(OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.phone",
                                        body: Array(try JSONSerialization.data(withJSONObject: body)),
                                        correlationID: id, replyTo: replyQueue))
        submittedAt[id] = clock.now
    }
    try await publisher.publish(messages)
}
let published = clock.now - start

let (tickets, assignedAt) = await collector.value
var latencies: [Double] = []
var lastAssigned = start
for (submission, number) in tickets {
    guard let sent = submittedAt[submission], let assigned = assignedAt[number] else { continue }
    latencies.append(Double((assigned - sent).components.attoseconds) / 1e15 + Double((assigned - sent).components.seconds) * 1000)
    lastAssigned = max(lastAssigned, assigned)
}
latencies.sort()
func percentile(_ p: Double, of sorted: [Double]) -> Double {
    sorted.isEmpty ? .nan : sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
let total = seconds(lastAssigned - start)
print("submissions published:      \(count) in \(String(format: "%.2f", seconds(published))) s (\(Int(Double(count) / seconds(published))) /s)")
print("tickets assigned:           \(latencies.count) of \(count)")
print("end-to-end throughput:      \(Int(Double(latencies.count) / total)) tickets/s (submitted → ticket.assigned)")
print("latency to ticket.assigned: p50 \(String(format: "%.0f", percentile(0.50, of: latencies))) ms, p95 \(String(format: "%.0f", percentile(0.95, of: latencies))) ms, p99 \(String(format: "%.0f", percentile(0.99, of: latencies))) ms")
replies.close()
monitor.close()
publisher.shutdown()
exit(latencies.count == count ? 0 : 1)
