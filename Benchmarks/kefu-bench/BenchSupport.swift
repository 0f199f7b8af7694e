import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit

let environment = ProcessInfo.processInfo.environment

func setting(_ key: String) -> String {
    guard let value = environment[key] else {
        FileHandle.standardError.write(Data("kefu-bench: \(key) is not set; source the stack's kefu.env\n".utf8))
        exit(2)
    }
    return value
}

let clock = ContinuousClock()

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

/// Latency percentiles of a set of samples, in milliseconds.
struct Percentiles {
    let sorted: [Double]

    init(_ samples: [Double]) { sorted = samples.sorted() }

    func value(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    var summary: String {
        String(format: "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms", value(0.50), value(0.95), value(0.99))
    }
}

/// A phone submission as a gateway sends it.
func benchSubmission(id: String, index: Int) -> [String: Any] {
    [
        "submission_id": id, "channel": "phone",
        "customer": ["phone": String(format: "+86138%08d", index % 100_000_000), "tier": "standard"],
        "subject": "设备故障", "body": "客户来电：设备无法启动，请尽快安排工程师。", "language": "zh-CN",
    ]
}

/// Publishes `count` phone submissions to `kefu.intake`, as fast as confirmed or paced at `rate`,
/// each replying to `replyQueue`; returns when each was sent, by submission id.
func publishSubmissions(count: Int, rate: Double?, idPrefix: String, replyQueue: String, publisher: AMQPPublisher,
                        start: ContinuousClock.Instant) async throws -> [String: ContinuousClock.Instant] {
    let chunkSize = rate.map { max(1, Int($0 / 50)) } ?? 200
    var submittedAt: [String: ContinuousClock.Instant] = [:]
    for chunk in stride(from: 0, to: count, by: chunkSize) {
        if let rate { try await Task.sleep(until: start + .seconds(Double(chunk) / rate)) }
        var messages: [OutgoingMessage] = []
        for index in chunk..<min(chunk + chunkSize, count) {
            let id = "\(idPrefix)-\(index)"
            messages.append(OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.phone",
                                            body: Array(try JSONSerialization.data(withJSONObject: benchSubmission(id: id, index: index))),
                                            correlationID: id, replyTo: replyQueue))
            submittedAt[id] = clock.now
        }
        try await publisher.publish(messages)
    }
    return submittedAt
}

/// A token of the benchmark's own, signed with the stack's key, with a rate limit well above what
/// it will send: the stock tokens would be throttled at 200 requests a second.
func benchToken(_ role: Role) throws -> String {
    guard let signer = TokenSigner(secret: setting("KEFU_AUTH_KEY")) else { exit(2) }
    return try signer.sign(AccessToken(subject: "kefu-bench", role: role, lifetime: .seconds(3600), rateLimit: 1_000_000))
}
