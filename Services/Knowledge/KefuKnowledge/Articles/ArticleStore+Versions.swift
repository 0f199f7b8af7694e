import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// One revision of an article: who made it, what it changed, and the article as it then was.
struct ArticleVersion: Codable, Sendable, RowDecodable {
    var revision: Int
    var action: String
    var changedBy: String
    var changedAt: Date
    var changes: [String]
    var article: Article

    enum CodingKeys: String, CodingKey {
        case revision, action, changes
        case changedBy = "changed_by"
        case changedAt = "changed_at"
        case article = "snapshot"
    }
}

extension ArticleStore {
    static func recordVersion(_ article: Article, action: String, changes: [String], by editor: String,
                              in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO knowledge.article_versions (article_id, revision, action, changed_by, changes, snapshot)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb)
            """, [article.id, article.revision, action, editor, changes, String(decoding: try KefuJSON.encode(article), as: UTF8.self)])
    }

    /// The history, newest first.
    static func versions(_ id: UUID, on connection: PostgresConnection) throws -> [ArticleVersion] {
        try connection.query("""
            SELECT revision, action, changed_by, changed_at, to_json(changes)::text AS changes, snapshot::text AS snapshot
            FROM knowledge.article_versions WHERE article_id = $1 ORDER BY revision DESC
            """, [id]).map(ArticleVersion.init)
    }

    static func version(_ id: UUID, revision: Int, on connection: PostgresConnection) throws -> ArticleVersion? {
        try connection.query("""
            SELECT revision, action, changed_by, changed_at, to_json(changes)::text AS changes, snapshot::text AS snapshot
            FROM knowledge.article_versions WHERE article_id = $1 AND revision = $2
            """, [id, revision]).first.map(ArticleVersion.init)
    }

    /// Makes an old revision's content the newest revision; the history keeps everything between.
    static func restore(_ id: UUID, revision: Int, by editor: String, in work: UnitOfWork) throws -> Article {
        guard let old = try version(id, revision: revision, on: work.connection), old.action != "deleted" else {
            throw Problem.notFound("revision \(revision) of article \(id)")
        }
        var input = old.article.input
        // The category may have gone since; the restored article then has none.
        if let category = input.category,
           try work.query("SELECT 1 FROM knowledge.categories WHERE id = $1", [category]).first == nil {
            input.category = nil
        }
        return try replace(id, with: input, by: editor, action: "restored \(revision)", in: work)
    }
}
