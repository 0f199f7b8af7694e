public import Foundation

/// An attachment, as intake records it: metadata only, never the content.
public struct MailAttachment: Sendable, Hashable {
    public let filename: String
    public let contentType: String
    public let size: Int
    /// Lower-case hex SHA-256 of the decoded content.
    public let sha256: String
}

/// A raw RFC 5322 message read into what a ticket needs: who sent it, the subject, readable
/// text, attachment metadata and the ids that thread it.
public struct MailMessage: Sendable {
    public let headers: MailHeaders
    public let from: MailAddress?
    public let subject: String?
    public let messageID: String?
    public let inReplyTo: [String]
    public let references: [String]
    public let date: Date?
    /// The readable text: the plain-text part, or the HTML part turned into text.
    public let text: String
    public let attachments: [MailAttachment]

    /// How deep multiparts may nest before the message is refused, so a crafted message cannot
    /// exhaust the stack.
    public static let maximumNesting = 16

    public init(parsing raw: [UInt8]) throws(MailError) {
        var (headers, bodyStart) = try MailHeaders.parse(raw[...], strict: true)
        let contentType = HeaderParameters(headers.first("Content-Type")?.raw ?? [], fallbackCharset: nil)
        headers.fallbackCharset = contentType["charset"]
        self.headers = headers

        var collector = PartCollector()
        try collector.walk(headers: headers, body: raw[bodyStart...], depth: 0)
        text = collector.text
        attachments = collector.attachments

        from = headers.text("From").flatMap(MailAddress.first(in:))
        subject = headers.text("Subject")
        messageID = headers.ascii("Message-ID").flatMap { MailAddress.messageIDs(in: $0).first }
        inReplyTo = headers.ascii("In-Reply-To").map(MailAddress.messageIDs(in:)) ?? []
        references = headers.ascii("References").map(MailAddress.messageIDs(in:)) ?? []
        date = headers.ascii("Date").flatMap(Self.parseDate)
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text.components(separatedBy: " (").first ?? text) { return date }
        }
        return nil
    }
}
