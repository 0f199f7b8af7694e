public import Foundation

/// A mail Kefu sends: UTF-8 text and HTML as multipart/alternative, with the subject encoded
/// per RFC 2047 and every header value stripped of line breaks, so nothing a customer typed can
/// add a header.
public struct OutgoingMail: Sendable {
    public struct Mailbox: Sendable, Hashable {
        public var address: String
        public var name: String?

        public init(_ address: String, name: String? = nil) {
            self.address = address
            self.name = name
        }
    }

    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var text: String
    public var html: String?
    /// Without the angle brackets.
    public var messageID: String
    /// Message ids this one answers, without angle brackets, for the reader's threading.
    public var references: [String] = []
    public var date: Date
    /// Extra headers, e.g. `Auto-Submitted`; values are made header-safe like the rest.
    public var headers: [(String, String)] = []

    public init(from: Mailbox, to: Mailbox, subject: String, text: String, html: String? = nil, messageID: String,
                references: [String] = [], date: Date = Date(), headers: [(String, String)] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.references = references
        self.date = date
        self.headers = headers
    }

    /// The message as it goes over SMTP, CRLF line ends. `boundary` is random unless given.
    public func rendered(boundary: String = "kefu-" + UUID().uuidString.lowercased()) -> [UInt8] {
        var lines: [String] = []
        lines.append("From: " + Self.mailbox(from))
        lines.append("To: " + Self.mailbox(to))
        lines.append("Subject: " + HeaderEncoding.encodedWords(subject, leading: "Subject: ".count))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: <\(HeaderEncoding.safe(messageID))>")
        if let parent = references.last {
            lines.append("In-Reply-To: <\(HeaderEncoding.safe(parent))>")
            lines.append("References: " + references.map { "<\(HeaderEncoding.safe($0))>" }.joined(separator: " "))
        }
        for (name, value) in headers {
            lines.append("\(HeaderEncoding.safe(name)): \(HeaderEncoding.encodedWords(value, leading: name.count + 2))")
        }
        lines.append("MIME-Version: 1.0")
        if let html {
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines += Self.part(text, type: "text/plain")
            lines.append("--\(boundary)")
            lines += Self.part(html, type: "text/html")
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(text, type: "text/plain")
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    private static func part(_ body: String, type: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            + base64Lines(Array(body.utf8))
    }

    private static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    private static func mailbox(_ mailbox: Mailbox) -> String {
        let address = "<\(HeaderEncoding.safe(mailbox.address))>"
        guard let name = mailbox.name.map(HeaderEncoding.safe), !name.isEmpty else { return address }
        if name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }) { return "\(name) \(address)" }
        return "\(HeaderEncoding.encodedWords(name, leading: 6)) \(address)"
    }

    private static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
