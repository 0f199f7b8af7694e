import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Testing

@Suite("classification: rules edited at run time, triage, timeouts and corrections", .serialized)
struct ClassificationPolicyTests {
    let classification: URL
    let dispatch: URL

    init() async throws {
        classification = try Stack.url("classification")
        dispatch = try Stack.url("dispatch")
        _ = try await HTTP.send("POST", dispatch.appending(path: "v1/agents"),
                                json: ["id": unique("agent"), "name": "Policy Test Agent", "max_open": 100_000,
                                       "daily_cap": 100_000])
    }

    /// Submits a ticket through intake and returns its number.
    func submit(body: String, subject: String? = nil, metadata: [String: Any]? = nil) async throws -> String {
        var submission = phoneSubmission(unique("policy"), body: body)
        submission["subject"] = subject
        if let metadata { submission["metadata"] = metadata }
        let created = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: submission)
        return try #require(try created.json()["number"] as? String)
    }

    func decision(_ number: String, until done: @escaping ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
        let decision = try await eventually { () -> [String: Any]? in
            let reply = try await HTTP.get(classification.appending(path: "v1/decisions/\(number)"))
            guard reply.status == 200 else { return nil }
            let json = try reply.json()
            return done(json) ? json : nil
        }
        return try #require(decision)
    }

    func dispatched(_ number: String, where condition: @escaping ([String: Any]) -> Bool = { _ in true }) async throws
        -> [String: Any] {
        let ticket = try await eventually { () -> [String: Any]? in
            let reply = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)"))
            guard reply.status == 200, let json = try? reply.json(), condition(json) else { return nil }
            return json
        }
        return try #require(ticket)
    }

    func patchSettings(_ changes: [String: Any]) async throws -> HTTP.Reply {
        try await HTTP.send("PATCH", classification.appending(path: "v1/settings"), json: changes)
    }

    @Test("a rule created, changed and deleted through the API applies to the next ticket, without a restart")
    func rulesAtRunTime() async throws {
        let marker = unique("ivr")
        let rule: [String: Any] = [
            "name": "IVR \(marker) is parts, urgent", "position": 5,
            "when": [["field": "metadata.ivr_path", "match": "equals", "values": [marker]]],
            "then": ["category": "parts", "override_category": true, "priority": "P1"],
        ]
        let created = try await HTTP.send("POST", classification.appending(path: "v1/rules"), json: rule)
        #expect(created.status == 201)
        let id = try #require(try created.json()["id"] as? Int)
        let listed = try await HTTP.get(classification.appending(path: "v1/rules")).jsonArray()
        #expect(listed.contains { $0["id"] as? Int == id })

        let first = try await decision(try await submit(body: "泵车臂架无法展开", metadata: ["ivr_path": marker]))
        #expect(first["category"] as? String == "parts")
        #expect(first["category_source"] as? String == "rule")
        #expect(first["priority"] as? String == "P1")
        let fired = (first["rules_fired"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(fired.contains(id))

        var changed = rule
        changed["then"] = ["category": "installation", "override_category": true]
        #expect(try await HTTP.send("PUT", classification.appending(path: "v1/rules/\(id)"), json: changed).status == 200)
        let second = try await decision(try await submit(body: "泵车臂架无法展开", metadata: ["ivr_path": marker]))
        #expect(second["category"] as? String == "installation")

        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/rules/\(id)")).status == 204)
        let third = try await decision(try await submit(body: "泵车臂架无法展开", metadata: ["ivr_path": marker]))
        #expect(third["category"] as? String == "fault")
        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/rules/\(id)")).status == 404)
    }

    @Test("bad rules, categories and settings are refused with the fields named; agents may not edit")
    func refusals() async throws {
        let bad = try await HTTP.send("POST", classification.appending(path: "v1/rules"), json: [
            "name": "bad", "position": 1,
            "when": [["field": "text", "match": "regex", "values": ["(unclosed"]]],
            "then": ["category": "no_such_category"],
        ])
        #expect(bad.status == 422)
        let fields = (try bad.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["/when/0/values/0", "/then/category"])
        let unknownMatch = try await HTTP.send("POST", classification.appending(path: "v1/rules"), json: [
            "name": "bad", "position": 1, "when": [["field": "text", "match": "fuzzy", "values": ["x"]]], "then": ["complaint": true],
        ])
        #expect(unknownMatch.status == 422)
        let agent = try Stack.token(.agent)
        #expect(try await HTTP.send("POST", classification.appending(path: "v1/rules"), json: [:], token: agent).status == 403)
        #expect(try await HTTP.get(classification.appending(path: "v1/rules"), token: agent).status == 200)

        #expect(try await patchSettings(["model_threshold": 2]).status == 422)
        let unknown = try await patchSettings(["colour": "red"])
        #expect(unknown.status == 422)
        #expect((try unknown.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "/colour")
        #expect(try await patchSettings(["model_threshold": "high"]).status == 422)
        let badTeam = try await patchSettings(["triage_team_id": "no spaces allowed"])
        #expect((try badTeam.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "/triage_team_id")
        let noTeam = try await patchSettings(["triage_team_id": NSNull()])
        #expect(noTeam.status == 200)
        #expect(try noTeam.json()["triage_team_id"] is NSNull, "no triage team is kept as null")
        #expect(try await patchSettings(["triage_team_id": "hq"]).status == 200)
    }

    @Test("the taxonomy is edited through the API; a category in use cannot be retired")
    func taxonomy() async throws {
        let id = "fault.\(unique("net").replacingOccurrences(of: "-", with: "_"))"
        let category: [String: Any] = ["id": id, "parent": "fault", "names": ["en": "Network", "zh-CN": "网络故障"],
                                       "default_priority": "P2", "sla_class": "standard"]
        #expect(try await HTTP.send("PUT", classification.appending(path: "v1/categories/\(id)"), json: category).status == 200)
        let listed = try await HTTP.get(classification.appending(path: "v1/categories")).jsonArray()
        #expect(listed.contains { $0["id"] as? String == id && $0["default_priority"] as? String == "P2" })
        #expect(listed.contains { $0["id"] as? String == "complaint" })

        let rule = try await HTTP.send("POST", classification.appending(path: "v1/rules"), json: [
            "name": "network words", "position": 50,
            "when": [["field": "text", "match": "keywords", "values": [id]]], "then": ["category": id],
        ])
        let ruleID = try #require(try rule.json()["id"] as? Int)
        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/categories/\(id)")).status == 409)
        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/rules/\(ruleID)")).status == 204)
        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/categories/\(id)")).status == 204)
        #expect(try await HTTP.send("DELETE", classification.appending(path: "v1/categories/other")).status == 409)

        var orphan = category
        orphan["parent"] = "nowhere"
        #expect(try await HTTP.send("PUT", classification.appending(path: "v1/categories/\(id)"), json: orphan).status == 422)
        #expect(try await HTTP.send("PUT", classification.appending(path: "v1/categories/other_id"), json: category).status == 422)
    }

    @Test("an unsure ticket is worked at once in the triage team, flagged; a person's decision re-routes it and is learned")
    func triageByAPerson() async throws {
        let monitor = try await EventMonitor(bindingKey: "ticket.triage_needed")
        defer { monitor.close() }
        let number = try await submit(body: "？？？ …… !!!")
        let queued = try await decision(number)
        #expect(queued["category_source"] as? String == "triage")
        let reason = (queued["triage"] as? [String: Any])?["reason"] as? String
        #expect(reason == "no_model" || reason == "out_of_scope")
        let events = try await monitor.collect { $0.contains { $0.subject == number } }
        #expect(events.first { $0.subject == number }?.data.status == "triage")
        // Nobody waits for the person: the ticket is in dispatch already, in the triage team, flagged.
        let pending = try await dispatched(number) { ["assigned", "queued"].contains($0["status"] as? String) }
        #expect(pending["triage"] as? String == "pending")
        #expect(pending["team_id"] as? String == "hq")

        // Page through the queue (small pages, to exercise the cursor) until the ticket shows up.
        var waiting: [[String: Any]] = []
        var cursor: String?
        repeat {
            var query = [URLQueryItem(name: "limit", value: "20")]
            if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
            let page = try await HTTP.get(classification.appending(path: "v1/triage").appending(queryItems: query)).json()
            waiting += page["items"] as? [[String: Any]] ?? []
            cursor = page["next_cursor"] as? String
        } while cursor != nil && !waiting.contains { $0["ticket_number"] as? String == number }
        #expect(waiting.contains { $0["ticket_number"] as? String == number && $0["body"] as? String == "？？？ …… !!!" })
        let order = waiting.map { ($0["priority"] as? String ?? "", RFC3339.parse($0["queued_at"] as? String ?? "")?.timeIntervalSince1970 ?? 0) }
        #expect(zip(order, order.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(try await HTTP.get(classification.appending(path: "v1/triage").appending(queryItems: [.init(name: "limit", value: "0")]))
            .status == 422)

        let path = classification.appending(path: "v1/triage/\(number)/decision")
        #expect(try await HTTP.send("POST", path, json: ["category": "nonsense"]).status == 422)
        #expect(try await HTTP.send("POST", path, json: ["category": "parts"], token: try Stack.token(.integrator)).status == 403)
        // The person sends it to a station of its own, whose one agent takes it.
        let branch = unique("triage-branch")
        #expect(try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(branch)"), json: [
            "id": branch, "name": "Triage branch", "level": "branch", "parent_id": "hq"]).status == 200)
        let station = unique("triage-station")
        #expect(try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(station)"), json: [
            "id": station, "name": "Triage target", "level": "station", "parent_id": branch, "calendar_id": "24x7",
            "partner": true]).status == 200)
        let agentID = unique("triage-agent")
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/agents"), json: [
            "id": agentID, "name": "Triage Agent", "team_id": station, "max_open": 10]).status == 201)
        let decided = try await HTTP.send("POST", path, json: ["category": "parts", "priority": "P2", "team_id": station],
                                          token: try Stack.token(.agent))
        #expect(decided.status == 200)
        #expect(try decided.json()["category_source"] as? String == "person")
        #expect(try await HTTP.send("POST", path, json: ["category": "parts"]).status == 409)
        #expect(try await HTTP.send("POST", classification.appending(path: "v1/triage/KF-19990101-000001/decision"),
                                    json: ["category": "parts"]).status == 404)

        let ticket = try await dispatched(number) { $0["triage"] as? String == "decided" }
        #expect(ticket["category"] as? String == "parts")
        #expect(ticket["priority"] as? String == "P2")
        #expect(ticket["team_id"] as? String == station)
        #expect(ticket["agent_id"] as? String == agentID, "re-routed to the chosen team")
        let stored = try await decision(number)
        #expect((stored["triage"] as? [String: Any])?["outcome"] as? String == "decided")
        #expect(try await trainingExamples(for: number) == ["triage parts"])
    }

    @Test("a ticket nobody decides leaves the triage queue after the timeout, keeping the best guess, flagged")
    func triageTimeout() async throws {
        #expect(try await patchSettings(["triage_timeout_seconds": 2]).status == 200)
        let number = try await submit(body: "#### ////")
        let ticket = try await dispatched(number) { $0["triage"] as? String == "timed_out" }
        #expect(try await patchSettings(["triage_timeout_seconds": 1800]).status == 200)
        #expect(ticket["triage"] as? String == "timed_out")
        let stored = try await decision(number)
        #expect(ticket["category"] as? String == stored["category"] as? String)
        #expect((stored["triage"] as? [String: Any])?["outcome"] as? String == "timed_out")
        #expect(try await HTTP.send("POST", classification.appending(path: "v1/triage/\(number)/decision"),
                                    json: ["category": "parts"]).status == 409)
    }

    @Test("an agent's recategorisation in dispatch becomes a training example in classification")
    func correction() async throws {
        let number = try await submit(body: "泵车臂架无法展开")
        let ticket = try await dispatched(number)
        #expect(ticket["category"] as? String == "fault")
        let path = dispatch.appending(path: "v1/tickets/\(number)/recategorise")
        #expect(try await HTTP.send("POST", path, json: ["category": "Not A Category"]).status == 422)
        let stranger = try Stack.token(.agent, subject: unique("stranger"))
        #expect(try await HTTP.send("POST", path, json: ["category": "parts"], token: stranger).status == 403)
        let moved = try await HTTP.send("POST", path, json: ["category": "parts", "reason": "the arm needs a new cylinder"])
        #expect(moved.status == 200)
        #expect(try moved.json()["category"] as? String == "parts")

        let learned = try await eventually { () -> [String]? in
            let examples = try await trainingExamples(for: number)
            return examples.isEmpty ? nil : examples
        }
        #expect(learned == ["correction parts"])
        let stored = try await decision(number)
        #expect(stored["category"] as? String == "fault")  // what was decided stays on record
    }

    @Test("garbage, empty and 64 KiB texts are classified; longer texts are refused with the field named")
    func oddTexts() async throws {
        let path = classification.appending(path: "v1/classify")
        for text in ["", "#### ???? ////", "\u{1F600}\u{1F600}", String(repeating: "泵车无法启动 pump down ", count: 64 * 1024 / 30)] {
            let reply = try await HTTP.send("POST", path, json: ["text": text])
            #expect(reply.status == 200)
            let decision = try #require(try reply.json()["decision"] as? [String: Any])
            #expect(decision["category"] is String && decision["priority"] is String)
        }
        let empty = try await HTTP.send("POST", path, json: ["text": ""]).json()
        #expect(empty["to_triage"] as? Bool == true)
        #expect((empty["decision"] as? [String: Any])?["category_source"] as? String == "triage")
        let long = try await HTTP.send("POST", path, json: ["text": String(repeating: "a", count: 64 * 1024 + 1)])
        #expect(long.status == 422)
        #expect((try long.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "/text")
        #expect(try await HTTP.send("POST", path, json: ["text": "x"], token: try Stack.token(.integrator)).status == 403)
    }

    func trainingExamples(for number: String) async throws -> [String] {
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        return try await admin.withConnection { connection in
            try connection.query("SELECT source, label FROM classification.training_examples WHERE ticket_number = $1 ORDER BY id",
                                 [number]).map { "\(try $0.require("source", as: String.self)) \(try $0.require("label", as: String.self))" }
        }
    }
}
