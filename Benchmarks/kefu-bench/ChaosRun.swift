import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import KefuAudit
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging
import Synchronization

/// `deploy/kefu chaos`: the fault campaign of docs/benchmarks.md as a bounded run on a stack of
/// its own. Submissions go in at 100 a second, one in twenty a repeat, while services are
/// SIGKILLed and restarted, second replicas come and go, the broker is killed (or, on a cluster,
/// the node leading the busiest queue) and PostgreSQL stops with `-m immediate`. Afterwards
/// `FlowAudit` counts what was lost, duplicated or stuck; a service that had not recovered on its
/// own a minute after a fault is restarted and counted as repaired by hand. Any of them makes
/// the run fail.
enum ChaosRun {
    static let profile = environment["KEFU_CHAOS_PROFILE"] ?? "chaos"
    static let services = ["intake", "classification", "dispatch", "notification", "survey"]
    static let cluster = environment["KEFU_CLUSTER"] == "1"

    static func run(count: Int, logger: Logger) async throws {
        let started = clock.now
        try await addAgents()
        let integrator = try AMQPConfiguration(url: setting("KEFU_INTEGRATOR_AMQP_URL"))
        let replies = AMQPConsumer(configuration: integrator, source: .exclusive(bindings: []), prefetch: 1000, logger: logger)
        replies.start()
        _ = try await replies.queueName(timeout: .seconds(60))
        let publisher = AMQPPublisher(configuration: integrator, logger: logger)
        publisher.start()
        let prefix = "chaos-\(UUID().uuidString.prefix(8).lowercased())"
        let progress = Progress()

        let answered = Mutex(Set<String>())
        let collecting = Task {
            while !Task.isCancelled {
                guard let batch = await replies.nextBatch(maximum: 1000, timeout: .milliseconds(200)) else { return }
                answered.withLock { set in for delivery in batch { set.insert(delivery.correlationID ?? "") } }
                replies.settle(batch.map { ($0, .ack) })
            }
        }
        let faults = Task { try await injectFaults(progress: progress, total: count) }
        try await submit(count: count, prefix: prefix, replies: replies, publisher: publisher, progress: progress)
        try await faults.value
        let confirmed = progress.confirmed
        say("submitted \(confirmed.count) submissions (\(progress.repeats) repeats) in \(Int(seconds(clock.now - started))) s; settling")

        // Replies are transient by contract, and a gateway's reply queue goes with its connection:
        // a gateway resends what was not answered, and the submission id gets it the same ticket.
        let settleStart = clock.now
        var lastResend = clock.now
        while clock.now - settleStart < .seconds(240), !answered.withLock({ confirmed.isSubset(of: $0) }) {
            try await Task.sleep(for: .seconds(1))
            guard clock.now - lastResend > .seconds(15) else { continue }
            lastResend = clock.now
            let missing = confirmed.subtracting(answered.withLock { $0 })
            progress.resent(missing.count)
            let queue = try await replies.queueName()
            _ = try? await publisher.publish(try missing.map { id in
                try submission(id: id, index: Int(id.split(separator: "-").last!)!, replyTo: queue)
            })
        }
        let unanswered = confirmed.subtracting(answered.withLock { $0 })
        collecting.cancel()
        let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))
        defer { database.shutdown() }
        var audit = try await FlowAudit.run(prefix: prefix, expected: confirmed.count, on: database)
        while !audit.isClean, clock.now - settleStart < .seconds(300) {
            try await Task.sleep(for: .seconds(2))
            audit = try await FlowAudit.run(prefix: prefix, expected: confirmed.count, on: database)
        }
        replies.close()
        publisher.shutdown()

        print("chaos run (\(cluster ? "three-node cluster" : "single broker")): \(count) submissions at 100/s, \(progress.repeats) repeated")
        print("faults:            \(progress.faults.joined(separator: "; "))")
        print("lost:              \(audit.lost.count)")
        print("duplicated:        \(audit.duplicated.count)")
        print("stuck:             \(audit.stuck.count) (never assigned)")
        print("assigned twice:    \(audit.assignedTwice.count)")
        print("acknowledged twice: \(audit.acknowledgedTwice.count)")
        print("unanswered:        \(unanswered.count) (confirmed, and no reply even to \(progress.resends) resends)")
        print("repaired by hand:  \(progress.repairs.count)\(progress.repairs.isEmpty ? "" : " (\(progress.repairs.joined(separator: ", ")))")")
        print("settled in:        \(Int(seconds(clock.now - settleStart))) s after the last submission; whole run \(Int(seconds(clock.now - started))) s")
        if !audit.lost.isEmpty || !audit.stuck.isEmpty {
            print("examples:          lost \(audit.lost.prefix(3)), stuck \(audit.stuck.prefix(3))")
        }
        if !audit.isClean || !unanswered.isEmpty || !progress.repairs.isEmpty { exit(1) }
    }

    /// What the run has done so far; shared by the submitter and the fault injector.
    final class Progress: Sendable {
        private struct State {
            var confirmed = Set<String>()
            var sent = 0
            var repeats = 0
            var faults: [String] = []
            var resends = 0
            var repairs: [String] = []
        }
        private let state = Mutex(State())
        var confirmed: Set<String> { state.withLock { $0.confirmed } }
        var sent: Int { state.withLock { $0.sent } }
        var repeats: Int { state.withLock { $0.repeats } }
        var faults: [String] { state.withLock { $0.faults } }
        var repairs: [String] { state.withLock { $0.repairs } }
        var resends: Int { state.withLock { $0.resends } }
        func resent(_ count: Int) { state.withLock { $0.resends += count } }
        func confirm(_ ids: [String], repeats: Int) {
            state.withLock { state in
                state.confirmed.formUnion(ids)
                state.sent += ids.count
                state.repeats += repeats
            }
        }
        func fault(_ text: String) {
            say("fault: \(text)")
            state.withLock { $0.faults.append(text) }
        }
        func repaired(_ instance: String) { state.withLock { $0.repairs.append(instance) } }
    }

    /// Ten a tick, ten ticks a second. A batch the broker did not confirm (it was away, say) is
    /// sent again until it is: the submission id makes a resend harmless.
    private static func submit(count: Int, prefix: String, replies: AMQPConsumer, publisher: AMQPPublisher,
                               progress: Progress) async throws {
        var next = 0
        var pending: [(id: String, index: Int, isRepeat: Bool)] = []
        var generator = SystemRandomNumberGenerator()
        var tick = clock.now
        while next < count || !pending.isEmpty {
            tick = tick + .milliseconds(100)
            try await Task.sleep(until: tick)
            if pending.isEmpty {
                for _ in 0..<10 where next < count {
                    let confirmed = progress.confirmed
                    if !confirmed.isEmpty, Int.random(in: 0..<20, using: &generator) == 0, let id = confirmed.randomElement() {
                        pending.append((id, Int(id.split(separator: "-").last!)!, true))
                    } else {
                        pending.append(("\(prefix)-\(next)", next, false))
                        next += 1
                    }
                }
            }
            // The reply queue is named anew whenever the gateway reconnects.
            let replyQueue = (try? await replies.queueName(timeout: .seconds(1))) ?? ""
            let messages = try pending.map { try submission(id: $0.id, index: $0.index, replyTo: replyQueue) }
            do {
                try await publisher.publish(messages)
                progress.confirm(pending.map(\.id), repeats: pending.filter(\.isRepeat).count)
                pending.removeAll()
            } catch {
                tick = clock.now + .milliseconds(500)  // the broker is away; try the same batch again shortly
            }
        }
    }

    private static func submission(id: String, index: Int, replyTo: String) throws -> OutgoingMessage {
        OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.phone",
                        body: Array(try JSONSerialization.data(withJSONObject: benchSubmission(id: id, index: index))),
                        correlationID: id, replyTo: replyTo)
    }

    /// The campaign, each fault when its share of the submissions has gone in.
    private static func injectFaults(progress: Progress, total: Int) async throws {
        func at(_ share: Double) async throws {
            while Double(progress.sent) < share * Double(total) { try await Task.sleep(for: .milliseconds(200)) }
        }
        try await at(0.08)
        try await kill("intake", progress)
        try await at(0.16)
        progress.fault("second replicas of intake and dispatch started")
        for instance in ["intake@2", "dispatch@2"] { _ = try await DeployScript.run(["service", "start", instance, profile]) }
        try await at(0.24)
        try await kill("classification", progress)
        try await at(0.32)
        try await kill("dispatch", progress)
        try await at(0.42)
        if cluster {
            let leader = try await DeployScript.output(["cluster", "leader", "intake.submissions", profile])
            let node = leader.split(separator: "@").first.flatMap { $0.last }.map(String.init) ?? "1"
            progress.fault("killed cluster node \(node) (\(leader.trimmingCharacters(in: .whitespacesAndNewlines)), leading intake.submissions) for 20 s")
            _ = try await DeployScript.run(["cluster", "kill", node, profile])
            try await Task.sleep(for: .seconds(20))
            _ = try await DeployScript.run(["cluster", "start", node, profile])
        } else {
            progress.fault("killed RabbitMQ for 30 s")
            _ = try await DeployScript.run(["service", "kill", "rabbitmq", profile])
            try await Task.sleep(for: .seconds(30))
            _ = try await DeployScript.run(["service", "start", "rabbitmq", profile])
        }
        try await recovered(progress)
        try await at(0.55)
        try await kill("notification", progress)
        try await at(0.65)
        progress.fault("PostgreSQL stopped with -m immediate for 10 s")
        _ = try await DeployScript.run(["service", "kill", "postgres", profile])
        try await Task.sleep(for: .seconds(10))
        _ = try await DeployScript.run(["service", "start", "postgres", profile])
        try await recovered(progress)
        try await at(0.8)
        progress.fault("SIGTERM of the second replicas of intake and dispatch")
        for instance in ["intake@2", "dispatch@2"] { _ = try await DeployScript.run(["service", "stop", instance, profile]) }
        try await recovered(progress)
    }

    private static func kill(_ service: String, _ progress: Progress) async throws {
        progress.fault("SIGKILL of \(service), restarted")
        _ = try await DeployScript.run(["service", "kill", service, profile])
        try await Task.sleep(for: .milliseconds(300))
        _ = try await DeployScript.run(["service", "start", service, profile])
        try await recovered(progress)
    }

    /// Every running instance ready again within a minute, on its own; one that is not is
    /// restarted, and that counts against the run.
    private static func recovered(_ progress: Progress) async throws {
        let deadline = clock.now + .seconds(60)
        var waiting = Set(services)
        while !waiting.isEmpty, clock.now < deadline {
            for service in waiting where await isReady(service) { waiting.remove(service) }
            if !waiting.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        for service in waiting.sorted() {
            say("\(service) did not recover on its own; restarting it")
            progress.repaired(service)
            _ = try await DeployScript.run(["service", "restart", service, profile])
        }
    }

    private static func isReady(_ service: String) async -> Bool {
        guard let url = URL(string: setting("KEFU_\(service.uppercased())_URL") + "/health/ready") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        let status = try? await URLSession.shared.data(for: request).1
        return (status as? HTTPURLResponse)?.statusCode == 200
    }

    private static func addAgents() async throws {
        for index in 0..<10 {
            var request = URLRequest(url: URL(string: setting("KEFU_DISPATCH_URL") + "/v1/agents")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(try benchToken(.admin))", forHTTPHeaderField: "Authorization")
            request.httpBody = try JSONSerialization.data(withJSONObject: [
                "id": "chaos-agent-\(index)", "name": "Chaos Agent \(index)", "max_open": 1_000_000, "daily_cap": 1_000_000,
            ])
            _ = try await URLSession.shared.data(for: request)
        }
    }
}

private func say(_ text: String) {
    FileHandle.standardError.write(Data("kefu chaos: \(text)\n".utf8))
}
