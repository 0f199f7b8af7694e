import Foundation
import Testing

/// The alerting rules and the dashboard in deploy/monitoring name only metrics the running
/// services really serve at `/metrics`.
@Suite("Alerts and dashboard against the served metrics")
struct MonitoringTests {
    static let services = ["intake", "classification", "dispatch", "notification", "survey", "console"]
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Metric families by name, as each service's `/metrics` declares them (`# TYPE name kind`).
    func served() async throws -> [String: String] {
        var families: [String: String] = [:]
        for service in Self.services {
            let answer = try await HTTP.get(try Stack.url(service).appending(path: "metrics"), token: nil)
            #expect(answer.status == 200, "\(service) /metrics")
            for line in String(decoding: answer.body, as: UTF8.self).split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { families[String(parts[2])] = String(parts[3]) }
            }
        }
        return families
    }

    /// The kefu_ metric names an expression uses; a histogram's series name its family.
    static func named(in text: String) -> Set<String> {
        Set(text.matches(of: /kefu_[a-z_]+/).map { match in
            var name = String(match.output)
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
            return name
        })
    }

    @Test("every kefu_ metric the alerts and the dashboard use is served, and each alert has what Prometheus needs")
    func namesServed() async throws {
        let families = try await served()
        for family in ["kefu_ready", "kefu_database_up", "kefu_broker_up", "kefu_outbox_pending", "kefu_outbox_oldest_pending_seconds",
                       "kefu_sla_breaches_total", "kefu_deliveries_total", "kefu_messages_dead_lettered_total"] {
            #expect(families[family] != nil, "\(family) is served")
        }
        let rules = try String(contentsOf: Self.root.appendingPathComponent("deploy/monitoring/kefu-alerts.yaml"), encoding: .utf8)
        let dashboard = try Data(contentsOf: Self.root.appendingPathComponent("deploy/monitoring/kefu-dashboard.json"))
        let panels = try #require((try JSONSerialization.jsonObject(with: dashboard) as? [String: Any])?["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 8)
        let used = Self.named(in: rules).union(Self.named(in: expressions.joined(separator: "\n")))
        #expect(used.count >= 8)
        #expect(used.subtracting(families.keys).isEmpty, "named but not served: \(used.subtracting(families.keys).sorted())")
        let alerts = rules.matches(of: /- alert: (\w+)/).count
        #expect(alerts >= 6 && rules.matches(of: #/\n\s+expr: /#).count == alerts && rules.matches(of: #/summary: /#).count == alerts)
    }

    @Test("readiness and the outbox backlog are sampled at each scrape")
    func healthGauges() async throws {
        let answer = try await HTTP.get(try Stack.url("intake").appending(path: "metrics"), token: nil)
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(text.contains("\nkefu_ready 1"), "a healthy intake is ready")
        #expect(text.contains("\nkefu_database_up 1") && text.contains("\nkefu_broker_up 1"))
        #expect(text.matches(of: /\nkefu_outbox_pending \d+/).count == 1)
    }
}
