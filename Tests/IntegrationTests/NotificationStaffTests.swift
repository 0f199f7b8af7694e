import Foundation
import KefuContracts
import KefuServiceKit
import Testing

/// Staff hear of their assignments; supervisors of SLA warnings, breaches and escalations.
@Suite("Notification: staff", .serialized)
struct NotificationStaffTests {
    let staff: URL

    init() throws {
        staff = try Stack.url("notification").appending(path: "v1/staff")
    }

    @Test("the assigned agent gets a mail, the customer learns who handles it, the supervisor gets SLA and escalation texts")
    func staffNotices() async throws {
        let agentID = unique("agent"), supervisorID = unique("supervisor")
        let agentEmail = "\(agentID)@staff.example.com", supervisorPhone = NotificationSMSTests.phone()
        #expect(try await HTTP.send("PUT", staff.appending(path: agentID),
                                    json: ["name": "张工", "email": agentEmail, "language": "zh-CN"]).status == 200)
        let imported = try await HTTP.send("POST", staff, json: [["id": supervisorID, "name": "Supervisor", "phone": supervisorPhone,
                                                                   "language": "en", "channel": "sms"]])
        #expect(imported.status == 200)

        let customerEmail = "\(unique("cust"))@example.com"
        let ticket = try await Kefu.submit(customer: ["name": "王先生", "email": customerEmail], subject: "泵车故障")
        _ = try await Outside.waitForMails(containing: "X-Kefu-Envelope-To: \(customerEmail)")
        let due = Date().addingTimeInterval(7200)
        try await Kefu.publishEvent(StatusEvent(service: "dispatch", type: .ticketAssigned, subject: ticket.number, data: StatusEventData(
            ticketNumber: ticket.number, status: "assigned", channel: "phone", category: "fault", priority: "P2", agentID: agentID,
            firstResponseDueAt: due)))
        let agentMail = SentMail(try #require(try await Outside.waitForMails(containing: "X-Kefu-Envelope-To: \(agentEmail)").first))
        #expect(agentMail.parts.first?.text.contains("\(ticket.number)（P2，fault）已分配给您") == true)
        let told = try await eventually { () -> Bool? in
            try Outside.mails(containing: "X-Kefu-Envelope-To: \(customerEmail)").map { SentMail($0) }
                .contains { $0.parts.first?.text.contains("已由 张工 负责处理") == true } ? true : nil
        }
        #expect(told == true)

        for (type, level) in [(StatusEventType.ticketSLAWarning, nil), (.ticketSLABreached, nil), (.ticketEscalated, 1)] as [(StatusEventType, Int?)] {
            try await Kefu.publishEvent(StatusEvent(service: "dispatch", type: type, subject: ticket.number, data: StatusEventData(
                ticketNumber: ticket.number, priority: "P2", agentID: type == .ticketEscalated ? supervisorID : agentID,
                slaTarget: "first_response", targetSeconds: 7200, elapsedSeconds: 6000, escalationLevel: level,
                supervisorID: type == .ticketEscalated ? nil : supervisorID)))
        }
        let texts = try await eventually { () -> [String]? in
            let texts = try await Outside.requests(under: "/ok/sms").filter { $0.json["to"] as? String == supervisorPhone }
                .compactMap { $0.json["text"] as? String }
            return texts.count >= 3 ? texts : nil
        }
        #expect(texts?.contains { $0.hasPrefix("SLA warning: ticket \(ticket.number) (P2) first response 1h40m of 2h00m") } == true)
        #expect(texts?.contains { $0.hasPrefix("SLA breached: ticket \(ticket.number)") } == true)
        #expect(texts?.contains { $0.contains("was escalated to you") } == true)
        let deliveries = try await Kefu.deliveries(of: ticket.number)
        #expect(Set(deliveries.filter { $0["audience"] as? String == "staff" }.compactMap { $0["purpose"] as? String })
            .isSuperset(of: ["staff_assigned", "sla_warning", "sla_breached", "escalated"]))
    }

    @Test("a staff entry is refused without a way to reach the person, or with a bad channel or address")
    func validation() async throws {
        let reply = try await HTTP.send("POST", staff, json: [["id": "", "channel": "pigeon"], ["id": "x", "email": "not-an-address"]])
        #expect(reply.status == 422)
        let body = String(decoding: reply.body, as: UTF8.self)
        for pointer in ["/0/id", "/0/channel", "/0/email", "/1/email"] { #expect(body.contains(pointer), "\(pointer)") }
        #expect(try await HTTP.send("GET", staff, token: try Stack.token(.agent)).status == 403)
    }
}
