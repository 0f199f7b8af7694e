import Foundation
import Metrics
import KefuServiceKit
import Logging
import ServiceLifecycle

/// Fires SLA warnings and breaches as they fall due, every second, on every replica; the
/// claim in `SLAClocks.fireDue` makes each fire once.
struct ClockSweeper: Service {
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(1)

    func run() async throws {
        // Served at 0 from the start, so that the breach-rate alert is defined before a breach.
        for target in SLAClocks.Target.allCases.map(\.rawValue) {
            _ = Counter(label: "kefu_sla_breaches_total", dimensions: [("target", target)])
        }
        await runtime.sweep(every: interval, failure: "SLA clock sweep failed") { work in try SLAClocks.fireDue(at: Date(), in: work) }
    }
}
