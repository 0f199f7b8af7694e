import Foundation
import KefuCurl
import KefuMail
import Testing

/// The libcurl SMTP client against the test SMTP server: STARTTLS on its port, implicit TLS on
/// the next, a login on both.
@Suite("SMTP client")
struct SMTPClientTests {
    let port: Int
    let password: String
    let caFile: String

    init() throws {
        port = Int(try Stack.value("KEFU_SMTP_PORT"))!
        password = try Stack.value("KEFU_SMTP_PASSWORD")
        caFile = try Stack.value("KEFU_SMTP_CA_FILE")
    }

    func configuration(port: Int, security: SMTPClient.Configuration.Security, password: String? = nil,
                       trusted: Bool = true) -> SMTPClient.Configuration {
        var configuration = SMTPClient.Configuration(host: "127.0.0.1", port: port, security: security, username: "kefu",
                                                     password: password ?? self.password)
        if trusted { configuration.options.caFile = caFile }
        configuration.options.timeout = .seconds(5)
        return configuration
    }

    func message(to recipient: String) -> [UInt8] {
        OutgoingMail(from: .init("service@kefu.example"), to: .init(recipient), subject: "测试 SMTP", text: "正文",
                     html: "<p>正文</p>", messageID: "kefu.T-1.\(UUID().uuidString.lowercased())@kefu.example").rendered()
    }

    @Test("STARTTLS and implicit TLS with a login both deliver, and one client sends twice over its connection")
    func delivers() throws {
        for (port, security) in [(port, SMTPClient.Configuration.Security.startTLS), (port + 1, .implicitTLS)] {
            let recipient = "\(unique("smtp"))@example.com"
            let client = try SMTPClient(configuration(port: port, security: security))
            let first = try client.send(from: "service@kefu.example", to: [recipient], message: message(to: recipient))
            let second = try client.send(from: "service@kefu.example", to: [recipient], message: message(to: recipient))
            #expect(first.code == 250 && first.reply.hasPrefix("250"))
            #expect(second.code == 250)
            #expect(try Outside.mails(containing: "X-Kefu-Envelope-To: \(recipient)").count == 2)
        }
    }

    @Test("a wrong password, a refused plain session, an untrusted certificate and a closed port each fail by name")
    func failures() throws {
        let recipient = "nobody@example.com"
        func failure(_ configuration: SMTPClient.Configuration) throws -> CurlError? {
            do {
                _ = try SMTPClient(configuration).send(from: "service@kefu.example", to: [recipient], message: message(to: recipient))
                return nil
            } catch {
                return error
            }
        }
        #expect(try failure(configuration(port: port, security: .startTLS, password: "wrong-password"))?.code == .loginDenied)
        // The server demands STARTTLS before anything else: a plain session is refused with 530.
        let plain = try failure(configuration(port: port, security: .none))
        #expect(plain?.code == .refused || plain?.code == .loginDenied)
        #expect(try failure(configuration(port: port, security: .startTLS, trusted: false))?.code == .tls)
        #expect(try failure(configuration(port: 9, security: .none))?.code == .couldNotConnect)
    }
}
