import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import Logging

/// Classification alone through the broker: `ticket.created` messages published straight to
/// `kefu.work`, timed until classification's `ticket.classified` or `ticket.triage_needed` event.
/// Run it with the other consumers of `ticket.created` stopped (`deploy/kefu bench classification N`).
enum ClassificationBenchmark {
    static let texts: [(subject: String?, body: String)] = [
        ("设备故障", "客户来电：设备无法启动，请尽快安排工程师。"),
        (nil, "The hydraulic pump is leaking oil again, please send someone"),
        ("发票问题", "上个月的发票金额不对，请核实。"),
        (nil, "When will the spare parts for order 5521 arrive?"),
        (nil, "我想咨询一下新款泵车的保养周期。"),
        ("Complaint", "Your engineer never showed up, very disappointed"),
        (nil, "请问你们周末上班吗"),
        (nil, "Can I change the delivery address for my excavator?"),
    ]

    static func run(count: Int, rate: Double?, logger: Logger) async throws {
        let admin = try AMQPConfiguration(url: setting("KEFU_ADMIN_AMQP_URL"))
        let monitor = AMQPConsumer(configuration: try AMQPConfiguration(url: setting("KEFU_MONITOR_AMQP_URL")),
                                   source: .exclusive(bindings: [
                                       .init(exchange: KefuExchange.events, routingKey: "ticket.classified"),
                                       .init(exchange: KefuExchange.events, routingKey: "ticket.triage_needed"),
                                   ]), prefetch: 1000, logger: logger)
        monitor.start()
        _ = try await monitor.queueName()
        let publisher = AMQPPublisher(configuration: admin, logger: logger)
        publisher.start()
        let run = UUID().uuidString.prefix(8).uppercased()
        let prefix = "BENCH-\(run)-"

        let start = clock.now
        let collector = Task { () -> (decidedAt: [String: ContinuousClock.Instant], triaged: Int) in
            var decidedAt: [String: ContinuousClock.Instant] = [:]
            var triaged = 0
            let deadline = clock.now + .seconds(Double(count) / 50 + 60)
            while decidedAt.count < count && clock.now < deadline {
                guard let batch = await monitor.nextBatch(maximum: 1000, timeout: .milliseconds(20)) else { continue }
                let now = clock.now
                for delivery in batch {
                    guard let event = try? KefuJSON.decode(StatusEvent.self, from: delivery.body), let subject = event.subject,
                          subject.hasPrefix(prefix), decidedAt[subject] == nil else { continue }
                    decidedAt[subject] = now
                    if event.type == StatusEventType.ticketTriageNeeded.rawValue { triaged += 1 }
                }
                monitor.settle(batch.map { ($0, .ack) })
            }
            return (decidedAt, triaged)
        }

        var publishedAt: [String: ContinuousClock.Instant] = [:]
        let chunkSize = rate.map { max(1, Int($0 / 50)) } ?? 200
        for chunk in stride(from: 0, to: count, by: chunkSize) {
            if let rate { try await Task.sleep(until: start + .seconds(Double(chunk) / rate)) }
            var messages: [OutgoingMessage] = []
            for index in chunk..<min(chunk + chunkSize, count) {
                let number = prefix + String(format: "%06d", index)
                let text = texts[index % texts.count]
                let ticket = TicketCreated(
                    ticketNumber: number, submissionID: number, channel: .phone, subject: text.subject, body: text.body,
                    language: nil, customer: .init(id: "bench-\(index % 1000)", name: nil, phone: nil, email: nil, tier: .standard),
                    product: nil, createdAt: Date())
                messages.append(OutgoingMessage(exchange: KefuExchange.work, routingKey: TicketCreated.messageType,
                                                body: try KefuJSON.encode(ticket), messageID: "ticket.created:\(number)",
                                                type: TicketCreated.messageType))
                publishedAt[number] = clock.now
            }
            try await publisher.publish(messages)
        }
        let published = clock.now - start

        let (decidedAt, triaged) = await collector.value
        let latencies = publishedAt.compactMap { number, sent in decidedAt[number].map { milliseconds($0 - sent) } }
        let last = decidedAt.values.max() ?? start
        print("ticket.created published:   \(count) in \(String(format: "%.2f", seconds(published))) s")
        print("classified or triaged:      \(latencies.count) of \(count) in \(String(format: "%.2f", seconds(last - start))) s "
              + "(\(Int(Double(latencies.count) / seconds(last - start))) tickets/s; \(triaged) to triage)")
        print("latency to the decision:    \(Percentiles(latencies).summary)")
        monitor.close()
        publisher.shutdown()
        if latencies.count < count { exit(1) }
    }
}
