import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the stack started by `deploy/kefu test` listens. The script exports these from the
/// env file it writes; running `swift test` by hand works after `set -a; . .state/test/kefu.env`.
enum Stack {
    static let environment = ProcessInfo.processInfo.environment

    static func value(_ key: String) throws -> String {
        guard let value = environment[key], !value.isEmpty else {
            throw StackError("\(key) is not set: run the tests through deploy/kefu test")
        }
        return value
    }

    static var isAvailable: Bool { environment["KEFU_INTAKE_URL"] != nil }

    static func url(_ service: String) throws -> URL { URL(string: try value("KEFU_\(service.uppercased())_URL"))! }
    static func amqp(_ user: String) throws -> AMQPConfiguration { try AMQPConfiguration(url: try value("KEFU_\(user.uppercased())_AMQP_URL")) }
    static func database(_ user: String) throws -> PostgresPool {
        PostgresPool(configuration: .init(url: try value("KEFU_\(user.uppercased())_DATABASE_URL")))
    }

    /// The operator's admin token that `deploy/kefu` writes to the env file; every HTTP call in
    /// the tests uses it unless it passes another.
    static var adminToken: String? { environment["KEFU_ADMIN_TOKEN"] }

    /// A token signed with the stack's key, for tests of who may do what.
    static func token(_ role: Role, subject: String = unique("caller"), scopes: [Scope]? = nil,
                      lifetime: Duration = .seconds(3600), issuedAt: Date = Date(), rate: Double? = nil) throws -> String {
        guard let signer = TokenSigner(secret: try value("KEFU_AUTH_KEY")) else { throw StackError("KEFU_AUTH_KEY is too short") }
        return try signer.sign(AccessToken(subject: subject, role: role, scopes: scopes, issuedAt: issuedAt,
                                           lifetime: lifetime, rateLimit: rate))
    }

    static let logger: Logger = {
        var logger = Logger(label: "kefu.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `deploy/kefu service ACTION NAME test`, which finds the service by its pid file.
    ///
    /// Spawned and reaped by hand on a dispatch thread: Foundation's `Process` can miss the exit
    /// of a script whose children outlive it, and `waitpid` must not block the cooperative pool.
    static func service(_ action: String, _ name: String) async throws {
        let status = await run(["/bin/bash", script, "service", action, name, "test"])
        guard status == 0 else { throw StackError("deploy/kefu service \(action) \(name) failed (\(status))") }
    }

    /// deploy/kefu, the stack's own script.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/kefu").path

    /// Runs a program to its end and answers its wait status.
    static func run(_ arguments: [String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var pid: pid_t = 0
                let argv = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else {
                    continuation.resume(returning: -1)
                    return
                }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                continuation.resume(returning: status)
            }
        }
    }

    static func pid(of service: String) throws -> Int32 {
        let path = try value("KEFU_STATE_DIR") + "/pids/\(service).pid"
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text) else { throw StackError("no pid for \(service)") }
        return pid
    }
}

struct StackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small HTTP client for the services' APIs.
struct HTTP {
    struct Reply {
        let status: Int
        let body: Data
        let contentType: String?
        var headers: [String: String] = [:]
        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
        }
        func jsonArray() throws -> [[String: Any]] {
            try JSONSerialization.jsonObject(with: body) as? [[String: Any]] ?? []
        }
    }

    static func send(_ method: String, _ url: URL, json: Any? = nil, body: Data? = nil,
                     contentType: String = "application/json", token: String? = Stack.adminToken) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"),
                     headers: http.allHeaderFields as? [String: String] ?? [:])
    }

    static func get(_ url: URL, token: String? = Stack.adminToken) async throws -> Reply {
        try await send("GET", url, token: token)
    }
}

/// A monitoring tool's view of `kefu.events`: its own exclusive queue, with the monitor user.
final class EventMonitor: Sendable {
    let consumer: AMQPConsumer

    init(bindingKey: String = "#") async throws {
        consumer = AMQPConsumer(configuration: try Stack.amqp("monitor"),
                                source: .exclusive(bindings: [.init(exchange: KefuExchange.events, routingKey: bindingKey)]),
                                prefetch: 500, logger: Stack.logger)
        consumer.start()
        _ = try await consumer.queueName()
    }

    /// Collects events until `done` holds for what was collected, or the time runs out.
    func collect(timeout: Duration = .seconds(30), until done: ([StatusEvent]) -> Bool) async throws -> [StatusEvent] {
        var events: [StatusEvent] = []
        let deadline = ContinuousClock.now + timeout
        while !done(events), ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            guard let batch = await consumer.nextBatch(maximum: 500, timeout: remaining), !batch.isEmpty else { break }
            for delivery in batch {
                events.append(try KefuJSON.decode(StatusEvent.self, from: delivery.body))
            }
            consumer.settle(batch.map { ($0, .ack) })
        }
        return events
    }

    func close() { consumer.close() }
}

/// An integrator's gateway: publishes submissions and reads replies on its exclusive queue.
final class Gateway: Sendable {
    let publisher: AMQPPublisher
    let replies: AMQPConsumer
    let replyQueue: String

    init() async throws {
        let configuration = try Stack.amqp("integrator")
        publisher = AMQPPublisher(configuration: configuration, logger: Stack.logger)
        publisher.start()
        replies = AMQPConsumer(configuration: configuration, source: .exclusive(bindings: []), prefetch: 500,
                               logger: Stack.logger)
        replies.start()
        replyQueue = try await replies.queueName()
    }

    func submit(_ submissions: [[String: Any]], channel: String = "phone") async throws {
        let messages = try submissions.map { submission in
            OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.\(channel)",
                            body: Array(try JSONSerialization.data(withJSONObject: submission)),
                            correlationID: submission["submission_id"] as? String, replyTo: replyQueue)
        }
        for chunk in stride(from: 0, to: messages.count, by: 200) {
            try await publisher.publish(Array(messages[chunk..<min(chunk + 200, messages.count)]))
        }
    }

    /// Publishes raw bodies as they are, 500 to a batch of confirms.
    func publishRaw(_ messages: [(body: [UInt8], routingKey: String, contentType: String, correlationID: String)]) async throws {
        let outgoing = messages.map {
            OutgoingMessage(exchange: KefuExchange.intake, routingKey: $0.routingKey, body: $0.body, contentType: $0.contentType,
                            correlationID: $0.correlationID, replyTo: replyQueue)
        }
        for chunk in stride(from: 0, to: outgoing.count, by: 500) {
            try await publisher.publish(Array(outgoing[chunk..<min(chunk + 500, outgoing.count)]))
        }
    }

    func publishRaw(_ body: [UInt8], routingKey: String, contentType: String, correlationID: String) async throws {
        try await publisher.publish([OutgoingMessage(exchange: KefuExchange.intake, routingKey: routingKey, body: body,
                                                     contentType: contentType, correlationID: correlationID,
                                                     replyTo: replyQueue)])
    }

    /// Replies keyed by correlation id, until `count` have arrived.
    func replies(count: Int, timeout: Duration = .seconds(30)) async throws -> [String: IngressReply] {
        var replies: [String: IngressReply] = [:]
        let deadline = ContinuousClock.now + timeout
        while replies.count < count, ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            guard let batch = await self.replies.nextBatch(maximum: 500, timeout: remaining), !batch.isEmpty else { break }
            for delivery in batch {
                replies[delivery.correlationID ?? ""] = try KefuJSON.decode(IngressReply.self, from: delivery.body)
            }
            self.replies.settle(batch.map { ($0, .ack) })
        }
        return replies
    }

    func close() {
        replies.close()
        publisher.shutdown()
    }
}

/// A phone submission as a gateway sends it, with a unique id.
func phoneSubmission(_ id: String, body: String = "客户来电：泵车臂架无法展开，工地急用。") -> [String: Any] {
    [
        "submission_id": id,
        "channel": "phone",
        "received_at": "2026-11-23T08:00:00Z",
        "customer": ["name": "张伟", "phone": "+86 138 \(String(format: "%04d", abs(id.hashValue) % 10000)) 0000",
                     "tier": "vip"],
        "subject": "泵车臂架无法展开",
        "body": body,
        "language": "zh-CN",
        "metadata": ["ivr_path": "2-1"],
    ]
}

/// Polls `check` until it returns a value or the time runs out.
func eventually<T>(timeout: Duration = .seconds(30), _ check: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = try await check() { return value }
        try await Task.sleep(for: .milliseconds(100))
    }
    return nil
}

func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

/// Tests that start, stop or kill services take turns, so that one test's second replica or
/// restart never lands in the middle of another's count of what a process left behind.
actor ServiceTurns {
    static let shared = ServiceTurns()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// Runs `body` while no other test changes which services run.
func withServicesToMyself<T>(_ body: () async throws -> T) async throws -> T {
    await ServiceTurns.shared.acquire()
    do {
        let result = try await body()
        await ServiceTurns.shared.release()
        return result
    } catch {
        await ServiceTurns.shared.release()
        throw error
    }
}

/// RabbitMQ's management API, as the stack's admin user: for looking at queues and connections
/// from the outside, and closing connections as an operator would.
enum Management {
    static func call(_ method: String, _ path: String, json: Any? = nil) async throws -> (status: Int, body: Data) {
        let base = try Stack.value("KEFU_AMQP_MANAGEMENT_URL")
        let admin = try Stack.value("KEFU_ADMIN_AMQP_URL")
        let credentials = String(admin.dropFirst("amqp://".count).prefix { $0 != "@" })
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Basic " + Data(credentials.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    static func get(_ path: String) async throws -> Any {
        try JSONSerialization.jsonObject(with: try await call("GET", path).body)
    }

    /// The names of the connections a broker user holds now.
    static func connections(user: String) async throws -> [String] {
        let list = try await get("/api/connections") as? [[String: Any]] ?? []
        return list.filter { $0["user"] as? String == user }.compactMap { $0["name"] as? String }
    }

    /// The connections a client opened under `connectionName` (AMQPConfiguration.Options).
    static func connections(named connectionName: String) async throws -> [String] {
        let list = try await get("/api/connections") as? [[String: Any]] ?? []
        return list.filter { $0["user_provided_name"] as? String == connectionName }.compactMap { $0["name"] as? String }
    }

    /// Closes every connection of `user`, as an operator (or a broker restart) would.
    static func closeConnections(user: String) async throws -> [String] {
        try await close(try await connections(user: user))
    }

    static func closeConnections(named connectionName: String) async throws -> [String] {
        try await close(try await connections(named: connectionName))
    }

    private static func close(_ names: [String]) async throws -> [String] {
        for name in names {
            _ = try await call("DELETE", "/api/connections/" + name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        }
        return names
    }

    /// A queue's ready and unacknowledged counts, as the broker last reported them.
    static func queueCounts(_ queue: String) async throws -> (ready: Int, unacknowledged: Int) {
        let info = try await get("/api/queues/kefu/" + queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            as? [String: Any] ?? [:]
        return (info["messages_ready"] as? Int ?? -1, info["messages_unacknowledged"] as? Int ?? -1)
    }

    static func deleteQueue(_ queue: String) async throws {
        _ = try await call("DELETE", "/api/queues/kefu/" + queue.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
    }
}
