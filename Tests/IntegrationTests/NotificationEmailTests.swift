import Foundation
import KefuContracts
import KefuMail
import Testing

/// Email through the real SMTP server the test set-up starts (STARTTLS and a login), read back
/// from its Maildir.
@Suite("Notification: email", .serialized)
struct NotificationEmailTests {
    let notification: URL

    init() throws {
        notification = try Stack.url("notification")
    }

    @Test("a new ticket is acknowledged at once: UTF-8 multipart, RFC 2047 subject with the number, a Message-ID intake threads")
    func acknowledgement() async throws {
        let email = "\(unique("ack"))@example.com"
        let ticket = try await Kefu.submit(customer: ["name": "王<b>&", "email": email], language: "zh-CN")
        let raw = try #require(try await Outside.waitForMail(to: email) { $0.hasSuffix("您的服务请求已受理") })
        let mail = SentMail(raw)

        #expect(mail.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
        let parsed = try MailMessage(parsing: raw)
        #expect(parsed.subject == "[\(ticket.number)] 您的服务请求已受理")
        #expect(mail.header("Content-Type")?.hasPrefix("multipart/alternative") == true)
        #expect(mail.header("Auto-Submitted") == "auto-generated")
        #expect(mail.parts.map(\.contentType) == ["text/plain; charset=utf-8", "text/html; charset=utf-8"])
        let text = try #require(mail.parts.first?.text)
        let html = try #require(mail.parts.last?.text)
        #expect(text.contains("王<b>&，您好") && text.contains(ticket.number))
        #expect(html.contains("王&lt;b&gt;&amp;，您好") && !html.contains("王<b>"))
        let messageID = try #require(parsed.messageID)
        #expect(messageID.hasPrefix("kefu.\(ticket.number)."))

        let delivery = try #require(try await Kefu.delivery(of: ticket.number) {
            $0["status"] as? String == "sent" && $0["purpose"] as? String == "acknowledgement"
        })
        #expect(delivery["channel"] as? String == "email")
        #expect((delivery["provider_response"] as? String)?.hasPrefix("250") == true)
        #expect((delivery["attempt_log"] as? [[String: Any]])?.count == 1)
        #expect(delivery["message_id"] as? String == messageID)

        // The customer answers the acknowledgement without the number in the subject.
        let answer = Mail.compose(from: "Wang <\(email)>", subject: "Re: 收到", body: "补充：型号 SY365。",
                                  headers: ["In-Reply-To: <\(messageID)>", "References: <\(messageID)>"])
        let threaded = try await Mail.post(answer.bytes)
        #expect(threaded.status == 200)
        #expect(try threaded.json()["number"] as? String == ticket.number)
    }

    /// The acknowledgement to `email`, and dispatch's first-response due time for the ticket.
    func acknowledgement(to email: String, of number: String, subject: String) async throws -> (text: String, due: Date) {
        let raw = try #require(try await Outside.waitForMail(to: email) { $0.hasSuffix(subject) })
        let text = try #require(SentMail(raw).parts.first?.text)
        let ticket = try await HTTP.get(try Stack.url("dispatch").appending(path: "v1/tickets/\(number)")).json()
        let due = try #require(RFC3339.parse(ticket["first_response_due_at"] as? String ?? ""))
        return (text, due)
    }

    static func shanghai(_ date: Date, _ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    @Test("a submission without a language is acknowledged in the one classification detected, promising its own SLA time")
    func acknowledgementLanguageAndPromise() async throws {
        let email = "\(unique("ack-en"))@example.com"
        var submission: [String: Any] = ["submission_id": unique("ack-en"), "channel": "web", "customer": ["email": email],
                                         "subject": "Crane display stays dark", "body": "The crane's display stays dark after start-up."]
        let created = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: submission,
                                          token: try Stack.value("KEFU_INTEGRATOR_TOKEN"))
        let number = try #require(try created.json()["number"] as? String)
        let english = try await acknowledgement(to: email, of: number, subject: "We have received your request")
        #expect(english.text.contains("We will contact you by \(Self.shanghai(english.due, "HH:mm 'on' d MMMM yyyy")) (Asia/Shanghai)"),
                "\(english.text)")

        // A complaint has a one-hour first-response target: the promise says so.
        let complainer = "\(unique("ack-complaint"))@example.com"
        submission["submission_id"] = unique("ack-complaint")
        submission["customer"] = ["email": complainer]
        submission["language"] = "zh-CN"
        submission["body"] = "我要投诉：维修人员三次爽约。"
        let complaint = try await HTTP.send("POST", try Stack.url("intake").appending(path: "v1/tickets"), json: submission,
                                            token: try Stack.value("KEFU_INTEGRATOR_TOKEN"))
        let complaintNumber = try #require(try complaint.json()["number"] as? String)
        let chinese = try await acknowledgement(to: complainer, of: complaintNumber, subject: "您的服务请求已受理")
        #expect(chinese.text.contains("我们将于\(Self.shanghai(chinese.due, "yyyy年M月d日 HH:mm")) (Asia/Shanghai)前与您联系"),
                "\(chinese.text)")
        let createdAt = try #require(RFC3339.parse(try complaint.json()["created_at"] as? String ?? ""))
        #expect(chinese.due.timeIntervalSince(createdAt) < 3700, "the complaint's target is an hour, not two")
        #expect(english.due.timeIntervalSince(createdAt) > 3700 || english.due < createdAt)
    }

    @Test("HTML in a name is escaped and CRLF in a subject cannot add a header, even in an edited template")
    func injection() async throws {
        let template = notification.appending(path: "v1/templates/acknowledgement/email/en")
        let edit = try await HTTP.send("PUT", template, json: [
            "subject": "[{{ticket_number}}] For {{customer_name}}: {{ticket_subject}}",
            "text": "Dear {{customer_name}}, about {{ticket_subject}}.",
            "html": "<p>Dear {{customer_name}}, about {{ticket_subject}}.</p>",
        ])
        #expect(edit.status == 200)
        #expect(try edit.json()["edited"] as? Bool == true)
        let bad = try await HTTP.send("PUT", template, json: ["subject": "x {{password}}", "text": "{{ticket_number}}"])
        #expect(bad.status == 422)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("/subject"))

        let email = "\(unique("inject"))@example.com"
        let ticket = try await Kefu.submit(customer: ["name": "<script>alert(1)</script>", "email": email], language: "en",
                                           channel: "email", subject: "Pump\r\nBcc: attacker@example.com\r\n\r\nbody")
        let raw = try #require(try await Outside.waitForMail(to: email) { $0.contains("For ") })
        let reverted = try await HTTP.send("DELETE", template)
        #expect(reverted.status == 204)
        let mail = SentMail(raw)
        #expect(!mail.headers.contains { $0.name.lowercased() == "bcc" })
        #expect(mail.header("X-Kefu-Envelope-To") == email)
        let subject = try #require(try MailMessage(parsing: raw).subject)
        #expect(subject.hasPrefix("[\(ticket.number)] For <script>alert(1)</script>: Pump"))
        #expect(!subject.contains("\n") && !subject.contains("\r"))
        let html = try #require(mail.parts.last?.text)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"))

        let builtIn = try await HTTP.get(template).json()
        #expect(builtIn["edited"] as? Bool == false)
    }

    @Test("a template renders for a ticket in the preview, escaped like a real message")
    func preview() async throws {
        let ticket = try await Kefu.submit(customer: ["name": "李<i>", "phone": "+86139\(Int.random(in: 10_000_000...99_999_999))"])
        // notification learns of the ticket from intake's message, a moment after the submission.
        let reply = try #require(try await eventually { () -> HTTP.Reply? in
            let reply = try await HTTP.send("POST", notification.appending(path: "v1/templates/reply/email/zh-CN/preview"),
                                            json: ["ticket_number": ticket.number, "values": ["reply_text": "请重启<设备>"]])
            return reply.status == 404 ? nil : reply
        })
        #expect(reply.status == 200)
        let rendered = try reply.json()
        #expect(rendered["subject"] as? String == "[\(ticket.number)] 工单回复")
        #expect((rendered["html"] as? String)?.contains("李&lt;i&gt;") == true)
        #expect((rendered["html"] as? String)?.contains("请重启&lt;设备&gt;") == true)
        #expect((rendered["text"] as? String)?.contains("请重启<设备>") == true)
        let all = try await HTTP.get(notification.appending(path: "v1/templates")).jsonArray()
        #expect(all.count == 40)
        let unknown = try await HTTP.send("POST", notification.appending(path: "v1/templates/nope/fax/fr/preview"),
                                          json: ["ticket_number": ticket.number])
        #expect(unknown.status == 422)
    }

    @Test("while the SMTP server is down, mail is retried and then failed, webhooks still flow, and an operator's retry sends it")
    func smtpOutage() async throws {
        try await withServicesToMyself {
            let hook = "/ok/\(unique("outage"))"
            let subscription = try await HTTP.send("POST", notification.appending(path: "v1/webhooks"), json: [
                "url": try Outside.sinkURL(hook), "event_types": ["kefu.ticket.created"], "secret": "outage-secret-0123456789",
            ])
            #expect(subscription.status == 201)
            let subscriptionID = try #require(try subscription.json()["id"] as? String)
            try await Stack.service("stop", "smtp")
            do {
                let email = "\(unique("outage"))@example.com"
                let ticket = try await Kefu.submit(customer: ["email": email])
                let hook = try await eventually {
                    try await Outside.requests(under: hook).first { $0.json["subject"] as? String == ticket.number }
                }
                #expect(hook != nil)
                let failed = try #require(try await Kefu.delivery(of: ticket.number) {
                    $0["purpose"] as? String == "acknowledgement" && $0["status"] as? String == "failed"
                })
                let attempts = try #require(failed["attempt_log"] as? [[String: Any]])
                #expect(attempts.count == 3)
                #expect(attempts.allSatisfy { ($0["detail"] as? String)?.contains("could not connect") == true })
                #expect(try Outside.mails(containing: "X-Kefu-Envelope-To: \(email)").isEmpty)

                try await Stack.service("start", "smtp")
                let id = try #require(failed["id"] as? String)
                let retried = try await HTTP.send("POST", notification.appending(path: "v1/notifications/\(id)/retry"))
                #expect(retried.status == 202)
                let sent = try await Kefu.delivery(of: ticket.number) {
                    $0["purpose"] as? String == "acknowledgement" && $0["status"] as? String == "sent"
                }
                #expect((sent?["attempt_log"] as? [[String: Any]])?.count == 4)
                #expect(try await Outside.waitForMail(to: email) { $0.hasSuffix("您的服务请求已受理") } != nil)
            } catch {
                try? await Stack.service("start", "smtp")
                throw error
            }
            _ = try await HTTP.send("DELETE", notification.appending(path: "v1/webhooks/\(subscriptionID)"))
        }
    }
}
