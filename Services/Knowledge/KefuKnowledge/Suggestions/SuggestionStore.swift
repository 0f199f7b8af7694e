import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The suggestions kept for a ticket.
struct TicketSuggestionsView: Codable, Sendable, RowDecodable {
    var ticketNumber: String
    var articles: [TicketSuggestions.Article]
    var createdAt: Date
    var closedByArticle: String?
    var closedAt: Date?
    /// The articles an agent used in a reply.
    var used: [String]

    enum CodingKeys: String, CodingKey {
        case articles, used
        case ticketNumber = "ticket_number"
        case createdAt = "created_at"
        case closedByArticle = "closed_by_article"
        case closedAt = "closed_at"
    }
}

/// What feedback says about an article.
enum FeedbackKind: String, Codable, Sendable, CaseIterable {
    case used, solved, helpful, unhelpful
}

enum SuggestionStore {
    static func keep(_ number: String, token: String, language: String?, articles: [TicketSuggestions.Article],
                     in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO knowledge.suggestions (ticket_number, token, language, articles) VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (ticket_number) DO NOTHING
            """, [number, token, ArticleLanguage.normalised(language), String(decoding: try KefuJSON.encode(articles), as: UTF8.self)])
    }

    static let viewColumns = """
        s.ticket_number, s.articles::text AS articles, s.created_at, s.closed_by_article, s.closed_at,
        (SELECT coalesce(json_agg(f.article_id), '[]') FROM knowledge.feedback f
          WHERE f.ticket_number = s.ticket_number AND f.kind = 'used')::text AS used
        """

    static func load(_ number: String, on connection: PostgresConnection) throws -> TicketSuggestionsView? {
        try connection.query("SELECT \(viewColumns) FROM knowledge.suggestions s WHERE s.ticket_number = $1", [number])
            .first.map(TicketSuggestionsView.init)
    }

    /// The ticket a customer's link token belongs to.
    static func ticket(forToken token: String, on connection: PostgresConnection) throws -> TicketSuggestionsView? {
        try connection.query("SELECT \(viewColumns) FROM knowledge.suggestions s WHERE s.token = $1", [token])
            .first.map(TicketSuggestionsView.init)
    }

    /// Records feedback once per ticket, article and kind (any number of times without a ticket);
    /// the article's counts, and so its ranking, follow. False when it was recorded before.
    @discardableResult
    static func record(_ kind: FeedbackKind, article: UUID, ticket: String?, source: String, in work: UnitOfWork) throws -> Bool {
        let inserted = try work.query("""
            INSERT INTO knowledge.feedback (article_id, ticket_number, kind, source)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM knowledge.articles WHERE id = $1 AND deleted_at IS NULL)
            ON CONFLICT DO NOTHING
            """, [article, ticket, kind.rawValue, source]).affectedRows == 1
        if inserted {
            try work.query("""
                UPDATE knowledge.articles SET \(kind.rawValue) = \(kind.rawValue) + 1, change_xid = pg_current_xact_id() WHERE id = $1
                """, [article])
        }
        return inserted
    }

    /// The customer said the article solved it: the ticket is closed by it, once.
    static func markClosed(_ number: String, by article: UUID, in work: UnitOfWork) throws -> Bool {
        try work.query("""
            UPDATE knowledge.suggestions SET closed_by_article = $2, closed_at = now() WHERE ticket_number = $1 AND closed_at IS NULL
            """, [number, article]).affectedRows == 1
    }
}
