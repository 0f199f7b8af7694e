import Foundation
import KefuContracts
import Testing

@Suite("intake reads raw email from AMQP and HTTP")
struct EmailIntakeTests {
    @Test("each charset and encoding becomes a ticket with the right subject and text", arguments: [
        ("gbk-rfc2047.eml", "泵车臂架无法展开，工地急用", "请尽快安排工程师。"),
        ("big5.eml", "印表機故障", "印表機無法列印"),
        ("gb2312-raw-subject.eml", "配件申请：滤芯", "镕字测试"),
        ("qp-html-only.eml", "Boom will not unfold", "The pump truck's boom will not unfold & the site is waiting."),
    ])
    func charsets(fixture: String, subject: String, text: String) async throws {
        let mail = try Mail.fixture(fixture)
        let reply = try await Mail.post(mail.bytes)
        #expect(reply.status == 201)
        let ticket = try reply.json()
        #expect(ticket["channel"] as? String == "email")
        #expect(ticket["subject"] as? String == subject)
        #expect(ticket["submission_id"] as? String == "email:\(mail.messageID)")
        let messages = try #require(ticket["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        #expect((messages.first?["body"] as? String)?.contains(text) == true)
        #expect((messages.first?["body"] as? String)?.contains("<") == false)
    }

    @Test("attachments are recorded by name, type, size and SHA-256")
    func attachments() async throws {
        let mail = try Mail.fixture("multipart-attachment.eml")
        let reply = try await Mail.post(mail.bytes)
        #expect(reply.status == 201)
        let expected = String(decoding: try Mail.bytes("multipart-attachment.expected"), as: UTF8.self)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let message = try #require((try reply.json()["messages"] as? [[String: Any]])?.first)
        #expect(message["body"] as? String == "新设备需要安装调试，照片和发票见附件。")
        let attachments = try #require(message["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["filename"] as? String } == ["照片.jpg", "invoice.pdf"])
        #expect(attachments.map { $0["content_type"] as? String } == ["image/jpeg", "application/pdf"])
        #expect(attachments.map { ($0["size"] as? Int).map(String.init) } == expected.map { $0[0] })
        #expect(attachments.map { $0["sha256"] as? String } == expected.map { $0[1] })
    }

    @Test("message/rfc822 on submit.email is answered like JSON, and a repeat is a duplicate")
    func overAMQP() async throws {
        let gateway = try await Gateway()
        defer { gateway.close() }
        let mail = try Mail.fixture("gbk-rfc2047.eml")
        try await gateway.publishRaw(mail.bytes, routingKey: "submit.email", contentType: "message/rfc822", correlationID: "first")
        let first = try #require(try await gateway.replies(count: 1)["first"])
        #expect(first.status == .accepted)
        #expect(first.duplicate == false)
        let number = try #require(first.ticketNumber)

        try await gateway.publishRaw(mail.bytes, routingKey: "submit.email", contentType: "message/rfc822", correlationID: "again")
        let again = try #require(try await gateway.replies(count: 1)["again"])
        #expect(again.ticketNumber == number)
        #expect(again.duplicate == true)

        let ticket = try await HTTP.get(try Stack.url("intake").appending(path: "v1/tickets/\(number)")).json()
        #expect(ticket["subject"] as? String == "泵车臂架无法展开，工地急用")
        #expect((ticket["customer"] as? [String: Any])?["name"] as? String == "张伟")
    }

    @Test("bounces and auto-replies open no ticket and are kept", arguments: ["bounce.eml", "auto-reply.eml"])
    func automatic(fixture: String) async throws {
        let mail = try Mail.fixture(fixture)
        let reply = try await Mail.post(mail.bytes)
        #expect(reply.status == 422)
        #expect(reply.contentType?.hasPrefix("application/problem+json") == true)
        let errors = try #require(try reply.json()["errors"] as? [[String: String]])
        #expect(errors.first?["field"] == "/headers")
        #expect(errors.first?["message"]?.contains("sent automatically") == true)
        #expect(try await Mail.rejectedCopies(of: mail.bytes) == 1)

        let gateway = try await Gateway()
        defer { gateway.close() }
        try await gateway.publishRaw(mail.bytes, routingKey: "submit.email", contentType: "message/rfc822", correlationID: "auto")
        let answer = try #require(try await gateway.replies(count: 1)["auto"])
        #expect(answer.status == .rejected)
        #expect(answer.errors?.first?.field == "/headers")
    }

    @Test("bytes that are not mail are refused clearly on both channels, and kept")
    func garbage() async throws {
        var bytes = try Mail.bytes("garbage.bin")
        bytes += Array(UUID().uuidString.utf8)
        let reply = try await Mail.post(bytes)
        #expect(reply.status == 400)
        let message = (try reply.json()["errors"] as? [[String: String]])?.first?["message"]
        #expect(message == "not an RFC 5322 message (line 1 is not a header field)")
        #expect(try await Mail.rejectedCopies(of: bytes) == 1)

        let gateway = try await Gateway()
        defer { gateway.close() }
        try await gateway.publishRaw(bytes, routingKey: "submit.email", contentType: "message/rfc822", correlationID: "junk")
        let answer = try #require(try await gateway.replies(count: 1)["junk"])
        #expect(answer.status == .rejected)
        #expect(answer.errors?.first?.message == message)
        #expect(try await Mail.rejectedCopies(of: bytes) == 2)
    }

    @Test("the wrong media type is 415; raw mail on another routing key is refused")
    func wrongTypes() async throws {
        let mail = try Mail.fixture("big5.eml")
        #expect(try await Mail.post(mail.bytes, contentType: "text/plain").status == 415)

        let gateway = try await Gateway()
        defer { gateway.close() }
        try await gateway.publishRaw(mail.bytes, routingKey: "submit.phone", contentType: "message/rfc822", correlationID: "phone")
        let answer = try #require(try await gateway.replies(count: 1)["phone"])
        #expect(answer.status == .rejected)
        #expect(answer.errors?.first?.message.contains("submit.email") == true)
    }
}
