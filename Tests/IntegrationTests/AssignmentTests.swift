import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Testing

/// Each test builds its own branch with stations and agents, and sends tickets bound to that
/// branch, so that no other test's agents are eligible. Tickets arrive as classification would
/// send them: `ticket.classified` on `kefu.work`.
@Suite("dispatch: eligibility, preferences, capacity, the waiting queue and acceptance", .serialized)
struct AssignmentTests {
    let dispatch: URL

    init() throws {
        dispatch = try Stack.url("dispatch")
    }

    /// A branch under headquarters and one station under it per entry of `stations` (name → quick
    /// response). The stations are partners, whose agents take only tickets routed to them.
    func organisation(stations: [String: Bool]) async throws -> (branch: String, stations: [String: String]) {
        let branch = unique("branch")
        #expect(try await put("v1/teams/\(branch)", ["id": branch, "name": "Branch", "level": "branch", "parent_id": "hq"]).status == 200)
        var ids: [String: String] = [:]
        for (name, quick) in stations {
            let id = unique(name)
            let team: [String: Any] = ["id": id, "name": name, "level": "station", "parent_id": branch, "quick_response": quick,
                                       "calendar_id": "24x7", "partner": true]
            #expect(try await put("v1/teams/\(id)", team).status == 200)
            ids[name] = id
        }
        return (branch, ids)
    }

    func put(_ path: String, _ body: [String: Any]) async throws -> HTTP.Reply {
        try await HTTP.send("PUT", dispatch.appending(path: path), json: body)
    }

    @discardableResult
    func agent(_ prefix: String, team: String, _ extra: [String: Any] = [:]) async throws -> String {
        let id = unique(prefix)
        var body: [String: Any] = ["id": id, "name": prefix, "team_id": team, "max_open": 100, "daily_cap": 100]
        body.merge(extra) { $1 }
        let reply = try await HTTP.send("POST", dispatch.appending(path: "v1/agents"), json: body)
        #expect(reply.status == 201, "\(String(decoding: reply.body, as: UTF8.self))")
        return id
    }

    /// Publishes tickets as classification would, bound to `team`; returns their numbers.
    func send(_ count: Int = 1, team: String, priority: Priority = .p3, customer: String = unique("customer"),
              language: String = "zh-CN", category: String = "fault", site: Coordinates? = nil) async throws -> [String] {
        let publisher = AMQPPublisher(configuration: try Stack.amqp("admin"), logger: Stack.logger)
        publisher.start()
        defer { publisher.shutdown() }
        let numbers = (0..<count).map { _ in "KF-T-\(UUID().uuidString.prefix(12))" }
        let messages = try numbers.map { number in
            let ticket = TicketClassified(
                ticketNumber: number, channel: .phone, customerID: customer, customerTier: .standard, category: category,
                priority: priority, slaClass: "standard", language: language, complaint: false, site: site, teamID: team,
                classifiedAt: Date())
            return OutgoingMessage(exchange: KefuExchange.work, routingKey: TicketClassified.messageType, body: try KefuJSON.encode(ticket),
                                   messageID: "ticket.classified:\(number)", type: TicketClassified.messageType)
        }
        try await publisher.publish(messages)
        return numbers
    }

    /// The ticket once dispatch has placed it (assigned or queued).
    func placed(_ number: String) async throws -> [String: Any] {
        let ticket = try await eventually { () -> [String: Any]? in
            let reply = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)"))
            guard reply.status == 200, let json = try? reply.json(), ["assigned", "queued"].contains(json["status"] as? String) else {
                return nil
            }
            return json
        }
        return try #require(ticket)
    }

    func explanation(_ number: String) async throws -> [String: Any] {
        let reply = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)/assignments"))
        let history = try reply.json()
        return try #require((history["assignments"] as? [[String: Any]])?.last?["explanation"] as? [String: Any],
                            "\(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
    }

    @Test("preference: dedicated representative, then the quick-response team for P1, then the nearest field engineer, then the least loaded")
    func preferences() async throws {
        let org = try await organisation(stations: ["plain": false, "quick": true])
        let plain = try #require(org.stations["plain"])
        let busy = try await agent("busy", team: plain)
        let idle = try await agent("idle", team: plain)
        let quick = try await agent("quick", team: try #require(org.stations["quick"]))
        let near = try await agent("near", team: plain, ["field_engineer": true, "service_radius_km": 80,
                                                         "location": ["latitude": 31.23, "longitude": 121.47]])  // Shanghai
        let far = try await agent("far", team: plain, ["field_engineer": true, "service_radius_km": 80,
                                                       "location": ["latitude": 39.90, "longitude": 116.40]])  // Beijing
        // Give everyone but `idle` some load first, so least-loaded has one answer.
        for agentID in [busy, quick, near, far] {
            let customer = unique("loaded")
            #expect(try await put("v1/representatives/\(customer)", ["agent_id": agentID]).status == 200)
            let number = try await send(team: org.branch, customer: customer)[0]
            #expect(try await placed(number)["agent_id"] as? String == agentID)
            #expect(try await explanation(number)["rule"] as? String == "dedicated_representative")
        }

        let plainTicket = try await send(team: org.branch)[0]
        #expect(try await placed(plainTicket)["agent_id"] as? String == idle)
        let why = try await explanation(plainTicket)
        #expect(why["rule"] as? String == "least_loaded")
        #expect(why["eligible"] as? Int == 5)
        #expect((why["candidates"] as? [[String: Any]])?.first?["agent_id"] as? String == idle)

        let emergency = try await send(team: org.branch, priority: .p1)[0]
        #expect(try await placed(emergency)["agent_id"] as? String == quick)
        #expect(try await explanation(emergency)["rule"] as? String == "quick_response")

        let onSite = try await send(team: org.branch, site: Coordinates(latitude: 31.0, longitude: 121.2))[0]  // near Shanghai
        #expect(try await placed(onSite)["agent_id"] as? String == near)
        let distance = (try await explanation(onSite)["candidates"] as? [[String: Any]])?.first?["distance_km"] as? Double
        #expect(distance.map { (30...45).contains($0) } == true)
        // A site nobody's area covers falls back to the least loaded.
        let remote = try await send(team: org.branch, site: Coordinates(latitude: 23.1, longitude: 113.3))[0]  // Guangzhou
        _ = try await placed(remote)
        #expect(try await explanation(remote)["rule"] as? String == "least_loaded")
    }

    @Test("skills, duty, capacity and the daily cap decide who is eligible")
    func eligibility() async throws {
        let org = try await organisation(stations: ["s": false])
        let station = try #require(org.stations["s"])
        let english = try await agent("english", team: station, ["skills": ["languages": ["en"]]])
        let billing = try await agent("billing", team: station, ["skills": ["categories": ["billing"]]])
        let faults = try await agent("faults", team: station, ["skills": ["categories": ["fault"], "languages": ["zh"]],
                                                               "max_open": 1])
        let onBreak = try await agent("break", team: station, ["duty": "break"])

        let first = try await send(team: org.branch, category: "fault.hardware")[0]
        #expect(try await placed(first)["agent_id"] as? String == faults)  // zh covers zh-CN, fault covers fault.hardware
        let second = try await send(team: org.branch, category: "fault.hardware")[0]
        #expect(try await placed(second)["status"] as? String == "queued")  // faults is full; the others lack the skill
        let english1 = try await send(team: org.branch, language: "en", category: "billing")[0]
        let placedEnglish = try await placed(english1)["agent_id"] as? String
        #expect(placedEnglish == english || placedEnglish == billing)

        // Going off duty by the older spelling, then coming back from it with the skill, takes the waiting ticket at once.
        let off = try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(onBreak)"), json: ["on_duty": false])
        #expect(try off.json()["duty"] as? String == "off")
        #expect(try await placed(second)["status"] as? String == "queued")
        #expect(try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(onBreak)"), json: ["duty": "on"]).status == 200)
        #expect(try await placed(second)["agent_id"] as? String == onBreak)

        // A daily cap of one: the second ticket of the day waits.
        let capped = try await organisation(stations: ["c": false])
        let cappedAgent = try await agent("capped", team: try #require(capped.stations["c"]), ["daily_cap": 1])
        let tickets = try await send(2, team: capped.branch)
        let statuses = try await [placed(tickets[0]), placed(tickets[1])].map { $0["status"] as? String }
        #expect(statuses.sorted { ($0 ?? "") < ($1 ?? "") } == ["assigned", "queued"])
        let agents = try await HTTP.get(dispatch.appending(path: "v1/agents")).jsonArray()
        #expect(agents.first { $0["id"] as? String == cappedAgent }?["assigned_today"] as? Int == 1)

        let refused = try await HTTP.send("POST", dispatch.appending(path: "v1/agents"),
                                          json: ["name": "x", "team_id": "nowhere", "field_engineer": true, "duty": "on"])
        #expect(refused.status == 422)
        let fields = (try refused.json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["/location", "/team_id"])
    }

    @Test("the waiting queue drains by priority, then age, the moment capacity frees up")
    func queueOrder() async throws {
        let org = try await organisation(stations: ["q": false])
        let worker = try await agent("worker", team: try #require(org.stations["q"]), ["max_open": 0])
        let low = try await send(team: org.branch, priority: .p4)[0]
        let olderHigh = try await send(team: org.branch, priority: .p2)[0]
        let newerHigh = try await send(team: org.branch, priority: .p2)[0]
        for number in [low, olderHigh, newerHigh] { #expect(try await placed(number)["status"] as? String == "queued") }

        #expect(try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(worker)"), json: ["max_open": 1]).status == 200)
        #expect(try await placed(olderHigh)["agent_id"] as? String == worker)
        #expect(try await placed(newerHigh)["status"] as? String == "queued")
        // Resolving frees the place for the next in line.
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(olderHigh)/resolve"), json: [:]).status == 200)
        #expect(try await placed(newerHigh)["agent_id"] as? String == worker)
        #expect(try await placed(low)["status"] as? String == "queued")
    }

    @Test("work spreads evenly over a simulated day")
    func fairness() async throws {
        // One dispatch replica: with two, each would see the other's agents busy mid-batch.
        try await withServicesToMyself {
            let org = try await organisation(stations: ["f": false])
            var agents: [String] = []
            for index in 0..<5 { agents.append(try await agent("fair\(index)", team: try #require(org.stations["f"]))) }
            // Morning: 40 tickets; every agent gets 8.
            let morning = try await send(40, team: org.branch)
            var owner: [String: String] = [:]
            for number in morning { owner[number] = try await placed(number)["agent_id"] as? String }
            let counts = Dictionary(grouping: owner.values, by: { $0 }).mapValues(\.count)
            #expect(counts.values.sorted() == [8, 8, 8, 8, 8])
            // Midday: two agents clear their desks; the afternoon's first tickets go to them, then evenly again.
            for number in morning where owner[number] == agents[0] || owner[number] == agents[1] {
                #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/resolve"), json: [:]).status == 200)
            }
            let afternoon = try await send(26, team: org.branch)
            var afternoonCounts: [String: Int] = [:]
            for number in afternoon { afternoonCounts[try await placed(number)["agent_id"] as? String ?? "", default: 0] += 1 }
            #expect(afternoonCounts[agents[0]] == 10 && afternoonCounts[agents[1]] == 10)
            #expect([agents[2], agents[3], agents[4]].map { afternoonCounts[$0] ?? 0 }.sorted() == [2, 2, 2])
        }
    }

    @Test("a ticket not accepted in time goes to someone else, and the miss is recorded")
    func acceptTimeout() async throws {
        let org = try await organisation(stations: ["a": false])
        let station = try #require(org.stations["a"])
        // This station's own timeout, so that no other test's tickets are affected.
        #expect(try await put("v1/teams/\(station)", ["id": station, "name": "a", "level": "station", "parent_id": org.branch,
                                                      "accept_timeout_seconds": 3, "partner": true]).status == 200)
        // A category of this test's own: triage's default team is headquarters, whose tickets
        // every team under it may take, and the newest agents are the least loaded.
        let category = unique("acceptance")
        let skills: [String: Any] = ["skills": ["categories": [category]]]
        let first = try await agent("slow", team: station, skills)
        let number = try await send(team: org.branch, category: category)[0]
        #expect(try await placed(number)["agent_id"] as? String == first)
        let second = try await agent("quick", team: station, skills.merging(["max_open": 5]) { $1 })
        let moved = try await eventually { () -> String? in
            let agentID = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)")).json()["agent_id"] as? String
            return agentID == second ? agentID : nil
        }
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/accept"), json: [:]).status == 200)
        #expect(try await HTTP.send("PATCH", dispatch.appending(path: "v1/settings"), json: ["accept_timeout_seconds": 0]).status == 422)
        #expect(moved == second)
        let history = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)/assignments")).json()
        #expect((history["missed_acceptances"] as? [[String: Any]])?.first?["agent_id"] as? String == first)
        // On a slow machine the first may be offered it again before the second exists.
        let offers = (history["assignments"] as? [[String: Any]] ?? []).compactMap { $0["agent_id"] as? String }
        #expect(offers.first == first && offers.last == second && Set(offers) == [first, second])
        let agents = try await HTTP.get(dispatch.appending(path: "v1/agents")).jsonArray()
        #expect(agents.first { $0["id"] as? String == first }?["open_count"] as? Int == 0)
    }

    @Test("teams, agents and representatives are imported in bulk from CSV or JSON, all or nothing")
    func bulkImport() async throws {
        let (branch, station) = (unique("ib"), unique("is"))
        let teams = """
            id,name,level,parent_id,calendar_id,partner,accept_timeout_seconds
            \(branch),East branch,branch,hq,standard,,
            \(station),Pudong station,station,\(branch),24x7,true,600
            """
        let importedTeams = try await HTTP.send("POST", dispatch.appending(path: "v1/teams/import"), body: Data(teams.utf8),
                                                contentType: "text/csv")
        #expect(importedTeams.status == 201)
        let listed = try await HTTP.get(dispatch.appending(path: "v1/teams")).jsonArray()
        #expect(listed.first { $0["id"] as? String == station }?["accept_timeout_seconds"] as? Int == 600)
        let orphan = try await HTTP.send("POST", dispatch.appending(path: "v1/teams/import"),
                                         json: [["id": unique("x"), "name": "x", "level": "station", "parent_id": "hq"]])
        #expect(orphan.status == 422)
        #expect((try orphan.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "/records/0/parent_id")
        let (a, b) = (unique("csv"), unique("csv"))
        let csv = """
            id,name,team_id,max_open,categories,languages,field_engineer,latitude,longitude,service_radius_km
            \(a),"Wang, Fang",\(station),5,fault;parts,zh;en,true,31.2,121.5,50
            \(b),Li Lei,\(station),,,,,,,
            """
        let imported = try await HTTP.send("POST", dispatch.appending(path: "v1/agents/import"), body: Data(csv.utf8), contentType: "text/csv")
        #expect(imported.status == 201)
        #expect(try imported.json()["imported"] as? Int == 2)
        let agents = try await HTTP.get(dispatch.appending(path: "v1/agents")).jsonArray()
        let wang = try #require(agents.first { $0["id"] as? String == a })
        #expect(wang["name"] as? String == "Wang, Fang")
        #expect((wang["skills"] as? [String: Any])?["categories"] as? [String] == ["fault", "parts"])
        #expect(wang["field_engineer"] as? Bool == true && wang["max_open"] as? Int == 5)
        #expect(agents.first { $0["id"] as? String == b }?["max_open"] as? Int == 10)

        let bad = try await HTTP.send("POST", dispatch.appending(path: "v1/agents/import"), json: [
            ["id": unique("ok"), "name": "Fine", "team_id": station],
            ["id": unique("bad"), "name": "", "team_id": station],
        ])
        #expect(bad.status == 422)
        #expect((try bad.json()["errors"] as? [[String: Any]])?.first?["field"] as? String == "/records/1/name")
        let after = try await HTTP.get(dispatch.appending(path: "v1/agents")).jsonArray()
        #expect(!after.contains { ($0["name"] as? String) == "Fine" && ($0["team_id"] as? String) == station })

        let customer = unique("vip")
        let representatives = "customer_id,agent_id\n\(customer),\(a)\n"
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/representatives/import"), body: Data(representatives.utf8),
                                    contentType: "text/csv").status == 201)
        let number = try await send(team: branch, customer: customer)[0]
        #expect(try await placed(number)["agent_id"] as? String == a)
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/representatives/import"),
                                    json: [["customer_id": customer, "agent_id": "nobody-\(customer)"]]).status == 422)
        // Listed for the console's organisation page, and removed one at a time.
        let assigned = try await HTTP.get(dispatch.appending(path: "v1/representatives")).jsonArray()
        #expect(assigned.contains { $0["customer_id"] as? String == customer && $0["agent_id"] as? String == a })
        #expect(try await HTTP.send("DELETE", dispatch.appending(path: "v1/representatives/\(customer)")).status == 204)
        let remaining = try await HTTP.get(dispatch.appending(path: "v1/representatives")).jsonArray()
        #expect(!remaining.contains { $0["customer_id"] as? String == customer })
    }

    @Test("with two dispatch replicas, a burst of tickets all reach agents while they have room")
    func twoReplicasUnderABurst() async throws {
        try await withServicesToMyself {
            let (_, stations) = try await organisation(stations: ["burst": false])
            let station = stations["burst"]!
            for index in 0..<10 { try await agent("burst-\(index)", team: station, ["max_open": 500, "daily_cap": 500]) }
            try await Stack.service("start", "dispatch@2")
            do {
                let numbers = try await send(1000, team: station)
                let database = try Stack.database("dispatch")
                defer { database.shutdown() }
                let counts = try await eventually(timeout: .seconds(60)) { () -> [String: Int]? in
                    let rows = try await database.withConnection { connection in
                        try connection.query("""
                            SELECT status, count(*) AS n FROM dispatch.tickets WHERE number = ANY($1) GROUP BY status
                            """, [numbers]).map { (try $0.require("status", as: String.self), try $0.require("n", as: Int.self)) }
                    }
                    let counts = Dictionary(uniqueKeysWithValues: rows)
                    return counts["assigned"] == numbers.count ? counts : nil
                }
                #expect(counts?["assigned"] == 1000, "every ticket assigned; none left queued while 5,000 places were free")
            } catch {
                try? await Stack.service("stop", "dispatch@2")
                throw error
            }
            try await Stack.service("stop", "dispatch@2")
        }
    }

    @Test("capacity freed for more tickets than one drain takes: the rest of the queue follows on its own")
    func drainBeyondOnePage() async throws {
        let (_, stations) = try await organisation(stations: ["deep": false])
        let station = stations["deep"]!
        let agentID = try await agent("deep", team: station, ["max_open": 1, "daily_cap": 1000])
        let numbers = try await send(301, team: station)
        let database = try Stack.database("dispatch")
        defer { database.shutdown() }
        func counts() async throws -> [String: Int] {
            Dictionary(uniqueKeysWithValues: try await database.withConnection { connection in
                try connection.query("SELECT status, count(*) AS n FROM dispatch.tickets WHERE number = ANY($1) GROUP BY status",
                                     [numbers]).map { (try $0.require("status", as: String.self), try $0.require("n", as: Int.self)) }
            })
        }
        let queued = try await eventually { () -> Int? in try await counts()["queued"] == 300 ? 300 : nil }
        #expect(queued == 300, "one ticket assigned, the rest waiting")
        #expect(try await HTTP.send("PATCH", dispatch.appending(path: "v1/agents/\(agentID)"), json: ["max_open": 1000]).status == 200)
        let assigned = try await eventually(timeout: .seconds(20)) { () -> Int? in
            try await counts()["assigned"] == 301 ? 301 : nil
        }
        #expect(assigned == 301, "all 300 went out, not only the first page of the queue")
    }
}
