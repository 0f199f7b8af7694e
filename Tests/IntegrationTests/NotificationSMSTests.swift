import Foundation
import KefuContracts
import KefuMessaging
import KefuStorage
import Testing

/// SMS through the HTTP sink standing in for the gateway, and the customer's preferences.
@Suite("Notification: SMS and preferences", .serialized)
struct NotificationSMSTests {
    static func phone() -> String { "+86139\(Int.random(in: 10_000_000...99_999_999))" }

    /// The gateway requests for one phone number, oldest first.
    static func texts(to phone: String, count: Int = 1, timeout: Duration = .seconds(30)) async throws -> [Outside.Request] {
        try await eventually(timeout: timeout) { () -> [Outside.Request]? in
            let mine = try await Outside.requests(under: "/ok/sms").filter { $0.json["to"] as? String == phone }
            return mine.count >= count ? mine : nil
        } ?? []
    }

    func customer(_ id: String, preferences: [String: Any]) async throws -> HTTP.Reply {
        try await HTTP.send("PATCH", try Stack.url("intake").appending(path: "v1/customers/\(id)"), json: ["preferences": preferences])
    }

    /// Waits until notification's copy of the customer carries `preferences` (a JSON fragment).
    func copied(_ id: String, _ fragment: String) async throws {
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        let seen = try await eventually { () -> Bool? in
            try await admin.withConnection { connection in
                try connection.query("SELECT 1 FROM notification.contacts WHERE customer_id = $1 AND preferences @> $2::jsonb",
                                     [id, fragment]).count == 1 ? true : nil
            }
        }
        #expect(seen == true)
    }

    @Test("a customer with only a phone gets the acknowledgement by SMS, as a JSON POST to the gateway")
    func acknowledgementBySMS() async throws {
        let phone = Self.phone()
        let ticket = try await Kefu.submit(customer: ["phone": phone])
        let delivery = try #require(try await Kefu.delivery(of: ticket.number) {
            $0["status"] as? String == "sent" && $0["purpose"] as? String == "acknowledgement"
        })
        let request = try #require(try await Self.texts(to: phone).first { $0.json["reference"] as? String == delivery["id"] as? String })
        #expect(request.headers["content-type"] == "application/json")
        let text = try #require(request.json["text"] as? String)
        #expect(text.contains(ticket.number) && text.contains("已受理") && text.count <= 70)
        #expect(delivery["channel"] as? String == "sms")
        #expect(request.json["reference"] as? String == delivery["id"] as? String)
        #expect(request.headers["kefu-delivery"] == delivery["id"] as? String)
        #expect((delivery["provider_response"] as? String)?.contains("\"id\"") == true)
    }

    @Test("a long text goes as numbered parts, and a redelivered request sends nothing twice")
    func partsAndRedelivery() async throws {
        let phone = Self.phone()
        let ticket = try await Kefu.submit(customer: ["phone": phone])
        // notification learns of the customer from ticket.created, on another queue than requests.
        _ = try await Kefu.delivery(of: ticket.number) { $0["purpose"] as? String == "acknowledgement" }
        let request = NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "reply",
                                            values: ["reply_text": String(repeating: "请检查液压油位。", count: 30)])
        let id = UUID().uuidString.lowercased()
        try await Kefu.publishWork(request, id: id)
        try await Kefu.publishWork(request, id: id)
        // Other texts (the acknowledgement, an assignment) go to the same phone: the parts are the numbered ones.
        func parts() async throws -> [Outside.Request] {
            try await Self.texts(to: phone).filter { ($0.json["text"] as? String)?.hasPrefix("(") == true }
        }
        let numbered = try await eventually { () -> [Outside.Request]? in
            let found = try await parts()
            return found.count >= 3 ? found : nil
        } ?? []
        let texts = numbered.compactMap { $0.json["text"] as? String }
        #expect(texts.count == 3)
        #expect(texts.enumerated().allSatisfy { $0.element.hasPrefix("(\($0.offset + 1)/3) ") && $0.element.count <= 67 })
        #expect(texts.last?.hasSuffix("…") == true)
        #expect(numbered.compactMap { $0.json["reference"] as? String }.map { $0.suffix(2) } == ["-1", "-2", "-3"])
        try await Task.sleep(for: .seconds(2))
        #expect(try await parts().count == 3)
        #expect(try await Kefu.deliveries(of: ticket.number).filter { $0["purpose"] as? String == "reply" }.count == 1)
    }

    @Test("a message that overtakes its ticket.created waits for it, then goes; nothing is dropped")
    func messageBeforeTicket() async throws {
        let phone = Self.phone()
        let number = "KF-PARKED-\(UUID().uuidString.prefix(8))"
        let customerID = UUID().uuidString.lowercased()
        // Survey's invitation or an agent's reply can reach notification before the new ticket does.
        try await Kefu.publishWork(NotificationRequested(ticketNumber: number, customerID: customerID, template: "reply",
                                                         values: ["reply_text": "请先检查保险丝。"]))
        #expect(try await Self.texts(to: phone, timeout: .seconds(2)).isEmpty, "nothing can go before the customer is known")
        let created = TicketCreated(ticketNumber: number, submissionID: number, channel: .phone, subject: "显示屏不亮",
                                    body: "显示屏不亮", language: "zh-CN",
                                    customer: .init(id: customerID, name: "王先生", phone: phone, email: nil, tier: .standard),
                                    product: nil, createdAt: Date())
        // Straight to notification's queue: the other services never hear of this ticket.
        try await Kefu.publishWork(created, queue: "notification.tickets")
        let reply = try await eventually { () -> Outside.Request? in
            try await Self.texts(to: phone, timeout: .seconds(1)).first { ($0.json["text"] as? String)?.contains("请先检查保险丝") == true }
        }
        #expect(reply != nil, "the waiting reply went once the ticket came")
        #expect(try await Kefu.deliveries(of: number).filter { $0["purpose"] as? String == "reply" }.count == 1)
    }

    @Test("a request for a template that does not exist, or on an unknown channel, is dead-lettered with the reason")
    func badRequests() async throws {
        let ticket = try await Kefu.submit(customer: ["phone": Self.phone()])
        for (template, channel, reason) in [("birthday", nil, "no customer template named birthday"),
                                            ("reply", "fax", "channel must be email or sms")] as [(String, String?, String)] {
            let id = unique("bad-request")
            try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID,
                                                             template: template, channel: channel), id: id)
            let letter = try #require(try await Kefu.deadLetter(id, on: "notification.dead-letter"))
            #expect(letter.headers["x-kefu-reason"]?.stringValue == reason)
            #expect(letter.headers["x-kefu-queue"]?.stringValue == "notification.customer-messages")
        }
    }

    @Test("the preferred channel is used, an opted-out one never, and with every channel opted out nothing goes")
    func preferencesAndOptOut() async throws {
        let phone = Self.phone()
        let email = "\(unique("prefs"))@example.com"
        let ticket = try await Kefu.submit(customer: ["phone": phone, "email": email])
        #expect(try await customer(ticket.customerID, preferences: ["channel": "sms"]).status == 200)
        try await copied(ticket.customerID, #"{"channel":"sms"}"#)
        try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "waiting"))
        let bySMS = try await Kefu.delivery(of: ticket.number) { $0["purpose"] as? String == "waiting" }
        #expect(bySMS?["channel"] as? String == "sms")

        #expect(try await customer(ticket.customerID, preferences: ["channel": "sms", "opt_out": ["sms"]]).status == 200)
        try await copied(ticket.customerID, #"{"opt_out":["sms"]}"#)
        try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "resolved"))
        let byEmail = try await Kefu.delivery(of: ticket.number) { $0["purpose"] as? String == "resolved" }
        #expect(byEmail?["channel"] as? String == "email")

        #expect(try await customer(ticket.customerID, preferences: ["opt_out": ["sms", "email"]]).status == 200)
        try await copied(ticket.customerID, #"{"opt_out":["sms","email"]}"#)
        try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "reply",
                                                         values: ["reply_text": "x"]))
        let suppressed = try await Kefu.delivery(of: ticket.number) { $0["purpose"] as? String == "reply" }
        #expect(suppressed?["status"] as? String == "suppressed")
        #expect((suppressed?["last_error"] as? String)?.contains("opted out of email, sms") == true)

        let invalid = try await customer(ticket.customerID, preferences: ["channel": "fax", "quiet_hours_start": "25:00",
                                                                         "time_zone": "Mars/Olympus"])
        #expect(invalid.status == 422)
        let body = String(decoding: invalid.body, as: UTF8.self)
        for pointer in ["/preferences/channel", "/preferences/quiet_hours_start", "/preferences/quiet_hours_end",
                        "/preferences/time_zone"] {
            #expect(body.contains(pointer), "\(pointer)")
        }
    }

    @Test("in quiet hours an SMS waits for the morning, unless the ticket is P1")
    func quietHours() async throws {
        let phone = Self.phone()
        let ticket = try await Kefu.submit(customer: ["phone": phone])
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        func clock(_ date: Date) -> String {
            let parts = utc.dateComponents([.hour, .minute], from: date)
            return String(format: "%02d:%02d", parts.hour!, parts.minute!)
        }
        let now = Date()
        #expect(try await customer(ticket.customerID, preferences: [
            "quiet_hours_start": clock(now.addingTimeInterval(-3600)), "quiet_hours_end": clock(now.addingTimeInterval(3600)),
            "time_zone": "UTC",
        ]).status == 200)
        try await copied(ticket.customerID, #"{"time_zone":"UTC"}"#)

        try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "waiting"))
        let held = try #require(try await Kefu.delivery(of: ticket.number) { $0["purpose"] as? String == "waiting" })
        #expect(held["status"] as? String == "pending")
        let until = try #require(isoDate(held["held_until"] as? String))
        #expect(until > now.addingTimeInterval(3000) && until < now.addingTimeInterval(3700))
        try await Task.sleep(for: .seconds(1))
        #expect(try await !Self.texts(to: phone).contains { ($0.json["text"] as? String)?.contains("补充信息") == true })

        // Classification makes it P1: the next SMS goes at once.
        try await Kefu.publishEvent(StatusEvent(service: "classification", type: .ticketClassified, subject: ticket.number,
                                                data: StatusEventData(ticketNumber: ticket.number, status: "classified",
                                                                      category: "fault", priority: "P1")))
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        _ = try await eventually { () -> Bool? in
            try await admin.withConnection {
                try $0.query("SELECT 1 FROM notification.tickets WHERE number = $1 AND priority = 'P1'", [ticket.number]).count == 1
                    ? true : nil
            }
        }
        try await Kefu.publishWork(NotificationRequested(ticketNumber: ticket.number, customerID: ticket.customerID, template: "resolved"))
        let resolved = try await eventually {
            try await Self.texts(to: phone).first { ($0.json["text"] as? String)?.contains("已解决") == true }
        }
        #expect(resolved != nil)
    }
}

func isoDate(_ text: String?) -> Date? {
    guard let text else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
}
