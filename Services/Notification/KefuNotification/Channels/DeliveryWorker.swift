import Foundation
import KefuServiceKit
import Logging
import Metrics
import ServiceLifecycle

/// Sends one channel's due deliveries: `concurrency` slots, each claiming a few deliveries,
/// attempting them in turn under the channel's rate limit and recording the outcomes. On
/// shutdown the slots finish the attempts in hand and stop claiming.
struct DeliveryWorker: Service {
    let channel: Channel
    let transport: any ChannelTransport
    let runtime: ServiceRuntime
    let configuration: NotificationConfiguration
    let limiter = RateLimiter()

    static let claimSize = 5

    /// Deliveries by channel and verdict, for the notification-failure alert (docs/operations.md).
    private func counter(_ verdict: DeliveryQueue.Verdict) -> Counter {
        Counter(label: "kefu_deliveries_total", dimensions: [("channel", channel.rawValue), ("result", verdict.rawValue)])
    }

    func run() async throws {
        // Served at 0 from the start, so that a rate over them is defined before the first failure.
        for verdict in DeliveryQueue.Verdict.allCases { _ = counter(verdict) }
        let slots = configuration.concurrency
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<slots {
                group.addTask {
                    await runPeriodically(every: .milliseconds(100), logger: runtime.logger,
                                          failure: "\(channel.rawValue) deliveries failed") {
                        while try await sendDueBatch() > 0, !Task.isShuttingDownGracefully {}
                    }
                }
            }
        }
        await transport.shutdown()
    }

    /// One claim's worth; returns how many were due.
    private func sendDueBatch() async throws -> Int {
        // Long enough for the claim's attempts; a worker that died holding it frees it soon after.
        let lease = configuration.timeout * Double(Self.claimSize) + 5
        let claimed = try await runtime.transaction { work in
            try DeliveryQueue.claim(channel, limit: Self.claimSize, lease: lease, in: work)
        }
        guard !claimed.isEmpty else { return 0 }
        var outcomes: [DeliveryQueue.Outcome] = []
        for delivery in claimed {
            await waitForRate()
            let started = Date()
            let result: Result<DeliveryReceipt, DeliveryFailure>
            do {
                result = .success(try await transport.send(delivery))
            } catch let failure as DeliveryFailure {
                result = .failure(failure)
            } catch {
                result = .failure(DeliveryFailure(reason: "\(error)"))
            }
            if case .failure(let failure) = result {
                runtime.logger.warning("delivery attempt failed", metadata: [
                    "delivery_id": "\(delivery.id)", "channel": "\(channel.rawValue)", "attempt": "\(delivery.attempt)",
                    "reason": "\(failure.reason)"])
            }
            outcomes.append(.init(delivery: delivery, startedAt: started, finishedAt: Date(), result: result))
        }
        let backoff = Backoff(base: configuration.retry.baseDelay, cap: configuration.retry.maxDelay)
        let verdicts = try await runtime.transaction { [outcomes] work in
            try outcomes.map { try DeliveryQueue.record($0, backoff: backoff, in: work) }
        }
        // Counted once committed (docs/operations.md, "Alerts").
        for verdict in verdicts { counter(verdict).increment() }
        return claimed.count
    }

    private func waitForRate() async {
        let rate = configuration.rates[channel.rawValue] ?? 10
        while let wait = limiter.acquire(channel.rawValue, rate: rate, burst: max(1, rate / 10)) {
            try? await Task.sleep(for: wait)
        }
    }
}
