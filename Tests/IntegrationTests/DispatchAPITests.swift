import Foundation
import KefuContracts
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
