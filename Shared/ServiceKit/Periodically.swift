public import Logging
import ServiceLifecycle

/// Runs `tick` every `interval` until graceful shutdown, for a background `Service`'s `run()`.
/// A failing tick is logged as `failure` and tried again at the next one, so an outage of the
/// database never ends the service.
public func runPeriodically(every interval: Duration, logger: Logger, failure: String,
                            _ tick: () async throws -> Void) async {
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        do {
            try await tick()
        } catch {
            logger.warning("\(failure)", metadata: ["error": "\(error)"])
        }
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }
}

extension ServiceRuntime {
    /// For sweepers of due work: every `interval`, runs `batch` in a transaction, again and again
    /// while it reports having done something, so that a backlog clears at once rather than one
    /// batch a tick. Answers through `onProgress` how much each pass did.
    public func sweep(every interval: Duration, failure: String, onProgress: @escaping @Sendable (Int) -> Void = { _ in },
                      _ batch: @escaping @Sendable (UnitOfWork) throws -> Int) async {
        await runPeriodically(every: interval, logger: logger, failure: failure) {
            var done = 0
            repeat {
                done = try await transaction(batch)
                if done > 0 { onProgress(done) }
            } while done > 0 && !Task.isShuttingDownGracefully
        }
    }
}
