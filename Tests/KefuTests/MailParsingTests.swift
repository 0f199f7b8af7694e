import Foundation
import KefuContracts
@testable import KefuIntake
import KefuMail
import Testing

/// The mail fixtures under Tests/Fixtures/mail, shared with the integration tests.
enum MailFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/mail")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func message(_ name: String) throws -> MailMessage {
        try MailMessage(parsing: bytes(name))
    }
}

@Suite("Reading raw email")
struct MailParsingTests {
    @Test("GBK headers in RFC 2047 words and a raw GBK body")
    func gbk() throws {
        let mail = try MailFixture.message("gbk-rfc2047.eml")
        #expect(mail.subject == "泵车臂架无法展开，工地急用")
        #expect(mail.from == MailAddress(name: "张伟", address: "zhang.wei@example.cn"))
        #expect(mail.messageID == "gbk-0001@mail.example.cn")
        #expect(mail.text.contains("泵车臂架无法展开，型号SYM5，序列号ZL-88123。"))
        #expect(mail.text.contains("请尽快安排工程师。"))
        #expect(mail.date == Date(timeIntervalSince1970: 1_795_392_000))
        #expect(mail.automaticReason == nil)
    }

    @Test("Big5 with a Q-encoded subject and a base64 body")
    func big5() throws {
        let mail = try MailFixture.message("big5.eml")
        #expect(mail.subject == "印表機故障")
        #expect(mail.from?.name == "Chen")
        #expect(mail.text.hasPrefix("您好，印表機無法列印，請協助處理。"))
    }

    @Test("GB2312 label with GBK-only characters, and a raw 8-bit subject")
    func gb2312Superset() throws {
        let mail = try MailFixture.message("gb2312-raw-subject.eml")
        #expect(mail.subject == "配件申请：滤芯")
        #expect(mail.from?.name == "刘洋")
        #expect(mail.text == "需要更换滤芯两只，镕字测试。")
    }

    @Test("HTML-only quoted-printable mail becomes readable text")
    func htmlOnly() throws {
        let mail = try MailFixture.message("qp-html-only.eml")
        #expect(mail.text == """
            Hello,

            The pump truck's boom will not unfold & the site is waiting.

            - Model: SYM5
            - Serial: ZL-88123

            Café owner
            Li Na
            """)
        #expect(!mail.text.contains("color"))
        #expect(!mail.text.contains("alert"))
        #expect(!mail.text.contains("ignored title"))
    }

    @Test("multipart/mixed with alternatives and attachments keeps the text part and attachment metadata")
    func multipart() throws {
        let mail = try MailFixture.message("multipart-attachment.eml")
        #expect(mail.subject == "安装调试 request")
        #expect(mail.from == MailAddress(name: "王芳", address: "wang.fang@example.com"))
        #expect(mail.text == "新设备需要安装调试，照片和发票见附件。")
        let expected = try String(decoding: MailFixture.bytes("multipart-attachment.expected"), as: UTF8.self)
            .split(separator: "\n").map { $0.split(separator: " ") }
        try #require(mail.attachments.count == 2)
        #expect(mail.attachments[0].filename == "照片.jpg")
        #expect(mail.attachments[0].contentType == "image/jpeg")
        #expect(String(mail.attachments[0].size) == expected[0][0])
        #expect(mail.attachments[0].sha256 == String(expected[0][1]))
        #expect(mail.attachments[1].filename == "invoice.pdf")
        #expect(String(mail.attachments[1].size) == expected[1][0])
        #expect(mail.attachments[1].sha256 == String(expected[1][1]))
    }

    @Test("bounces and auto-replies are recognised", arguments: [
        ("bounce.eml", "Auto-Submitted: auto-replied"),
        ("auto-reply.eml", "Auto-Submitted: auto-replied"),
    ])
    func automatic(fixture: String, reason: String) throws {
        #expect(try MailFixture.message(fixture).automaticReason == reason)
    }

    @Test("each sign of a machine-sent message is enough on its own", arguments: [
        "From: MAILER-DAEMON@mx.example.com\r\nSubject: failure\r\n\r\nx",
        "From: a@example.com\r\nPrecedence: bulk\r\n\r\nx",
        "From: a@example.com\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n",
        "From: a@example.com\r\nReturn-Path: <>\r\n\r\nx",
        "From: a@example.com\r\nX-Autorespond: yes\r\n\r\nx",
    ])
    func automaticSigns(raw: String) throws {
        #expect(try MailMessage(parsing: Array(raw.utf8)).automaticReason != nil)
    }

    @Test("a person's mail with Auto-Submitted: no is not automatic")
    func autoSubmittedNo() throws {
        let mail = try MailMessage(parsing: Array("From: a@example.com\r\nAuto-Submitted: no\r\n\r\nhello".utf8))
        #expect(mail.automaticReason == nil)
        #expect(mail.text == "hello")
    }

    @Test("bytes that are not mail are refused with a clear error")
    func garbage() throws {
        #expect(throws: MailError.self) { try MailFixture.message("garbage.bin") }
        do {
            _ = try MailFixture.message("garbage.bin")
        } catch {
            #expect("\(error)" == "not an RFC 5322 message (line 1 is not a header field)")
        }
        #expect(throws: MailError.self) { try MailMessage(parsing: []) }
    }

    @Test("threading headers, folded lines and LF-only line ends")
    func threadingHeaders() throws {
        let raw = "From: a@example.com\nSubject: Re: [KF-20261123-000042]\n  still broken\n"
            + "In-Reply-To: <kefu.KF-20261123-000042.abc@kefu.example>\n"
            + "References: <first@example.com>\n <kefu.KF-20261123-000042.abc@kefu.example>\n\nbody\n"
        let mail = try MailMessage(parsing: Array(raw.utf8))
        #expect(mail.subject == "Re: [KF-20261123-000042]  still broken")
        #expect(mail.inReplyTo == ["kefu.KF-20261123-000042.abc@kefu.example"])
        #expect(mail.references == ["first@example.com", "kefu.KF-20261123-000042.abc@kefu.example"])
        #expect(mail.text == "body")
    }

    @Test("MIME parts nested past the limit are refused, not recursed into")
    func nestingBomb() throws {
        var raw = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for depth in 0...MailMessage.maximumNesting + 1 {
            raw += "--b\(depth)\r\nContent-Type: multipart/mixed; boundary=b\(depth + 1)\r\n\r\n"
        }
        #expect(throws: MailError.self) { try MailMessage(parsing: Array(raw.utf8)) }
    }

    @Test("adjacent encoded words join, even when a character is split between them")
    func splitEncodedWords() throws {
        // "服务" in UTF-8 is E6 9C 8D E5 8A A1; the second word starts mid-character.
        let raw = "From: a@example.com\r\nSubject: =?UTF-8?Q?=E6=9C?= =?UTF-8?Q?=8D=E5=8A=A1?= ok\r\n\r\nx"
        #expect(try MailMessage(parsing: Array(raw.utf8)).subject == "服务 ok")
    }
}

@Suite("Mail and JSON with NUL characters")
struct NULTests {
    @Test("a NUL in a JSON string is a field error, never a database failure")
    func json() {
        let body = #"{"submission_id":"n1","channel":"web","customer":{"phone":"13800000000"},"body":"a\u0000b","metadata":{"k":"\u0000"}}"#
        guard case .failure(let error) = Submission.validate(json: Array(body.utf8)) else {
            Issue.record("a NUL was accepted")
            return
        }
        #expect(error.errors.map(\.field) == ["/body", "/metadata/k"])
        #expect(error.errors.first?.message == "must not contain NUL characters")
    }

    @Test("NULs are dropped from everything a mail gives the ticket")
    func mail() throws {
        let raw = Array("From: a@example.com\r\nSubject: s\r\nMessage-ID: <m@x>\r\n\r\n".utf8) + [0x35, 0x93, 0x00, 0xD2, 0x00, 0x41]
        let incoming = try EmailSubmission.make(from: raw, integrator: "amqp", ticketPrefix: "KF").get()
        #expect(!incoming.submission.body.utf8.contains(0))
        #expect(incoming.submission.body.hasSuffix("A"))
        #expect("a\u{0}\u{93}b\u{0}".replacingNUL(with: "?") == "a?\u{93}b?")
    }
}
