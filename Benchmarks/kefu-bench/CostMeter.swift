import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuStorage

/// What a run cost, process by process: CPU seconds from /proc for each process `deploy/kefu`
/// started (with its children, live and exited: PostgreSQL's backends, RabbitMQ's helpers), SQL
/// statements from `pg_stat_statements`, and messages from the broker's management API. Figures
/// are differences between two snapshots, so the same meter compares any two changes in one run.
struct CostMeter {
    struct Snapshot {
        var cpuSeconds: [String: Double] = [:]
        var statements: Double?
        var published: Double?
        var delivered: Double?
    }

    let pidFolder = URL(fileURLWithPath: setting("KEFU_STATE_DIR")).appendingPathComponent("pids")
    let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))

    func snapshot() async -> Snapshot {
        var result = Snapshot()
        let table = Self.processTable()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pidFolder.path)) ?? []
        for file in names where file.hasSuffix(".pid") && !["smtp.pid", "http-sink.pid"].contains(file) {
            guard let text = try? String(contentsOf: pidFolder.appendingPathComponent(file), encoding: .utf8),
                  let pid = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            result.cpuSeconds[String(file.dropLast(4))] = Self.cpuSeconds(of: pid, in: table)
        }
        result.statements = try? await database.withConnection { connection in
            try connection.query("SELECT coalesce(sum(calls), 0)::float8 AS calls FROM pg_stat_statements").first?.require("calls")
        }
        if let overview = await Self.brokerOverview(), let stats = overview["message_stats"] as? [String: Any] {
            result.published = (stats["publish"] as? NSNumber)?.doubleValue
            result.delivered = ((stats["deliver_get"] ?? stats["deliver"]) as? NSNumber)?.doubleValue
        }
        return result
    }

    /// Waits until every process together uses under a tenth of a core, or a minute has passed:
    /// notification and survey go on working after the last ticket is assigned.
    func untilIdle() async -> (snapshot: Snapshot, idleAt: ContinuousClock.Instant) {
        var previous = await snapshot()
        for _ in 0..<60 {
            try? await Task.sleep(for: .seconds(1))
            let next = await snapshot()
            let used = next.cpuSeconds.reduce(0) { $0 + $1.value - (previous.cpuSeconds[$1.key] ?? $1.value) }
            previous = next
            if used < 0.1 { break }
        }
        let idleAt = clock.now
        // The management API samples every five seconds.
        try? await Task.sleep(for: .seconds(6))
        return (await snapshot(), idleAt)
    }

    /// The table benchmarks.md keeps: CPU per process and per ticket, statements and messages per ticket.
    func report(from start: Snapshot, to end: Snapshot, tickets: Int, wall: Double) {
        print("cost per ticket over the run (\(tickets) tickets, \(String(format: "%.1f", wall)) s until idle):")
        var total = 0.0
        for (name, after) in end.cpuSeconds.sorted(by: { $0.value - (start.cpuSeconds[$0.key] ?? 0) > $1.value - (start.cpuSeconds[$1.key] ?? 0) }) {
            let used = after - (start.cpuSeconds[name] ?? after)
            total += used
            print("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%7.2f s CPU  %6.3f ms a ticket  %5.1f %% of the machine", used,
                         1000 * used / Double(max(1, tickets)), 100 * used / (wall * Double(ProcessInfo.processInfo.activeProcessorCount))))
        }
        print("  " + "all".padding(toLength: 16, withPad: " ", startingAt: 0)
              + String(format: "%7.2f s CPU  %6.3f ms a ticket", total, 1000 * total / Double(max(1, tickets))))
        if let before = start.statements, let after = end.statements {
            print(String(format: "  SQL statements:  %.1f a ticket (pg_stat_statements)", (after - before) / Double(max(1, tickets))))
        }
        if let before = start.published, let after = end.published {
            print(String(format: "  broker messages: %.1f published, %.1f delivered a ticket (management API)",
                         (after - before) / Double(max(1, tickets)), ((end.delivered ?? 0) - (start.delivered ?? 0)) / Double(max(1, tickets))))
        }
    }

    func shutdown() { database.shutdown() }

    /// pid → (parent, own CPU ticks, exited children's CPU ticks), for every process.
    private static func processTable() -> [Int: (parent: Int, own: Double, children: Double)] {
        var table: [Int: (parent: Int, own: Double, children: Double)] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the command's closing parenthesis: state, ppid, …; utime is field 14 of the whole line.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 15, let parent = Int(fields[1]) else { continue }
            let ticks = { (index: Int) in Double(fields[index]) ?? 0 }
            table[pid] = (parent, ticks(11) + ticks(12), ticks(13) + ticks(14))
        }
        return table
    }

    private static func cpuSeconds(of root: Int, in table: [Int: (parent: Int, own: Double, children: Double)]) -> Double {
        guard let entry = table[root] else { return 0 }
        // Each live process's own time and its exited children's (which are no longer listed).
        var ticks = entry.own + entry.children
        var stack = [root]
        while let pid = stack.popLast() {
            for (child, row) in table where row.parent == pid {
                ticks += row.own + row.children
                stack.append(child)
            }
        }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func brokerOverview() async -> [String: Any]? {
        guard let base = ProcessInfo.processInfo.environment["KEFU_AMQP_MANAGEMENT_URL"],
              let admin = ProcessInfo.processInfo.environment["KEFU_ADMIN_AMQP_URL"].flatMap(URLComponents.init(string:)),
              let user = admin.user, let password = admin.password, let url = URL(string: base + "/api/overview") else { return nil }
        var request = URLRequest(url: url)
        request.setValue("Basic " + Data("\(user):\(password.removingPercentEncoding ?? password)".utf8).base64EncodedString(),
                         forHTTPHeaderField: "Authorization")
        guard let (data, _) = try? await URLSession.shared.data(for: request) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
