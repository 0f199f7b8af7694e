import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KefuContracts
import KefuServiceKit
import Testing

/// Webhooks to the HTTP sink, checked the way a receiver would check them.
@Suite("Notification: webhooks", .serialized)
struct NotificationWebhookTests {
    let webhooks: URL

    init() throws {
        webhooks = try Stack.url("notification").appending(path: "v1/webhooks")
    }

    func subscribe(_ path: String, types: [String] = ["kefu.ticket.created"], secret: String = "receiver-secret-0123456789")
        async throws -> String {
        let reply = try await HTTP.send("POST", webhooks, json: ["url": try Outside.sinkURL(path), "event_types": types,
                                                                  "secret": secret])
        #expect(reply.status == 201)
        return try #require(try reply.json()["id"] as? String)
    }

    /// What a receiver does: recompute the HMAC over "t.body" and compare in constant time.
    static func verify(_ request: Outside.Request, secret: String) -> Bool {
        guard let header = request.headers["kefu-signature"] else { return false }
        var fields: [String: String] = [:]
        for pair in header.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let timestamp = fields["t"], let time = Double(timestamp), abs(Date().timeIntervalSince1970 - time) < 300,
              let given = fields["v1"] else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + request.body,
                                                  using: SymmetricKey(data: Array(secret.utf8)))
        let expected = mac.map { String(format: "%02x", $0) }.joined()
        return expected.utf8.count == given.utf8.count
            && zip(expected.utf8, given.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    @Test("subscribed events arrive signed, with a delivery id, and only the types subscribed to")
    func signedDelivery() async throws {
        let path = "/ok/\(unique("hook"))"
        let id = try await subscribe(path)
        let ticket = try await Kefu.submit(customer: ["phone": NotificationSMSTests.phone()])
        // Events of tickets created just before the subscription may still be on their way to it.
        func ours() async throws -> [Outside.Request] {
            try await Outside.requests(under: path).filter { $0.json["subject"] as? String == ticket.number }
        }
        let request = try #require(try await eventually { try await ours().first })
        #expect(Self.verify(request, secret: "receiver-secret-0123456789"))
        let tampered = Outside.Request(path: request.path, headers: request.headers, body: request.body + [0x20])
        #expect(!Self.verify(tampered, secret: "receiver-secret-0123456789"))
        #expect(!Self.verify(request, secret: "another-secret-0123456789"))
        #expect(request.headers["content-type"] == "application/cloudevents+json")
        #expect(request.headers["kefu-event"] == "kefu.ticket.created")
        #expect(UUID(uuidString: request.headers["kefu-delivery"] ?? "") != nil)
        #expect(request.json["type"] as? String == "kefu.ticket.created")
        #expect(request.json["subject"] as? String == ticket.number)

        // Classification and dispatch go on with the ticket; none of that was subscribed to.
        _ = try await Kefu.delivery(of: ticket.number) { $0["channel"] as? String == "sms" && $0["status"] as? String == "sent" }
        try await Task.sleep(for: .seconds(2))
        #expect(try await ours().count == 1)

        // The subscription's recent deliveries, newest first, as the console's webhook page lists them.
        let notifications = try Stack.url("notification").appending(path: "v1/notifications")
        let recent = try await HTTP.get(notifications.appending(queryItems: [.init(name: "webhook", value: id)])).jsonArray()
        #expect(recent.count >= 1 && recent.allSatisfy { $0["channel"] as? String == "webhook" })
        #expect(recent.contains { $0["ticket_number"] as? String == ticket.number && $0["status"] as? String == "sent" })
        let created = recent.compactMap { $0["created_at"] as? String }
        #expect(created == created.sorted(by: >))
        #expect(try await HTTP.get(notifications.appending(queryItems: [.init(name: "webhook", value: "nope")])).status == 422)

        let listed = try await HTTP.get(webhooks.appending(path: id)).json()
        #expect(listed["secret"] == nil)
        #expect(listed["event_types"] as? [String] == ["kefu.ticket.created"])
        #expect(try await HTTP.send("DELETE", webhooks.appending(path: id)).status == 204)
    }

    @Test("a delivery whose worker was killed mid-attempt is attempted again after its lease, once, and sent")
    func crashMidAttempt() async throws {
        try await withServicesToMyself {
            let suffix = unique("crash")
            let path = "/slowonce/\(suffix)"
            let id = try await subscribe(path, types: ["kefu.survey.sent"])
            let subject = "KF-CRASH-\(suffix)"
            try await Kefu.publishEvent(StatusEvent(service: "survey", type: .surveySent, subject: subject,
                                                    data: StatusEventData(ticketNumber: subject, surveyID: suffix)))
            // The first attempt hangs at the target; the worker dies holding it.
            _ = try await Outside.waitForRequests(under: path)
            kill(try Stack.pid(of: "notification"), SIGKILL)
            try await Stack.service("start", "notification")
            let sent = try #require(try await Kefu.delivery(of: subject, timeout: .seconds(60)) { $0.status == "sent" })
            #expect(sent["attempts"] as? Int == 2)
            #expect((sent["attempt_log"] as? [[String: Any]])?.map { $0["attempt"] as? Int } == [2])
            #expect(try await Outside.requests(under: path).count == 2)
            #expect(try await Kefu.deliveries(of: subject).count == 1)
            _ = try await HTTP.send("DELETE", webhooks.appending(path: id))
        }
    }

    @Test("a subscription is refused field by field: URL, event types, secret")
    func validation() async throws {
        let reply = try await HTTP.send("POST", webhooks, json: [
            "url": "ftp://example.com/hook", "event_types": ["kefu.ticket.created", "kefu.notification.sent", "nope"],
            "secret": "short",
        ])
        #expect(reply.status == 422)
        let body = String(decoding: reply.body, as: UTF8.self)
        for pointer in ["/url", "/event_types/1", "/event_types/2", "/secret"] { #expect(body.contains(pointer), "\(pointer)") }
        #expect(!body.contains("ftp://example.com"))
        let missing = try await HTTP.send("POST", webhooks, json: [:] as [String: Any])
        #expect(missing.status == 422)
        let agent = try await HTTP.send("GET", webhooks, token: try Stack.token(.agent))
        #expect(agent.status == 403)
    }

    @Test("a target that fails, times out, refuses, rejects or redirects is retried as fits, then failed with notification.failed")
    func failures() async throws {
        let suffix = unique("bad")
        let paths = ["/fail/\(suffix)", "/slow/\(suffix)", "/reject/\(suffix)", "/redirect/\(suffix)", "/flaky/2/\(suffix)"]
        var ids: [String] = []
        for path in paths { ids.append(try await subscribe(path)) }
        let closed = try await HTTP.send("POST", webhooks, json: ["url": "http://127.0.0.1:9/closed-\(suffix)",
                                                                  "event_types": ["kefu.ticket.created"]])
        ids.append(try #require(try closed.json()["id"] as? String))
        #expect((try closed.json()["secret"] as? String)?.hasPrefix("whsec_") == true)

        let monitor = try await EventMonitor(bindingKey: "notification.*")
        defer { monitor.close() }
        let ticket = try await Kefu.submit(customer: ["phone": NotificationSMSTests.phone()])
        let fragments = ["/fail/", "/slow/", "/reject/", "/redirect/", "/flaky/", "closed-"].map { $0 + "" }
        let settled = try #require(try await eventually(timeout: .seconds(60)) { () -> [[String: Any]]? in
            let hooks = try await Kefu.deliveries(of: ticket.number).filter {
                ($0["recipient"] as? String)?.contains(suffix) == true && ["sent", "failed"].contains($0["status"] as? String)
            }
            let done = fragments.allSatisfy { fragment in hooks.contains { ($0["recipient"] as? String)?.contains(fragment) == true } }
            return done ? hooks : nil
        })
        func delivery(_ fragment: String) -> [String: Any] {
            settled.first { ($0["recipient"] as? String)?.contains(fragment) == true } ?? [:]
        }
        func attempts(_ fragment: String) -> [[String: Any]] { delivery(fragment)["attempt_log"] as? [[String: Any]] ?? [] }

        #expect(delivery("/fail/").status == "failed")
        #expect(attempts("/fail/").count == 3)
        #expect(attempts("/fail/").allSatisfy { ($0["detail"] as? String)?.contains("HTTP 500") == true })
        #expect(delivery("/slow/").status == "failed")
        #expect(attempts("/slow/").count == 3)
        #expect(attempts("/slow/").allSatisfy { ($0["detail"] as? String)?.contains("timed out") == true })
        #expect(delivery("closed-").status == "failed")
        #expect(attempts("closed-").count == 3)
        #expect(attempts("closed-").allSatisfy { ($0["detail"] as? String)?.contains("could not connect") == true })
        // A client error or a redirect will not change by trying again.
        #expect(attempts("/reject/").count == 1)
        #expect(attempts("/redirect/").count == 1)
        #expect((delivery("/redirect/")["last_error"] as? String)?.contains("redirect") == true)
        #expect(try await Outside.requests(under: "/ok/\(suffix)").isEmpty)
        #expect(delivery("/flaky/").status == "sent")
        // The sink fails the first two requests to the flaky path, whichever ticket's events they carry.
        let flaky = attempts("/flaky/").map { $0["outcome"] as? String }
        #expect(flaky.last == "sent" && flaky.dropLast().allSatisfy { $0 == "failed" } && flaky.count <= 3)

        let failedIDs = Set(settled.filter { $0["status"] as? String == "failed" }.compactMap { $0["id"] as? String })
        let events = try await monitor.collect { events in
            failedIDs.isSubset(of: Set(events.filter { $0.type == "kefu.notification.failed" }.compactMap(\.data.deliveryID)))
        }
        let failedEvent = try #require(events.first { $0.type == "kefu.notification.failed" && $0.subject == ticket.number })
        #expect(failedEvent.data.deliveryChannel == "webhook")
        #expect(failedEvent.data.reasons?.first?.message.isEmpty == false)
        for id in ids { _ = try await HTTP.send("DELETE", webhooks.appending(path: id)) }
    }
}

extension Dictionary where Key == String, Value == Any {
    var status: String? { self["status"] as? String }
}
