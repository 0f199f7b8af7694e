import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// Dispatch alone: 1,000 agents with mixed skills (a tenth of them field engineers) in a partner
/// station of their own; 10,000 tickets to fill their desks, then 2,000 more decided with
/// 10,000 open; then 5,000 SLA clocks falling due in the same second, to see how exactly one
/// replica keeps them. Tickets arrive as classification sends them, on `kefu.work`.
enum DispatchBenchmark {
    static let categories = ["fault", "fault.hardware", "parts", "billing", "installation", "maintenance"]

    static func run(agents agentCount: Int, tickets: Int, logger: Logger) async throws {
        var random = SystemRandomNumberGenerator()
        let run = UUID().uuidString.prefix(8).lowercased()
        let api = ModelAPIBenchmark.API(base: setting("KEFU_DISPATCH_URL"), token: try benchToken(.admin))
        let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))
        defer { database.shutdown() }
        let branch = "bench-\(run)"
        let station = "bench-\(run)-station"
        _ = try await api.send("PUT", "/v1/teams/\(branch)", body: try json(["id": branch, "name": "Bench", "level": "branch", "parent_id": "hq"]))
        _ = try await api.send("PUT", "/v1/teams/\(station)", body: try json([
            "id": station, "name": "Bench station", "level": "station", "parent_id": branch, "partner": true, "calendar_id": "24x7"]))
        let agents: [[String: Any]] = (0..<agentCount).map { index in
            var agent: [String: Any] = ["id": "bench-\(run)-\(index)", "name": "Agent \(index)", "team_id": station,
                                        "max_open": (tickets + tickets / 5) / agentCount + 2, "daily_cap": 1000]
            var skills: [String: Any] = [:]
            if index % 3 == 1 { skills["categories"] = Array(categories.shuffled(using: &random).prefix(3)) }
            if index % 4 == 1 { skills["languages"] = ["zh"] }
            if !skills.isEmpty { agent["skills"] = skills }
            if index % 10 == 0 {
                agent["field_engineer"] = true
                agent["location"] = ["latitude": Double.random(in: 22...40, using: &random), "longitude": Double.random(in: 104...121, using: &random)]
                agent["service_radius_km"] = 150
            }
            return agent
        }
        var started = clock.now
        _ = try await api.send("POST", "/v1/agents/import", body: try JSONSerialization.data(withJSONObject: agents))
        print("dispatch: imported \(agentCount) agents in \(String(format: "%.2f", seconds(clock.now - started))) s")

        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: setting("KEFU_ADMIN_AMQP_URL")), logger: logger)
        publisher.start()
        defer { publisher.shutdown() }
        func publish(_ count: Int, prefix: String, category: ((Int) -> String)? = nil) async throws -> Duration {
            let start = clock.now
            for chunk in stride(from: 0, to: count, by: 500) {
                let messages = try (chunk..<min(chunk + 500, count)).map { index -> OutgoingMessage in
                    let number = "\(prefix)-\(index)"
                    let ticket = TicketClassified(
                        ticketNumber: number, channel: .phone, customerID: "bench-customer-\(index % 5000)", customerTier: .standard,
                        category: category?(index) ?? categories[index % categories.count], priority: index % 20 == 0 ? .p1 : .p3,
                        slaClass: "standard", language: index % 3 == 0 ? "en" : "zh-CN", complaint: false,
                        site: index % 5 == 0 ? Coordinates(latitude: Double(22 + index % 18), longitude: Double(104 + index % 17)) : nil,
                        teamID: branch, classifiedAt: Date())
                    return OutgoingMessage(exchange: KefuExchange.work, routingKey: TicketClassified.messageType,
                                           body: try KefuJSON.encode(ticket), messageID: "ticket.classified:\(number)",
                                           type: TicketClassified.messageType)
                }
                try await publisher.publish(messages)
            }
            try await waitUntilPlaced(count, prefix: prefix, database: database)
            return clock.now - start
        }

        let fill = try await publish(tickets, prefix: "BD-\(run)-fill")
        print("dispatch: \(tickets) tickets placed among \(agentCount) agents in \(String(format: "%.2f", seconds(fill))) s "
              + "(\(Int(Double(tickets) / seconds(fill))) decisions/s); decision time \(try await decisionTimes("BD-\(run)-fill", database))")
        let extra = tickets / 5
        let more = try await publish(extra, prefix: "BD-\(run)-more")
        print("dispatch: with \(tickets) open, \(extra) more placed in \(String(format: "%.2f", seconds(more))) s "
              + "(\(Int(Double(extra) / seconds(more))) decisions/s); decision time \(try await decisionTimes("BD-\(run)-more", database))")

        // Clocks: a policy of its own whose first-response target ends 30 s after each ticket arrives.
        let category = "bench_\(run)"
        _ = try await api.send("POST", "/v1/sla-policies", body: try json([
            "name": category, "category": category, "first_response_minutes": 0.5, "resolution_minutes": 600]))
        let monitor = AMQPConsumer(configuration: try AMQPConfiguration(url: setting("KEFU_MONITOR_AMQP_URL")),
                                   source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.sla_breached")]),
                                   prefetch: 1000, logger: logger)
        monitor.start()
        _ = try await monitor.queueName()
        let clocks = 5000
        started = clock.now
        _ = try await publish(clocks, prefix: "BD-\(run)-sla") { _ in category }
        let published = seconds(clock.now - started)
        var lateness: [Double] = []
        var firstBreach: ContinuousClock.Instant?
        var lastBreach = clock.now
        let deadline = clock.now + .seconds(180)
        while lateness.count < clocks && clock.now < deadline {
            guard let batch = await monitor.nextBatch(maximum: 1000, timeout: .seconds(1)) else { continue }
            for delivery in batch {
                guard let event = try? KefuJSON.decode(StatusEvent.self, from: delivery.body), event.subject?.hasPrefix("BD-\(run)-sla") == true,
                      event.data.slaTarget == "first_response", let elapsed = event.data.elapsedSeconds,
                      let target = event.data.targetSeconds else { continue }
                lateness.append((elapsed - target) * 1000)
                firstBreach = firstBreach ?? clock.now
                lastBreach = clock.now
            }
            monitor.settle(batch.map { ($0, .ack) })
        }
        monitor.close()
        print("dispatch: \(clocks) SLA clocks (published over \(String(format: "%.1f", published)) s) breached: \(lateness.count) events, "
              + "the last \(String(format: "%.1f", seconds(lastBreach - (firstBreach ?? lastBreach)))) s after the first; "
              + "lateness past the target \(Percentiles(lateness).summary)")
    }

    static func json(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    static func waitUntilPlaced(_ count: Int, prefix: String, database: PostgresPool) async throws {
        let deadline = clock.now + .seconds(600)
        while clock.now < deadline {
            let placed: Int = try await database.withConnection { connection in
                try connection.query("SELECT count(*) AS n FROM dispatch.tickets WHERE number LIKE $1 AND status <> 'new'",
                                     [prefix + "-%"]).first!.require("n")
            }
            if placed >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        print("dispatch: gave up waiting for \(prefix)")
        exit(1)
    }

    static func decisionTimes(_ prefix: String, _ database: PostgresPool) async throws -> String {
        try await database.withConnection { connection in
            let row = try connection.query("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (explanation->>'decision_ms')::float8) AS p50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY (explanation->>'decision_ms')::float8) AS p99,
                       count(*) AS n, count(*) FILTER (WHERE explanation->>'rule' <> 'least_loaded') AS preferred
                FROM dispatch.assignments WHERE ticket_number LIKE $1
                """, [prefix + "-%"]).first!
            let queued: Int = try connection.query("SELECT count(*) AS n FROM dispatch.tickets WHERE number LIKE $1 AND status = 'queued'",
                                                   [prefix + "-%"]).first!.require("n")
            return String(format: "p50 %.2f ms, p99 %.2f ms (%d assigned, %d by a preference, %d queued)",
                          try row.require("p50", as: Double.self), try row.require("p99", as: Double.self),
                          try row.require("n", as: Int.self), try row.require("preferred", as: Int.self), queued)
        }
    }
}
