import Foundation
import KefuContracts
import KefuMessaging
import Testing

/// The ingress contract as gateways use it: the submission id is the only idempotency key, and a
/// field engineer's site travels with the submission.
@Suite("Ingress: idempotency by submission id, and sites", .serialized)
struct IngressContractTests {
    /// Publishes one submission with the gateway's own `message_id`, as a gateway that numbers
    /// its messages per connection does; the reply.
    private func submit(_ submission: [String: Any], messageID: String, on gateway: Gateway) async throws -> IngressReply? {
        let id = submission["submission_id"] as! String
        try await gateway.publisher.publish([OutgoingMessage(
            exchange: KefuExchange.intake, routingKey: "submit.phone", body: Array(try JSONSerialization.data(withJSONObject: submission)),
            messageID: messageID, correlationID: id, replyTo: gateway.replyQueue)])
        return try await gateway.replies(count: 1)[id]
    }

    @Test("a gateway that reuses a message_id for a new submission gets a new ticket; a repeat gets the same one")
    func reusedMessageID() async throws {
        let gateway = try await Gateway()
        defer { gateway.close() }
        let first = phoneSubmission(unique("pbx"))
        let second = phoneSubmission(unique("pbx"))
        let one = try #require(try await submit(first, messageID: "1", on: gateway))
        let two = try #require(try await submit(second, messageID: "1", on: gateway))
        let again = try #require(try await submit(first, messageID: "1", on: gateway))
        #expect(one.status == .accepted && two.status == .accepted)
        #expect(one.ticketNumber != nil && two.ticketNumber != nil && one.ticketNumber != two.ticketNumber,
                "the second submission is not mistaken for the first")
        #expect(again.ticketNumber == one.ticketNumber && again.duplicate == true, "a repeat is answered with its ticket")
    }

    @Test("two gateways that send message_id 1 at the same moment both get tickets, even in one batch")
    func reusedMessageIDInOneBatch() async throws {
        let gateway = try await Gateway()
        defer { gateway.close() }
        let submissions = [phoneSubmission(unique("pbx-a")), phoneSubmission(unique("pbx-b"))]
        // Both wait in the queue while intake is stopped, so that it takes them in one batch.
        try await Stack.service("stop", "intake")
        do {
            try await gateway.publisher.publish(try submissions.map { submission in
                OutgoingMessage(exchange: KefuExchange.intake, routingKey: "submit.phone",
                                body: Array(try JSONSerialization.data(withJSONObject: submission)), messageID: "1",
                                correlationID: submission["submission_id"] as? String, replyTo: gateway.replyQueue)
            })
        } catch {
            try await Stack.service("start", "intake")
            throw error
        }
        try await Stack.service("start", "intake")
        let replies = try await gateway.replies(count: 2, timeout: .seconds(60))
        let numbers = submissions.compactMap { replies[$0["submission_id"] as! String]?.ticketNumber }
        #expect(numbers.count == 2 && Set(numbers).count == 2, "each submission has a ticket of its own: \(replies)")
    }

    @Test("metadata.site reaches dispatch: the field engineer whose area covers it gets the ticket")
    func siteReachesDispatch() async throws {
        let dispatch = try Stack.url("dispatch")
        let branch = unique("site-branch"), station = unique("site-station"), engineer = unique("engineer")
        #expect(try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(branch)"),
                                    json: ["id": branch, "name": "Sites", "level": "branch", "parent_id": "hq"]).status == 200)
        #expect(try await HTTP.send("PUT", dispatch.appending(path: "v1/teams/\(station)"), json: [
            "id": station, "name": "Sites station", "level": "station", "parent_id": branch, "calendar_id": "24x7"]).status == 200)
        // Somewhere no other test's engineer covers.
        let latitude = Double.random(in: 40...50), longitude = Double.random(in: 90...100)
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/agents"), json: [
            "id": engineer, "name": "Field Engineer", "team_id": station, "field_engineer": true, "max_open": 100,
            "location": ["latitude": latitude + 0.05, "longitude": longitude], "service_radius_km": 20]).status == 201)

        let gateway = try await Gateway()
        defer { gateway.close() }
        var submission = phoneSubmission(unique("site"))
        submission["metadata"] = ["ivr_path": "3", "site": ["latitude": latitude, "longitude": longitude]]
        let reply = try #require(try await submit(submission, messageID: unique("m"), on: gateway))
        #expect(reply.status == .accepted, "\(reply)")
        let number = try #require(reply.ticketNumber)
        let explanation = try await eventually { () -> [String: Any]? in
            let answer = try await HTTP.get(dispatch.appending(path: "v1/tickets/\(number)/assignments"))
            guard answer.status == 200, let first = (try answer.json()["assignments"] as? [[String: Any]])?.first else { return nil }
            return first
        }
        #expect(explanation?["agent_id"] as? String == engineer)
        #expect((explanation?["explanation"] as? [String: Any])?["rule"] as? String == "nearest_field_engineer")
    }

    @Test("a site that is not a place is refused with the field named")
    func badSite() async throws {
        let tickets = try Stack.url("intake").appending(path: "v1/tickets")
        for (site, field) in [(["latitude": 91, "longitude": 0], "/metadata/site/latitude"),
                              (["latitude": 31.2], "/metadata/site/longitude"),
                              (["latitude": 31.2, "longitude": 121.5, "altitude": 4], "/metadata/site/altitude")] as [([String: Any], String)] {
            var submission = phoneSubmission(unique("bad-site"))
            submission["metadata"] = ["site": site]
            let answer = try await HTTP.send("POST", tickets, json: submission, token: try Stack.value("KEFU_INTEGRATOR_TOKEN"))
            #expect(answer.status == 422)
            let fields = (try answer.json()["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains(field), "\(fields)")
        }
        var other = phoneSubmission(unique("bad-meta"))
        other["metadata"] = ["nested": ["a": 1]]
        #expect(try await HTTP.send("POST", tickets, json: other, token: try Stack.value("KEFU_INTEGRATOR_TOKEN")).status == 422)
    }
}
