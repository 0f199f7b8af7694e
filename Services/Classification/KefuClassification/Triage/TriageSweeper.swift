import Foundation
import KefuServiceKit
import Logging
import ServiceLifecycle

/// Sends on every ticket that waited in triage past the timeout, with the best guess, so that
/// no ticket waits there unseen.
struct TriageSweeper: Service {
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(1)

    func run() async throws {
        await runPeriodically(every: interval, logger: runtime.logger, failure: "triage sweep failed") {
            var released = 0
            repeat {
                released = try await runtime.transaction { work in try TriageStore.releaseOverdue(at: Date(), in: work) }
                if released > 0 { runtime.logger.info("triage timed out", metadata: ["tickets": "\(released)"]) }
            } while released > 0 && !Task.isShuttingDownGracefully
        }
    }
}
