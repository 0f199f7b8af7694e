import Foundation
import KefuServiceKit
import KefuStorage

/// How the suggestions do, over tickets created in a period: how often an agent or customer took
/// one (acceptance), how many tickets an article closed, and the help centre's votes.
struct SuggestionReport: Codable, Sendable, RowDecodable {
    var tickets: Int
    var ticketsWithSuggestions: Int
    var ticketsAccepted: Int
    var acceptanceRate: Double?
    var closedByArticle: Int
    var helpful: Int
    var unhelpful: Int

    enum CodingKeys: String, CodingKey {
        case tickets, helpful, unhelpful
        case ticketsWithSuggestions = "tickets_with_suggestions"
        case ticketsAccepted = "tickets_accepted"
        case acceptanceRate = "acceptance_rate"
        case closedByArticle = "closed_by_article"
    }

    static func load(from: Date, to: Date, on connection: PostgresConnection) throws -> SuggestionReport {
        try connection.query("""
            WITH period AS (
                SELECT ticket_number, jsonb_array_length(articles) > 0 AS suggested, closed_at IS NOT NULL AS closed,
                       EXISTS (SELECT 1 FROM knowledge.feedback f WHERE f.ticket_number = s.ticket_number
                                 AND f.kind IN ('used', 'solved')) AS accepted
                FROM knowledge.suggestions s WHERE created_at >= $1 AND created_at < $2
            ), votes AS (
                SELECT count(*) FILTER (WHERE kind = 'helpful') AS helpful, count(*) FILTER (WHERE kind = 'unhelpful') AS unhelpful
                FROM knowledge.feedback WHERE created_at >= $1 AND created_at < $2
            )
            SELECT count(*)::int AS tickets, count(*) FILTER (WHERE suggested)::int AS tickets_with_suggestions,
                   count(*) FILTER (WHERE accepted)::int AS tickets_accepted,
                   round((count(*) FILTER (WHERE accepted))::numeric / nullif(count(*) FILTER (WHERE suggested), 0), 4)::float8
                       AS acceptance_rate,
                   count(*) FILTER (WHERE closed)::int AS closed_by_article,
                   (SELECT helpful FROM votes)::int AS helpful, (SELECT unhelpful FROM votes)::int AS unhelpful
            FROM period
            """, [from, to]).first.map(SuggestionReport.init)!
    }
}
