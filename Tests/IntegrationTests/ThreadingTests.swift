import Foundation
import KefuContracts
import KefuStorage
import Testing

@Suite("follow-ups join their ticket instead of opening a new one", .serialized)
struct ThreadingTests {
    let intake: URL

    init() throws {
        intake = try Stack.url("intake")
    }

    func ticket(_ number: String) async throws -> [String: Any] {
        try await HTTP.get(intake.appending(path: "v1/tickets/\(number)")).json()
    }

    func messageCount(_ number: String) async throws -> Int {
        (try await ticket(number)["messages"] as? [Any])?.count ?? 0
    }

    /// A ticket opened by mail from `sender`; returns its number and the mail's Message-ID.
    func openByMail(from sender: String) async throws -> (number: String, messageID: String) {
        let mail = Mail.compose(from: sender, subject: "空调不制冷", body: "室内机不出冷风。")
        let reply = try await Mail.post(mail.bytes)
        #expect(reply.status == 201)
        return (try #require(try reply.json()["number"] as? String), mail.messageID)
    }

    @Test("a ticket number sent by the gateway adds the call to that ticket")
    func byTicketNumber() async throws {
        let created = try await HTTP.send("POST", intake.appending(path: "v1/tickets"), json: phoneSubmission(unique("first")))
        let number = try #require(try created.json()["number"] as? String)
        #expect(number.wholeMatch(of: /KF-\d{8}-\d{6,}/) != nil)

        let gateway = try await Gateway()
        defer { gateway.close() }
        var followUp = phoneSubmission(unique("again"), body: "客户再次来电催促。")
        followUp["ticket_number"] = number
        try await gateway.submit([followUp])
        let reply = try #require(try await gateway.replies(count: 1)[followUp["submission_id"] as! String])
        #expect(reply.ticketNumber == number)
        #expect(reply.outcome == "follow_up")
        #expect(reply.duplicate == false)
        let messages = try #require(try await ticket(number)["messages"] as? [[String: Any]])
        #expect(messages.map { $0["body"] as? String } == ["客户来电：泵车臂架无法展开，工地急用。", "客户再次来电催促。"])
    }

    @Test("a bracketed number in a reply's subject threads only for the ticket's own customer")
    func bySubject() async throws {
        let sender = "\(unique("subject"))@example.com"
        let original = try await openByMail(from: sender)

        let reply = Mail.compose(from: "Customer <\(sender)>", subject: "Re: [\(original.number)] 空调不制冷", body: "还是不行。")
        let threaded = try await Mail.post(reply.bytes)
        #expect(threaded.status == 200)
        #expect(try threaded.json()["number"] as? String == original.number)
        #expect(try await messageCount(original.number) == 2)

        let stranger = Mail.compose(from: "\(unique("other"))@example.com", subject: "Re: [\(original.number)]", body: "我也是")
        let separate = try await Mail.post(stranger.bytes)
        #expect(separate.status == 201)
        #expect(try separate.json()["number"] as? String != original.number)
        #expect(try await messageCount(original.number) == 2)
    }

    @Test("In-Reply-To or References naming a message of the ticket thread the reply")
    func byReferences() async throws {
        let sender = "\(unique("refs"))@example.com"
        let original = try await openByMail(from: sender)

        let inReplyTo = Mail.compose(from: sender, subject: "more details", body: "型号 KFR-35GW。",
                                     headers: ["In-Reply-To: <\(original.messageID)>"])
        let first = try await Mail.post(inReplyTo.bytes)
        #expect(first.status == 200)
        #expect(try first.json()["number"] as? String == original.number)

        // Another mail client lists the whole thread in References, oldest first.
        let references = Mail.compose(from: sender, subject: "photos", body: "照片稍后发。",
                                      headers: ["References: <\(original.messageID)>\r\n <\(inReplyTo.messageID)>"])
        let second = try await Mail.post(references.bytes)
        #expect(try second.json()["number"] as? String == original.number)
        // Notification's own Message-IDs name the ticket, so replies to them thread too.
        let toKefu = Mail.compose(from: sender, subject: "thanks", body: "谢谢。",
                                  headers: ["In-Reply-To: <kefu.\(original.number).ack-1@kefu.example>"])
        #expect(try await Mail.post(toKefu.bytes).json()["number"] as? String == original.number)
        #expect(try await messageCount(original.number) == 4)
    }

    /// Lets the automatic flow finish (an agent with room guarantees it ends at `assigned`, after
    /// which no event changes the status), then marks the ticket closed as of `daysAgo`.
    /// Resolved in dispatch and closed, `daysAgo` days ago as far as intake's window is concerned.
    func close(_ number: String, daysAgo: Int) async throws {
        let dispatch = try Stack.url("dispatch")
        _ = try await HTTP.send("POST", dispatch.appending(path: "v1/agents"),
                                json: ["id": unique("closer"), "name": "Closer", "max_open": 100_000, "daily_cap": 100_000])
        let assigned = try await eventually { () -> Bool? in
            try await ticket(number)["status"] as? String == "assigned" ? true : nil
        }
        try #require(assigned == true)
        #expect(try await HTTP.send("POST", dispatch.appending(path: "v1/tickets/\(number)/resolve"),
                                    json: ["code": "repaired"]).status == 200)
        _ = try await eventually { try await ticket(number)["status"] as? String == "resolved" ? true : nil }
        let admin = try Stack.database("admin")
        defer { admin.shutdown() }
        try await admin.withConnection { connection in
            try connection.query("""
                UPDATE intake.tickets SET status = 'closed', status_changed_at = now() - make_interval(days => $2)
                WHERE number = $1
                """, [number, daysAgo])
        }
    }

    @Test("a follow-up to a recently closed ticket reopens it")
    func reopens() async throws {
        let sender = "\(unique("reopen"))@example.com"
        let original = try await openByMail(from: sender)
        try await close(original.number, daysAgo: 0)

        let reply = Mail.compose(from: sender, subject: "Re: [\(original.number)]", body: "又坏了。")
        let answer = try await Mail.post(reply.bytes)
        #expect(answer.status == 200)
        let ticket = try answer.json()
        #expect(ticket["number"] as? String == original.number)
        #expect(ticket["status"] as? String == "reopened")
        // intake announces the message; dispatch, which owns the workflow, the reopening, once.
        let timeline = (ticket["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        #expect(timeline.last == "kefu.ticket.message_added")
        let reopenings = try await eventually { () -> [[String: Any]]? in
            let entries = try await self.ticket(original.number)["timeline"] as? [[String: Any]] ?? []
            let reopened = entries.filter { $0["type"] as? String == "kefu.ticket.reopened" }
            return reopened.isEmpty ? nil : reopened
        }
        #expect(reopenings?.count == 1)
    }

    @Test("a follow-up to a ticket closed past the window opens a new ticket linked to it")
    func linksAfterWindow() async throws {
        let sender = "\(unique("late"))@example.com"
        let original = try await openByMail(from: sender)
        try await close(original.number, daysAgo: 30)

        let reply = Mail.compose(from: sender, subject: "Re: [\(original.number)]", body: "半年后又出现同样的问题。")
        let answer = try await Mail.post(reply.bytes)
        #expect(answer.status == 201)
        let ticket = try answer.json()
        #expect(ticket["number"] as? String != original.number)
        #expect(ticket["linked_ticket"] as? String == original.number)
        #expect(try await self.ticket(original.number)["status"] as? String == "closed")
    }
}
