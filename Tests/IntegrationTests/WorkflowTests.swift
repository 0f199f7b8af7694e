import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Testing

@Suite("dispatch: the agent's workflow, and who may do what", .serialized)
struct WorkflowTests {
    let dispatch: URL
    let assignments: AssignmentTests

    init() throws {
        dispatch = try Stack.url("dispatch")
        assignments = try AssignmentTests()
    }

    func post(_ number: String, _ action: String, _ body: [String: Any] = [:], token: String?) async throws -> HTTP.Reply {
        try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/\(action)"), json: body, token: token)
    }

    @Test("only the assigned agent, a supervisor or an admin acts on a ticket")
    func authorisation() async throws {
        let org = try await assignments.organisation(stations: ["w": false])
        let owner = try await assignments.agent("owner", team: try #require(org.stations["w"]))
        let number = try await assignments.send(team: org.branch)[0]
        #expect(try await assignments.placed(number)["agent_id"] as? String == owner)
        let stranger = try Stack.token(.agent, subject: unique("stranger"))
        let integrator = try Stack.token(.integrator)
        for (action, body) in [("accept", [:]), ("notes", ["text": "hi"]), ("waiting", ["on": "parts"]), ("resume", [:]),
                               ("transfer", ["team_id": "hq", "reason": "x"]), ("recategorise", ["category": "parts"]),
                               ("resolve", [:]), ("reopen", [:])] as [(String, [String: Any])] {
            #expect(try await post(number, action, body, token: stranger).status == 403, "\(action) by a stranger")
            #expect(try await post(number, action, body, token: integrator).status == 403, "\(action) by an integrator")
        }
        let supervisor = try Stack.token(.supervisor, subject: unique("supervisor"))
        #expect(try await post(number, "notes", ["text": "checked by the supervisor"], token: supervisor).status == 201)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/clocks"), token: supervisor).status == 200)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/clocks"), token: stranger).status == 403)
        let queue = try await HTTP.get(dispatch.appending(path: "v1/queue"), token: try Stack.token(.agent, subject: owner)).jsonArray()
        #expect(queue.map { $0["number"] as? String } == [number])
    }

    @Test("what an agent's screen reads: their queue, the waiting and team queues, notes, clocks paused while waiting, an agent")
    func screens() async throws {
        let org = try await assignments.organisation(stations: ["v": false])
        let station = try #require(org.stations["v"])
        let owner = try await assignments.agent("viewer", team: station, ["max_open": 1])
        let mate = try await assignments.agent("mate", team: station, ["max_open": 0])
        let numbers = try await assignments.send(2, team: station)
        let held = try await eventually { () -> String? in
            for number in numbers where try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)")).json()["agent_id"] as? String == owner {
                return number
            }
            return nil
        }
        let number = try #require(held)
        let other = try #require(numbers.first { $0 != number })
        let ownerToken = try Stack.token(.agent, subject: owner), mateToken = try Stack.token(.agent, subject: mate)
        func queue(_ view: String?, _ token: String) async throws -> [String] {
            let url = dispatch.appending(path: "v1/queue").appending(queryItems: view.map { [.init(name: "view", value: $0)] } ?? [])
            return try await HTTP.get(url, token: token).jsonArray().compactMap { $0["number"] as? String }
        }
        #expect(try await queue(nil, ownerToken) == [number])
        #expect(try await queue("mine", mateToken).isEmpty)
        #expect(try await eventually { Set(try await queue("team", mateToken)).isSuperset(of: numbers) ? true : nil } == true,
                "the team's queue holds both: one held, one that nobody in the station has room for")
        let bad = try await HTTP.get(dispatch.appending(path: "v1/queue").appending(queryItems: [.init(name: "view", value: "all")]),
                                     token: ownerToken)
        let badFields = (try bad.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
        #expect(bad.status == 422 && badFields == ["view"])

        #expect(try await post(number, "accept", token: ownerToken).status == 200)
        #expect(try await post(number, "notes", ["text": "客户说明天在工地", "internal": true], token: ownerToken).status == 201)
        #expect(try await post(number, "notes", ["text": "请提供铭牌照片", "internal": false], token: ownerToken).status == 201)
        #expect(try await post(number, "waiting", ["on": "customer"], token: ownerToken).status == 200)
        #expect(try await queue("waiting", ownerToken) == [number], "waiting on the customer")
        #expect(try await queue("waiting", mateToken).isEmpty)
        let notes = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)/notes"), token: mateToken).jsonArray()
        #expect(notes.map { $0["text"] as? String } == ["客户说明天在工地", "请提供铭牌照片"])
        #expect(notes.map { $0["internal"] as? Bool } == [true, false] && notes.allSatisfy { $0["author"] as? String == owner })

        let clocks = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)/clocks"), token: ownerToken).jsonArray()
        let byTarget = Dictionary(uniqueKeysWithValues: clocks.map { ($0["target"] as? String ?? "", $0) })
        #expect(byTarget["first_response"]?["stopped"] as? Bool == true, "the reply met the first response")
        let resolution = try #require(byTarget["resolution"])
        #expect(resolution["paused"] as? Bool == true && resolution["due_at"] == nil && resolution["breached"] as? Bool == false)
        #expect((resolution["target_seconds"] as? Double ?? 0) > (resolution["elapsed_seconds"] as? Double ?? .infinity))
        let entry = try #require(try await HTTP.get(dispatch.appending(path: "v1/queue"), token: ownerToken).jsonArray().first)
        #expect((entry["resolution_left_seconds"] as? Double ?? 0) > 0 && entry["channel"] as? String == "phone")
        #expect(try await HTTP.get(dispatch.appending(path: "v1/tickets/KF-19990101-000001/clocks"), token: ownerToken).status == 404)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/tickets/KF-19990101-000001/notes"), token: ownerToken).status == 404)

        let agent = try await HTTP.get(dispatch.appending(path: "v1/agents/\(owner)"), token: ownerToken)
        let agentTeam = try agent.json()["team_id"] as? String
        #expect(agent.status == 200 && agentTeam == station)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/agents/\(unique("nobody"))"), token: ownerToken).status == 404)
        #expect(try await HTTP.get(dispatch.appending(path: "v1/agents/\(owner)"), token: try Stack.token(.integrator)).status == 403)
    }

    @Test("accept, notes, waiting on the customer until they reply, transfer, resolve with a code, reopen")
    func fullDay() async throws {
        // Through intake, so that the customer's reply really comes from intake.
        let created = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"),
                                          json: phoneSubmission(unique("workflow")))
        let number = try #require(try created.json()["number"] as? String)
        let first = try #require(try await assignments.placed(number)["agent_id"] as? String)
        let agent = try Stack.token(.agent, subject: first)
        #expect(try await post(number, "accept", token: agent).status == 200)
        #expect(try await post(number, "notes", ["text": "客户说明天上午在工地", "internal": true], token: agent).status == 201)
        #expect(try await post(number, "notes", ["text": "", "internal": false], token: agent).status == 422)
        #expect(try await post(number, "notes", ["text": "请提供设备铭牌照片", "internal": false], token: agent).status == 201)
        #expect(try await post(number, "waiting", ["on": "tomorrow"], token: agent).status == 422)
        let waiting = try await post(number, "waiting", ["on": "customer"], token: agent)
        #expect(try waiting.json()["status"] as? String == "waiting")
        #expect(try await post(number, "waiting", ["on": "customer"], token: agent).status == 409)

        var followUp = phoneSubmission(unique("reply"), body: "照片已发，请查收")
        followUp["ticket_number"] = number
        #expect(try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: followUp).status == 200)
        let resumed = try await eventually { () -> Bool? in
            try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)")).json()["status"] as? String == "accepted" ? true : nil
        }
        #expect(resumed == true)

        let second = try await assignments.agent("second", team: "hq")
        #expect(try await post(number, "transfer", ["reason": "x"], token: agent).status == 422)
        let moved = try await post(number, "transfer", ["agent_id": second, "reason": "hydraulics specialist"], token: agent)
        #expect(moved.status == 200)
        #expect(try moved.json()["agent_id"] as? String == second)
        #expect(try await post(number, "accept", token: agent).status == 403)
        let secondToken = try Stack.token(.agent, subject: second)
        #expect(try await post(number, "accept", token: secondToken).status == 200)
        let resolved = try await post(number, "resolve", ["code": "repaired", "summary": "更换液压阀"], token: secondToken)
        #expect(try resolved.json()["status"] as? String == "resolved")
        #expect(try await post(number, "resolve", token: secondToken).status == 409)

        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let stored = try await admin.withConnection { connection in
            (try connection.query("SELECT resolution_code FROM dispatch.tickets WHERE number = $1", [number]).first?
                .decode("resolution_code", as: String.self),
             try connection.query("SELECT count(*) AS n FROM dispatch.notes WHERE ticket_number = $1", [number]).first!
                .require("n", as: Int.self),
             try connection.query("SELECT reason FROM dispatch.transfers WHERE ticket_number = $1", [number]).first?
                .decode("reason", as: String.self),
             try connection.query("SELECT stopped_at IS NOT NULL AS stopped FROM dispatch.sla_clocks WHERE ticket_number = $1",
                                  [number]).map { try $0.require("stopped", as: Bool.self) })
        }
        #expect(stored.0 == "repaired" && stored.1 == 2 && stored.2 == "hydraulics specialist")
        #expect(!stored.3.isEmpty && stored.3.allSatisfy { $0 })

        let reopened = try await post(number, "reopen", token: secondToken)
        #expect(reopened.status == 200)
        #expect(["assigned", "queued"].contains(try reopened.json()["status"] as? String ?? ""))
        // The resolution clock runs on from the time it had used, with its due time moved on.
        let clock = try await admin.withConnection { connection in
            try connection.query("""
                SELECT running_since IS NOT NULL AND stopped_at IS NULL AS running, consumed_seconds, due_at > now() AS ahead
                FROM dispatch.sla_clocks WHERE ticket_number = $1 AND target = 'resolution'
                """, [number]).first.map { (try $0.require("running", as: Bool.self), try $0.require("consumed_seconds", as: Double.self),
                                            try $0.require("ahead", as: Bool.self)) }
        }
        #expect(clock?.0 == true && (clock?.1 ?? 0) > 0 && clock?.2 == true)
    }
}
