import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuAudit
import KefuContracts
import KefuStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// docs/architecture.md, rule 4, tested the hard way: the broker or the database stays away
/// while clients retry, services are killed one after another under load, and a rolling restart
/// runs through two replicas of everything. Afterwards every submission has exactly one ticket,
/// assigned once and acknowledged once (`FlowAudit`).
@Suite("Sustained outages, kills and rolling restarts under load", .serialized)
struct SustainedOutageTests {
    static let services = ["intake", "classification", "dispatch", "notification", "survey", "console", "knowledge"]

    /// Every service's readiness answer: status code and body.
    private func readiness(_ instances: [String] = services) async -> [String: (status: Int, body: [String: Any])] {
        var answers: [String: (Int, [String: Any])] = [:]
        for instance in instances {
            let service = String(instance.split(separator: "@").first!)
            let replica = instance.contains("@") ? Int(instance.split(separator: "@").last!)! : 1
            guard var url = try? Stack.url(service) else { continue }
            if replica > 1, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
                components.port = (components.port ?? 0) + 100 * (replica - 1)
                url = components.url!
            }
            let reply = try? await HTTP.get(url.appending(path: "health/ready"), token: nil)
            answers[instance] = (reply?.status ?? 0, (try? reply?.json()) ?? [:])
        }
        return answers
    }

    private func pids(_ instances: [String] = services) throws -> [String: Int32] {
        Dictionary(uniqueKeysWithValues: try instances.map { ($0, try Stack.pid(of: $0)) })
    }

    /// Resident memory in KiB, from /proc.
    private func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    private func addRoomyAgent() async throws {
        _ = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/agents"),
                                json: ["id": unique("outage-agent"), "name": "Outage Test Agent", "max_open": 1_000_000,
                                       "daily_cap": 1_000_000])
    }

    /// Submits over HTTP as the integrator; the answer's status.
    private func submitOverHTTP(_ id: String) async throws -> Int {
        var submission = phoneSubmission(id)
        submission["channel"] = "web"
        return try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: submission,
                                   token: try Stack.value("KEFU_INTEGRATOR_TOKEN")).status
    }

    /// Waits until the audit of `prefix` is clean, or the time runs out; the last audit.
    private func settledAudit(prefix: String, expected: Int, timeout: Duration = .seconds(180)) async throws -> FlowAudit {
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        var audit = try await FlowAudit.run(prefix: prefix, expected: expected, on: admin)
        let deadline = ContinuousClock.now + timeout
        while !audit.isClean, ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(1))
            audit = try await FlowAudit.run(prefix: prefix, expected: expected, on: admin)
        }
        return audit
    }

    @Test("the broker killed and kept away for 30 s while submissions arrive over HTTP")
    func brokerAway() async throws {
        try await withServicesToMyself {
            try await addRoomyAgent()
            let before = try pids()
            let memoryBefore = before.mapValues(residentKiB)
            try await Stack.service("kill", "rabbitmq")
            var restarted = false
            defer { if !restarted { Task { try? await Stack.service("start", "rabbitmq") } } }

            let allDown = try await eventually(timeout: .seconds(15)) { () -> Bool? in
                let answers = await readiness()
                return answers.values.allSatisfy { $0.status == 503 && $0.body["broker"] as? String == "down" } ? true : nil
            }
            #expect(allDown == true, "every service reports not-ready with the broker down")

            let prefix = unique("broker-away")
            var submitted = 0
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(30) {
                #expect(try await submitOverHTTP("\(prefix)-\(submitted)") == 201)
                submitted += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            let during = try pids()
            #expect(during == before, "no service crashed or restarted while the broker was away")
            for (service, pid) in during {
                let grown = residentKiB(pid) - memoryBefore[service]!
                #expect(grown < 64 * 1024, "\(service) grew by \(grown) KiB while retrying")
            }

            try await Stack.service("start", "rabbitmq")
            restarted = true
            let allReady = try await eventually(timeout: .seconds(60)) { () -> Bool? in
                await readiness().values.allSatisfy { $0.status == 200 } ? true : nil
            }
            #expect(allReady == true, "every service reconnected on its own")
            #expect(try pids() == before)
            let audit = try await settledAudit(prefix: prefix, expected: submitted)
            #expect(audit.isClean, "\(audit)")
        }
    }

    @Test("PostgreSQL killed with -m immediate and restarted while submissions arrive over AMQP")
    func databaseKilled() async throws {
        try await withServicesToMyself {
            try await addRoomyAgent()
            let before = try pids()
            let gateway = try await Gateway()
            defer { gateway.close() }
            let prefix = unique("db-killed")
            let count = 600
            let submitting = Task {
                for chunk in stride(from: 0, to: count, by: 20) {
                    try await gateway.submit((chunk..<min(chunk + 20, count)).map { phoneSubmission("\(prefix)-\($0)") })
                    try await Task.sleep(for: .milliseconds(400))
                }
            }
            try await Task.sleep(for: .seconds(3))
            try await Stack.service("kill", "postgres")
            let allDown = try await eventually(timeout: .seconds(15)) { () -> Bool? in
                await readiness().values.allSatisfy { $0.status == 503 && $0.body["database"] as? String == "down" } ? true : nil
            }
            #expect(allDown == true, "every service reports the database down")
            try await Task.sleep(for: .seconds(10))
            try await Stack.service("start", "postgres")
            let allReady = try await eventually(timeout: .seconds(60)) { () -> Bool? in
                await readiness().values.allSatisfy { $0.status == 200 } ? true : nil
            }
            #expect(allReady == true)
            try await submitting.value
            let replies = try await gateway.replies(count: count, timeout: .seconds(120))
            #expect(replies.count == count)
            #expect(replies.values.allSatisfy { $0.status == .accepted })
            #expect(try pids() == before, "no service crashed or restarted")
            let audit = try await settledAudit(prefix: prefix, expected: count)
            #expect(audit.isClean, "\(audit)")
        }
    }

    @Test("two replicas of everything: each service SIGKILLed in turn, then a rolling restart, under load")
    func killsAndRollingRestart() async throws {
        try await withServicesToMyself {
            try await addRoomyAgent()
            let seconds = Self.services.map { "\($0)@2" }
            for instance in seconds { try await Stack.service("start", instance) }
            do {
                let gateway = try await Gateway()
                defer { gateway.close() }
                let prefix = unique("rolling")
                let count = 1000
                let submitting = Task {
                    for chunk in stride(from: 0, to: count, by: 10) {
                        try await gateway.submit((chunk..<min(chunk + 10, count)).map { phoneSubmission("\(prefix)-\($0)") })
                        try await Task.sleep(for: .milliseconds(250))
                    }
                }
                for service in Self.services {
                    kill(try Stack.pid(of: service), SIGKILL)
                    try await Task.sleep(for: .milliseconds(300))
                    let started = ContinuousClock.now
                    try await Stack.service("start", service)
                    #expect(ContinuousClock.now - started < .seconds(15), "\(service) ready soon after its restart")
                }
                for service in Self.services {
                    for instance in [service, "\(service)@2"] { try await Stack.service("restart", instance) }
                }
                try await submitting.value
                let replies = try await gateway.replies(count: count, timeout: .seconds(120))
                #expect(replies.count == count)
                let audit = try await settledAudit(prefix: prefix, expected: count)
                #expect(audit.isClean, "\(audit)")
            } catch {
                for instance in seconds { try? await Stack.service("stop", instance) }
                throw error
            }
            for instance in seconds { try await Stack.service("stop", instance) }
        }
    }

    @Test("a broker stall: publishing blocks on a memory alarm, readiness says why, nothing is lost when it clears")
    func brokerStall() async throws {
        try await withServicesToMyself {
            try await addRoomyAgent()
            let before = try pids()
            let log = try Stack.value("KEFU_STATE_DIR") + "/logs/intake.log"
            func reconnects() -> Int {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "publisher connected").count
            }
            let reconnectsBefore = reconnects()
            #expect(await Stack.run(["/bin/bash", Stack.script, "ctl", "test", "set_vm_memory_high_watermark", "0.000001"]) == 0)
            let prefix = unique("stall")
            var slowest: Duration = .zero
            var blocked: [String: Any]?
            do {
                for index in 0..<50 {
                    let started = ContinuousClock.now
                    #expect(try await submitOverHTTP("\(prefix)-\(index)") == 201)
                    slowest = max(slowest, ContinuousClock.now - started)
                    try await Task.sleep(for: .milliseconds(100))
                }
                blocked = try await eventually(timeout: .seconds(15)) { () -> [String: Any]? in
                    let intake = await readiness(["intake"])["intake"]
                    return intake?.body["broker"] as? String == "blocked" ? intake?.body : nil
                }
                // Nothing leaves intake while the broker holds publishing back.
                try await Task.sleep(for: .seconds(12))  // longer than the confirm timeout
            } catch {
                _ = await Stack.run(["/bin/bash", Stack.script, "ctl", "test", "set_vm_memory_high_watermark", "0.4"])
                throw error
            }
            let admin = try Stack.database("admin")
            let assignedDuringStall = try await admin.withConnection { connection in
                try connection.query("""
                    SELECT count(*) AS n FROM dispatch.assignments a JOIN intake.tickets t ON t.number = a.ticket_number
                    WHERE t.submission_id LIKE $1
                    """, [prefix + "%"]).first!.require("n", as: Int.self)
            }
            admin.shutdown()
            #expect(await Stack.run(["/bin/bash", Stack.script, "ctl", "test", "set_vm_memory_high_watermark", "0.4"]) == 0)

            #expect(slowest < .seconds(1), "HTTP submissions were answered at once during the stall (slowest \(slowest))")
            #expect(blocked?["broker_reason"] as? String == "blocked: low on memory", "readiness says why: \(blocked ?? [:])")
            #expect(assignedDuringStall == 0, "nothing flowed while publishing was blocked")
            #expect(reconnects() == reconnectsBefore, "the blocked publisher waited instead of timing out and reconnecting")
            let audit = try await settledAudit(prefix: prefix, expected: 50)
            #expect(audit.isClean, "\(audit)")
            #expect(try pids() == before)
        }
    }
}
