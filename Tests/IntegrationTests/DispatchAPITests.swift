import Foundation
import KefuContracts
import KefuServiceKit
import Testing

@Suite("dispatch's API refuses bad requests clearly", .serialized)
struct DispatchAPITests {
    let agents: URL
    let tickets: URL

    init() throws {
        agents = try Stack.url("dispatch").appending(path: "v1/agents")
        tickets = try Stack.url("dispatch").appending(path: "v1/tickets")
    }

    @Test("an agent needs a name and non-negative limits; ids are unique")
    func agentValidation() async throws {
        let invalid = try await HTTP.send("POST", agents, json: ["name": " ", "max_open": -1])
        #expect(invalid.status == 422)
        #expect(invalid.contentType?.hasPrefix("application/problem+json") == true)
        let fields = (try invalid.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
        #expect(fields == ["/name", "/max_open"])

        let missing = try await HTTP.send("POST", agents, json: ["max_open": 3])
        #expect(missing.status == 422)
        #expect((try missing.json()["errors"] as? [[String: String]])?.first?["field"] == "/name")

        let malformed = try await HTTP.send("POST", agents, body: Data("{not json".utf8))
        #expect(malformed.status == 400)

        let id = unique("agent")
        #expect(try await HTTP.send("POST", agents, json: ["id": id, "name": "Zhao Lei"]).status == 201)
        #expect(try await HTTP.send("POST", agents, json: ["id": id, "name": "Zhao Lei"]).status == 409)
        #expect(try await HTTP.send("PATCH", agents.appending(path: unique("nobody")), json: ["on_duty": false]).status == 404)
    }

    @Test("supervisors change an agent's duty and nothing else; agents may not; a bad duty is named")
    func duty() async throws {
        let id = unique("agent")
        #expect(try await HTTP.send("POST", agents, json: ["id": id, "name": "Duty Person", "duty": "off",
                                                           "skills": ["categories": ["duty-test-only"]]]).status == 201)
        let supervisor = try Stack.token(.supervisor)
        let changed = try await HTTP.send("PUT", agents.appending(path: "\(id)/duty"), json: ["duty": "break"], token: supervisor)
        let duty = try changed.json()["duty"] as? String
        #expect(changed.status == 200 && duty == "break")
        #expect(try await HTTP.get(agents.appending(path: id)).json()["duty"] as? String == "break")
        #expect(try await HTTP.send("PATCH", agents.appending(path: id), json: ["max_open": 9], token: supervisor).status == 403)
        let agent = try Stack.token(.agent, subject: id)
        #expect(try await HTTP.send("PUT", agents.appending(path: "\(id)/duty"), json: ["duty": "off"], token: agent).status == 403)
        #expect(try await HTTP.send("PUT", agents.appending(path: "\(id)/duty"), json: ["duty": "asleep"], token: supervisor).status == 422)
        #expect(try await HTTP.send("PUT", agents.appending(path: "\(unique("nobody"))/duty"), json: ["duty": "on"],
                                    token: supervisor).status == 404)
    }

    @Test("workflow steps name the state that forbids them")
    func workflowStates() async throws {
        #expect(try await HTTP.send("POST", tickets.appending(path: "KF00000000-000000/resolve"), json: [:]).status == 404)

        let gateway = try await Gateway()
        defer { gateway.close() }
        let submissionID = unique("pbx-state")
        try await gateway.submit([phoneSubmission(submissionID)])
        let number = try #require(try await gateway.replies(count: 1)[submissionID]?.ticketNumber)
        let assigned = try await eventually { () -> Bool? in
            let reply = try await HTTP.get(tickets.appending(path: number))
            guard reply.status == 200 else { return nil }
            return try reply.json()["status"] as? String == "assigned" ? true : nil
        }
        #expect(assigned == true)

        #expect(try await HTTP.send("POST", tickets.appending(path: "\(number)/accept"), json: [:]).status == 200)
        #expect(try await HTTP.send("POST", tickets.appending(path: "\(number)/resolve"), json: [:]).status == 200)
        let again = try await HTTP.send("POST", tickets.appending(path: "\(number)/accept"), json: [:])
        #expect(again.status == 409)
        #expect((try again.json()["detail"] as? String) == "ticket is resolved; accept needs assigned")
    }
}

@Suite("dispatch: retiring teams")
struct TeamRetirementTests {
    @Test("a team that still holds agents, teams or tickets is not retired; an empty one is, and takes nothing new")
    func retire() async throws {
        let dispatch = try Stack.url("dispatch")
        func put(_ id: String, _ body: [String: Any]) async throws -> Int {
            try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(id)"), json: body).status
        }
        let branch = unique("retire-branch"), station = unique("retire-station")
        #expect(try await put(branch, ["id": branch, "name": "Old branch", "level": "branch", "parent_id": "hq"]) == 200)
        #expect(try await put(station, ["id": station, "name": "Old station", "level": "station", "parent_id": branch]) == 200)
        let agent = unique("retire-agent")
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/agents"),
                                    json: ["id": agent, "name": "Leaving", "team_id": station]).status == 201)

        let held = try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/\(branch)"))
        #expect(held.status == 409)
        #expect(String(decoding: held.body, as: UTF8.self).contains("1 team under it"))
        let busy = try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/\(station)"))
        #expect(busy.status == 409 && String(decoding: busy.body, as: UTF8.self).contains("1 agent"))
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/hq")).status == 409)
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/\(unique("nobody"))")).status == 404)

        // Move the agent away, then the station and its branch go.
        #expect(try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(agent)"), json: ["team_id": "hq"]).status == 200)
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/\(station)")).status == 204)
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/teams/\(branch)")).status == 204)
        let listed = try await HTTP.get(dispatch.appending(path: "v1/teams")).jsonArray().compactMap { $0["id"] as? String }
        #expect(!listed.contains(branch) && !listed.contains(station))
        let all = try await HTTP.get(dispatch.appending(path: "v1/teams").appending(queryItems: [.init(name: "include_retired", value: "true")]))
            .jsonArray()
        #expect(all.first { $0["id"] as? String == station }?["retired_at"] != nil)

        // A retired team takes no agents and no sub-teams, until it is saved again.
        let refused = try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(agent)"), json: ["team_id": station])
        #expect(refused.status == 422 && String(decoding: refused.body, as: UTF8.self).contains("/team_id"))
        let child = unique("child")
        let orphan = try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(child)"),
                                         json: ["id": child, "name": "New", "level": "station", "parent_id": branch])
        #expect(orphan.status == 422 && String(decoding: orphan.body, as: UTF8.self).contains("not a team in service"))
        #expect(try await put(branch, ["id": branch, "name": "Old branch, back", "level": "branch", "parent_id": "hq"]) == 200)
        let back = try await HTTP.get(dispatch.appending(path: "v1/teams")).jsonArray().compactMap { $0["id"] as? String }
        #expect(back.contains(branch))
    }
}
