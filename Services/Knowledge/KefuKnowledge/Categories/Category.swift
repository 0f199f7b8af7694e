import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A node of the category tree articles are filed under.
struct Category: Codable, Sendable, Equatable, RowDecodable {
    var id: String
    var parentID: String?
    var names: [String: String]
    var position: Int

    enum CodingKeys: String, CodingKey {
        case id, names, position
        case parentID = "parent_id"
    }

    func name(in language: String) -> String { names[language] ?? names["zh-CN"] ?? id }
}

struct CategoryInput: Decodable, Sendable {
    var parentID: String?
    var names: [String: String]
    var position: Int?

    enum CodingKeys: String, CodingKey {
        case names, position
        case parentID = "parent_id"
    }

    var problems: [FieldError] {
        var errors: [FieldError] = []
        for language in ArticleLanguage.all {
            let name = names[language]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if name.isEmpty || name.count > 80 {
                errors.append(FieldError(field: "/names/\(language)", message: "1 to 80 characters, in both languages"))
            }
        }
        for language in names.keys.sorted() where !ArticleLanguage.all.contains(language) {
            errors.append(FieldError(field: "/names/\(language)", message: "must be zh-CN or en"))
        }
        if let position, !(-1_000_000...1_000_000).contains(position) {
            errors.append(FieldError(field: "/position", message: "must be from -1000000 to 1000000"))
        }
        if let parentID, !ArticleInput.isSlug(parentID, limit: 40) {
            errors.append(FieldError(field: "/parent_id", message: "must be a category id"))
        }
        return errors
    }
}

enum CategoryStore {
    static let columns = """
        id, parent_id, json_build_object('zh-CN', name_zh, 'en', name_en)::text AS names, position
        """

    static func all(on connection: PostgresConnection) throws -> [Category] {
        try connection.query("SELECT \(columns) FROM knowledge.categories ORDER BY position, id").map(Category.init)
    }

    /// Creates or replaces a category; a parent that does not exist, or one that would make a
    /// loop, is a 422.
    static func put(_ id: String, _ input: CategoryInput, in work: UnitOfWork) throws -> Category {
        if let parent = input.parentID {
            let ancestors = try work.query("""
                WITH RECURSIVE up(id, parent_id) AS (
                    SELECT id, parent_id FROM knowledge.categories WHERE id = $1
                    UNION SELECT c.id, c.parent_id FROM knowledge.categories c JOIN up ON c.id = up.parent_id)
                SELECT id FROM up
                """, [parent]).map { try $0.require("id", as: String.self) }
            guard !ancestors.isEmpty else { throw Problem.invalid([FieldError(field: "/parent_id", message: "no such category")]) }
            guard !ancestors.contains(id) else {
                throw Problem.invalid([FieldError(field: "/parent_id", message: "would put the category inside itself")])
            }
        }
        try work.query("""
            INSERT INTO knowledge.categories (id, parent_id, name_zh, name_en, position) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name_zh = excluded.name_zh,
                name_en = excluded.name_en, position = excluded.position, updated_at = now()
            """, [id, input.parentID, input.names["zh-CN"]!.trimmingCharacters(in: .whitespacesAndNewlines),
                  input.names["en"]!.trimmingCharacters(in: .whitespacesAndNewlines), input.position ?? 0])
        return try work.query("SELECT \(columns) FROM knowledge.categories WHERE id = $1", [id]).first.map(Category.init)!
    }

    /// Only an empty category goes: no articles filed under it, no categories inside it.
    static func delete(_ id: String, in work: UnitOfWork) throws {
        guard try work.query("SELECT 1 FROM knowledge.categories WHERE id = $1 FOR UPDATE", [id]).first != nil else {
            throw Problem.notFound("category \(id)")
        }
        if try work.query("SELECT 1 FROM knowledge.categories WHERE parent_id = $1 LIMIT 1", [id]).first != nil {
            throw Problem.conflict("Category not empty", detail: "move or delete the categories inside it first")
        }
        if try work.query("SELECT 1 FROM knowledge.articles WHERE category_id = $1 AND deleted_at IS NULL LIMIT 1", [id]).first != nil {
            throw Problem.conflict("Category not empty", detail: "articles are filed under it; file them elsewhere first")
        }
        // Deleted articles keep no link to it; their versions still name it.
        try work.query("UPDATE knowledge.articles SET category_id = NULL WHERE category_id = $1", [id])
        try work.query("DELETE FROM knowledge.categories WHERE id = $1", [id])
    }
}
