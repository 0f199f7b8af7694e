import AsyncHTTPClient
import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging
import NIOCore
import NIOHTTP1

/// The console under a desk's load: AGENTS people signed in, each with a live stream open, over
/// TICKETS open tickets shared among them. It measures the queue page and the ticket page (each
/// person's own, REQUESTS of each with CONCURRENCY in flight), and the delay from an action in
/// dispatch to its event arriving in the holder's open stream. The people are added with
/// `kefu-console user add`, as an operator would; the tickets come through the whole system.
enum ConsoleBenchmark {
    struct Person: Sendable {
        let username: String
        let agentID: String
        let cookie: String
    }

    /// Every person's stream holds a connection of its own, beside the page requests.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func run(agents agentCount: Int, tickets: Int, logger: Logger) async throws {
        let run = String(UUID().uuidString.prefix(6).lowercased())
        let base = setting("KEFU_CONSOLE_URL")
        let dispatch = ModelAPIBenchmark.API(base: setting("KEFU_DISPATCH_URL"), token: try benchToken(.admin))
        let database = PostgresPool(configuration: .init(url: setting("KEFU_ADMIN_DATABASE_URL")))
        defer { database.shutdown() }

        // People, each with a dispatch agent of their own and room for their share of the desk.
        var started = clock.now
        var signedIn: [Person] = []
        for index in 0..<agentCount {
            let username = "bench-\(run)-\(index)"
            let password = try addUser(username)
            _ = try await dispatch.send("PATCH", "/v1/agents/\(username)", body: try DispatchBenchmark.json([
                "max_open": tickets / agentCount + 50, "daily_cap": 1_000_000, "duty": "on"]))
            signedIn.append(try await signIn(base: base, username: username, password: password))
        }
        let people = signedIn
        report("console: \(agentCount) people added and signed in in \(String(format: "%.1f", seconds(clock.now - started))) s")

        started = clock.now
        try await submitAndWait(tickets, run: run, database: database, logger: logger)
        report("console: \(tickets) tickets submitted and assigned in \(String(format: "%.1f", seconds(clock.now - started))) s")
        let held = try await ticketsHeld(by: people, database: database)
        report("console: open tickets held by the signed-in people: \(held.values.map(\.count).reduce(0, +))")

        // Everyone's live stream, open while the pages are measured.
        let arrivals = Arrivals()
        let streams = people.map { person in Task { try await follow(base: base, person: person, into: arrivals) } }
        defer { streams.forEach { $0.cancel() } }
        try await Task.sleep(for: .seconds(2))

        for (name, concurrency) in [("queue page", 1), ("queue page", 8), ("ticket page", 1), ("ticket page", 8)] {
            let times = try await measure(requests: 1000, concurrency: concurrency) { index in
                let person = people[index % people.count]
                if name == "queue page" { return (person, "/queues/mine") }
                let own = held[person.agentID] ?? []
                return (person, "/tickets/\(own.isEmpty ? "none" : own[index / people.count % own.count])")
            }
            report("console: \(name) (\(tickets / max(1, agentCount)) tickets each), \(concurrency) in flight: "
                  + "\(Percentiles(times).summary), \(Int(Double(times.count) / (times.reduce(0, +) / 1000 / Double(concurrency)))) pages/s")
        }

        // An internal note on a held ticket, every 50 ms: from the request to dispatch to the
        // event's frame in the holder's stream (dispatch, its outbox, the broker, the console).
        var delays: [Double] = []
        let events = 400
        for index in 0..<events {
            let person = people[index % people.count]
            guard let own = held[person.agentID], !own.isEmpty else { continue }
            let number = own[index / people.count % own.count]
            let sent = clock.now
            await arrivals.expect(number)
            _ = try await dispatch.send("POST", "/v1/tickets/\(number)/notes", body: try DispatchBenchmark.json([
                "text": "bench note \(index)", "internal": true]))
            if let arrived = await arrivals.wait(for: number, timeout: .seconds(10)) { delays.append(milliseconds(arrived - sent)) }
            try await Task.sleep(for: .milliseconds(50))
        }
        report("console: \(delays.count) of \(events) note events reached the holder's stream; "
              + "delay from the action \(Percentiles(delays).summary)")
    }

    /// A figure as soon as it is known, unbuffered, so a later step's failure cannot lose it.
    static func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `kefu-console user add`, as the console's own user; the one-time password it prints.
    static func addUser(_ username: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setting("KEFU_BIN_DIR") + "/kefu-console")
        process.arguments = ["user", "add", "--username", username, "--role", "agent", "--name", "Bench \(username)"]
        var variables = environment
        variables["KEFU_AMQP_URL"] = setting("KEFU_CONSOLE_AMQP_URL")
        variables["KEFU_DATABASE_URL"] = setting("KEFU_CONSOLE_DATABASE_URL")
        variables["KEFU_LOG_LEVEL"] = "error"
        process.environment = variables
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let password = text.split(separator: " ").last else {
            throw BenchError("kefu-console user add \(username) failed: \(text)")
        }
        return password.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Signs in as a browser does, and sets the password of one's own that a first sign-in asks for.
    static func signIn(base: String, username: String, password: String) async throws -> Person {
        let login = try await send(.GET, base + "/login")
        let loginCSRF = try cookie("kefu_login_csrf", in: login.head)
        let loginField = String(try field("name=\"csrf\" value=\"", in: login.body))
        let form = "csrf=\(loginField)&username=\(username)&password=\(password)"
        let signedIn = try await send(.POST, base + "/login", cookie: "kefu_login_csrf=\(loginCSRF)", form: form)
        let session = "kefu_session=" + (try cookie("kefu_session", in: signedIn.head))
        let page = try await send(.GET, base + "/password", cookie: session)
        let csrf = String(try field("data-csrf=\"", in: page.body))
        let mine = "bench-\(UUID().uuidString.prefix(12))"
        let changed = try await send(.POST, base + "/password", cookie: session, form: "csrf=\(csrf)&current=\(password)&password=\(mine)&again=\(mine)")
        guard changed.head.status == .seeOther else { throw BenchError("password change for \(username): \(changed.head.status)") }
        return Person(username: username, agentID: username, cookie: session)
    }

    /// Submits over AMQP as a gateway does, and waits until dispatch has placed every ticket.
    static func submitAndWait(_ count: Int, run: String, database: PostgresPool, logger: Logger) async throws {
        let integrator = try AMQPConfiguration(url: setting("KEFU_INTEGRATOR_AMQP_URL"))
        let replies = AMQPConsumer(configuration: integrator, source: .exclusive(bindings: []), prefetch: 1000, logger: logger)
        replies.start()
        defer { replies.close() }
        let publisher = AMQPPublisher(configuration: integrator, logger: logger)
        publisher.start()
        defer { publisher.shutdown() }
        let numbers = Task { () -> [String] in
            var numbers: Set<String> = []
            let deadline = clock.now + .seconds(Double(count) / 20 + 120)
            while numbers.count < count && clock.now < deadline {
                guard let batch = await replies.nextBatch(maximum: 1000, timeout: .milliseconds(200)) else { continue }
                for delivery in batch {
                    if let number = (try? KefuJSON.decode(IngressReply.self, from: delivery.body))?.ticketNumber { numbers.insert(number) }
                }
                replies.settle(batch.map { ($0, .ack) })
            }
            return Array(numbers)
        }
        _ = try await publishSubmissions(count: count, rate: 300, idPrefix: "console-bench-\(run)", replyQueue: try await replies.queueName(),
                                         publisher: publisher, start: clock.now)
        let tickets = await numbers.value
        guard tickets.count == count else { throw BenchError("\(tickets.count) of \(count) submissions were answered") }
        let deadline = clock.now + .seconds(Double(count) / 20 + 120)
        while clock.now < deadline {
            let placed: Int = try await database.withConnection { connection in
                try connection.query("""
                    SELECT count(*) AS n FROM dispatch.tickets WHERE number = ANY($1) AND status IN ('assigned', 'accepted', 'waiting')
                    """, [tickets]).first!.require("n")
            }
            if placed >= count { return }
            try await Task.sleep(for: .seconds(1))
        }
        throw BenchError("the tickets were not all assigned in time")
    }

    static func ticketsHeld(by people: [Person], database: PostgresPool) async throws -> [String: [String]] {
        try await database.withConnection { connection in
            var held: [String: [String]] = [:]
            for row in try connection.query("SELECT agent_id, number FROM dispatch.tickets WHERE agent_id = ANY($1) ORDER BY number",
                                            [people.map(\.agentID)]) {
                held[try row.require("agent_id"), default: []].append(try row.require("number"))
            }
            return held
        }
    }

    /// Each request's time in milliseconds, `concurrency` at a time.
    static func measure(requests: Int, concurrency: Int, _ target: @escaping @Sendable (Int) -> (Person, String)) async throws -> [Double] {
        let base = setting("KEFU_CONSOLE_URL")
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var times: [Double] = []
                    for index in stride(from: lane, to: requests, by: concurrency) {
                        let (person, path) = target(index)
                        let start = clock.now
                        let page = try await send(.GET, base + path, cookie: person.cookie)
                        guard page.head.status == .ok else { throw BenchError("\(path) answered \(page.head.status)") }
                        times.append(milliseconds(clock.now - start))
                    }
                    return times
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Reads a person's live stream, noting when each ticket's note event arrives.
    static func follow(base: String, person: Person, into arrivals: Arrivals) async throws {
        var request = HTTPClientRequest(url: base + "/events")
        request.headers.add(name: "Cookie", value: person.cookie)
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "X-Kefu-Background", value: "1")
        let response = try await http.execute(request, timeout: .hours(2))
        var pending = ""
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                let frame = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                guard let data = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                      let event = try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any],
                      event["type"] as? String == "kefu.ticket.note_added", event["holder"] as? String == person.agentID,
                      let number = event["ticket_number"] as? String else { continue }
                await arrivals.arrived(number, at: clock.now)
            }
        }
    }

    /// When awaited events arrived, by ticket number.
    actor Arrivals {
        private var expected: Set<String> = []
        private var arrived: [String: ContinuousClock.Instant] = [:]

        func expect(_ number: String) {
            expected.insert(number)
            arrived[number] = nil
        }

        func arrived(_ number: String, at instant: ContinuousClock.Instant) {
            if expected.remove(number) != nil { arrived[number] = instant }
        }

        func wait(for number: String, timeout: Duration) async -> ContinuousClock.Instant? {
            let deadline = clock.now + timeout
            while clock.now < deadline {
                if let instant = arrived[number] { return instant }
                try? await Task.sleep(for: .milliseconds(2))
            }
            return nil
        }
    }

    static func send(_ method: HTTPMethod, _ url: String, cookie: String? = nil,
                     form: String? = nil) async throws -> (head: HTTPClientResponse, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return (response, String(buffer: body))
    }

    static func cookie(_ name: String, in response: HTTPClientResponse) throws -> String {
        for header in response.headers["Set-Cookie"] where header.hasPrefix(name + "=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        throw BenchError("no \(name) cookie (\(response.status))")
    }

    static func field(_ prefix: String, in page: String) throws -> Substring {
        guard let start = page.range(of: prefix) else { throw BenchError("no \(prefix) in the page") }
        return page[start.upperBound...].prefix { $0 != "\"" }
    }
}
