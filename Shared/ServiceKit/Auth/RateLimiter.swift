import Foundation
import Synchronization

/// A token bucket per bearer token: `rate` requests a second on average, bursts up to `burst`.
/// Counted per process; replicas each allow the rate.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock = ContinuousClock()

    public init() {}

    /// Takes one request from `key`'s bucket. Returns nil when allowed, or how long to wait.
    public func acquire(_ key: String, rate: Double, burst: Double) -> Duration? {
        let now = clock.now
        return buckets.withLock { buckets -> Duration? in
            if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }  // bounded memory
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
