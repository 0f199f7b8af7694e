import Foundation
import KefuContracts
import KefuStorage
import Testing

@Suite("A ticket flows through all five services", .serialized)
struct FlowTests {
    init() async throws {
        // Enough room that these tests never wait for capacity.
        _ = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/agents"),
                                json: ["id": unique("agent"), "name": "Flow Test Agent", "max_open": 100_000,
                                       "daily_cap": 100_000])
    }

    @Test("phone submission over AMQP: accepted reply, classified, assigned, acknowledged, resolved, surveyed")
    func phoneOverAMQP() async throws {
        let monitor = try await EventMonitor()
        defer { monitor.close() }
        let gateway = try await Gateway()
        defer { gateway.close() }

        let submissionID = unique("pbx")
        try await gateway.submit([phoneSubmission(submissionID)])
        let reply = try #require(try await gateway.replies(count: 1)[submissionID])
        #expect(reply.status == .accepted)
        #expect(reply.duplicate == false)
        let number = try #require(reply.ticketNumber)

        let events = try await monitor.collect { events in
            Set(events.filter { $0.subject == number }.map(\.type))
                .isSuperset(of: ["kefu.ticket.assigned", "kefu.notification.sent"])
        }
        let types = Set(events.filter { $0.subject == number }.map(\.type))
        #expect(types.isSuperset(of: ["kefu.ticket.created", "kefu.ticket.classified", "kefu.ticket.assigned",
                                      "kefu.notification.sent"]))
        let classified = try #require(events.first { $0.subject == number && $0.type == "kefu.ticket.classified" })
        #expect(classified.data.category == "fault")
        #expect(classified.source == "/kefu/classification")
        let assigned = try #require(events.first { $0.subject == number && $0.type == "kefu.ticket.assigned" })
        #expect(assigned.data.agentID != nil)
        #expect(assigned.data.resolutionDueAt != nil)

        let resolved = try await HTTP.send("POST", try Stack.url("dispatch").appending(path: "v1/tickets/\(number)/resolve"),
                                           json: ["resolution": "hydraulic valve replaced"])
        #expect(resolved.status == 200)
        let later = try await monitor.collect { events in
            events.contains { $0.subject == number && $0.type == "kefu.survey.created" }
        }
        #expect(later.contains { $0.subject == number && $0.type == "kefu.ticket.resolved" })
        #expect(later.contains { $0.subject == number && $0.type == "kefu.survey.created" })

        let surveys = try await HTTP.get(try Stack.url("survey").appending(path: "v1/surveys")
            .appending(queryItems: [URLQueryItem(name: "ticket", value: number)])).jsonArray()
        #expect(surveys.count == 1)

        let timeline = try await eventually { () -> [String]? in
            let ticket = try await HTTP.get(try Stack.url("intake").appending(path: "v1/tickets/\(number)")).json()
            let types = (ticket["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            return types.contains("kefu.survey.created") && ticket["status"] as? String == "resolved" ? types : nil
        }
        #expect(timeline?.first == "kefu.ticket.created")
    }

    @Test("status events carry no contact details and no bodies")
    func eventsCarryNoPersonalData() async throws {
        let monitor = try await EventMonitor()
        defer { monitor.close() }
        let gateway = try await Gateway()
        defer { gateway.close() }
        let submissionID = unique("pbx")
        var submission = phoneSubmission(submissionID, body: "机器漏油 secret-body-text")
        submission["customer"] = ["name": "王秘密", "phone": "+8613912345678", "email": "private.person@example.com"]
        try await gateway.submit([submission])
        let number = try #require(try await gateway.replies(count: 1)[submissionID]?.ticketNumber)
        let events = try await monitor.collect { events in
            events.contains { $0.subject == number && $0.type == "kefu.notification.sent" }
                && events.contains { $0.subject == number && $0.type == "kefu.ticket.assigned" }
        }
        let ours = events.filter { $0.subject == number }
        #expect(ours.count >= 4)
        for event in ours {
            let text = String(decoding: try KefuJSON.encode(event), as: UTF8.self)
            for secret in ["王秘密", "13912345678", "private.person", "secret-body-text", "机器漏油"] {
                #expect(!text.contains(secret), "\(event.type) leaks personal data or content")
            }
        }
    }

    @Test("web submission over HTTP: 201, then 200 with the same ticket for a repeated submission_id")
    func webOverHTTP() async throws {
        let monitor = try await EventMonitor()
        defer { monitor.close() }
        let submissionID = unique("web")
        let body: [String: Any] = [
            "submission_id": submissionID, "channel": "web",
            "customer": ["email": "Web.User@Example.com", "external_id": unique("C")],
            "subject": "Printer down", "body": "The printer is down and shows error 41. Urgent.",
        ]
        let tickets = try Stack.url("intake").appending(path: "v1/tickets")
        let first = try await HTTP.send("POST", tickets, json: body)
        #expect(first.status == 201)
        let number = try #require(try first.json()["number"] as? String)
        let second = try await HTTP.send("POST", tickets, json: body)
        #expect(second.status == 200)
        #expect(try second.json()["number"] as? String == number)

        let events = try await monitor.collect { events in
            events.contains { $0.subject == number && $0.type == "kefu.ticket.assigned" }
        }
        #expect(events.filter { $0.subject == number && $0.type == "kefu.ticket.created" }.count == 1)
        let classified = try #require(events.first { $0.subject == number && $0.type == "kefu.ticket.classified" })
        #expect(classified.data.channel == "web")
        #expect(classified.data.priority == "P2")  // "down" and "urgent" raise the fault default P3
    }

    @Test("bad HTTP input: problem+json naming every bad field, and the submission is kept")
    func badHTTPInput() async throws {
        let monitor = try await EventMonitor(bindingKey: "submission.rejected")
        defer { monitor.close() }
        let tickets = try Stack.url("intake").appending(path: "v1/tickets")
        let submissionID = unique("bad")
        let reply = try await HTTP.send("POST", tickets, json: [
            "submission_id": submissionID, "channel": "fax", "customer": ["tier": "gold"], "body": "",
            "colour": "red",
        ])
        #expect(reply.status == 422)
        #expect(reply.contentType?.hasPrefix("application/problem+json") == true)
        let errors = try reply.json()["errors"] as? [[String: String]] ?? []
        let fields = Set(errors.compactMap { $0["field"] })
        #expect(fields == ["/channel", "/customer/tier", "/customer", "/body", "/colour"])

        let notJSON = try await HTTP.send("POST", tickets, body: Data("{\"submission_id\": ".utf8))
        #expect(notJSON.status == 400)
        #expect((try notJSON.json()["errors"] as? [[String: String]])?.first?["message"] == "is not valid JSON")

        let wrongType = try await HTTP.send("POST", tickets, body: Data("hello".utf8), contentType: "text/plain")
        #expect(wrongType.status == 415)
        let tooLarge = try await HTTP.send("POST", tickets, json: [
            "submission_id": unique("big"), "channel": "web", "customer": ["email": "a@b.cn"],
            "body": String(repeating: "x", count: 200 * 1024),
        ])
        #expect(tooLarge.status == 413)

        let kept = try await Stack.database("intake").withConnection { connection in
            try connection.query("SELECT reasons::text AS reasons FROM intake.rejected_submissions WHERE submission_id = $1",
                                 [submissionID]).first.map { try $0.require("reasons", as: String.self) }
        }
        #expect(kept?.contains("/customer/tier") == true)
        let events = try await monitor.collect { $0.contains { $0.subject == submissionID } }
        #expect(events.contains { $0.subject == submissionID && $0.type == "kefu.submission.rejected" })
    }

    @Test("bad AMQP input: a rejected reply with field errors, and the raw message is kept")
    func badAMQPInput() async throws {
        let gateway = try await Gateway()
        defer { gateway.close() }
        let missingBody = unique("pbx-bad")
        try await gateway.submit([["submission_id": missingBody, "channel": "phone", "customer": ["phone": "+8613800000000"]]])
        let notJSON = unique("pbx-raw")
        try await gateway.publishRaw(Array("this is not json".utf8), routingKey: "submit.phone",
                                     contentType: "application/json", correlationID: notJSON)
        let wrongChannel = unique("pbx-chan")
        try await gateway.submit([phoneSubmission(wrongChannel)], channel: "email")

        let replies = try await gateway.replies(count: 3)
        #expect(replies[missingBody]?.status == .rejected)
        #expect(replies[missingBody]?.errors?.map(\.field) == ["/body"])
        #expect(replies[notJSON]?.status == .rejected)
        #expect(replies[notJSON]?.errors?.first?.message == "is not valid JSON")
        #expect(replies[wrongChannel]?.errors?.contains { $0.field == "/channel" } == true)

        let stored = try await Stack.database("intake").withConnection { connection in
            try connection.query("SELECT count(*) AS n FROM intake.rejected_submissions WHERE raw = $1",
                                 [Data("this is not json".utf8)]).first!.require("n", as: Int.self)
        }
        #expect(stored >= 1)
    }
}
