import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// notification against the local stack's SMTP server (STARTTLS and a login) and HTTP sink:
/// deliveries a second per channel, each channel on its own, and the time from a ticket's creation
/// to its acknowledgement accepted by the SMTP server. `deploy/kefu bench notification N` raises
/// the channels' rate limits for the run, so the figures are the pipeline's, not the limits'.
enum NotificationBenchmark {
    static func run(count: Int, latencyTickets: Int, logger: Logger) async throws {
        let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))
        defer { database.shutdown() }
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: setting("KEFU_ADMIN_AMQP_URL")), logger: logger)
        publisher.start()
        defer { publisher.shutdown() }
        let run = "NB\(UUID().uuidString.prefix(6))"

        // Customers notification knows, each with both an address and a phone.
        try await publisher.publish((0..<count).map { index in
            let customer = TicketCreated.Customer(id: "\(run)-c\(index)", name: "测试客户\(index)", phone: String(format: "+86137%08d", index),
                                                  email: "\(run.lowercased())-\(index)@bench.example", tier: .standard)
            return OutgoingMessage(exchange: KefuExchange.work, routingKey: CustomerUpdated.messageType,
                                   body: try KefuJSON.encode(CustomerUpdated(customer: customer)), type: CustomerUpdated.messageType)
        })
        try await waitFor(count, "SELECT count(*) AS n FROM notification.contacts WHERE customer_id LIKE $1", "\(run)-c%", database)

        for channel in ["email", "sms"] {
            let started = clock.now
            try await publisher.publish((0..<count).map { index in
                let request = NotificationRequested(ticketNumber: "\(run)-\(channel)-\(index)", customerID: "\(run)-c\(index)",
                                                    template: "resolved", values: ["resolution": "已更换液压阀。"], channel: channel)
                return OutgoingMessage(exchange: KefuExchange.work, routingKey: NotificationRequested.messageType,
                                       body: try KefuJSON.encode(request), type: NotificationRequested.messageType)
            })
            try await report(channel, count: count, run: run, database: database, started: started)
        }

        // Webhooks: a subscription to an event type only notification consumes.
        let subscription = try await http("POST", setting("KEFU_NOTIFICATION_URL") + "/v1/webhooks", json: [
            "url": setting("KEFU_SINK_URL") + "/ok/\(run)", "event_types": ["kefu.survey.sent"],
        ])
        let started = clock.now
        try await publisher.publish((0..<count).map { index in
            let event = StatusEvent(service: "survey", type: .surveySent, subject: "\(run)-webhook-\(index)",
                                    data: StatusEventData(ticketNumber: "\(run)-webhook-\(index)", surveyID: "s\(index)"))
            return OutgoingMessage(exchange: KefuExchange.events, routingKey: event.routingKey, body: try KefuJSON.encode(event),
                                   contentType: StatusEvent.contentType, messageID: event.id, type: event.type)
        })
        try await report("webhook", count: count, run: run, database: database, started: started)
        if let id = subscription["id"] as? String {
            _ = try await http("DELETE", setting("KEFU_NOTIFICATION_URL") + "/v1/webhooks/\(id)")
        }

        try await acknowledgementLatency(tickets: latencyTickets, run: run, database: database)
    }

    /// Waits until every delivery of the channel is sent, then reports the span from the first
    /// message published to the last acceptance.
    private static func report(_ channel: String, count: Int, run: String, database: PostgresPool,
                               started: ContinuousClock.Instant) async throws {
        try await waitFor(count, "SELECT count(*) AS n FROM notification.deliveries WHERE ticket_number LIKE $1 AND status = 'sent'",
                          "\(run)-\(channel)-%", database)
        let elapsed = seconds(clock.now - started)
        let failed = try await database.withConnection {
            try $0.query("SELECT count(*) AS n FROM notification.deliveries WHERE ticket_number LIKE $1 AND status <> 'sent'",
                         ["\(run)-\(channel)-%"]).first!.require("n", as: Int.self)
        }
        print(String(format: "notification %-8@ %d delivered in %.2f s: %.0f deliveries/s (%d not sent)",
                     channel as NSString, count, elapsed, Double(count) / elapsed, failed))
    }

    /// Tickets submitted over HTTP at 20 a second, each with a fresh address; the latency is from
    /// intake's `created_at` to the Maildir file the SMTP server wrote on accepting the mail.
    private static func acknowledgementLatency(tickets: Int, run: String, database: PostgresPool) async throws {
        let token = try benchToken(.integrator)
        let start = clock.now
        for index in 0..<tickets {
            try await Task.sleep(until: start + .milliseconds(50 * index))
            _ = try await http("POST", setting("KEFU_INTAKE_URL") + "/v1/tickets", token: token, json: [
                "submission_id": "\(run)-ack-\(index)", "channel": "email", "language": "zh-CN", "subject": "设备故障",
                "body": "设备无法启动。", "customer": ["email": "\(run.lowercased())-ack-\(index)@bench.example"],
            ])
        }
        let maildir = URL(fileURLWithPath: setting("KEFU_MAILDIR"))
        var accepted: [String: Date] = [:]
        let deadline = clock.now + .seconds(120)
        while accepted.count < tickets && clock.now < deadline {
            for folder in ["new", "cur"] {
                let directory = maildir.appendingPathComponent(folder)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                    let file = directory.appendingPathComponent(name)
                    guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
                          let modified = attributes[.modificationDate] as? Date, modified > Date().addingTimeInterval(-600),
                          let text = try? String(contentsOf: file, encoding: .utf8),
                          let range = text.range(of: "X-Kefu-Envelope-To: \(run.lowercased())-ack-") else { continue }
                    let address = text[range.upperBound...].prefix { $0 != "@" }
                    accepted["\(run.lowercased())-ack-\(address)@bench.example"] = modified
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let created = try await database.withConnection { connection -> [String: Date] in
            var created: [String: Date] = [:]
            for row in try connection.query("""
                SELECT p.value, t.created_at FROM intake.tickets t JOIN intake.contact_points p ON p.customer_id = t.customer_id
                WHERE p.kind = 'email' AND p.value LIKE $1
                """, ["\(run.lowercased())-ack-%"]) {
                created[try row.require("value")] = try row.require("created_at")
            }
            return created
        }
        let latencies = accepted.compactMap { address, at in created[address].map { at.timeIntervalSince($0) * 1000 } }
        print("ticket.created → acknowledgement accepted by SMTP: \(latencies.count) of \(tickets) at 20/s, \(Percentiles(latencies).summary)")
    }

    private static func waitFor(_ count: Int, _ sql: String, _ pattern: String, _ database: PostgresPool) async throws {
        let deadline = clock.now + .seconds(Double(count) / 10 + 120)
        while clock.now < deadline {
            let done = try await database.withConnection { try $0.query(sql, [pattern]).first!.require("n", as: Int.self) }
            if done >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("timed out waiting for \(count) rows of \(pattern)")
    }

    private static func http(_ method: String, _ url: String, token: String? = nil, json: Any? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(try token ?? benchToken(.admin))", forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
