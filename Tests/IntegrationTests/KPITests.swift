import Foundation
import KefuContracts
import KefuServiceKit
import Testing

/// KPI figures from a fixed set of status events in March 2020 (Asia/Shanghai), published out of
/// order, some twice, one late; checked against figures worked out by hand.
@Suite("Survey: KPIs and the monthly report", .serialized)
struct KPITests {
    static let start = ISO8601DateFormatter().date(from: "2020-03-02T02:00:00Z")!  // 10:00 in Shanghai

    static func event(_ id: String, _ type: StatusEventType, _ ticket: String, minutes: Double, day: Int = 0,
                      _ data: StatusEventData = StatusEventData()) -> StatusEvent {
        var data = data
        data.ticketNumber = ticket
        data.occurredAt = start.addingTimeInterval(Double(day) * 86400 + minutes * 60)
        return StatusEvent(id: "kpi-test-\(id)", service: "test", type: type, subject: ticket, time: data.occurredAt, data: data)
    }

    /// K1 phone fault P2 north: accepted at 10 min, resolved at 60 (handle 3000 s), CSAT 5, NPS 10.
    /// K2 email billing P3 south: accepted at 30, transferred, resolution breached (due at 90), resolved
    ///    at 120 (handle 6000 s), CSAT 2, NPS 3, a complaint, reopened.
    /// K3 phone fault P1 north, the next day: first response breached, accepted at 5, resolved at 40
    ///    (handle 2000 s), surveyed, no answer.
    /// K4 web fault P3, two days on: classified a complaint, never accepted.
    /// K5 phone fault P3 west, three days on: resolved at 20 without ever being accepted (handle
    ///    600 s): its first response is the resolution, and it counts towards first-response SLA.
    static let events: [StatusEvent] = [
        event("k1-created", .ticketCreated, "KPI-K1", minutes: 0, StatusEventData(channel: "phone")),
        event("k1-classified", .ticketClassified, "KPI-K1", minutes: 1, StatusEventData(category: "fault", priority: "P2", complaint: false)),
        event("k1-assigned", .ticketAssigned, "KPI-K1", minutes: 2, StatusEventData(teamID: "north", agentID: "a1",
                                                                                   resolutionDueAt: start.addingTimeInterval(7200))),
        event("k1-accepted", .ticketAccepted, "KPI-K1", minutes: 10),
        event("k1-resolved", .ticketResolved, "KPI-K1", minutes: 60, StatusEventData(handleSeconds: 3000)),
        event("k1-survey", .surveyCompleted, "KPI-K1", minutes: 300, StatusEventData(complaint: false, csat: 5, nps: 10)),
        event("k2-created", .ticketCreated, "KPI-K2", minutes: 0, StatusEventData(channel: "email")),
        event("k2-classified", .ticketClassified, "KPI-K2", minutes: 1, StatusEventData(category: "billing", priority: "P3")),
        event("k2-assigned", .ticketAssigned, "KPI-K2", minutes: 2, StatusEventData(teamID: "south", agentID: "a2",
                                                                                   resolutionDueAt: start.addingTimeInterval(5400))),
        event("k2-accepted", .ticketAccepted, "KPI-K2", minutes: 30),
        event("k2-transferred", .ticketTransferred, "KPI-K2", minutes: 40),
        event("k2-breached", .ticketSLABreached, "KPI-K2", minutes: 90, StatusEventData(slaTarget: "resolution")),
        event("k2-resolved", .ticketResolved, "KPI-K2", minutes: 120, StatusEventData(handleSeconds: 6000)),
        event("k2-survey", .surveyCompleted, "KPI-K2", minutes: 180, StatusEventData(complaint: true, csat: 2, nps: 3)),
        event("k2-reopened", .ticketReopened, "KPI-K2", minutes: 181, StatusEventData(complaint: true)),
        event("k3-created", .ticketCreated, "KPI-K3", minutes: 0, day: 1, StatusEventData(channel: "phone")),
        event("k3-classified", .ticketClassified, "KPI-K3", minutes: 1, day: 1, StatusEventData(category: "fault", priority: "P1")),
        event("k3-assigned", .ticketAssigned, "KPI-K3", minutes: 1, day: 1, StatusEventData(teamID: "north", agentID: "a1")),
        event("k3-breached", .ticketSLABreached, "KPI-K3", minutes: 4, day: 1, StatusEventData(slaTarget: "first_response")),
        event("k3-accepted", .ticketAccepted, "KPI-K3", minutes: 5, day: 1),
        event("k3-resolved", .ticketResolved, "KPI-K3", minutes: 40, day: 1, StatusEventData(handleSeconds: 2000)),
        event("k3-survey", .surveySent, "KPI-K3", minutes: 41, day: 1),
        event("k4-created", .ticketCreated, "KPI-K4", minutes: 0, day: 2, StatusEventData(channel: "web")),
        event("k4-classified", .ticketClassified, "KPI-K4", minutes: 1, day: 2, StatusEventData(category: "fault", priority: "P3", complaint: true)),
        event("k5-created", .ticketCreated, "KPI-K5", minutes: 0, day: 3, StatusEventData(channel: "phone")),
        event("k5-classified", .ticketClassified, "KPI-K5", minutes: 1, day: 3, StatusEventData(category: "fault", priority: "P3")),
        event("k5-assigned", .ticketAssigned, "KPI-K5", minutes: 2, day: 3, StatusEventData(teamID: "west", agentID: "a3")),
        event("k5-resolved", .ticketResolved, "KPI-K5", minutes: 20, day: 3, StatusEventData(handleSeconds: 600)),
    ]

    /// Published shuffled, with a few twice; K3's creation arrives last of all.
    func publishAll() async throws {
        let late = Self.events.filter { $0.id == "kpi-test-k3-created" }
        var shuffled = Self.events.filter { $0.id != "kpi-test-k3-created" }.reversed() + Self.events.prefix(5)
        shuffled.append(contentsOf: late)
        for event in shuffled { try await Kefu.publishEvent(event) }
    }

    func kpis(_ group: String? = nil) async throws -> [[String: Any]] {
        var url = try Stack.url("survey").appending(path: "v1/kpis")
            .appending(queryItems: [.init(name: "from", value: "2020-03-01"), .init(name: "to", value: "2020-04-01")])
        if let group { url = url.appending(queryItems: [.init(name: "group_by", value: group)]) }
        return try await HTTP.get(url).json()["figures"] as? [[String: Any]] ?? []
    }

    static func value(_ figure: [String: Any]?, _ key: String) -> Double? {
        (figure?[key] as? [String: Any])?["value"] as? Double ?? figure?[key] as? Double
    }

    @Test("the figures match the hand-computed ones, whatever the order and repeats of the events")
    func figures() async throws {
        try await publishAll()
        let overall = try #require(try await eventually { () -> [String: Any]? in
            let all = try await kpis().first
            return all?["tickets"] as? Int == 5 && Self.value(all, "csat") != nil && (all?["reopen_rate"] as? [String: Any])?["numerator"] as? Int == 1
                && (all?["sla_first_response"] as? [String: Any])?["denominator"] as? Int == 4
                && (all?["aht_seconds"] as? Double).map({ abs($0 - 2900) < 0.001 }) == true ? all : nil
        })
        func close(_ key: String, _ expected: Double) {
            #expect(abs((Self.value(overall, key) ?? .nan) - expected) < 0.0001, "\(key)")
        }
        #expect(overall["tickets"] as? Int == 5)
        close("tickets_per_day", 5.0 / 31)
        close("csat", 0.5)
        close("csat_response_rate", 2.0 / 3)
        close("nps", 0)
        close("fcr", 3.0 / 4)
        close("aht_seconds", (3000.0 + 6000 + 2000 + 600) / 4)
        close("sla_first_response", 3.0 / 4)  // K1, K2, K5 met; K3 breached; K4 not concluded
        close("sla_resolution", 3.0 / 4)
        close("reopen_rate", 1.0 / 4)
        close("complaint_rate", 2.0 / 5)
        // First responses 300 (K3), 600 (K1), 1200 (K5, its resolution), 1800 (K2), interpolated.
        let first = overall["first_response_seconds"] as? [String: Double]
        #expect(first?["median"] == 900 && abs((first?["p90"] ?? 0) - 1620) < 0.001)
        let resolution = overall["resolution_seconds"] as? [String: Double]
        #expect(resolution?["median"] == 3000 && abs((resolution?["p90"] ?? 0) - 6120) < 0.001)

        let byChannel = try await kpis("channel")
        let phone = byChannel.first { $0["group"] as? String == "phone" }
        #expect(phone?["tickets"] as? Int == 3)
        #expect(Self.value(phone, "fcr") == 1)
        #expect(byChannel.map { $0["group"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["email", "phone", "web"])
        let byTeam = try await kpis("team")
        #expect(byTeam.first { $0["group"] as? String == "north" }?["tickets"] as? Int == 2)
        #expect(byTeam.first { $0["group"] as? String == "none" }?["tickets"] as? Int == 1)

        // The same events again change nothing.
        try await publishAll()
        try await Task.sleep(for: .seconds(1))
        #expect(try await kpis().first?["tickets"] as? Int == 5)
        close("csat", 0.5)

        let bad = try await HTTP.get(try Stack.url("survey").appending(path: "v1/kpis")
            .appending(queryItems: [.init(name: "from", value: "March"), .init(name: "group_by", value: "weather")]))
        #expect(bad.status == 422)
        let body = String(decoding: bad.body, as: UTF8.self)
        #expect(body.contains("\"from\"") && body.contains("\"to\"") && body.contains("group_by"))
        #expect(try await HTTP.get(try Stack.url("survey").appending(path: "v1/kpis"), token: try Stack.token(.agent)).status == 403)
    }

    @Test("the monthly report renders in a real headless browser, with charts, tables and the worst breaches, and as CSV")
    func report() async throws {
        try await publishAll()
        let url = try Stack.url("survey").appending(path: "v1/reports/monthly").appending(queryItems: [.init(name: "month", value: "2020-03")])
        let html = try #require(try await eventually { () -> String? in
            let page = String(decoding: try await HTTP.get(url).body, as: UTF8.self)
            return page.contains("KPI-K2") ? page : nil
        })
        #expect(html.contains("Monthly service report, 2020-03"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        #expect(html.contains("Tickets per day") && html.contains("CSAT by day"))
        #expect(!html.contains("<script"))
        let csvReply = try await HTTP.get(url.appending(queryItems: [.init(name: "format", value: "csv")]))
        #expect(csvReply.contentType?.hasPrefix("text/csv") == true)
        let csv = String(decoding: csvReply.body, as: UTF8.self)
        #expect(csv.contains("\r\nmonth,all,5,0.5000,"))
        #expect(csv.contains("\r\nworst_breached,KPI-K2,"))
        // Read back with Python's csv module: every row of every section has the header's columns.
        let csvFile = URL(fileURLWithPath: try Stack.value("KEFU_STATE_DIR")).appendingPathComponent("report-2020-03.csv")
        try Data(csv.utf8).write(to: csvFile)
        let check = """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], newline='')))
            header = rows[0]
            bad = [(i, r[0], len(r)) for i, r in enumerate(rows) if len(r) != len(header)]
            sections = {r[0] for r in rows[1:]}
            sys.exit(1 if bad or not {'month', 'day', 'category', 'team', 'worst_breached'} <= sections else 0)
            """
        #expect(await Stack.run(["/usr/bin/python3", "-c", check, csvFile.path]) == 0, "every CSV row fits the header")
        let badMonth = try Stack.url("survey").appending(path: "v1/reports/monthly").appending(queryItems: [.init(name: "month", value: "2020-13")])
        #expect(try await HTTP.get(badMonth).status == 422)

        let folder = URL(fileURLWithPath: try Stack.value("KEFU_STATE_DIR")).appendingPathComponent("report")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = folder.appendingPathComponent("report-2020-03.html")
        let shot = folder.appendingPathComponent("report-2020-03.png")
        try Data(html.utf8).write(to: page)
        try? FileManager.default.removeItem(at: shot)
        let status = await Stack.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                      "--window-size=800,2600", "--screenshot=\(shot.path)", page.absoluteString])
        #expect(status == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a blank page would be a few KB")
    }
}
