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
