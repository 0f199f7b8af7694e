import Foundation
import KefuServiceKit
import KefuStorage
import ServiceLifecycle

/// The safety net under assignment, one per replica.
///
/// Every tick it gives a second try to tickets that waited only because other transactions held
/// every candidate for a moment (two replicas assigning at once, say). When capacity has freed
/// up anywhere since its last look (`dispatch.capacity_freed` moved), it walks the whole waiting
/// queue, a page per transaction, until no agent has room or the queue ends; and it walks it
/// anyway every `fullPassInterval`, in case a change of capacity was missed.
struct QueueDrainer: Service {
    let runtime: ServiceRuntime
    var interval: Duration = .seconds(1)
    var fullPassInterval: Duration = .seconds(30)
    var pageSize = 100

    func run() async throws {
        var lastSignal: Int64 = -1
        var lastFullPass = ContinuousClock.now
        // A move seen before the transaction that made it has committed is looked at again next tick.
        var recentMove = false
        await runPeriodically(every: interval, logger: runtime.logger, failure: "queue drain failed") {
            while try await runtime.transaction({ try Assigner.retryContended(limit: pageSize, in: $0) }) > 0 {}
            let signal = try await runtime.read { connection in
                try connection.query("SELECT last_value FROM dispatch.capacity_freed").first!.require("last_value", as: Int64.self)
            }
            let moved = signal != lastSignal
            lastSignal = signal
            guard moved || recentMove || ContinuousClock.now - lastFullPass > fullPassInterval else { return }
            recentMove = moved
            lastFullPass = .now
            var cursor: Assigner.QueueCursor?
            repeat {
                cursor = try await runtime.transaction { [cursor, pageSize] work in
                    try Assigner.drainQueue(after: cursor, limit: pageSize, in: work).next
                }
            } while cursor != nil && !Task.isShuttingDownGracefully
        }
    }
}
