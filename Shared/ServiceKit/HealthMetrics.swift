import KefuStorage
import Metrics

/// Readiness and the outbox's backlog as gauges, sampled each time `/metrics` is scraped, so that
/// alerts need nothing but the scrape (docs/operations.md, "Alerts").
enum HealthMetrics {
    static func sample(runtime: ServiceRuntime, broker: ServiceRunner.BrokerReadiness) async {
        let database = await runtime.pool.isReachable()
        Gauge(label: "kefu_ready").record(database && broker.isUp ? 1 : 0)
        Gauge(label: "kefu_database_up").record(database ? 1 : 0)
        Gauge(label: "kefu_broker_up").record(broker.isUp ? 1 : 0)
        guard database else { return }
        let schema = runtime.schema
        guard let backlog = try? await runtime.read({ try OutboxRelay.backlog(schema: schema, on: $0) }) else { return }
        Gauge(label: "kefu_outbox_pending").record(backlog.pending)
        Gauge(label: "kefu_outbox_oldest_pending_seconds").record(backlog.oldestSeconds)
    }
}
