import HTTPTypes
import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

extension Article: RowDecodable {}

/// The articles' SQL: each write bumps the article's revision, records the revision whole in
/// `article_versions`, and marks `change_xid` for the search indexes to pick up.
enum ArticleStore {
    static let columns = """
        id, key, category_id AS category, to_json(tags)::text AS tags, to_json(products)::text AS products, visibility,
        translations::text AS translations, revision, source_ticket, created_by, updated_by, created_at, updated_at,
        helpful, unhelpful
        """

    static func load(_ id: UUID, on connection: PostgresConnection, forUpdate: Bool = false) throws -> Article? {
        try connection.query("SELECT \(columns) FROM knowledge.articles WHERE id = $1 AND deleted_at IS NULL\(forUpdate ? " FOR UPDATE" : "")",
                             [id]).first.map(Article.init)
    }

    static func load(key: String, on connection: PostgresConnection) throws -> Article? {
        try connection.query("SELECT \(columns) FROM knowledge.articles WHERE key = $1 AND deleted_at IS NULL FOR UPDATE",
                             [key]).first.map(Article.init)
    }

    struct ListFilter: Sendable {
        var visibility: Visibility?
        var category: String?
        var sourceTicket: String?
        var after: UUID?
        var limit = 100
    }

    static func list(_ filter: ListFilter, on connection: PostgresConnection) throws -> [Article] {
        var conditions = ["deleted_at IS NULL"]
        var parameters: [(any PostgresEncodable)?] = []
        func add(_ condition: String, _ value: any PostgresEncodable) {
            parameters.append(value)
            conditions.append(condition.replacingOccurrences(of: "?", with: "$\(parameters.count)"))
        }
        if let visibility = filter.visibility { add("visibility = ?", visibility.rawValue) }
        if let category = filter.category { add("category_id = ?", category) }
        if let ticket = filter.sourceTicket { add("source_ticket = ?", ticket) }
        if let after = filter.after { add("id > ?", after) }
        return try connection.query("""
            SELECT \(columns) FROM knowledge.articles WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(filter.limit)
            """, parameters).map(Article.init)
    }

    /// A new article from a validated, normalised input.
    static func create(_ input: ArticleInput, by editor: String, sourceTicket: String? = nil, in work: UnitOfWork) throws -> Article {
        try checkCategory(input.category, on: work.connection)
        let id = UUID()
        let inserted = try work.query("""
            INSERT INTO knowledge.articles (id, key, category_id, tags, products, visibility, translations, source_ticket,
                                            created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $9) ON CONFLICT (key) DO NOTHING
            """, [id, input.key, input.category, input.tags ?? [], input.products ?? [], (input.visibility ?? .draft).rawValue,
                  try translationsJSON(input.translations), sourceTicket, editor]).affectedRows
        guard inserted == 1 else {
            throw Problem(.conflict, title: "Key taken", detail: "another article has this key", errors: [
                FieldError(field: "/key", message: "already used by another article")])
        }
        let article = try load(id, on: work.connection)!
        try recordVersion(article, action: "created", changes: [], by: editor, in: work)
        return article
    }

    /// Replaces an article's content; a stale `revision` in the input is a 409.
    static func replace(_ id: UUID, with input: ArticleInput, by editor: String, action: String = "updated",
                        in work: UnitOfWork) throws -> Article {
        guard let current = try load(id, on: work.connection, forUpdate: true) else { throw Problem.notFound("article \(id)") }
        if let revision = input.revision, revision != current.revision {
            throw Problem.conflict("Article changed", detail: "revision \(revision) is not the latest (\(current.revision)); reload and edit again")
        }
        try checkCategory(input.category, on: work.connection)
        let changes = changedFields(from: current, to: input)
        guard !changes.isEmpty || action != "updated" else { return current }
        do {
            try work.query("""
                UPDATE knowledge.articles SET key = $2, category_id = $3, tags = $4, products = $5, visibility = $6,
                    translations = $7::jsonb, revision = revision + 1, updated_by = $8, updated_at = now(),
                    change_xid = pg_current_xact_id()
                WHERE id = $1
                """, [id, input.key, input.category, input.tags ?? [], input.products ?? [], (input.visibility ?? .draft).rawValue,
                      try translationsJSON(input.translations), editor])
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw Problem(.conflict, title: "Key taken", detail: "another article has this key", errors: [
                FieldError(field: "/key", message: "already used by another article")])
        }
        let article = try load(id, on: work.connection)!
        try recordVersion(article, action: action, changes: changes, by: editor, in: work)
        return article
    }

    /// Deletes an article, keeping its history; its key is free again for a new article.
    static func delete(_ id: UUID, by editor: String, in work: UnitOfWork) throws {
        guard let current = try load(id, on: work.connection, forUpdate: true) else { throw Problem.notFound("article \(id)") }
        try work.query("""
            UPDATE knowledge.articles SET deleted_at = now(), key = NULL, revision = revision + 1, updated_by = $2, updated_at = now(),
                change_xid = pg_current_xact_id() WHERE id = $1
            """, [id, editor])
        var deleted = current
        deleted.revision += 1
        try recordVersion(deleted, action: "deleted", changes: [], by: editor, in: work)
    }

    private static func checkCategory(_ category: String?, on connection: PostgresConnection) throws {
        guard let category else { return }
        guard try connection.query("SELECT 1 FROM knowledge.categories WHERE id = $1", [category]).first != nil else {
            throw Problem.invalid([FieldError(field: "/category", message: "no such category")])
        }
    }

    static func translationsJSON(_ translations: [String: Translation]) throws -> String {
        String(decoding: try KefuJSON.encode(translations), as: UTF8.self)
    }

    /// Which fields an edit changes, as `title.en`, `body.zh-CN`, `visibility`, …
    static func changedFields(from article: Article, to input: ArticleInput) -> [String] {
        var changes: [String] = []
        if article.key != input.key { changes.append("key") }
        if article.category != input.category { changes.append("category") }
        if article.tags != (input.tags ?? []) { changes.append("tags") }
        if article.products != (input.products ?? []) { changes.append("products") }
        if article.visibility != (input.visibility ?? .draft) { changes.append("visibility") }
        for language in ArticleLanguage.all {
            let old = article.translations[language], new = input.translations[language]
            if old?.title != new?.title { changes.append("title.\(language)") }
            if old?.body != new?.body { changes.append("body.\(language)") }
        }
        return changes
    }
}

extension Article {
    /// The input that would recreate this article as it is.
    var input: ArticleInput {
        ArticleInput(key: key, category: category, tags: tags, products: products, visibility: visibility,
                     translations: translations, revision: nil)
    }
}
