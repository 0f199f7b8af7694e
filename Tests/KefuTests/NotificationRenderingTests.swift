import Foundation
import KefuMail
@testable import KefuNotification
import Testing

@Suite("Notification: templates, MIME and SMS, without servers")
struct NotificationRenderingTests {
    @Test("values are HTML-escaped in HTML, one line in subjects, as typed in text")
    func escaping() {
        let template = Template(subject: "[{{ticket_number}}] {{ticket_subject}}", text: "Dear {{customer_name}}",
                                html: "<p>Dear {{customer_name}}</p>")
        let rendered = template.render(["ticket_number": "KF-1", "ticket_subject": "Pump\r\nBcc: evil@example.com",
                                        "customer_name": "<script>alert('x')</script> & Co"])
        #expect(rendered.subject == "[KF-1] Pump  Bcc: evil@example.com")
        #expect(rendered.html == "<p>Dear &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co</p>")
        #expect(rendered.text == "Dear <script>alert('x')</script> & Co")
        #expect(Template.fill("{\"t\":\"{{text}}\"}", ["text": "say \"hi\"\n"], .json) == #"{"t":"say \"hi\"\n"}"#)
        #expect(Template.fill("text={{text}}", ["text": "a&b=c 中"], .form) == "text=a%26b%3Dc%20%E4%B8%AD")
    }

    @Test("every built-in template uses only known placeholders, in both languages and channels")
    func builtIns() {
        for key in BuiltInTemplates.keys {
            let template = BuiltInTemplates.template(for: key)
            #expect(template != nil, "\(key)")
            let parts = [template?.subject, template?.text, template?.html].compactMap { $0 }
            #expect(Set(parts.flatMap(Template.placeholders)).isSubset(of: TemplateKey.placeholders), "\(key)")
            if key.channel == "email" { #expect(template?.subject?.hasPrefix("[{{ticket_number}}]") == true) }
        }
    }

    @Test("outgoing mail: multipart/alternative, RFC 2047 subject, no header injection, reads back")
    func mime() throws {
        let subject = "[KF-20261124-000001] 您的服务请求已受理，这是一个很长很长的主题，需要折行才能放进邮件头里面\r\nBcc: x@example.com"
        let mail = OutgoingMail(from: .init("service@kefu.example", name: "客服 Kefu"), to: .init("wang@example.com"),
                                subject: subject, text: "文本 text", html: "<p>文本 &amp; html</p>",
                                messageID: "kefu.KF-20261124-000001.abc@kefu.example",
                                references: ["kefu.KF-20261124-000001@kefu.example"])
        let raw = mail.rendered(boundary: "b1")
        let text = String(decoding: raw, as: UTF8.self)
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"b1\""))
        #expect(text.contains("In-Reply-To: <kefu.KF-20261124-000001@kefu.example>"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        let parsed = try MailMessage(parsing: raw)
        #expect(parsed.subject == subject.replacingOccurrences(of: "\r\n", with: "  "))
        #expect(parsed.messageID == "kefu.KF-20261124-000001.abc@kefu.example")
        #expect(parsed.text.contains("文本 text"))
        #expect(parsed.from?.address == "service@kefu.example")
    }

    @Test("SMS: one message when it fits, numbered parts otherwise, cut at the gateway's limit")
    func smsParts() {
        #expect(SMSText.parts(String(repeating: "a", count: 160), maxParts: 3).count == 1)
        #expect(SMSText.parts(String(repeating: "中", count: 70), maxParts: 3).count == 1)
        let two = SMSText.parts(String(repeating: "中", count: 71), maxParts: 3)
        #expect(two.count == 2)
        #expect(two[0].hasPrefix("(1/2) ") && two[1].hasPrefix("(2/2) "))
        #expect(two.allSatisfy { $0.count <= 67 })
        let cut = SMSText.parts(String(repeating: "b", count: 1000), maxParts: 3)
        #expect(cut.count == 3)
        #expect(cut.allSatisfy { $0.count <= 153 })
        #expect(cut[2].hasSuffix("…"))
    }

    @Test("quiet hours over midnight hold until the morning in the customer's zone")
    func quietHours() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let hours = QuietHours(start: 22 * 60, end: 8 * 60, timeZone: shanghai)
        // 23:30 in Shanghai is 15:30 UTC.
        let late = try #require(ISO8601DateFormatter().date(from: "2026-11-24T15:30:00Z"))
        #expect(hours.heldUntil(late) == ISO8601DateFormatter().date(from: "2026-11-25T00:00:00Z"))
        let early = try #require(ISO8601DateFormatter().date(from: "2026-11-24T21:00:00Z"))  // 05:00 local
        #expect(hours.heldUntil(early) == ISO8601DateFormatter().date(from: "2026-11-25T00:00:00Z"))
        let day = try #require(ISO8601DateFormatter().date(from: "2026-11-24T04:00:00Z"))  // 12:00 local
        #expect(hours.heldUntil(day) == nil)
    }

    @Test("backoff doubles, is capped, and jitters within half to all of the step")
    func backoff() {
        let backoff = Backoff(base: 30, cap: 3600)
        #expect(backoff.delay(afterAttempt: 1, random: 1) == 30)
        #expect(backoff.delay(afterAttempt: 1, random: 0) == 15)
        #expect(backoff.delay(afterAttempt: 4, random: 1) == 240)
        #expect(backoff.delay(afterAttempt: 20, random: 1) == 3600)
    }

    @Test("webhook signature is HMAC-SHA256 over timestamp.body")
    func signature() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret-secret-secret
        let header = WebhookSignature.sign(Array(#"{"a":1}"#.utf8), secret: "secret-secret-secret",
                                           at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(header == "t=1700000000,v1=" + WebhookSignature.mac(Array(#"{"a":1}"#.utf8), secret: "secret-secret-secret",
                                                                   timestamp: 1_700_000_000))
        #expect(header.hasSuffix(Self.opensslMAC))
    }

    static let opensslMAC = "fa345d5b654e6667128855e14a4938c54b5b813699e6b72c5c4f501aa493ba92"

    @Test("webhook targets on loopback and private networks are refused unless allowed")
    func addressPolicy() async {
        for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                        "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"] {
            #expect(WebhookAddressPolicy.isPrivate(address), "\(address)")
        }
        for address in ["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888"] {
            #expect(!WebhookAddressPolicy.isPrivate(address), "\(address)")
        }
        #expect(await WebhookAddressPolicy.problem(with: "http://127.0.0.1:9/hook", allowPrivate: false) != nil)
        #expect(await WebhookAddressPolicy.problem(with: "http://localhost/hook", allowPrivate: false) != nil)
        #expect(await WebhookAddressPolicy.problem(with: "http://127.0.0.1:9/hook", allowPrivate: true) == nil)
        #expect(await WebhookAddressPolicy.problem(with: "ftp://example.com/", allowPrivate: true) != nil)
        #expect(await WebhookAddressPolicy.problem(with: "http://user:pw@example.com/", allowPrivate: true) != nil)
    }
}
