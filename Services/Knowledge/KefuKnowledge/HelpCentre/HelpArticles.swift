import Foundation
import KefuStorage

/// The help centre's lists of public articles, each titled in the page's language when it can be.
enum HelpArticles {
    private static func title(_ language: String) -> String {
        "coalesce(translations -> '\(language == "en" ? "en" : "zh-CN")' ->> 'title', translations -> '\(language == "en" ? "zh-CN" : "en")' ->> 'title')"
    }

    /// The articles people found most helpful.
    static func popular(limit: Int, language: String, on connection: PostgresConnection) throws -> [[String: String]] {
        try connection.query("""
            SELECT id::text AS id, \(title(language)) AS title FROM knowledge.articles
            WHERE visibility = 'public' AND deleted_at IS NULL
            ORDER BY helpful + solved - unhelpful DESC, updated_at DESC LIMIT \(limit)
            """).map { ["id": try $0.require("id"), "title": try $0.require("title")] }
    }

    static func inCategory(_ category: String, language: String, on connection: PostgresConnection) throws -> [[String: String]] {
        try connection.query("""
            SELECT id::text AS id, \(title(language)) AS title FROM knowledge.articles
            WHERE category_id = $1 AND visibility = 'public' AND deleted_at IS NULL ORDER BY title LIMIT 200
            """, [category]).map { ["id": try $0.require("id"), "title": try $0.require("title")] }
    }
}
