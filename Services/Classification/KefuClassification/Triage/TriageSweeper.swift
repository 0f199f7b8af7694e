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
        let logger = runtime.logger
        await runtime.sweep(every: interval, failure: "triage sweep failed",
                            onProgress: { logger.info("triage timed out", metadata: ["tickets": "\($0)"]) }) { work in
            try TriageStore.releaseOverdue(at: Date(), in: work)
        }
    }
}
