public import Foundation

/// knowledge → notification, console: the articles suggested for a new ticket, best first. Sent
/// for every ticket, with no articles when none scored above the floor, so that an
/// acknowledgement waiting for them never waits in vain.
public struct TicketSuggestions: WorkMessage, Hashable {
    public static let messageType = "ticket.suggestions"

    public struct Article: Codable, Sendable, Hashable {
        public var id: String
        public var title: String
        /// `zh-CN` or `en`: the language of the version suggested.
        public var language: String
        /// `internal` (for staff only) or `public` (the customer may be sent it).
        public var visibility: String
        /// From 0 to 1: the share of the ticket's search terms the article matched, weighted.
        public var score: Double
        /// The article in the help centre, with the ticket's token, for a public article.
        public var url: String?

        public init(id: String, title: String, language: String, visibility: String, score: Double, url: String?) {
            self.id = id
            self.title = title
            self.language = language
            self.visibility = visibility
            self.score = score
            self.url = url
        }
    }

    public var ticketNumber: String
    public var articles: [Article]
    public var suggestedAt: Date

    enum CodingKeys: String, CodingKey {
        case articles
        case ticketNumber = "ticket_number"
        case suggestedAt = "suggested_at"
    }

    public init(ticketNumber: String, articles: [Article], suggestedAt: Date) {
        self.ticketNumber = ticketNumber
        self.articles = articles
        self.suggestedAt = suggestedAt
    }

    /// The ones a customer may be shown.
    public var publicArticles: [Article] { articles.filter { $0.visibility == "public" } }
}
