import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// survey's KPI side: how many status events a second its consumer folds into facts, and how long
/// the monthly report and `/v1/kpis` take over a million tickets' facts.
enum KPIBenchmark {
    static func run(tickets: Int, factRows: Int, logger: Logger) async throws {
        let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))
        defer { database.shutdown() }
        let run = "KB\(UUID().uuidString.prefix(6))"
        try await absorb(tickets: tickets, run: run, database: database, logger: logger)
        try await report(rows: factRows, run: run, database: database)
    }

    /// Eight events a ticket (created, classified, assigned, accepted, resolved, survey sent and
    /// completed, closed), published straight to `survey.events` so that no other service sees them.
    private static func absorb(tickets: Int, run: String, database: PostgresPool, logger: Logger) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: setting("KEFU_ADMIN_AMQP_URL")), logger: logger)
        publisher.start()
        defer { publisher.shutdown() }
        let day = ISO8601DateFormatter().date(from: "2019-01-10T02:00:00Z")!
        let steps: [(StatusEventType, Double, StatusEventData)] = [
            (.ticketCreated, 0, StatusEventData(channel: "phone")),
            (.ticketClassified, 1, StatusEventData(category: "fault", priority: "P3", complaint: false)),
            (.ticketAssigned, 2, StatusEventData(teamID: "bench", agentID: "bench-agent", resolutionDueAt: day.addingTimeInterval(86400))),
            (.ticketAccepted, 12, StatusEventData()),
            (.ticketResolved, 95, StatusEventData(handleSeconds: 4800)),
            (.surveySent, 96, StatusEventData()),
            (.surveyCompleted, 400, StatusEventData(complaint: false, csat: 5, nps: 9)),
            (.ticketClosed, 401, StatusEventData(status: "closed")),
        ]
        let events = (0..<tickets).flatMap { index in
            steps.map { type, minutes, data in
                var data = data
                let number = "\(run)-\(index)"
                data.ticketNumber = number
                data.occurredAt = day.addingTimeInterval(Double(index % 20) * 86400 + minutes * 60)
                return StatusEvent(service: "bench", type: type, subject: number, time: data.occurredAt, data: data)
            }
        }
        let started = clock.now
        for chunk in stride(from: 0, to: events.count, by: 500) {
            try await publisher.publish(events[chunk..<min(chunk + 500, events.count)].map { event in
                OutgoingMessage(exchange: "", routingKey: "survey.events", body: try KefuJSON.encode(event),
                                contentType: StatusEvent.contentType, messageID: event.id, type: event.type)
            })
        }
        let published = seconds(clock.now - started)
        let deadline = clock.now + .seconds(600)
        var stored = 0
        while stored < events.count && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            stored = try await database.withConnection {
                try $0.query("SELECT count(*) AS n FROM survey.kpi_events WHERE ticket_number LIKE $1", ["\(run)-%"]).first!
                    .require("n", as: Int.self)
            }
        }
        let elapsed = seconds(clock.now - started)
        print(String(format: "KPI consumer: %d events (%d tickets) folded in %.2f s: %.0f events/s (published in %.2f s)",
                     stored, tickets, elapsed, Double(stored) / elapsed, published))
        try await database.withConnection { connection in
            try connection.query("DELETE FROM survey.kpi_events WHERE ticket_number LIKE $1", ["\(run)-%"])
            try connection.query("DELETE FROM survey.ticket_facts WHERE ticket_number LIKE $1", ["\(run)-%"])
        }
    }

    /// `rows` facts spread over June 2019, then the report and the KPIs for that month, timed.
    private static func report(rows: Int, run: String, database: PostgresPool) async throws {
        let filled = clock.now
        try await database.withConnection { connection in
            try connection.query("""
                INSERT INTO survey.ticket_facts (ticket_number, created_at, channel, category, priority, team_id, agent_id, complaint,
                    first_response_seconds, resolved_at, resolution_seconds, handle_seconds, reopened, transferred,
                    first_response_met, resolution_met, resolution_due_at, overrun_seconds, surveyed, csat, nps)
                SELECT $1 || '-' || i, timestamptz '2019-06-01 00:00+08' + (i % 2592000) * interval '1 second',
                    (ARRAY['phone','email','web','sms'])[1 + i % 4], (ARRAY['fault','billing','delivery','consultation','complaint'])[1 + i % 5],
                    'P' || (1 + i % 4), 'team-' || (i % 40), 'agent-' || (i % 1000), i % 23 = 0,
                    60 + i % 7200, timestamptz '2019-06-01 00:00+08' + (i % 2592000 + 3600 + i % 86400) * interval '1 second',
                    3600 + i % 86400, 1800 + i % 3600, (i % 17 = 0)::int, (i % 11 = 0)::int,
                    i % 13 <> 0, i % 9 <> 0, timestamptz '2019-06-01 00:00+08' + (i % 2592000 + 7200) * interval '1 second',
                    CASE WHEN i % 9 = 0 THEN i % 86400 END, i % 3 <> 0, CASE WHEN i % 3 <> 0 THEN 1 + i % 5 END,
                    CASE WHEN i % 4 <> 0 THEN i % 11 END
                FROM generate_series(1, $2) AS i
                """, ["\(run)-r", rows])
            try connection.query("ANALYZE survey.ticket_facts")
        }
        print(String(format: "facts: %d rows for June 2019 written in %.1f s", rows, seconds(clock.now - filled)))
        let token = try benchToken(.admin)
        let base = setting("KEFU_SURVEY_URL")
        for (name, path) in [("monthly report (HTML)", "/v1/reports/monthly?month=2019-06"),
                             ("monthly report (CSV)", "/v1/reports/monthly?month=2019-06&format=csv"),
                             ("/v1/kpis by category", "/v1/kpis?from=2019-06-01&to=2019-07-01&group_by=category"),
                             ("/v1/kpis by agent", "/v1/kpis?from=2019-06-01&to=2019-07-01&group_by=agent")] {
            var timings: [Double] = []
            for _ in 0..<3 {
                var request = URLRequest(url: URL(string: base + path)!)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.timeoutInterval = 600
                let sent = clock.now
                let (data, response) = try await URLSession.shared.data(for: request)
                guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchError("\(path) failed") }
                timings.append(milliseconds(clock.now - sent))
                _ = data
            }
            print(String(format: "%@ over %d facts: %.0f ms, %.0f ms, %.0f ms", name as NSString, rows, timings[0], timings[1], timings[2]))
        }
        try await database.withConnection { try $0.query("DELETE FROM survey.ticket_facts WHERE ticket_number LIKE $1", ["\(run)-r-%"]) }
    }
}
