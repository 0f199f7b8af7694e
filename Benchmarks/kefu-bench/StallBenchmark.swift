import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import Logging

/// The system under a broker stall (docs/benchmarks.md): RabbitMQ's memory alarm blocks every
/// publisher for a while, and submissions keep arriving over HTTP. The outbox relay claims its rows
/// with a lease and gives its connection back before it waits for confirms, so the figures to
/// watch are HTTP answers and database reads during the stall, what readiness says, and how long
/// the backlog takes to flow once the alarm clears.
enum StallBenchmark {
    static func run(stallSeconds: Int, rate: Double, logger: Logger) async throws {
        try await addRoomyAgent()
        let monitor = AMQPConsumer(configuration: try AMQPConfiguration(url: setting("KEFU_MONITOR_AMQP_URL")),
                                   source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: "ticket.assigned")]),
                                   prefetch: 1000, logger: logger)
        monitor.start()
        _ = try await monitor.queueName()
        let assigned = AssignedTickets(monitor: monitor)
        let run = UUID().uuidString.prefix(8).lowercased()

        let calm = try await submit(for: .seconds(10), rate: rate, prefix: "stall-\(run)-calm")
        let alarmed = clock.now
        try await setWatermark("0.000001")
        var stalled: [Sample] = []
        var readiness: [String: String] = [:]
        var blockedAfter: Duration?
        do {
            // A publisher hears of the alarm when it next publishes, so readiness is watched
            // while the submissions arrive.
            async let blocked = untilBlocked(since: alarmed)
            stalled = try await submit(for: .seconds(stallSeconds), rate: rate, prefix: "stall-\(run)-stalled")
            blockedAfter = try await blocked
            readiness = await readinessOfAll()
        } catch {
            try? await setWatermark("0.4")
            throw error
        }
        let flowedDuringStall = await assigned.count(of: stalled.map(\.number))
        let cleared = clock.now
        try await setWatermark("0.4")
        let numbers = (calm + stalled).map(\.number)
        let drained = await assigned.waitForAll(numbers, deadline: cleared + .seconds(180))

        print("broker stall:               memory alarm for \(stallSeconds) s, HTTP submissions at \(Int(rate))/s throughout")
        print("before the alarm:           create \(Percentiles(calm.map(\.create)).summary); read \(Percentiles(calm.map(\.read)).summary)")
        print("during the alarm:           create \(Percentiles(stalled.map(\.create)).summary); read \(Percentiles(stalled.map(\.read)).summary)")
        print("answered during the alarm:  \(stalled.filter(\.created).count) of \(stalled.count) created (201)")
        print("intake said blocked:        \(blockedAfter.map { String(format: "%.1f s after the alarm", seconds($0)) } ?? "never")")
        print("readiness during the alarm: \(readiness.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        print("assigned during the alarm:  \(flowedDuringStall) of \(stalled.count)")
        print("after the alarm cleared:    \(drained.count) of \(numbers.count) assigned, the last \(String(format: "%.1f", seconds((drained.last ?? cleared) - cleared))) s after")
        if drained.count < numbers.count || stalled.contains(where: { !$0.created }) { exit(1) }
    }

    struct Sample {
        let number: String
        let created: Bool
        let create: Double
        let read: Double
    }

    /// Submits over HTTP at `rate` for `duration`, each followed by a read of the new ticket.
    private static func submit(for duration: Duration, rate: Double, prefix: String) async throws -> [Sample] {
        let integrator = try benchToken(.integrator), admin = try benchToken(.admin)
        let base = setting("KEFU_INTAKE_URL")
        let start = clock.now
        let count = Int(seconds(duration) * rate)
        return try await withThrowingTaskGroup(of: Sample.self) { group in
            for index in 0..<count {
                try await Task.sleep(until: start + .seconds(Double(index) / rate))
                var submission = benchSubmission(id: "\(prefix)-\(index)", index: index)
                submission["channel"] = "web"
                let body = try JSONSerialization.data(withJSONObject: submission)
                group.addTask {
                    let sent = clock.now
                    let (status, answer) = try await exchange("POST", base + "/v1/tickets", token: integrator, body: body)
                    let create = milliseconds(clock.now - sent)
                    let number = answer["number"] as? String ?? ""
                    let readStarted = clock.now
                    _ = try await exchange("GET", base + "/v1/tickets/\(number)", token: admin, body: nil)
                    return Sample(number: number, created: status == 201, create: create, read: milliseconds(clock.now - readStarted))
                }
            }
            var samples: [Sample] = []
            for try await sample in group { samples.append(sample) }
            return samples
        }
    }

    private static func exchange(_ method: String, _ url: String, token: String, body: Data?) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// How long after the alarm intake's readiness said the broker was blocked.
    private static func untilBlocked(since alarmed: ContinuousClock.Instant) async throws -> Duration? {
        let deadline = alarmed + .seconds(30)
        while clock.now < deadline {
            if await readiness(of: "intake").contains("blocked") { return clock.now - alarmed }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    private static func readinessOfAll() async -> [String: String] {
        var answers: [String: String] = [:]
        for service in ["intake", "classification", "dispatch", "notification", "survey", "console"] {
            answers[service] = await readiness(of: service)
        }
        return answers
    }

    /// "200 up", "503 blocked (blocked: low on memory)" and the like.
    private static func readiness(of service: String) async -> String {
        guard let base = environment["KEFU_\(service.uppercased())_URL"], let url = URL(string: base + "/health/ready") else { return "absent" }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return "no answer" }
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let reason = (body["broker_reason"] as? String).map { " (\($0))" } ?? ""
        return "\((response as? HTTPURLResponse)?.statusCode ?? 0) \(body["broker"] as? String ?? "?")\(reason)"
    }

    private static func setWatermark(_ value: String) async throws {
        let status = try await DeployScript.run(["ctl", "local", "set_vm_memory_high_watermark", value])
        guard status == 0 else { throw BenchError("rabbitmqctl set_vm_memory_high_watermark \(value) exited \(status)") }
    }

    private static func addRoomyAgent() async throws {
        var request = URLRequest(url: URL(string: setting("KEFU_DISPATCH_URL") + "/v1/agents")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(try benchToken(.admin))", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "id": "stall-\(UUID().uuidString.prefix(8))", "name": "Stall Agent", "max_open": 10_000_000, "daily_cap": 10_000_000,
        ])
        _ = try await URLSession.shared.data(for: request)
    }
}

/// `ticket.assigned` events as they arrive, by ticket number.
actor AssignedTickets {
    private var assignedAt: [String: ContinuousClock.Instant] = [:]

    init(monitor: AMQPConsumer) {
        Task { await self.read(monitor) }
    }

    private func read(_ monitor: AMQPConsumer) async {
        while !Task.isCancelled {
            guard let batch = await monitor.nextBatch(maximum: 1000, timeout: .milliseconds(50)) else { continue }
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

    func count(of numbers: [String]) -> Int { numbers.filter { assignedAt[$0] != nil }.count }

    /// When each of `numbers` was assigned, sorted, once all were or the deadline passed.
    func waitForAll(_ numbers: [String], deadline: ContinuousClock.Instant) async -> [ContinuousClock.Instant] {
        while count(of: numbers) < numbers.count, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
        }
        return numbers.compactMap { assignedAt[$0] }.sorted()
    }
}
