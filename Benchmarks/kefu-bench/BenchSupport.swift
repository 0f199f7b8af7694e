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

/// `deploy/kefu` as the benchmarks run it: the fault campaign and the broker stall.
enum DeployScript {
    /// Runs `deploy/kefu ARGS` to its end; its exit status.
    static func run(_ arguments: [String]) async throws -> Int32 {
        try await spawn(["/bin/bash", "deploy/kefu"] + arguments, capture: false).status
    }

    static func output(_ arguments: [String]) async throws -> String {
        try await spawn(["/bin/bash", "deploy/kefu"] + arguments, capture: true).output
    }

    /// Spawned and reaped on a dispatch thread, so that `waitpid` never blocks the cooperative pool.
    static func spawn(_ arguments: [String], capture: Bool) async throws -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var pipe: [Int32] = [-1, -1]
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                if capture, Glibc.pipe(&pipe) == 0 {
                    posix_spawn_file_actions_adddup2(&actions, pipe[1], STDOUT_FILENO)
                    posix_spawn_file_actions_addclose(&actions, pipe[0])
                }
                var pid: pid_t = 0
                let argv = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else {
                    continuation.resume(returning: (-1, ""))
                    return
                }
                var output = Data()
                if capture {
                    close(pipe[1])
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let read = Glibc.read(pipe[0], &buffer, buffer.count)
                        if read <= 0 { break }
                        output.append(contentsOf: buffer[0..<read])
                    }
                    close(pipe[0])
                }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: (status, String(decoding: output, as: UTF8.self)))
            }
        }
    }
}
