import Foundation

/// Exponential backoff with jitter: the n-th retry waits between half and all of
/// base × 2^(n-1), capped, so that many deliveries failing together do not retry together.
struct Backoff: Sendable {
    let base: Double
    let cap: Double

    func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let full = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        return full / 2 + full / 2 * random
    }
}
