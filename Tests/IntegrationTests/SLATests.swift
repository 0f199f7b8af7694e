import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import Testing

/// SLA clocks with short targets: each test has its own policy for a category of its own, and
/// its own teams without agents, so nothing else touches its tickets.
@Suite("dispatch: SLA clocks fire once, survive restarts, pause while waiting, and escalate", .serialized)
struct SLATests {
    let dispatch: URL
    let assignments: AssignmentTests

    init() throws {
        dispatch = try Stack.url("dispatch")
        assignments = try AssignmentTests()
    }

    /// A policy for a fresh category; minutes may be fractions.
    func policy(priority: Priority? = nil, firstResponse: Double, resolution: Double, onSite: Double? = nil) async throws -> String {
        let category = "sla_\(UUID().uuidString.prefix(8).lowercased())"
        var body: [String: Any] = ["name": category, "category": category, "first_response_minutes": firstResponse,
                                   "resolution_minutes": resolution]
        if let priority { body["priority"] = priority.rawValue }
        if let onSite { body["on_site_minutes"] = onSite }
        let reply = try await HTTP.send("POST", dispatch.appending(path: "v1/sla-policies"), json: body)
        #expect(reply.status == 201)
        return category
    }

    @Test("a bad SLA policy is refused with every bad field named")
    func badPolicy() async throws {
        let reply = try await HTTP.send("POST", dispatch.appending(path: "v1/sla-policies"), json: [
            "name": " ", "first_response_minutes": 0, "resolution_minutes": -5, "on_site_minutes": 600_000])
        #expect(reply.status == 422)
        let fields = (try reply.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["/name", "/first_response_minutes", "/resolution_minutes", "/on_site_minutes"])
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/sla-policies"), json: ["name": "x"]).status == 422)
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/sla-policies/999999")).status == 404)
    }

    typealias Fired = (type: String, target: String?, elapsed: Double?, targetSeconds: Double?, level: Int?, team: String?, agent: String?)

    /// Every SLA and escalation event for `numbers`, until `done` holds and then `settle` longer, to catch repeats.
    func events(for numbers: Set<String>, monitor: EventMonitor, settle: Duration = .seconds(3),
                until done: ([Fired]) -> Bool) async throws -> [String: [Fired]] {
        var fired: [String: [Fired]] = [:]
        func add(_ events: [StatusEvent]) {
            for event in events where numbers.contains(event.subject ?? "") {
                fired[event.subject!, default: []].append((event.type, event.data.slaTarget, event.data.elapsedSeconds,
                                                           event.data.targetSeconds, event.data.escalationLevel,
                                                           event.data.teamID, event.data.agentID))
            }
        }
        add(try await monitor.collect(timeout: .seconds(60)) { events in
            done(events.filter { numbers.contains($0.subject ?? "") }.map {
                ($0.type, $0.data.slaTarget, $0.data.elapsedSeconds, $0.data.targetSeconds, $0.data.escalationLevel, $0.data.teamID,
                 $0.data.agentID)
            })
        })
        add(try await monitor.collect(timeout: settle) { _ in false })
        return fired
    }

    static let warning = StatusEventType.ticketSLAWarning.rawValue
    static let breach = StatusEventType.ticketSLABreached.rawValue
    static let escalated = StatusEventType.ticketEscalated.rawValue

    @Test("with two dispatch replicas, every warning and breach fires exactly once, on time")
    func exactlyOnceWithTwoReplicas() async throws {
        try await withServicesToMyself {
            try await Stack.service("start", "dispatch@2")
            let monitor = try await EventMonitor(bindingKey: "ticket.#")
            defer { monitor.close() }
            let category = try await policy(firstResponse: 0.05, resolution: 0.1)
            let org = try await assignments.organisation(stations: ["sla": false])
            let numbers = Set(try await assignments.send(30, team: org.branch, category: category))

            let fired = try await events(for: numbers, monitor: monitor) { events in
                events.filter { $0.type == Self.breach }.count >= 60
            }
            #expect(fired.count == 30)
            for (number, events) in fired {
                for target in ["first_response", "resolution"] {
                    #expect(events.filter { $0.type == Self.warning && $0.target == target }.count == 1, "\(number) \(target) warning")
                    let breaches = events.filter { $0.type == Self.breach && $0.target == target }
                    #expect(breaches.count == 1, "\(number) \(target) breach")
                    if let breach = breaches.first, let elapsed = breach.elapsed, let target = breach.targetSeconds {
                        #expect(elapsed >= target && elapsed <= target + 4, "exact to within a few seconds")
                    }
                }
                #expect(events.filter { $0.type == Self.escalated }.compactMap(\.level).sorted() == [1, 2])
            }
            try await Stack.service("stop", "dispatch@2")
        }
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let precise = ISO8601DateFormatter()
        precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return precise.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    @Test("the floor's views: clocks near breach with their warning times, breaches as they happen, queues by team")
    func floorViews() async throws {
        let category = try await policy(firstResponse: 0.1, resolution: 60)
        let org = try await assignments.organisation(stations: ["floor": false])
        let numbers = try await assignments.send(2, team: org.branch, category: category)
        for number in numbers { _ = try await assignments.placed(number) }
        func clocks(_ query: [URLQueryItem]) async throws -> [[String: Any]] {
            try await HTTP.get(dispatch.appending(path: "v1/clocks").appending(queryItems: query)).jsonArray()
                .filter { numbers.contains($0["ticket_number"] as? String ?? "") && $0["target"] as? String == "first_response" }
        }
        let soon = try await clocks([.init(name: "within", value: "3600")])
        #expect(soon.count == 2)
        for clock in soon {
            #expect(clock["target_seconds"] as? Double == 6 && clock["breached"] as? Bool == false)
            #expect(clock["team_id"] as? String == org.branch)
            let warn = try #require(Self.date(clock["warn_at"]))
            let due = try #require(Self.date(clock["due_at"]))
            #expect(abs(due.timeIntervalSince(warn) - 6 * 0.2) < 0.5, "amber at the warning share, 80 % of the target")
        }
        let queues = try await HTTP.get(dispatch.appending(path: "v1/team-queues")).jsonArray()
        let ours = try #require(queues.first { $0["team_id"] as? String == org.branch })
        #expect(ours["queued"] as? Int == 2 && ours["held"] as? Int == 0 && ours["oldest_queued_at"] is String)
        let queued = try await HTTP.get(dispatch.appending(path: "v1/tickets").appending(queryItems: [.init(name: "status", value: "queued")]))
            .jsonArray().filter { numbers.contains($0["number"] as? String ?? "") }
        #expect(queued.count == 2 && queued.allSatisfy { $0["queued_at"] is String })
        // Once breached, the clocks leave the near-breach list and show among the recent breaches.
        let breached = try await eventually(timeout: .seconds(30)) { () -> [[String: Any]]? in
            let found = try await clocks([.init(name: "within", value: "3600"), .init(name: "breached_within", value: "600")])
            return found.count == 2 && found.allSatisfy({ $0["breached"] as? Bool == true }) ? found : nil
        }
        #expect(breached?.count == 2)
        #expect(try await clocks([.init(name: "within", value: "3600")]).isEmpty)
        let bad = try await HTTP.get(dispatch.appending(path: "v1/clocks").appending(queryItems: [.init(name: "within", value: "0"),
                                                                                             .init(name: "breached_within", value: "x")]))
        let fields = (try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(bad.status == 422 && fields == ["within", "breached_within"])
        let agent = try Stack.token(.agent)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/team-queues"), token: agent).status == 403)
    }

    @Test("clocks live in the database: a breach due while dispatch was down fires once when it is back")
    func survivesRestart() async throws {
        try await withServicesToMyself {
            let monitor = try await EventMonitor(bindingKey: "ticket.sla_breached")
            defer { monitor.close() }
            let category = try await policy(firstResponse: 0.05, resolution: 60)
            let org = try await assignments.organisation(stations: ["restart": false])
            let numbers = Set(try await assignments.send(5, team: org.branch, category: category))
            for number in numbers { _ = try await assignments.placed(number) }
            try await Stack.service("stop", "dispatch")
            try await Task.sleep(for: .seconds(5))
            try await Stack.service("start", "dispatch")
            let fired = try await events(for: numbers, monitor: monitor) { $0.count >= 5 }
            #expect(fired.values.map { $0.filter { $0.target == "first_response" }.count } == [1, 1, 1, 1, 1])
        }
    }

    @Test("breaches escalate: the station's supervisor first, then the branch, then headquarters")
    func escalationChain() async throws {
        let monitor = try await EventMonitor(bindingKey: "ticket.escalated")
        defer { monitor.close() }
        let category = try await policy(priority: .p1, firstResponse: 0.05, resolution: 0.1, onSite: 0.15)
        let branch = unique("branch")
        let station = unique("station")
        #expect(try await assignments.put("v1/teams/\(branch)", ["id": branch, "name": "B", "level": "branch", "parent_id": "hq",
                                                                  "supervisor_id": "boss-\(branch)"]).status == 200)
        #expect(try await assignments.put("v1/teams/\(station)", ["id": station, "name": "S", "level": "station", "parent_id": branch,
                                                                   "supervisor_id": "boss-\(station)"]).status == 200)
        let number = try await assignments.send(team: station, priority: .p1, category: category,
                                                site: Coordinates(latitude: 31.2, longitude: 121.5))[0]
        let fired = try await events(for: [number], monitor: monitor, settle: .seconds(1)) { $0.count >= 3 }
        let chain = (fired[number] ?? []).sorted { ($0.level ?? 0) < ($1.level ?? 0) }
        #expect(chain.map(\.level) == [1, 2, 3])
        #expect(chain.map(\.team) == [station, branch, "hq"])
        #expect(chain.first?.agent == "boss-\(station)")
        let ticket = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)")).json()
        #expect(ticket["level"] as? Int == 2 && ticket["team_id"] as? String == "hq" && ticket["escalations"] as? Int == 3)
    }

    @Test("waiting on parts pauses the resolution clock; resuming runs it on from where it stopped")
    func pauseAndResume() async throws {
        let monitor = try await EventMonitor(bindingKey: "ticket.sla_breached")
        defer { monitor.close() }
        let category = try await policy(firstResponse: 60, resolution: 0.1)
        let org = try await assignments.organisation(stations: ["pause": false])
        let agentID = try await assignments.agent("pauser", team: try #require(org.stations["pause"]))
        let token = try Stack.token(.agent, subject: agentID)
        let number = try await assignments.send(team: org.branch, category: category)[0]
        #expect(try await assignments.placed(number)["agent_id"] as? String == agentID)
        let ticket = dispatch.appending(path: "v1/tickets/\(number)")
        #expect(try await HTTP.send("POST", ticket.appending(path: "accept"), token: token).status == 200)
        let waiting = try await HTTP.send("POST", ticket.appending(path: "waiting"), json: ["on": "parts"], token: token)
        #expect(waiting.status == 200)
        #expect(try waiting.json()["waiting_on"] as? String == "parts")
        let paused = ContinuousClock.now
        let early = try await monitor.collect(timeout: .seconds(8)) { events in events.contains { $0.subject == number } }
        #expect(!early.contains { $0.subject == number }, "no breach while paused")
        #expect(try await HTTP.send("POST", ticket.appending(path: "resume"), token: token).status == 200)
        let fired = try await events(for: [number], monitor: monitor, settle: .seconds(1)) { $0.count >= 1 }
        #expect(ContinuousClock.now - paused > .seconds(9))
        let breach = try #require(fired[number]?.first)
        #expect(breach.target == "resolution")
        #expect((breach.elapsed ?? 0) >= 6 && (breach.elapsed ?? 0) <= 10)
    }
}
